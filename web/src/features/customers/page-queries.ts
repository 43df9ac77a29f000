/**
 * Every query the drill-down list sends, by name (see lib/page-queries.ts):
 * the page of customers ranked on the facts (`list`; then
 * `attributesQuery`: those customers' attributes by id); the number itself
 * for the header (and the spend for ROI and CAC); a brand's sales list on a
 * preset range reads both from stored rows (`buildDrillListQuery`, its rows
 * read through `drillListRows`), and so does a list cut by one team,
 * employee, channel or campaign, and a manager's or staff member's own;
 * under a team role the customers behind the number the person may not see
 * (`scope_*`; on stored rows none: the header's number and the list's total,
 * `listRemainder`); a ratio's numerator and denominator counts.
 */
import {
  buildDrillAttributesQuery, buildDrillListQuery, buildDrillListSummaryQuery, buildDrillListTotalQuery, buildDrillSpendQuery, drillCustomers,
  drillListRows, PERIOD_DRILL_VIEW, remainderFromList, SLICE_DRILL_VIEW, storedBuyers, type DrillPage, type DrillSlice,
} from '../../lib/drill.ts';
import type { Query } from '../../lib/cube.ts';
import { buildDrillScopeQueries, buildRatioCountQueries, remainder, type Remainder } from '../../lib/drill-scope.ts';
import type { FilterKind } from '../../lib/filters.ts';
import { filterBarQueries } from '../../lib/page-queries.ts';

export const CUSTOMERS_FILTERS: FilterKind[] = ['team', 'channel', 'campaign'];

/**
 * `asOf`: the data date, which says whether the range is a preset's (null: never read from stored rows); `staff`: a
 * staff member's own list (the LTV page's shape, ltv.ts).
 */
export function customersQueries(slice: DrillSlice, page: DrillPage, limitedRole: boolean, asOf: string | null, staff = false) {
  // On the slices' table a team role's remainder is read from the header and the list's total (`listRemainder`).
  const scope = remainderFromList(slice, page, asOf, limitedRole) ? null : buildDrillScopeQueries(slice, limitedRole);
  const ratio = buildRatioCountQueries(slice, asOf);
  return {
    ...filterBarQueries(CUSTOMERS_FILTERS),
    list: buildDrillListQuery(slice, page, asOf, limitedRole, staff),
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

/**
 * How many customers the list names: its total query's count (the stored rows' buyers, or the number's own count
 * measure: its first measure), else the list's own total (null until answered).
 */
export function listedCustomers(totalQuery: Query | null, total: { rows: ReadonlyArray<Record<string, unknown>> }, list: { totalRows: () => number | null | undefined } | null): number | null {
  if (totalQuery) {
    const counted = totalQuery.measures?.[0];
    if (counted && !counted.startsWith(`${PERIOD_DRILL_VIEW}.`) && !counted.startsWith(`${SLICE_DRILL_VIEW}.`)) {
      return total.rows.length === 0 ? null : Number(total.rows[0]![counted] ?? 0);
    }
    return storedBuyers(total.rows);
  }
  return list ? list.totalRows() ?? null : null;
}

/** Sent once `list` has answered: the attributes of the customers on its page (none before). */
export function attributesQuery(slice: DrillSlice, listRows: ReadonlyArray<Record<string, unknown>>): Query | null {
  return buildDrillAttributesQuery(slice, drillCustomers(slice.metric, listRows));
}

type Answer = { rows: ReadonlyArray<Record<string, unknown>> } | undefined;

/**
 * A team role's anonymised remainder from the answers of the page's queries
 * (undefined until those it needs have answered; null when there is none):
 * the header and the list's total on stored rows (`remainderFromList`), else
 * the two scope queries.
 */
export function listRemainder(slice: DrillSlice, page: DrillPage, limitedRole: boolean, asOf: string | null,
  answers: { summary: Answer; list_total: Answer; scope_all: Answer; scope_owned: Answer }): Remainder | null | undefined {
  const fromList = remainderFromList(slice, page, asOf, limitedRole);
  const [all, owned] = fromList ? [answers.summary, answers.list_total] : [answers.scope_all, answers.scope_owned];
  if (!fromList && !buildDrillScopeQueries(slice, limitedRole)) return null;
  if (!all || !owned) return undefined;
  return remainder(slice, drillListRows(all.rows)[0], drillListRows(owned.rows)[0]);
}
