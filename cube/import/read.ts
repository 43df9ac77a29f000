/**
 * Files to rows of text: CSV/TSV (RFC 4180 quoting) in UTF-8, with or
 * without a BOM, or GB18030/GBK (what Excel on a Chinese Windows writes),
 * and .xlsx (its first sheet, through exceljs). The encoding is detected,
 * not assumed: valid UTF-8 is UTF-8, anything else must decode as GB18030.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { entityOfFile, type EntityName } from './contract.ts';
import { scanRecords, textCursor, trimmed, type RowCursor } from './csv.ts';
import { msg, type Message } from './messages.ts';

export type { FilePart, RowCursor } from './csv.ts';

export interface InputFile {
  name: string;
  bytes: Uint8Array;
  /** Seconds taken to read the bytes from disk (a file read by `readFolder`). */
  readSeconds?: number;
}

export interface Sheet {
  file: string;
  entity: EntityName;
  encoding: 'UTF-8' | 'UTF-8 BOM' | 'GB18030' | 'xlsx';
  header: string[];
  /**
   * Hands over the data rows in order, trimmed, empty ones skipped, each
   * with its line (CSV: the physical line the record starts on; xlsx: the
   * row number); a CSV is parsed meanwhile. Returns the line of a quote never
   * closed (the rows after it are lost), else null.
   */
  eachRow(row: (line: number, cells: string[]) => void): number | null;
  /** The same rows a part at a time (a file streamed to the database as it is parsed). */
  cursor(): RowCursor;
  /** Seconds spent reading and decoding the file (the parse is timed with the rows' checks). */
  seconds: number;
}

export interface FileProblem {
  file: string;
  line: number | null;
  column: string | null;
  value: string | null;
  reason: Message;
  warning?: boolean;
}

export async function readFolder(folder: string): Promise<InputFile[]> {
  const names = (await readdir(folder, { withFileTypes: true })).filter((d) => d.isFile() && !d.name.startsWith('.') && !d.name.startsWith('~$'));
  // One after the other, so each file's time is its own.
  const files: InputFile[] = [];
  for (const d of names) {
    const started = performance.now();
    const bytes = await readFile(path.join(folder, d.name));
    files.push({ name: d.name, bytes, readSeconds: (performance.now() - started) / 1000 });
  }
  return files;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const gb18030 = new TextDecoder('gb18030', { fatal: true });

export function decodeText(bytes: Uint8Array): { text: string; encoding: Sheet['encoding'] } | Message {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return msg('utf16');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    try {
      return { text: utf8.decode(bytes.subarray(3)), encoding: 'UTF-8 BOM' };
    } catch {
      return msg('bad_encoding');
    }
  }
  try {
    return { text: utf8.decode(bytes), encoding: 'UTF-8' };
  } catch { /* not UTF-8: GB18030 next */ }
  // UTF-16 without a BOM: every other byte of ASCII text is zero.
  if (bytes.length >= 4 && (bytes[1] === 0 || bytes[0] === 0) && (bytes[3] === 0 || bytes[2] === 0)) return msg('utf16');
  try {
    return { text: gb18030.decode(bytes), encoding: 'GB18030' };
  } catch {
    return msg('bad_encoding');
  }
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    // Excel keeps wall-clock times without a zone; exceljs hands them over as UTC.
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  }
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    if ('error' in value) return String(value.error);
    return '';
  }
  return String(value);
}

async function readXlsx(bytes: Uint8Array): Promise<{ line: number; cells: string[] }[] | Message> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  } catch {
    return msg('unreadable_xlsx');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: { line: number; cells: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cellText(cell.value);
    });
    for (let k = 0; k < cells.length; k++) cells[k] ??= '';
    rows.push({ line: rowNumber, cells });
  });
  return rows;
}

/** Each file as a sheet of its entity; files that cannot be read or named are problems. */
export async function readSheets(files: InputFile[]): Promise<{ sheets: Sheet[]; problems: FileProblem[] }> {
  const sheets: Sheet[] = [];
  const problems: FileProblem[] = [];
  const seen = new Map<EntityName, string>();
  const fileProblem = (file: string, reason: Message, warning = false): void => {
    problems.push({ file, line: null, column: null, value: null, reason, ...(warning ? { warning } : {}) });
  };
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    const kind = entityOfFile(f.name);
    if (!kind) {
      fileProblem(f.name, msg('unknown_file'), true);
      continue;
    }
    const other = seen.get(kind.entity);
    if (other) {
      fileProblem(f.name, msg('duplicate_file', { other, entity: kind.entity }));
      continue;
    }
    seen.set(kind.entity, f.name);
    const started = performance.now();
    let header = null as string[] | null;
    let cursor: Sheet['cursor'];
    let encoding: Sheet['encoding'] = 'xlsx';
    if (kind.format === 'xlsx') {
      const read = await readXlsx(f.bytes);
      if (!Array.isArray(read)) {
        fileProblem(f.name, read);
        continue;
      }
      const rows = read.filter((r) => trimmed(r.cells));
      header = rows.shift()?.cells ?? null;
      cursor = () => {
        let at = 0;
        return {
          unclosedAt: null,
          next(row) {
            while (at < rows.length) {
              const r = rows[at++]!;
              if (row(r.line, r.cells)) break;
            }
            return at < rows.length;
          },
          done: () => (rows.length === 0 ? 1 : at / rows.length),
        };
      };
    } else {
      const decoded = decodeText(f.bytes);
      if ('key' in decoded) {
        fileProblem(f.name, decoded);
        continue;
      }
      encoding = decoded.encoding;
      const { text } = decoded;
      const firstLine = text.slice(0, text.search(/\r?\n|$/));
      const separator = kind.format === 'tsv' || (firstLine.includes('\t') && !firstLine.includes(',')) ? '\t' : ',';
      const after = { at: 0, line: 1 };
      const { unclosedAt } = scanRecords(text, separator, after, (_, cells) => {
        if (trimmed(cells)) header = cells;
        return header !== null;
      });
      if (unclosedAt !== null) {
        problems.push({ file: f.name, line: unclosedAt, column: null, value: null, reason: msg('bad_quotes') });
        continue;
      }
      cursor = () => textCursor(text, separator, after);
    }
    if (!header) {
      fileProblem(f.name, msg('empty_file'));
      continue;
    }
    const seconds = (performance.now() - started) / 1000 + (f.readSeconds ?? 0);
    const eachRow: Sheet['eachRow'] = (row) => {
      const c = cursor();
      while (c.next((line, cells) => void row(line, cells)));
      return c.unclosedAt;
    };
    sheets.push({ file: f.name, entity: kind.entity, encoding, header, eachRow, cursor, seconds });
  }
  return { sheets, problems };
}
