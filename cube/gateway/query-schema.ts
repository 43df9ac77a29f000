/**
 * The load-request allow-list: every query is parsed into a known shape
 * before Cube sees it. Only Cube's documented query keys, members of the
 * views the person's role may use (from /meta), operators, granularities and
 * response formats from fixed sets, bounded sizes and depths, dates as dates.
 * The business time zone is the server's, never the client's. Anything else
 * is a 400 with a clear message; a member outside the role's surface is a
 * 403, the same whether it is closed to the role or does not exist at all.
 */
import { AccessError, checkRequiredFilters } from '../engine/access-rules.ts';
import { HttpError } from './http-error.ts';

/** What one role may name, from its filtered /meta. */
export interface Surface {
  measures: ReadonlySet<string>;
  dimensions: ReadonlySet<string>;
  /** Time dimensions (also in `dimensions`). */
  times: ReadonlySet<string>;
  segments: ReadonlySet<string>;
  /** Members holding personal data the role sees masked: not for filters or ordering. */
  masked: ReadonlySet<string>;
}

export const LIMITS = {
  queries: 10,
  members: 50,
  filters: 100,
  filterDepth: 5,
  values: 500,
  valueLength: 200,
  segments: 10,
  order: 10,
  /** Cube's own ceiling (CUBEJS_DB_QUERY_LIMIT); larger limits are lowered to it. */
  rowLimit: 50_000,
  offset: 10_000_000,
} as const;

const QUERY_KEYS = new Set(['measures', 'dimensions', 'timeDimensions', 'filters', 'segments', 'order', 'limit', 'offset',
  'timezone', 'total', 'ungrouped', 'renewQuery', 'responseFormat']);
const TIME_DIMENSION_KEYS = new Set(['dimension', 'granularity', 'dateRange', 'compareDateRange']);
const GRANULARITIES = new Set(['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']);
const OPERATORS = new Set(['equals', 'notEquals', 'contains', 'notContains', 'startsWith', 'endsWith', 'gt', 'gte', 'lt', 'lte',
  'set', 'notSet', 'inDateRange', 'notInDateRange', 'beforeDate', 'afterDate']);
const NO_VALUE_OPERATORS = new Set(['set', 'notSet']);
const DATE_OPERATORS = new Set(['inDateRange', 'notInDateRange', 'beforeDate', 'afterDate']);
const RESPONSE_FORMATS = new Set(['default', 'compact']);
const DATE_RANGE_PRESETS = new Set(['today', 'yesterday', 'this week', 'this month', 'this quarter', 'this year',
  'last week', 'last month', 'last quarter', 'last year', 'last 7 days', 'last 30 days', 'last 90 days', 'last 365 days']);
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?$/;

type Json = unknown;
export type CubeQuery = Record<string, unknown>;

const bad = (message: string): never => {
  throw new HttpError(400, message);
};

const isObject = (v: Json): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  return !Number.isNaN(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : `${value}Z`));
}

function memberName(value: unknown, where: string): string {
  if (typeof value !== 'string' || !/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/i.test(value)) {
    return bad(`${where} must name a member as "view.member".`);
  }
  return value;
}

class Checker {
  constructor(private readonly surface: Surface) {}

  private exists(member: string, kinds: Array<ReadonlySet<string>>, what: string): void {
    if (kinds.some((k) => k.has(member))) return;
    const s = this.surface;
    if ([s.measures, s.dimensions, s.segments].some((k) => k.has(member))) bad(`${member} is not a ${what}.`);
    // A member closed to the role answers exactly as one that does not exist
    // (the contract's 403 for a member the role may not see), so nobody can
    // list what is hidden from them by trying names.
    throw new HttpError(403, `${member} is not a ${what} you can query: use the members listed in /meta.`);
  }

