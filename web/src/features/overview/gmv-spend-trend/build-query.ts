import type { Query } from '../../../lib/cube.ts';
import type { DateRange } from '../../../lib/date-range.ts';
import { drillDef, sliceFilters } from '../../../lib/drill.ts';
import type { KpiSlice } from '../kpis/build-query.ts';

const NO_SLICE = { employee: null, owner: null, cityTier: null };

/** GMV per month of paid orders. */
export function buildGmvTrendQuery(range: DateRange | null, slice: KpiSlice): Query {
  return {
    measures: ['sales_overview.gmv'],
    filters: sliceFilters('sales_overview', drillDef('gmv').slice, { ...slice, ...NO_SLICE }),
    timeDimensions: [{ dimension: 'sales_overview.order_date', granularity: 'month', ...(range ? { dateRange: range } : {}) }],
    order: { 'sales_overview.order_date': 'asc' },
  };
}

/** Spend per month on the same calendar. */
export function buildSpendTrendQuery(range: DateRange | null, slice: KpiSlice): Query {
  return {
    measures: ['channel_roi.spend'],
    filters: sliceFilters('channel_roi', drillDef('roi').slice, { ...slice, ...NO_SLICE }),
    timeDimensions: [{ dimension: 'channel_roi.spend_date', granularity: 'month', ...(range ? { dateRange: range } : {}) }],
    order: { 'channel_roi.spend_date': 'asc' },
  };
}
