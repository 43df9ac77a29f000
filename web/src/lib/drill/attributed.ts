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
import { drillPeriodKey, sortOf } from './slice.ts';
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
 * The stored range's key when the brand's stored rows answer the attributed
 * list, else null: a role that sees every fact, a preset range, the list cut
 * by nothing, ranked as the partial rank index is (attributed GMV largest
 * first) or by the customer id. A team role, a cut list, a custom range or
 * another sort stays on attributed_drill (or sales_drill).
 */
export function attributedPeriod(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): string | null {
  if (asOf === null || limitedRole || !isAttributed(slice)) return null;
  if (slice.team || slice.channel || slice.campaign || slice.employee || slice.owner !== null || slice.cityTier || slice.segment || slice.journey) return null;
  const { sortMember, desc } = sortOf(slice, page);
  if (!(sortMember === 'sales_drill.gmv' && desc) && !(page.sort === null && sortMember === 'sales_drill.customer')) return null;
  return drillPeriodKey(slice.range, asOf);
}

const periodFilter = (period: string): NonNullable<Query['filters']> => [{ member: `${ATTRIBUTED_PERIOD_VIEW}.period`, operator: 'equals', values: [period] }];

/** The attributed list's page from stored rows (read in the partial rank index's order), or null; its total is `attributedStoredTotal`. */
export function attributedStoredList(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): Query | null {
  const period = attributedPeriod(slice, page, asOf, limitedRole);
  if (period === null) return null;
  const v = ATTRIBUTED_PERIOD_VIEW;
  return {
    dimensions: [`${v}.customer`, `${v}.gmv`, `${v}.order_count`],
    filters: periodFilter(period),
    order: sortOf(slice, page).sortMember === 'sales_drill.gmv' ? [[`${v}.gmv`, 'desc'], [`${v}.customer`, 'asc']] : [[`${v}.customer`, 'asc']],
    limit: page.limit,
    offset: page.offset,
  };
}

/** Its total: the range's stored rows with an attributed order (one per customer of the list). */
export function attributedStoredTotal(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): Query | null {
  const period = attributedPeriod(slice, page, asOf, limitedRole);
  return period === null ? null : { measures: [`${ATTRIBUTED_PERIOD_VIEW}.buyers`], filters: periodFilter(period) };
}

/** The header's number (attributed GMV, buyers) summed over the same rows; read as sales_drill's gmv and buyers. */
export function attributedStoredSummary(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): Query | null {
  const period = attributedPeriod(slice, page, asOf, limitedRole);
  const names: Readonly<Record<string, string>> = { gmv: 'total_gmv', buyers: 'buyers' };
  const summary = drillDef(slice.metric).summary;
  if (period === null || summary.length === 0 || !summary.every((m) => names[m])) return null;
  return { measures: summary.map((m) => `${ATTRIBUTED_PERIOD_VIEW}.${names[m]}`), filters: periodFilter(period) };
}
