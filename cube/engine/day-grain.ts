/**
 * The views read from tables with one row per business day and key, each row
 * dated at its day's local midnight: the daily sales table (`sales_daily`,
 * migration 042), the returns day table (`channel_roi`, 043), the
 * registrations table (`customer_registrations`, 044) and the touches table
 * (`staff_touches`, 045); and the monthly returns view (`returns_trend`,
 * 048), which reads its edge months' days from the returns day table. Grouped by day or coarser, and bounded at whole
 * days, each row falls where its facts would; by hour, minute or second, or
 * cut at a time of day, it would not (a day's facts would all fall at
 * midnight), so such a query is refused with a plain 400, as
 * cube/engine/range-level.ts refuses what its view cannot count.
 *
 * A bound is checked by where Cube puts it (BaseFilter in 0.33.65): a range's
 * start, `beforeDate` and `afterOrOnDate` compare with the value's first
 * instant (a date means its midnight), so they take a date or a day's first
 * instant; a range's end takes a date or a day's last instant. `afterDate`
 * and `beforeOrOnDate` compare with a date's midnight too, which cuts a day
 * row from its own day's facts (`afterDate` D counts D's facts but not D's
 * row), so they take a day's last instant only.
 */
import { AccessError, splitMember } from './access-rules.ts';

/** Each day-row view's date members. */
export const DAY_ROW_VIEWS: Readonly<Record<string, ReadonlySet<string>>> = {
  sales_daily: new Set(['order_date']),
  channel_roi: new Set(['date', 'spend_date', 'order_date']),
  customer_registrations: new Set(['registered_date']),
  staff_touches: new Set(['date']),
  returns_trend: new Set(['date', 'spend_date', 'order_date']),
  sales_day_trend: new Set(['order_date']),
};

/**
 * Members a day-row view knows only through a top-level filter: the GMV trend's
 * employee (`sales_day_trend`, model/cubes/team_days.js), whose filter makes
 * the view read that employee's day rows (FILTER_PARAMS sees a top-level
 * filter only); its team rows have no employee, so a grouping, an order or a
 * nested filter on it would be answered wrong, and is refused.
 */
export const FILTER_ONLY: Readonly<Record<string, ReadonlySet<string>>> = {
  sales_day_trend: new Set(['employee_id']),
  // The GMV trend by month's team rows (model/cubes/month_sales.js): no employee either, and no name to filter by.
  sales_trend: new Set(['employee_id', 'employee']),
};