  members(value: unknown, key: 'measures' | 'dimensions' | 'segments'): string[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) return bad(`${key} must be a list.`);
    const max = key === 'segments' ? LIMITS.segments : LIMITS.members;
    if (value.length > max) bad(`Ask for at most ${max} ${key}.`);
    const set = key === 'measures' ? this.surface.measures : key === 'segments' ? this.surface.segments : this.surface.dimensions;
    return value.map((v) => {
      const m = memberName(v, `Each of ${key}`);
      this.exists(m, [set], key === 'measures' ? 'measure' : key === 'segments' ? 'segment' : 'dimension');
      return m;
    });
  }

  timeDimensions(value: unknown): CubeQuery[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length > 5) return bad('timeDimensions must be a list of at most 5.');
    return value.map((td) => {
      if (!isObject(td)) return bad('Each time dimension must be an object.');
      for (const key of Object.keys(td)) if (!TIME_DIMENSION_KEYS.has(key)) bad(`Unknown time dimension key: ${key}.`);
      const dimension = memberName(td.dimension, 'A time dimension');
      this.exists(dimension, [this.surface.times], 'time dimension');
      const out: CubeQuery = { dimension };
      if (td.granularity !== undefined) {
        if (typeof td.granularity !== 'string' || !GRANULARITIES.has(td.granularity)) bad(`granularity must be one of ${[...GRANULARITIES].join(', ')}.`);
        out.granularity = td.granularity;
      }
      if (td.dateRange !== undefined) out.dateRange = dateRange(td.dateRange);
      if (td.compareDateRange !== undefined) {
        if (!Array.isArray(td.compareDateRange) || td.compareDateRange.length < 2 || td.compareDateRange.length > 4) {
          bad('compareDateRange must list 2 to 4 date ranges.');
        }
        out.compareDateRange = (td.compareDateRange as unknown[]).map(dateRange);
      }
      return out;
    });
  }

  filters(value: unknown): CubeQuery[] | undefined {
    if (value === undefined) return undefined;
    let count = 0;
    const walk = (list: unknown, depth: number): CubeQuery[] => {
      if (!Array.isArray(list)) return bad('filters must be a list.');
      if (depth > LIMITS.filterDepth) bad(`Filters may nest at most ${LIMITS.filterDepth} levels deep.`);
      return list.map((f): CubeQuery => {
        if (++count > LIMITS.filters) bad(`Use at most ${LIMITS.filters} filters.`);
        if (!isObject(f)) return bad('Each filter must be an object.');
        const keys = Object.keys(f);
        if (keys.length === 1 && (keys[0] === 'and' || keys[0] === 'or')) return { [keys[0]]: walk(f[keys[0]], depth + 1) };
        for (const key of keys) if (!['member', 'dimension', 'operator', 'values'].includes(key)) bad(`Unknown filter key: ${key}.`);
        const member = memberName(f.member ?? f.dimension, 'A filter');
        this.exists(member, [this.surface.dimensions, this.surface.measures], 'filter member');
        if (this.surface.masked.has(member)) throw new HttpError(403, `Your role may not filter on ${member}.`);
        if (typeof f.operator !== 'string' || !OPERATORS.has(f.operator)) return bad(`A filter operator must be one of ${[...OPERATORS].join(', ')}.`);
        const out: CubeQuery = { member, operator: f.operator };
        if (NO_VALUE_OPERATORS.has(f.operator)) {
          if (f.values !== undefined && (!Array.isArray(f.values) || f.values.length > 0)) bad(`${f.operator} takes no values.`);
          return out;
        }
        if (!Array.isArray(f.values) || f.values.length === 0) return bad(`The ${f.operator} filter on ${member} needs values.`);
        if (f.values.length > LIMITS.values) bad(`A filter takes at most ${LIMITS.values} values.`);
        const values = f.values.map((v) => {
          if (typeof v === 'number' && Number.isFinite(v)) return String(v);
          if (typeof v !== 'string' || v.length > LIMITS.valueLength) return bad(`Filter values must be texts of at most ${LIMITS.valueLength} characters.`);
          return v;
        });
        if (DATE_OPERATORS.has(f.operator)) {
          const expected = f.operator.endsWith('DateRange') ? 2 : 1;
          if (values.length !== expected || !values.every(isDate)) bad(`${f.operator} takes ${expected} date(s) as YYYY-MM-DD.`);
        }
        out.values = values;
        return out;
      });
    };
    return walk(value, 1);
  }

  order(value: unknown): Array<[string, 'asc' | 'desc']> | undefined {
    if (value === undefined) return undefined;
    const pairs: unknown[][] = Array.isArray(value) ? value as unknown[][] : isObject(value) ? Object.entries(value) : bad('order must be an object or a list of [member, "asc"|"desc"].');
    if (pairs.length > LIMITS.order) bad(`Order by at most ${LIMITS.order} members.`);
    return pairs.map((pair) => {
      if (!Array.isArray(pair) || pair.length !== 2) return bad('Each order entry must be [member, "asc"|"desc"].');
      const member = memberName(pair[0], 'An order entry');
      this.exists(member, [this.surface.measures, this.surface.dimensions], 'order member');
      if (this.surface.masked.has(member)) throw new HttpError(403, `Your role may not order by ${member}.`);
      if (pair[1] !== 'asc' && pair[1] !== 'desc') bad('Order direction must be "asc" or "desc".');
      return [member, pair[1] as 'asc' | 'desc'];
    });
  }
}

