/**
 * The whole of a list as CSV, streamed: the query is checked like any load
 * (allow-list, the role's limits, masking in the model) and read from Cube a
 * page at a time, so neither the server nor the browser holds the list.
 * UTF-8 with a BOM so Excel opens Chinese correctly.
 */
import { Readable } from 'node:stream';
import { HttpError } from './http-error.ts';
import type { CubeQuery } from './query-schema.ts';
import { csvCell } from '../../web/src/lib/csv.ts';

export { csvCell };

export const EXPORT_PAGE_ROWS = 10_000;
export const EXPORT_MAX_ROWS = 1_000_000;

export interface ExportRequest {
  query: CubeQuery;
  columns: Array<{ member: string; title: string }>;
  filename: string;
  /** Dimensions that may be ordered by (masked ones may not), to make pages stable. */
  orderable: ReadonlySet<string>;
  /** Aborted when the client goes away: no further page is read. */
  signal?: AbortSignal;
}

/** The export's payload: JSON text (a form field) or the object itself (a JSON body). */
export function parseExportPayload(raw: unknown): { query: unknown; columns: ExportRequest['columns']; filename: string } {
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
  const filename = typeof v.filename === 'string' ? v.filename : 'export';
  return { query: v.query, columns: v.columns as ExportRequest['columns'], filename };
}

/** A file name safe in a header: letters of any script, digits, dash, underscore, dot. */
export function safeFilename(name: string): string {
  const cleaned = name.normalize('NFKC').replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^[._]+/, '').slice(0, 120);
  return `${cleaned || 'export'}.csv`;
}

/** Rows' keys are Cube's member names; a time dimension with a granularity is `member.granularity`. */
export function rowKey(member: string, query: CubeQuery): string {
  const td = (query.timeDimensions as Array<{ dimension: string; granularity?: string }> | undefined)?.find((t) => t.dimension === member && t.granularity);
  return td ? `${member}.${td.granularity}` : member;
}

/**
 * Pages through `loadPage` (offset, limit) until a short page, writing CSV.
 * Orderable dimensions are added to the order so pages never overlap or skip rows.
 */
export function csvStream(request: ExportRequest, loadPage: (query: CubeQuery) => Promise<Array<Record<string, unknown>>>): Readable {
  const { query, columns } = request;
  const ordered = (query.order as Array<[string, string]> | undefined) ?? [];
  const tiebreak = ((query.dimensions as string[] | undefined) ?? [])
    .filter((d) => request.orderable.has(d) && !ordered.some(([m]) => m === d)).map((d) => [d, 'asc']);
  const base: CubeQuery = { ...query, order: [...ordered, ...tiebreak] };
  const keys = columns.map((c) => rowKey(c.member, query));
  async function* lines(): AsyncGenerator<string> {
    yield `\uFEFF${columns.map((c) => csvCell(c.title)).join(',')}\r\n`;
    for (let offset = 0; offset < EXPORT_MAX_ROWS; offset += EXPORT_PAGE_ROWS) {
      if (request.signal?.aborted) return;
      const rows = await loadPage({ ...base, limit: EXPORT_PAGE_ROWS, offset });
      if (rows.length > 0) yield rows.map((row) => `${keys.map((k) => csvCell(row[k])).join(',')}\r\n`).join('');
      if (rows.length < EXPORT_PAGE_ROWS) return;
    }
  }
  return Readable.from(lines());
}
