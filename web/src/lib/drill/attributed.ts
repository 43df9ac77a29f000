/**
 * The attributed GMV and ROI drill lists (paid orders carrying a campaign)
 * from the customer-day table's campaign rows (`attributed_drill`, migration
 * 013; docs/performance.md, "The ROI list from the customer-day table"): the
 * page, its total and header, and a team role's two scope queries are
 * sales_drill's own queries asked under the same member names on that view,
 * which has sales_drill's role rules. On sales_drill each of them ranked the
 * range's orders joined to the campaigns (8-10 s each at 1M).
 *
 * A query naming a member the view lacks (a page sorted by an attribute
 * column, a city tier or segment cut) stays on sales_drill. Pure.
 */
import type { Query } from '../cube.ts';
import { drillDef } from './catalogue.ts';
import { drillPeriodKey, sliceFilters, sortOf, STORED_SLICE } from './slice.ts';
import type { DrillPage, DrillSlice } from './url.ts';

export const ATTRIBUTED_DRILL_VIEW = 'attributed_drill';
/**
 * The attributed list of a preset range over the whole brand from stored
 * rows (siyu.drill_sales' attributed part, migration 058; docs/performance.md
 * "The attributed drill list from stored rows"), under the names of
 * attributed_drill (its sum `total_gmv`).
 */
export const ATTRIBUTED_PERIOD_VIEW = 'attributed_drill_periods';
const FROM = 'sales_drill.';
/** The members of sales_drill the view carries, under the same names. */
const MEMBERS: ReadonlySet<string> = new Set(['customer', 'gmv', 'order_count', 'buyers', 'order_date', 'channel', 'employee', 'employee_id', 'team', 'team_id', 'campaign', 'owner_id', 'owner_team_id']);

/** Whether the list is an attributed one: sales_drill with the campaign set. */
export function isAttributed(slice: DrillSlice): boolean {
  const def = drillDef(slice.metric);
  return def.view === 'sales_drill' && (def.fixed ?? []).some((f) => f.member === 'campaign');
}

/** `query` (on sales_drill) asked on attributed_drill, or null when it names a member the view lacks. */
export function onAttributedDays(query: Query): Query | null {
  let fits = true;
  const move = (member: string): string => {
    if (!member.startsWith(FROM) || !MEMBERS.has(member.slice(FROM.length))) {
      fits = false;
      return member;
    }
    return `${ATTRIBUTED_DRILL_VIEW}.${member.slice(FROM.length)}`;
  };
  const out: Query = { ...query };
  if (query.dimensions) out.dimensions = query.dimensions.map(move);
  if (query.measures) out.measures = query.measures.map(move);
  if (query.timeDimensions) out.timeDimensions = query.timeDimensions.map((t) => ({ ...t, dimension: move(t.dimension) }));
  if (query.filters) {
    out.filters = query.filters.map((f) => {
      if (!('member' in f) || typeof f.member !== 'string') {
        fits = false;
        return f;
      }
      return { ...f, member: move(f.member) };
    });
  }
  if (query.order) {
    if (!Array.isArray(query.order)) return null;
    out.order = query.order.map(([member, dir]) => [move(member), dir] as [string, typeof dir]);
  }
  return fits ? out : null;
}

/**
 * The attributed list's page on attributed_drill, or null; its total is
 * `attributedTotalQuery`. `pageQuery` is the list's page on sales_drill
 * (queries.ts's buildDrillPageQuery: passed in, so this module does not
 * import the one that routes to it).
 */
export function attributedListQuery(slice: DrillSlice, pageQuery: () => Query): Query | null {
  if (!isAttributed(slice)) return null;
  const query = onAttributedDays(pageQuery());
  if (query) delete query.total;
  return query;
}

/**
 * The list's total when its page is on attributed_drill: its customers as a
 * distinct count over the same rows (every row has a paid order, so each
 * customer grouped is in the list). `buyers` is that count on sales_drill with
 * the list's filters and the customer named (set), which limits a team role's
 * count to the customers it owns, as its page is.
 */
export function attributedTotalQuery(slice: DrillSlice, pageQuery: () => Query, buyers: () => Query): Query | null {
  if (attributedListQuery(slice, pageQuery) === null) return null;
  return onAttributedDays(buyers());
}

/** A header or scope query of an attributed list on attributed_drill when it fits there, else as given. */
export function attributedAggregate(slice: DrillSlice, query: Query): Query;
export function attributedAggregate(slice: DrillSlice, query: Query | null): Query | null;
export function attributedAggregate(slice: DrillSlice, query: Query | null): Query | null {
  if (query === null || !isAttributed(slice)) return query;
  return onAttributedDays(query) ?? query;
}

/**
 * The team roles' attributed lists and a list cut by one team, employee,
 * channel or campaign from stored rows (siyu.drill_sales_slices' attributed
 * part, migration 061; docs/performance.md "The team roles' and cut
 * attributed drill lists from stored rows"), under the names of
 * attributed_drill (its sums `total_gmv`, `total_orders`); the slice is
 * chosen by cube/engine/period-slice.ts.
 */
export const ATTRIBUTED_SLICE_VIEW = 'attributed_drill_slices';