function dateRange(value: unknown): string | [string, string] {
  if (typeof value === 'string') {
    if (!DATE_RANGE_PRESETS.has(value.toLowerCase())) bad(`A date range is [from, to] as YYYY-MM-DD, or one of: ${[...DATE_RANGE_PRESETS].join(', ')}.`);
    return value;
  }
  if (Array.isArray(value) && (value.length === 1 || value.length === 2) && value.every(isDate)) {
    return [value[0], value[value.length - 1]] as [string, string];
  }
  return bad('A date range is [from, to] as YYYY-MM-DD.');
}

function boundedInteger(value: unknown, key: string, min: number, max: number, clamp: boolean): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) return bad(`${key} must be a whole number.`);
  if (value < min) return bad(`${key} must be at least ${min}.`);
  if (value > max) return clamp ? max : bad(`${key} must be at most ${max.toLocaleString('en-US')}.`);
  return value;
}

function checkOne(raw: unknown, surface: Surface, timeZone: string): CubeQuery {
  if (!isObject(raw)) return bad('A query must be a JSON object.');
  for (const key of Object.keys(raw)) if (!QUERY_KEYS.has(key)) bad(`Unknown query key: ${key}.`);
  if (raw.timezone !== undefined && raw.timezone !== timeZone) {
    bad(`Times are in the business time zone ${timeZone}: leave timezone out, or send that zone.`);
  }
  const check = new Checker(surface);
  const query: CubeQuery = { timezone: timeZone };
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) query[key] = value;
  };
  set('measures', check.members(raw.measures, 'measures'));
  set('dimensions', check.members(raw.dimensions, 'dimensions'));
  set('segments', check.members(raw.segments, 'segments'));
  set('timeDimensions', check.timeDimensions(raw.timeDimensions));
  set('filters', check.filters(raw.filters));
  set('order', check.order(raw.order));
  set('limit', boundedInteger(raw.limit, 'limit', 1, LIMITS.rowLimit, true));
  set('offset', boundedInteger(raw.offset, 'offset', 0, LIMITS.offset, false));
  // Cube 0.33 cannot check an ungrouped query's primary keys through a view, so
  // it refuses every one; say so plainly instead of passing its error on.
  if (raw.ungrouped === true) bad('ungrouped queries are not available: list the dimensions without measures instead.');
  for (const key of ['total', 'ungrouped', 'renewQuery'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'boolean') bad(`${key} must be true or false.`);
    set(key, raw[key]);
  }
  if (raw.responseFormat !== undefined) {
    if (typeof raw.responseFormat !== 'string' || !RESPONSE_FORMATS.has(raw.responseFormat)) bad('responseFormat must be "default" or "compact".');
    query.responseFormat = raw.responseFormat;
  }
  const named = [...(query.measures as string[] ?? []), ...(query.dimensions as string[] ?? []),
    ...((query.timeDimensions as CubeQuery[] | undefined) ?? []).filter((td) => td.granularity).map((td) => td.dimension)];
  if (named.length === 0) bad('Ask for at least one measure, dimension, or time dimension with a granularity.');
  const views = new Set([...named, ...(query.segments as string[] ?? [])].map((m) => (m as string).split('.')[0]));
  if (views.size > 1) bad('A query reads one view at a time.');
  const [view] = [...views] as [string];
  try {
    checkRequiredFilters(view, query);
  } catch (error) {
    if (error instanceof AccessError) bad(error.message);
    throw error;
  }
  return query;
}

/**
 * The `query` of a load request (JSON text from a GET, a value from a POST):
 * one query or a list of them, each checked against the role's surface.
 */
export function checkLoadQuery(raw: unknown, surface: Surface, timeZone: string): CubeQuery | CubeQuery[] {
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return bad('The query is not valid JSON.');
    }
  }
  if (Array.isArray(value)) {
    if (value.length === 0 || value.length > LIMITS.queries) bad(`Send between 1 and ${LIMITS.queries} queries.`);
    return value.map((q) => checkOne(q, surface, timeZone));
  }
  return checkOne(value, surface, timeZone);
}

export function checkQueryType(value: unknown): 'multi' | 'regularQuery' | undefined {
  if (value === undefined || value === 'multi' || value === 'regularQuery') return value;
  return bad('queryType must be "multi" or "regularQuery".');
}
