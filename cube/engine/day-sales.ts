/**
 * The daily sales view (`sales_daily`: model/cubes/sales_days.yml) reads one
 * row per business day and key, dated at the day's local midnight. Grouped by
 * day or coarser, and within whole days, each row falls in its own bucket;
 * by hour, minute or second, or cut at a time of day, it would not (its
 * orders would all fall at midnight), so such a query is refused.
 */
import { AccessError, splitMember } from './access-rules.ts';

const VIEW = 'sales_daily';
const GRANULARITIES = new Set(['day', 'week', 'month', 'quarter', 'year']);
/** A whole day: a date, or a day's first or last instant as Cube writes them. */
const WHOLE_DAY = /^\d{4}-\d{2}-\d{2}(T00:00:00(\.000)?|T23:59:59(\.999)?)?$/;

type CubeQuery = Record<string, unknown>;
type Filter = Record<string, unknown>;

const namesView = (member: unknown): boolean => typeof member === 'string' && splitMember(member)[0] === VIEW;

function flatFilters(filters: unknown): Filter[] {
  if (!Array.isArray(filters)) return [];
  return (filters as Filter[]).flatMap((f) => [f, ...flatFilters(f.or), ...flatFilters(f.and)]);
}

/** Checks a query on the daily sales view; any other query is returned as it is. */
export function applyDaySales(query: CubeQuery): CubeQuery {
  const times = Array.isArray(query.timeDimensions) ? (query.timeDimensions as Array<Record<string, unknown>>) : [];
  const filters = flatFilters(query.filters);
  const members = [
    ...(Array.isArray(query.measures) ? query.measures : []), ...(Array.isArray(query.dimensions) ? query.dimensions : []),
    ...times.map((t) => t.dimension), ...filters.map((f) => f.member ?? f.dimension),
  ];
  if (!members.some(namesView)) return query;
  for (const t of times.filter((t) => namesView(t.dimension))) {
    if (t.granularity !== undefined && !GRANULARITIES.has(String(t.granularity))) {
      throw new AccessError(400, `${VIEW} groups its date by day, week, month, quarter or year, not by ${String(t.granularity)}.`);
    }
    const range = t.dateRange;
    const partial = Array.isArray(range) ? range.some((d) => !WHOLE_DAY.test(String(d))) : typeof range === 'string' && /hour|minute|second/i.test(range);
    if (partial) throw new AccessError(400, `${VIEW} takes whole days as its date range.`);
  }
  for (const f of filters.filter((f) => f.member === `${VIEW}.order_date` || f.dimension === `${VIEW}.order_date`)) {
    if (Array.isArray(f.values) && f.values.some((v) => !WHOLE_DAY.test(String(v)))) throw new AccessError(400, `${VIEW} takes whole days as its date range.`);
    // After a day's first instant is that day's orders but its row (dated at that instant) not: afterOrOnDate the next day.
    if (f.operator === 'afterDate') throw new AccessError(400, `${VIEW}.order_date takes afterOrOnDate, not afterDate.`);
  }
  return query;
}
