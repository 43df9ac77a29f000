/**
 * The monthly views read a range's whole months as one row per month and key,
 * dated at the month's start (or, for an edge month, at the range's first
 * instant in it, or at each of its days): `sales_trend`
 * (model/cubes/month_sales.js) and `returns_trend`
 * (model/cubes/month_returns.js). Grouped by month, quarter or year each row
 * falls in its own bucket; grouped by day, week or hour it would not, so such
 * a query is refused. Its range is read once, from the one time dimension's
 * date range (FILTER_PARAMS), so a second date, or a date filter, is refused
 * too.
 */
import { AccessError, splitMember } from './access-rules.ts';

/** Each monthly view and its date members. */
const VIEWS: Readonly<Record<string, readonly string[]>> = {
  sales_trend: ['order_date'],
  returns_trend: ['date', 'spend_date', 'order_date'],
};
const GRANULARITIES = new Set(['month', 'quarter', 'year']);

type CubeQuery = Record<string, unknown>;

function filterMembers(filters: unknown): string[] {
  if (!Array.isArray(filters)) return [];
  return filters.flatMap((f: Record<string, unknown>) => [
    ...(typeof (f.member ?? f.dimension) === 'string' ? [String(f.member ?? f.dimension)] : []),
    ...filterMembers(f.or), ...filterMembers(f.and),
  ]);
}

/** Checks a query on a monthly view; any other query is returned as it is. */
export function applyMonthTrend(query: CubeQuery): CubeQuery {
  const times = Array.isArray(query.timeDimensions) ? (query.timeDimensions as Array<Record<string, unknown>>) : [];
  const members = [
    ...(Array.isArray(query.measures) ? query.measures : []), ...(Array.isArray(query.dimensions) ? query.dimensions : []),
    ...times.map((t) => t.dimension), ...filterMembers(query.filters),
  ].filter((m): m is string => typeof m === 'string');
  for (const [view, dateNames] of Object.entries(VIEWS)) {
    if (!members.some((m) => splitMember(m)[0] === view)) continue;
    const isDate = (m: unknown): boolean => typeof m === 'string' && splitMember(m)[0] === view && dateNames.includes(splitMember(m)[1]);
    const dates = times.filter((t) => isDate(t.dimension));
    if (dates.length > 1) throw new AccessError(400, `${view} takes one date range.`);
    const granularity = dates[0]?.granularity;
    if (granularity !== undefined && !GRANULARITIES.has(String(granularity))) {
      throw new AccessError(400, `${view} groups its date by month, quarter or year, not by ${String(granularity)}.`);
    }
    const filtered = filterMembers(query.filters).find(isDate);
    if (filtered) throw new AccessError(400, `${filtered} is given as the time dimension's date range, not as a filter.`);
  }
  return query;
}
