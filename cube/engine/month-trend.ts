/**
 * The monthly sales view (`sales_trend`: model/cubes/month_sales.js) reads a
 * range's whole months as one row per month and key, dated at the month's
 * start (or, for an edge month, at the range's first instant in it). Grouped
 * by month, quarter or year each row falls in its own bucket; grouped by day,
 * week or hour it would not, so such a query is refused. Its range is read
 * once, from the one time dimension's date range (FILTER_PARAMS), so a second
 * date filter is refused too.
 */
import { AccessError, splitMember } from './access-rules.ts';

const VIEW = 'sales_trend';
const GRANULARITIES = new Set(['month', 'quarter', 'year']);

type CubeQuery = Record<string, unknown>;

function namesView(member: unknown): boolean {
  return typeof member === 'string' && splitMember(member)[0] === VIEW;
}

function filterMembers(filters: unknown): string[] {
  if (!Array.isArray(filters)) return [];
  return filters.flatMap((f: Record<string, unknown>) => [
    ...(typeof (f.member ?? f.dimension) === 'string' ? [String(f.member ?? f.dimension)] : []),
    ...filterMembers(f.or), ...filterMembers(f.and),
  ]);
}

/** Checks a query on the monthly sales view; any other query is returned as it is. */
export function applyMonthTrend(query: CubeQuery): CubeQuery {
  const times = Array.isArray(query.timeDimensions) ? (query.timeDimensions as Array<Record<string, unknown>>) : [];
  const members = [
    ...(Array.isArray(query.measures) ? query.measures : []), ...(Array.isArray(query.dimensions) ? query.dimensions : []),
    ...times.map((t) => t.dimension), ...filterMembers(query.filters),
  ];
  if (!members.some(namesView)) return query;
  const dates = times.filter((t) => namesView(t.dimension));
  if (dates.length > 1) throw new AccessError(400, `${VIEW} takes one date range.`);
  const granularity = dates[0]?.granularity;
  if (granularity !== undefined && !GRANULARITIES.has(String(granularity))) {
    throw new AccessError(400, `${VIEW} groups its date by month, quarter or year, not by ${String(granularity)}.`);
  }
  if (filterMembers(query.filters).includes(`${VIEW}.order_date`)) {
    throw new AccessError(400, `${VIEW}.order_date is given as the time dimension's date range, not as a filter.`);
  }
  return query;
}