/** An attributed list answered from stored rows: the range's key, the view, and the slice's filter on it (none for the brand's or a team role's own list). */
export interface AttributedStored {
  period: string;
  view: typeof ATTRIBUTED_PERIOD_VIEW | typeof ATTRIBUTED_SLICE_VIEW;
  filters: NonNullable<Query['filters']>;
}

/**
 * The stored rows that answer the attributed list, or null: a preset range,
 * ranked as the partial rank indexes are (attributed GMV largest first) or by
 * the customer id; for a role that sees every fact cut by nothing (the
 * brand's rows) or by one team, employee, channel or campaign (the slices'
 * rows); for a manager or staff member cut by nothing (their own slice, with
 * the anonymised remainder from the list's total and header). A team role's
 * cut list, two cuts, an owner, city tier, segment or journey cut, a custom
 * range or another sort stays on attributed_drill (or sales_drill).
 */
export function attributedStored(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): AttributedStored | null {
  if (asOf === null || !isAttributed(slice)) return null;
  if (slice.owner !== null || slice.cityTier || slice.segment || slice.journey) return null;
  const { sortMember, desc } = sortOf(slice, page);
  if (!(sortMember === 'sales_drill.gmv' && desc) && !(page.sort === null && sortMember === 'sales_drill.customer')) return null;
  const period = drillPeriodKey(slice.range, asOf);
  if (period === null) return null;
  const cuts = [slice.team, slice.channel, slice.campaign, slice.employee].filter(Boolean).length;
  if (limitedRole) return cuts === 0 ? { period, view: ATTRIBUTED_SLICE_VIEW, filters: [] } : null;
  if (cuts === 0) return { period, view: ATTRIBUTED_PERIOD_VIEW, filters: [] };
  return cuts === 1 ? { period, view: ATTRIBUTED_SLICE_VIEW, filters: sliceFilters(ATTRIBUTED_SLICE_VIEW, STORED_SLICE, slice) } : null;
}

/** The stored range's key when the brand's stored rows (migration 058) answer the attributed list, else null. */
export function attributedPeriod(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): string | null {
  const stored = attributedStored(slice, page, asOf, limitedRole);
  return stored?.view === ATTRIBUTED_PERIOD_VIEW ? stored.period : null;
}

const storedFilters = (stored: AttributedStored): NonNullable<Query['filters']> =>
  [{ member: `${stored.view}.period`, operator: 'equals', values: [stored.period] }, ...stored.filters];

/** The attributed list's page from stored rows (read in a partial rank index's order), or null; its total is `attributedStoredTotal`. */
export function attributedStoredList(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): Query | null {
  const stored = attributedStored(slice, page, asOf, limitedRole);
  if (stored === null) return null;
  const v = stored.view;
  return {
    dimensions: [`${v}.customer`, `${v}.gmv`, `${v}.order_count`],
    filters: storedFilters(stored),
    order: sortOf(slice, page).sortMember === 'sales_drill.gmv' ? [[`${v}.gmv`, 'desc'], [`${v}.customer`, 'asc']] : [[`${v}.customer`, 'asc']],
    limit: page.limit,
    offset: page.offset,
  };
}

/**
 * Its total: the range's stored rows with an attributed order (one per customer of the list). On the slices' rows
 * with their sums, and naming the customer, which limits a team role's count to the customers it owns (as its page
 * is): the owned part of its number, the anonymised remainder being the header's minus this.
 */
export function attributedStoredTotal(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): Query | null {
  const stored = attributedStored(slice, page, asOf, limitedRole);
  if (stored === null) return null;
  const v = stored.view;
  if (v === ATTRIBUTED_PERIOD_VIEW) return { measures: [`${v}.buyers`], filters: storedFilters(stored) };
  return { measures: [`${v}.buyers`, `${v}.total_gmv`, `${v}.total_orders`], filters: [...storedFilters(stored), { member: `${v}.customer`, operator: 'set' }] };
}

/**
 * The header's number (attributed GMV, buyers) summed over the same rows without naming the customer (the whole
 * number: for a team role its team's or own, the ROI tile's attributed GMV); read as sales_drill's gmv and buyers.
 * A team role's also carries the orders, for the anonymised remainder.
 */
export function attributedStoredSummary(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): Query | null {
  const stored = attributedStored(slice, page, asOf, limitedRole);
  const names: Readonly<Record<string, string>> = { gmv: 'total_gmv', buyers: 'buyers', order_count: 'total_orders' };
  const summary = drillDef(slice.metric).summary;
  if (stored === null || summary.length === 0 || !summary.every((m) => names[m])) return null;
  const measures = stored.view === ATTRIBUTED_SLICE_VIEW && limitedRole ? [...new Set([...summary, 'buyers', 'gmv', 'order_count'])] : summary;
  return { measures: measures.map((m) => `${stored.view}.${names[m]}`), filters: storedFilters(stored) };
}

/** Whether a team role's anonymised remainder comes from the attributed list's own header and total (its stored slice). */
export function attributedRemainderFromList(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): boolean {
  return limitedRole && attributedStored(slice, page, asOf, limitedRole)?.view === ATTRIBUTED_SLICE_VIEW && drillDef(slice.metric).summary.length > 0;
}
