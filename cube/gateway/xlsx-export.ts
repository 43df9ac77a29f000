/**
 * The same list as an Excel workbook, written on the server (exceljs stays
 * out of the page bundle) and streamed: numbers are numbers with a number
 * format, dates and times are dates, labels are text. Same columns, comment
 * line and paging as the CSV (csv-export.ts).
 */
import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { csvText, roundDecimal, wallTime } from '../../web/src/lib/csv.ts';
import { exportPages, type ExportColumn, type ExportRequest } from './csv-export.ts';
import type { CubeQuery } from './query-schema.ts';

export interface XlsxCell {
  value: string | number | Date | null;
  numFmt?: string;
}

export const XLSX_FORMATS = { integer: '#,##0', money: '#,##0.00', ratio: '0.0%', date: 'yyyy-mm-dd', time: 'yyyy-mm-dd hh:mm' } as const;

/**
 * A workbook date holds a wall time without a zone: the business zone's
 * wall time is written as if it were UTC, which is how exceljs reads a Date.
 */
function wallDate(date: string, time = '00:00'): Date {
  const [y, m, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!, h!, mi!));
}

/** One typed cell; a value that does not read as its kind stays text, as the CSV writes it. */
export function xlsxCell(value: unknown, column: ExportColumn, timeZone: string): XlsxCell {
  if (value === null || value === undefined || value === '') return { value: null };
  const kind = column.kind ?? 'text';
  const number = (places: number, numFmt: string): XlsxCell => {
    const text = roundDecimal(value, places);
    return text === null ? { value: String(value) } : { value: Number(text), numFmt };
  };
  switch (kind) {
    case 'integer': return number(0, XLSX_FORMATS.integer);
    case 'money': return number(2, XLSX_FORMATS.money);
    // The fraction itself: Excel shows it as a percentage and computes with it.
    case 'ratio': return number(6, XLSX_FORMATS.ratio);
    case 'date':
    case 'time': {
      const at = wallTime(value, timeZone);
      if (!at) return { value: String(value) };
      return kind === 'date' ? { value: wallDate(at.date), numFmt: XLSX_FORMATS.date } : { value: wallDate(at.date, at.time), numFmt: XLSX_FORMATS.time };
    }
    default: return { value: csvText(value, column, timeZone) };
  }
}

/** The workbook, one sheet: the comment, the titles (bold, frozen), then the rows. */
export function xlsxStream(request: ExportRequest, loadPage: (query: CubeQuery) => Promise<Array<Record<string, unknown>>>): Readable {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const { columns, timeZone } = request;
  const titleRow = request.comment ? 2 : 1;
  const sheet = workbook.addWorksheet('data', { views: [{ state: 'frozen', ySplit: titleRow }] });
  sheet.columns = columns.map((c) => ({ width: Math.min(40, Math.max(10, c.title.length * 2 + 2)) }));
  (async () => {
    if (request.comment) sheet.addRow([request.comment.startsWith('#') ? request.comment : `# ${request.comment}`]).commit();
    const titles = sheet.addRow(columns.map((c) => c.title));
    titles.font = { bold: true };
    titles.commit();
    for await (const rows of exportPages(request, loadPage)) {
      for (const cells of rows) {
        const typed = cells.map((v, i) => xlsxCell(v, columns[i]!, timeZone));
        const row = sheet.addRow(typed.map((t) => t.value));
        typed.forEach((t, i) => { if (t.numFmt) row.getCell(i + 1).numFmt = t.numFmt; });
        row.commit();
      }
    }
    sheet.commit();
    await workbook.commit();
  })().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return out;
}