const GRANULARITIES = new Set(['day', 'week', 'month', 'quarter', 'year']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const FIRST_INSTANT = /^\d{4}-\d{2}-\d{2}[T ]00:00(:00(\.0+)?)?$/;
const LAST_INSTANT = /^\d{4}-\d{2}-\d{2}[T ]23:59:59(\.9+)?$/;

type Bound = 'start' | 'end' | 'last';
type CubeQuery = Record<string, unknown>;
type Filter = Record<string, unknown>;

/** Whether a value bounds whole days where Cube puts it. */
function wholeDay(value: unknown, bound: Bound): boolean {
  if (typeof value !== 'string') return false;
  const v = value.trim();
  if (bound === 'last') return LAST_INSTANT.test(v);
  return DATE.test(v) || (bound === 'start' ? FIRST_INSTANT : LAST_INSTANT).test(v);
}

/** A relative range ('last 7 days', 'this month') is whole days unless it names a finer unit, now or a time. */
const relativeWholeDays = (range: string): boolean => !/hour|minute|second|now|:/i.test(range) && !/\d{4}-\d{2}-\d{2}[T ]/.test(range);

function rangeIsWholeDays(range: unknown): boolean {
  if (range === undefined) return true;
  if (typeof range === 'string') return relativeWholeDays(range);
  return Array.isArray(range) && wholeDay(range[0], 'start') && (range.length < 2 || wholeDay(range[1], 'end'));
}

/** The bounds each date operator's values take, by position. */
const OPERATOR_BOUNDS: Readonly<Record<string, readonly Bound[]>> = {
  inDateRange: ['start', 'end'], notInDateRange: ['start', 'end'], onTheDate: ['start', 'end'],
  beforeDate: ['start'], afterOrOnDate: ['start'], afterDate: ['last'], beforeOrOnDate: ['last'],
};

function flatFilters(filters: unknown): Filter[] {
  if (!Array.isArray(filters)) return [];
  return (filters as Filter[]).flatMap((f) => [f, ...flatFilters(f.or), ...flatFilters(f.and)]);
}

/** The view and member name when `member` is a day-row view's date, else null. */
function dayDate(member: unknown): [string, string] | null {
  if (typeof member !== 'string') return null;
  const [view, name] = splitMember(member);
  return DAY_ROW_VIEWS[view]?.has(name) ? [view, name] : null;
}

function checkFilter(f: Filter, view: string, name: string): void {
  const operator = String(f.operator);
  if (operator === 'set' || operator === 'notSet') return;
  const bounds = OPERATOR_BOUNDS[operator];
  if (!bounds) throw new AccessError(400, `${view} counts by business day: filter ${view}.${name} with a date range, beforeDate or afterDate.`);
  const values = Array.isArray(f.values) ? f.values : [];
  if (values.every((v, i) => wholeDay(v, bounds[Math.min(i, bounds.length - 1)]!))) return;
  if (bounds[0] === 'last') {
    throw new AccessError(400, `${view} counts by business day: ${operator} on ${view}.${name} compares with a date's first instant, which `
      + "cuts a day's row from its own facts: give the day's last instant (YYYY-MM-DDT23:59:59.999) or a date range of whole days.");
  }
  throw new AccessError(400, `${view} counts by business day: its date filters take whole days.`);
}

function filterOnly(member: unknown): string | null {
  if (typeof member !== 'string') return null;
  const [view, name] = splitMember(member);
  return FILTER_ONLY[view]?.has(name) ? member : null;
}

function checkFilterOnly(query: CubeQuery): void {
  const order = query.order;
  const orderMembers = Array.isArray(order) ? order.map((o) => (Array.isArray(o) ? o[0] : o)) : order && typeof order === 'object' ? Object.keys(order) : [];
  const times = Array.isArray(query.timeDimensions) ? (query.timeDimensions as Array<Record<string, unknown>>).map((t) => t.dimension) : [];
  const named = [query.dimensions, query.measures, query.segments].flatMap((list) => (Array.isArray(list) ? list : []));
  const nested = (Array.isArray(query.filters) ? (query.filters as Filter[]) : []).flatMap((f) => [...flatFilters(f.or), ...flatFilters(f.and)]);
  const misused = [...named, ...orderMembers, ...times, ...nested.map((f) => f.member ?? f.dimension)].map(filterOnly).find((m) => m !== null);
  if (misused) throw new AccessError(400, `${misused} is for a top-level filter only: the view's team rows have no employee.`);
}

/** Checks a query on a day-row view; any other query is returned as it is. */
export function applyDayGrain(query: CubeQuery): CubeQuery {
  checkFilterOnly(query);
  const times = Array.isArray(query.timeDimensions) ? (query.timeDimensions as Array<Record<string, unknown>>) : [];
  for (const t of times) {
    const date = dayDate(t.dimension);
    if (!date) continue;
    const [view] = date;
    if (t.granularity !== undefined && !GRANULARITIES.has(String(t.granularity))) {
      throw new AccessError(400, `${view} counts by business day: group its dates by day, week, month, quarter or year, not by ${String(t.granularity)}.`);
    }
    if (!rangeIsWholeDays(t.dateRange)) throw new AccessError(400, `${view} counts by business day: its date range takes whole days.`);
  }
  for (const f of flatFilters(query.filters)) {
    const date = dayDate(f.member ?? f.dimension);
    if (date) checkFilter(f, ...date);
  }
  return query;
}
