/**
 * The repurchase list (复购率) of a preset range from stored rows
 * (docs/performance.md, "The repurchase list from stored rows"): its
 * customers are siyu.drill_sales' rows of the range (migration 029, indexed
 * in customer order by migration 040) through `repurchase_drill_periods`,
 * the repeat buyers its `repeat_buyers` segment; its total, header counts
 * and header rate are the tile's own row of siyu.period_owners (migration
 * 027) through `repurchase_periods`, cut the same way. On customer_insights
 * the same list grouped the range's orders per customer at every page and
 * again for each count (30 s at 1M).
 *
 * Only for a preset range, the default order (the customer id), and a cut by
 * the owner's team or the owner at most (the role's own limit is the same
 * owner or team on both views); a channel or campaign cut, a custom range or
 * another sort stays on customer_insights. Everything here is pure.
 */
import type { Query } from '../cube.ts';
import type { SliceMembers } from './catalogue.ts';
import { drillPeriodKey, sliceFilters } from './slice.ts';
import { showsNumerator, type DrillPage, type DrillSlice } from './url.ts';

/** The list's stored rows (one per buyer of the range). */
export const REPURCHASE_DRILL_VIEW = 'repurchase_drill_periods';
/** The tile's period table (its rate, buyers and repeat buyers). */
export const REPURCHASE_PERIOD_VIEW = 'repurchase_periods';
/** The cuts both views share, named alike. */
const OWNER_SLICE: SliceMembers = { team: 'owner_team', owner: 'owner_id' };

type Filter = NonNullable<Query['filters']>[number];

/** The stored range's key when the stored rows answer this repurchase list, else null. */
export function repurchasePeriod(slice: DrillSlice, page: DrillPage, asOf: string | null): string | null {
  if (slice.metric !== 'repurchase_rate' || asOf === null || page.sort !== null) return null;
  if (slice.channel || slice.campaign || slice.segment || slice.journey) return null;
  return drillPeriodKey(slice.range, asOf);
}

function filtersOn(view: string, period: string, slice: DrillSlice): Filter[] {
  return [{ member: `${view}.period`, operator: 'equals', values: [period] }, ...sliceFilters(view, OWNER_SLICE, slice)];
}

/** The page: the range's buyers (or repeat buyers) in customer order, with their paid orders; no total (`repurchaseCount`). */
export function repurchaseListQuery(slice: DrillSlice, page: DrillPage, asOf: string | null): Query | null {
  const period = repurchasePeriod(slice, page, asOf);
  if (period === null) return null;
  const v = REPURCHASE_DRILL_VIEW;
  return {
    dimensions: [`${v}.customer`, `${v}.paid_orders`],
    filters: filtersOn(v, period, slice),
    ...(showsNumerator(slice) ? { segments: [`${v}.repeat_buyers`] } : {}),
    order: [[`${v}.customer`, 'asc']],
    limit: page.limit,
    offset: page.offset,
  };
}

/** The tile's count of the population the list shows (repeat buyers, or buyers): the list's total and the header's count. */
export function repurchaseCount(slice: DrillSlice, page: DrillPage, asOf: string | null): Query | null {
  const period = repurchasePeriod(slice, page, asOf);
  if (period === null) return null;
  const counted = showsNumerator(slice) ? 'repeat_buyers' : 'buyers';
  return { measures: [`${REPURCHASE_PERIOD_VIEW}.${counted}`], filters: filtersOn(REPURCHASE_PERIOD_VIEW, period, slice) };
}

/** The header's rate: the tile's own row. */
export function repurchaseSummary(slice: DrillSlice, page: DrillPage, asOf: string | null): Query | null {
  const period = repurchasePeriod(slice, page, asOf);
  if (period === null) return null;
  return { measures: [`${REPURCHASE_PERIOD_VIEW}.repurchase_rate`], filters: filtersOn(REPURCHASE_PERIOD_VIEW, period, slice) };
}

/**
 * A row of either view under customer_insights' names (the list's columns,
 * the header's rate), or null when it has none of their members: a buyer is
 * in the numerator (their repurchase rate 1) with two or more paid orders.
 */
export function repurchaseRow(row: Record<string, unknown>): Record<string, unknown> | null {
  const d = REPURCHASE_DRILL_VIEW;
  const p = REPURCHASE_PERIOD_VIEW;
  if (`${d}.customer` in row) {
    return { ...row, 'customer_insights.customer': row[`${d}.customer`], 'customer_insights.repurchase_rate': Number(row[`${d}.paid_orders`] ?? 0) >= 2 ? 1 : 0 };
  }
  if (`${p}.repurchase_rate` in row) return { ...row, 'customer_insights.repurchase_rate': row[`${p}.repurchase_rate`] };
  return null;
}
