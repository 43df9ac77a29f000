/**
 * The whole of a list as CSV, streamed: the query is checked like any load
 * (allow-list, the role's limits, masking in the model) and read from Cube a
 * page at a time, so neither the server nor the browser holds the list.
 * UTF-8 with a BOM so Excel opens Chinese correctly.
 */
import { Readable } from 'node:stream';
import { HttpError } from './http-error.ts';
import type { CubeQuery } from './query-schema.ts';
import { CSV_KINDS, csvCell, csvText, type CsvColumnFormat } from '../../web/src/lib/csv.ts';

export { csvCell };

/** A column of the file: the member it reads, its title in the page's words, and how its values are written. */
export interface ExportColumn extends CsvColumnFormat {
  member: string;
  title: string;
}

export const EXPORT_PAGE_ROWS = 10_000;
export const EXPORT_MAX_ROWS = 1_000_000;

export interface ExportRequest {
  query: CubeQuery;
  columns: ExportColumn[];
  filename: string;
  /** The first line, `# ` and the filters and data date in the page's words; none when empty. */
  comment?: string;
  /** The business time zone: times are written in it. */
  timeZone: string;
  /** Dimensions that may be ordered by (masked ones may not), to make pages stable. */
  orderable: ReadonlySet<string>;
  /** Aborted when the client goes away: no further page is read. */
  signal?: AbortSignal;
  /** A last row after the pages (the anonymised remainder), cells in column order; null for none. */
  tail?: () => Promise<unknown[] | null>;
}

/** The anonymised remainder of a team role's list, as the page sends it (web/src/lib/export-csv.ts). */
export interface RemainderRequest {
  all: unknown;
  owned: unknown;
  customers: string;
  cells: Array<{ column: string; measure: string }>;
  labelColumn: string;
  label: string;
}

/** The export's payload: JSON text (a form field) or the object itself (a JSON body). */
export function parseExportPayload(raw: unknown): { query: unknown; columns: ExportColumn[]; filename: string; comment?: string; remainder?: RemainderRequest } {
  let value: unknown;
  try {
    value = typeof raw === 'string' ? JSON.parse(raw) : raw;
  } catch {
    throw new HttpError(400, 'The export request is not valid JSON.');
  }
  const v = value as { query?: unknown; columns?: unknown; filename?: unknown } | undefined;
  if (!v || typeof v !== 'object' || Array.isArray(v.query) || typeof v.query !== 'object' || v.query === null) {
    throw new HttpError(400, 'Send payload={"query": {...}, "columns": [{"member", "title"}], "filename": "..."} and the page\'s csrf token.');
  }
  if (!Array.isArray(v.columns) || v.columns.length === 0 || v.columns.length > 50
    || !v.columns.every((c) => c && typeof c.member === 'string' && typeof c.title === 'string' && c.title.length <= 100)) {
    throw new HttpError(400, 'columns must list 1 to 50 {"member", "title"} pairs.');
  }
  const columns = (v.columns as unknown[]).map(parseColumnFormat);
  const filename = typeof v.filename === 'string' ? v.filename : 'export';
  const comment = (v as { comment?: unknown }).comment;
  if (comment !== undefined && (typeof comment !== 'string' || comment.length > 500)) throw new HttpError(400, 'comment must be text of at most 500 characters.');
  return { query: v.query, columns, filename, comment: comment || undefined, remainder: parseRemainder((v as { remainder?: unknown }).remainder) };
}

function parseColumnFormat(raw: unknown): ExportColumn {
  const c = raw as { member: string; title: string; kind?: unknown; labels?: unknown };
  if (c.kind !== undefined && !CSV_KINDS.includes(c.kind as never)) {
    throw new HttpError(400, `A column's kind is one of ${CSV_KINDS.join(', ')}.`);
  }
  const labels = c.labels;
  if (labels !== undefined && (typeof labels !== 'object' || labels === null || Array.isArray(labels)
    || Object.keys(labels).length > 200 || !Object.values(labels).every((l) => typeof l === 'string' && l.length <= 100))) {
    throw new HttpError(400, 'A column\'s labels map at most 200 values to texts of at most 100 characters.');
  }
  return { member: c.member, title: c.title, kind: c.kind as ExportColumn['kind'], labels: labels as ExportColumn['labels'] };
}

