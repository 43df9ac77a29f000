/**
 * The sales paid-day table (siyu.sales_paid_days, migration 038; the
 * `sales_range` view) counts a range's buyers at one level: the credited
 * employee, their team, or the brand (each row flags whether it is its
 * customer's first in the range among the rows of its employee, its team,
 * or all). The flags of one level add up to distinct customers only across
 * groups of that level, so every query on the view is given the deepest level
 * its dimensions and filters cut by (after the role's limits are added: a
 * manager's team, a staff member's own id), and refused where a sum across
 * groups would count a customer twice: a level's member filtered to several
 * values (or "not equals", or inside an or-group) without being a dimension,
 * or a granularity (each bucket would need its own start).
 */
import { AccessError, queryMembers, splitMember } from './access-rules.ts';

/** Each view's levels, deepest last, with their members. */
export const RANGE_VIEWS: Readonly<Record<string, ReadonlyArray<readonly [string, readonly string[]]>>> = {
  sales_range: [['team', ['team', 'team_id']], ['employee', ['employee', 'employee_id']]],
};

type CubeQuery = Record<string, unknown> & { filters?: unknown };
type Filter = { member?: string; dimension?: string; operator?: string; values?: unknown[] };

/**
 * Views without levels that also answer a date range only: one row per customer of the range, dated at their first
 * day in it (the custom-range drill list, migration 046; converted customers and repurchase buyers, migration 036), so
 * a granularity would bucket each customer once, under that first day, with the whole range's numbers.
 */
const RANGE_ONLY_VIEWS: ReadonlySet<string> = new Set(['sales_drill_range', 'sales_drill_range_totals', 'sales_drill_range_top', 'staff_converted', 'repurchase_buyers']);

/**
 * Its range is pushed into its SQL through FILTER_PARAMS (model/cubes/range_drill.js), which reads every top-level
 * condition on the date as a [start, end] pair and joins them with AND: a second range would cut each customer's first
 * and last rows at different bounds, a `notInDateRange` would read as in the range, a `beforeDate` / `afterDate` as a
 * range to today, and a condition inside an or-group would not reach it at all. So the date is asked once, as the
 * time dimension's date range, and never as a filter (on `sales_range` too, migration 038).
 */
function checkRangeOnly(view: string, query: CubeQuery, times: ReadonlyArray<Record<string, unknown>>): void {
  if (times.some((t) => t.granularity !== undefined)) throw new AccessError(400, `${view} answers a date range, not a granularity.`);
  checkDateOnce(view, query, times);
}

/** Refuses a date given as a filter, or twice, on a view whose range reaches its SQL through FILTER_PARAMS. */
function checkDateOnce(view: string, query: CubeQuery, times: ReadonlyArray<Record<string, unknown>>): void {
  const dated = times.filter((t) => typeof t.dimension === 'string' && splitMember(t.dimension)[0] === view);
  const filters = Array.isArray(query.filters) ? (query.filters as Array<Record<string, unknown>>) : [];
  const flat = (list: ReadonlyArray<Record<string, unknown>>): Array<Record<string, unknown>> =>
    list.flatMap((f) => [f, ...flat(Array.isArray(f.or) ? f.or : []), ...flat(Array.isArray(f.and) ? f.and : [])]);
  const onDate = flat(filters).some((f) => [f.member, f.dimension].some((m) => typeof m === 'string' && splitMember(m)[0] === view
    && splitMember(m)[1] === 'order_date'));
  if (onDate || dated.filter((t) => t.dateRange !== undefined).length > 1) {
    throw new AccessError(400, `${view} takes its dates as one date range of ${view}.order_date, not as a filter.`);
  }
}

/** Adds the level filter to a query on a range view (and checks it); any other query is returned as it is. */
export function applyRangeLevel(query: CubeQuery): CubeQuery {
  const members = queryMembers(query);
  const views = [...members].map((m) => splitMember(m)[0]);
  const times = Array.isArray(query.timeDimensions) ? (query.timeDimensions as Array<Record<string, unknown>>) : [];
  const rangeOnly = views.find((v) => RANGE_ONLY_VIEWS.has(v));
  if (rangeOnly) checkRangeOnly(rangeOnly, query, times);
  const view = views.find((v) => v in RANGE_VIEWS);
  if (!view) return query;
  checkDateOnce(view, query, times);
  const levels = RANGE_VIEWS[view]!;
  if (members.has(`${view}.level`)) throw new AccessError(400, `${view}.level is chosen by the server from the query's dimensions and filters.`);
  if (times.some((t) => t.granularity !== undefined)) throw new AccessError(400, `${view} answers a date range, not a granularity.`);

  const named = (names: readonly string[]) => names.some((n) => members.has(`${view}.${n}`));
  const deepest = [...levels].reverse().find(([, names]) => named(names));
  const level = deepest?.[0] ?? 'brand';
  if (deepest) {
    const [, names] = deepest;
    const isLevelMember = (member: string | undefined) => member !== undefined && names.includes(splitMember(member)[1]) && splitMember(member)[0] === view;
    const grouped = (Array.isArray(query.dimensions) ? (query.dimensions as string[]) : []).some(isLevelMember);
    const topLevel = (Array.isArray(query.filters) ? query.filters : []) as Filter[];
    // Grouped by the level, each row is one group: any filter on it only picks groups.
    if (!grouped) {
      for (const f of topLevel) {
        const member = f.member ?? f.dimension;
        if (isLevelMember(member) && !(f.operator === 'equals' && Array.isArray(f.values) && f.values.length === 1)) {
          throw new AccessError(400, `${member} can only be equal to one value on ${view} unless it is a dimension.`);
        }
      }
    }
    const nested = topLevel.filter((f) => !(f.member ?? f.dimension)).flatMap((f) => [...queryMembers({ filters: [f] })]).find(isLevelMember);
    if (nested) throw new AccessError(400, `${nested} can only be filtered at the top level on ${view}.`);
  }
  const filters = Array.isArray(query.filters) ? query.filters : [];
  return { ...query, filters: [...filters, { member: `${view}.level`, operator: 'equals', values: [level] }] };
}
