/**
 * The LTV list's page asked by dimensions (docs/performance.md, "The LTV
 * list's page"): a buyer's LTV is their paid amount up to as-of (one
 * customer's lifetime GMV over one buyer), a column of the classification
 * table, so the page is the customers with a paid order ordered by that
 * column. Asked as the `ltv` measure per customer, Cube grouped every
 * customer and sorted the sums (10.4 s at 1M); asked as dimensions, with the
 * population a WHERE on the paid orders, PostgreSQL reads the top of the
 * classification table's paid-amount index (`classification_now_amount_idx`,
 * migration 026) and stops at the page. Same customers, order and values;
 * the total is already `buyers_to_date` (catalogue.ts, `counts`).
 *
 * Only in the default order (LTV largest first, then the customer id), for
 * no segment or journey cut. Everything here is pure.
 *
 * A staff member's own list (`ownBook`) is ordered by the `ltv` measure per
 * customer instead (the same value: one buyer's paid amount over one buyer),
 * over the same buyers: ordered by the column, PostgreSQL walked the brand's
 * paid-amount index from the top and dropped every other owner's customer
 * (36,000 rows read for a page of 50 at 200k, 188 ms, growing with the brand);
 * ordered by the measure it reads the owner's customers through the owner
 * index and sorts those few (16 ms at 200k; docs/performance.md, "PostgreSQL's
 * CPU per answer for 50 people"). A manager's team is large enough for the
 * walk to stop early: theirs stays by dimensions.
 */
import type { Query } from '../cube.ts';
import type { DrillPage, DrillSlice } from './url.ts';

const V = 'customer_insights';

/** The page of the LTV list by dimensions, or null when another query answers it. `filters`: the slice's (baseFilters). */
export function ltvListQuery(slice: DrillSlice, page: DrillPage, filters: NonNullable<Query['filters']>, ownBook = false): Query | null {
  if (slice.metric !== 'ltv' || page.sort !== null || slice.segment || slice.journey) return null;
  if (ownBook) {
    return {
      dimensions: [`${V}.customer`],
      measures: [`${V}.ltv`],
      filters: [...filters, { member: `${V}.paid_orders`, operator: 'gt', values: ['0'] }],
      order: [[`${V}.ltv`, 'desc'], [`${V}.customer`, 'asc']],
      limit: page.limit,
      offset: page.offset,
    };
  }
  return {
    dimensions: [`${V}.customer`, `${V}.paid_amount`],
    filters: [...filters, { member: `${V}.paid_orders`, operator: 'gt', values: ['0'] }],
    order: [[`${V}.paid_amount`, 'desc'], [`${V}.customer`, 'asc']],
    limit: page.limit,
    offset: page.offset,
  };
}

/** A row of that page under the list's names: its LTV is its paid amount (other rows unchanged, null). */
export function ltvRow(row: Record<string, unknown>): Record<string, unknown> | null {
  if (!(`${V}.paid_amount` in row) || `${V}.ltv` in row || !(`${V}.customer` in row)) return null;
  return { ...row, [`${V}.ltv`]: row[`${V}.paid_amount`] };
}
