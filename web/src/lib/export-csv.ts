/**
 * The CSV export of a whole list: a form the page posts to the server, which
 * pages through Cube itself and streams the file as a download, so the
 * browser never holds the list. A POST with the session's token, never a
 * link: no other site can start an export with the visitor's cookie.
 * Pure: a query and columns in, form fields and a file name out.
 */
import type { Query } from './cube.ts';
import type { CsvColumnFormat } from './csv.ts';

/** A column of the file: its member, its title and how its values read (labels, dates, money, ratios) as on the page. */
export interface ExportColumn extends CsvColumnFormat {
  member: string;
  title: string;
}

/**
 * The anonymised last row of a team role's list (drill-scope.ts): the server
 * runs both aggregates as the person and writes their difference, so the
 * file adds up to the number as the page does.
 */
export interface ExportRemainder {
  /** The number over all its facts, and over the facts of customers the person owns. */
  all: Query;
  owned: Query;
  /** The distinct count of customers in both. */
  customers: string;
  /** Per CSV column (its member), the measure whose difference fills it. */
  cells: Array<{ column: string; measure: string }>;
  /** The column that carries the row's label, and the label, `{count}` standing for the number of customers. */
  labelColumn: string;
  label: string;
}

export interface ExportPayload {
  query: Query;
  columns: ExportColumn[];
  filename: string;
  /** The file's first line: the filters and the data date, in the page's words. */
  comment?: string;
  remainder?: ExportRemainder;
}

/** The whole list: the page's query without paging or the total count. */
export function wholeListQuery(query: Query): Query {
  const { limit: _limit, offset: _offset, total: _total, ...rest } = query;
  return rest;
}

/** Safe in a file name on every system; Chinese stays readable. */
function part(value: string): string {
  return value.trim().replace(/[\\/:*?"<>|\s]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
}

/**
 * `customers_<what>_<filter values…>_<from>_<to>[_asof-<data date>]`; "all"
 * when there is no date range. The data date says which day's data it is.
 */
export function exportFileName(what: string, filters: ReadonlyArray<string | number | null | undefined>, range: [string, string] | null, asOf?: string): string {
  const pieces = ['customers', what, ...filters.filter((f): f is string | number => f !== null && f !== undefined && f !== '').map((f) => String(f))];
  pieces.push(...(range ?? ['all']));
  if (asOf) pieces.push(`asof-${asOf}`);
  return pieces.map(part).filter(Boolean).join('_');
}

/** The first line: `# 指标: 新增客户; 渠道: 企业微信; 数据日期: 2026-11-20`, the filters that are set, in the page's words. */
export function exportComment(filters: ReadonlyArray<readonly [string, string | number | null | undefined]>): string {
  return `# ${filters.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([label, v]) => `${label}: ${v}`).join('; ')}`;
}

export const EXPORT_ACTION = '/api/export.csv';
export const EXPORT_XLSX_ACTION = '/api/export.xlsx';

/** The export form's fields: the whole list's payload as JSON text, and the session's token. */
export function exportFormFields(payload: ExportPayload, csrfToken: string): { payload: string; csrf: string } {
  return { payload: JSON.stringify({ ...payload, query: wholeListQuery(payload.query) }), csrf: csrfToken };
}