function parseRemainder(raw: unknown): RemainderRequest | undefined {
  if (raw === undefined || raw === null) return undefined;
  const r = raw as Partial<RemainderRequest>;
  const isQuery = (q: unknown) => typeof q === 'object' && q !== null && !Array.isArray(q);
  if (!isQuery(r.all) || !isQuery(r.owned) || typeof r.customers !== 'string' || typeof r.labelColumn !== 'string'
    || typeof r.label !== 'string' || r.label.length > 200 || !Array.isArray(r.cells) || r.cells.length > 50
    || !r.cells.every((c) => c && typeof c.column === 'string' && typeof c.measure === 'string')) {
    throw new HttpError(400, 'remainder must be {"all", "owned", "customers", "cells": [{"column", "measure"}], "labelColumn", "label"}.');
  }
  return r as RemainderRequest;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * a − b on decimal text, exactly (money is never float arithmetic): Cube
 * answers numeric measures as text; a missing value is 0.
 */
export function subtractDecimal(a: unknown, b: unknown): string {
  const text = (v: unknown): string => {
    const s = v === null || v === undefined ? '0' : String(v);
    if (!DECIMAL.test(s)) throw new HttpError(502, 'The analytics engine sent an unreadable number.');
    return s;
  };
  const [x, y] = [text(a), text(b)];
  const scale = Math.max(...[x, y].map((s) => (s.split('.')[1] ?? '').length));
  const scaled = (s: string): bigint => {
    const negative = s.startsWith('-');
    const [whole, fraction = ''] = s.replace('-', '').split('.');
    const n = BigInt(`${whole}${fraction.padEnd(scale, '0')}`);
    return negative ? -n : n;
  };
  const d = scaled(x) - scaled(y);
  const digits = (d < 0n ? -d : d).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return d < 0n ? `-${body}` : body;
}

/**
 * The anonymised row: the label in its column, each cell the difference of
 * its measure between the two aggregates; null when no customer is outside
 * the scope.
 */
export function remainderRow(request: RemainderRequest, columns: ExportRequest['columns'], all: Record<string, unknown>, owned: Record<string, unknown>): unknown[] | null {
  const customers = subtractDecimal(all[request.customers], owned[request.customers]);
  if (BigInt(customers.split('.')[0]!) <= 0n) return null;
  return columns.map((c) => {
    if (c.member === request.labelColumn) return request.label.replace('{count}', customers);
    const cell = request.cells.find((x) => x.column === c.member);
    return cell ? subtractDecimal(all[cell.measure], owned[cell.measure]) : '';
  });
}

/** A file name safe in a header: letters of any script, digits, dash, underscore, dot. */
export function safeFilename(name: string, extension = 'csv'): string {
  const cleaned = name.normalize('NFKC').replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^[._]+/, '').slice(0, 120);
  return `${cleaned || 'export'}.${extension}`;
}

/** Rows' keys are Cube's member names; a time dimension with a granularity is `member.granularity`. */
export function rowKey(member: string, query: CubeQuery): string {
  const td = (query.timeDimensions as Array<{ dimension: string; granularity?: string }> | undefined)?.find((t) => t.dimension === member && t.granularity);
  return td ? `${member}.${td.granularity}` : member;
}

/** The list as CSV: the comment line, the titles, then each cell written as its column's kind. */
export function csvStream(request: ExportRequest, loadPage: (query: CubeQuery) => Promise<Array<Record<string, unknown>>>): Readable {
  const { columns, timeZone } = request;
  const cells = (row: unknown[]) => `${row.map((v, i) => csvCell(csvText(v, columns[i]!, timeZone))).join(',')}\r\n`;
  async function* lines(): AsyncGenerator<string> {
    const comment = request.comment ? `${csvCell(request.comment.startsWith('#') ? request.comment : `# ${request.comment}`)}\r\n` : '';
    yield `\uFEFF${comment}${columns.map((c) => csvCell(c.title)).join(',')}\r\n`;
    for await (const rows of exportPages(request, loadPage)) {
      if (rows.length > 0) yield rows.map(cells).join('');
    }
  }
  return Readable.from(lines());
}

/**
 * The list's rows, cells in column order, a page at a time, then the tail.
 * Orderable dimensions are added to the order so pages never overlap or skip rows.
 */
export async function* exportPages(request: ExportRequest, loadPage: (query: CubeQuery) => Promise<Array<Record<string, unknown>>>): AsyncGenerator<unknown[][]> {
  const { query, columns } = request;
  const ordered = (query.order as Array<[string, string]> | undefined) ?? [];
  const tiebreak = ((query.dimensions as string[] | undefined) ?? [])
    .filter((d) => request.orderable.has(d) && !ordered.some(([m]) => m === d)).map((d) => [d, 'asc']);
  const base: CubeQuery = { ...query, order: [...ordered, ...tiebreak] };
  const keys = columns.map((c) => rowKey(c.member, query));
  for (let offset = 0; offset < EXPORT_MAX_ROWS; offset += EXPORT_PAGE_ROWS) {
    if (request.signal?.aborted) return;
    const rows = await loadPage({ ...base, limit: EXPORT_PAGE_ROWS, offset });
    yield rows.map((row) => keys.map((k) => row[k]));
    if (rows.length < EXPORT_PAGE_ROWS) break;
  }
  const last = request.signal?.aborted ? null : await request.tail?.();
  if (last) yield [last];
}

/**
 * The export's last row for a team role: both aggregates are checked as any
 * load is (the person's views, members and row limits), must be one row of
 * measures named in the request, and are read after the pages.
 */
export async function remainderTail(
  request: RemainderRequest, columns: ExportRequest['columns'],
  check: (query: unknown) => Promise<CubeQuery | CubeQuery[]>,
  load: (query: CubeQuery) => Promise<Array<Record<string, unknown>>>,
): Promise<() => Promise<unknown[] | null>> {
  const allowed = new Set([request.customers, ...request.cells.map((c) => c.measure)]);
  const one = async (raw: unknown): Promise<CubeQuery> => {
    const q = await check(raw);
    const oneRow = !Array.isArray(q) && !((q.dimensions as unknown[] | undefined)?.length)
      && !((q.timeDimensions as Array<{ granularity?: string }> | undefined) ?? []).some((t) => t.granularity)
      && ((q.measures as string[] | undefined) ?? []).every((m) => allowed.has(m));
    if (!oneRow) throw new HttpError(400, 'The remainder is two one-row queries of the measures it names.');
    return q as CubeQuery;
  };
  const known = (member: string) => columns.some((c) => c.member === member);
  if (!known(request.labelColumn) || !request.cells.every((c) => known(c.column))) {
    throw new HttpError(400, 'The remainder names a column the export does not have.');
  }
  const [all, owned] = [await one(request.all), await one(request.owned)];
  return async () => {
    const [a, o] = [await load(all), await load(owned)];
    return remainderRow(request, columns, a[0] ?? {}, o[0] ?? {});
  };
}
