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
import type { DrillSlice } from './url.ts';

export const ATTRIBUTED_DRILL_VIEW = 'attributed_drill';
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
