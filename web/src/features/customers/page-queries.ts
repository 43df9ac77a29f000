/**
 * Every query the drill-down list sends, by name (see lib/page-queries.ts):
 * the page of customers ranked on the facts (`list`; then
 * `attributesQuery`: those customers' attributes by id); the number itself
 * for the header (and the spend for ROI and CAC); a brand's sales list on a
 * preset range reads both from stored rows (`buildDrillListQuery`, its rows
 * read through `drillListRows`), and so does a list cut by one team,
 * employee, channel or campaign, and a manager's or staff member's own;
 * under a team role the customers behind the number the person may not see
 * (`scope_*`: on stored rows the tile's number and the list's total); a
 * ratio's numerator and denominator counts.
 */
import {
  buildDrillAttributesQuery, buildDrillListQuery, buildDrillListScopeQueries, buildDrillListSummaryQuery, buildDrillListTotalQuery, buildDrillSpendQuery, drillCustomers,
  storedBuyers, type DrillPage, type DrillSlice,
} from '../../lib/drill.ts';
import type { Query } from '../../lib/cube.ts';
import { buildDrillScopeQueries, buildRatioCountQueries } from '../../lib/drill-scope.ts';
import type { FilterKind } from '../../lib/filters.ts';
import { filterBarQueries } from '../../lib/page-queries.ts';

export const CUSTOMERS_FILTERS: FilterKind[] = ['team', 'channel', 'campaign'];

/** `asOf`: the data date, which says whether the range is a preset's (null: never read from stored rows). */
export function customersQueries(slice: DrillSlice, page: DrillPage, limitedRole: boolean, asOf: string | null) {
  const scope = buildDrillListScopeQueries(slice, page, asOf, limitedRole) ?? buildDrillScopeQueries(slice, limitedRole);
  const ratio = buildRatioCountQueries(slice);
  return {
    ...filterBarQueries(CUSTOMERS_FILTERS),
    list: buildDrillListQuery(slice, page, asOf, limitedRole),
    // Null when the list carries its own total.
    list_total: buildDrillListTotalQuery(slice, page, asOf, limitedRole),
    summary: buildDrillListSummaryQuery(slice, page, asOf, limitedRole),
    spend: buildDrillSpendQuery(slice),
    scope_all: scope?.all ?? null,
    scope_owned: scope?.owned ?? null,
    numerator_count: ratio?.numerator.query ?? null,
    denominator_count: ratio?.denominator.query ?? null,
  };
}

/** How many customers the list names: its total query's count, else the list's own total (null until answered). */
export function listedCustomers(totalQuery: Query | null, total: { rows: ReadonlyArray<Record<string, unknown>> }, list: { totalRows: () => number | null | undefined } | null): number | null {
  if (totalQuery) return storedBuyers(total.rows);
  return list ? list.totalRows() ?? null : null;
}

/** Sent once `list` has answered: the attributes of the customers on its page (none before). */
export function attributesQuery(slice: DrillSlice, listRows: ReadonlyArray<Record<string, unknown>>): Query | null {
  return buildDrillAttributesQuery(slice, drillCustomers(slice.metric, listRows));
}
