/** Every query the overview sends, by name (see lib/page-queries.ts). */
import { comparisonRanges, presetPeriodKey, type CompareMode, type DateRange } from '../../lib/date-range.ts';
import type { FilterKind } from '../../lib/filters.ts';
import { filterBarQueries } from '../../lib/page-queries.ts';
import { buildGmvTrendQuery, buildSpendTrendQuery } from './gmv-spend-trend/build-query.ts';
import {
  buildAsOfKpiQuery, buildNewCustomersKpiQuery, buildRepurchaseKpiQuery, buildRoiKpiQuery, buildSalesKpiQuery, type KpiSlice,
} from './kpis/build-query.ts';

export const OVERVIEW_FILTERS: FilterKind[] = ['team', 'channel', 'campaign'];

/**
 * With `asOf`, the sales and repurchase tiles of a preset's ranges ask the period tables (presetPeriodKey); without, the
 * customer-day table. churn and LTV from the stored classification counts (buildAsOfKpiQuery).
 */
export function overviewQueries(range: DateRange | null, slice: KpiSlice, compare: CompareMode, chosen: DateRange | null = null, asOf: string | null = null,
  limitedRole = false) {
  // Only the comparisons chosen are asked for: 不对比 costs no extra query.
  const ranges = comparisonRanges(range, compare, chosen);
  const yoy = ranges.yoy;
  // A chosen period takes the previous period's place (the *_mom queries): one of the two is asked for at most.
  const mom = ranges.mom ?? ranges.custom;
  const period = (r: DateRange | null) => (asOf === null ? null : presetPeriodKey(r, asOf));
  return {
    ...filterBarQueries(OVERVIEW_FILTERS),
    sales_kpis: buildSalesKpiQuery(range, slice, period(range)),
    sales_kpis_mom: mom && buildSalesKpiQuery(mom, slice, period(mom)),
    sales_kpis_yoy: yoy && buildSalesKpiQuery(yoy, slice, period(yoy)),
    new_customers: buildNewCustomersKpiQuery(range, slice),
    new_customers_mom: mom && buildNewCustomersKpiQuery(mom, slice),
    new_customers_yoy: yoy && buildNewCustomersKpiQuery(yoy, slice),
    repurchase: buildRepurchaseKpiQuery(range, slice, period(range)),
    repurchase_mom: mom && buildRepurchaseKpiQuery(mom, slice, period(mom)),
    repurchase_yoy: yoy && buildRepurchaseKpiQuery(yoy, slice, period(yoy)),
    churn_ltv: buildAsOfKpiQuery(slice, limitedRole),
    roi: buildRoiKpiQuery(range, slice),
    roi_mom: mom && buildRoiKpiQuery(mom, slice),
    roi_yoy: yoy && buildRoiKpiQuery(yoy, slice),
    gmv_trend: buildGmvTrendQuery(range, slice),
    spend_trend: buildSpendTrendQuery(range, slice),
  };
}
