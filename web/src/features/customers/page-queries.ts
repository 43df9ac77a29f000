/**
 * Every query the drill-down list sends, by name (see lib/page-queries.ts):
 * the page of customers ranked on the facts (`list`; then
 * `attributesQuery`: those customers' attributes by id); the number itself
 * for the header (and the spend for ROI and CAC); under a team role the
 * customers behind the number the person may not see (`scope_*`); a ratio's
 * numerator and denominator counts.
 */
import {
  buildDrillAttributesQuery, buildDrillPageQuery, buildDrillSpendQuery, buildDrillSummaryQuery, drillCustomers, type DrillPage, type DrillSlice,
} from '../../lib/drill.ts';
import type { Query } from '../../lib/cube.ts';
import { buildDrillScopeQueries, buildRatioCountQueries } from '../../lib/drill-scope.ts';
import type { FilterKind } from '../../lib/filters.ts';
import { filterBarQueries } from '../../lib/page-queries.ts';

export const CUSTOMERS_FILTERS: FilterKind[] = ['team', 'channel', 'campaign'];

export function customersQueries(slice: DrillSlice, page: DrillPage, limitedRole: boolean) {
  const scope = buildDrillScopeQueries(slice, limitedRole);
  const ratio = buildRatioCountQueries(slice);
  return {
    ...filterBarQueries(CUSTOMERS_FILTERS),
    list: buildDrillPageQuery(slice, page),
    summary: buildDrillSummaryQuery(slice),
    spend: buildDrillSpendQuery(slice),
    scope_all: scope?.all ?? null,
    scope_owned: scope?.owned ?? null,
    numerator_count: ratio?.numerator.query ?? null,
    denominator_count: ratio?.denominator.query ?? null,
  };
}

/** Sent once `list` has answered: the attributes of the customers on its page (none before). */
export function attributesQuery(slice: DrillSlice, listRows: ReadonlyArray<Record<string, unknown>>): Query | null {
  return buildDrillAttributesQuery(slice, drillCustomers(slice.metric, listRows));
}
