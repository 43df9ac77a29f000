import type { Query } from '../../../lib/cube.ts';
import type { DateRange } from '../../../lib/date-range.ts';
import { drillDef, sliceFilters } from '../../../lib/drill.ts';
import type { KpiSlice } from '../kpis/build-query.ts';

const NO_SLICE = { employee: null, owner: null, cityTier: null };

export type TrendGranularity = 'day' | 'month';

/** By day up to two months (今日, 本周, 近30天 would be one or two bars by month), by month beyond. */
export function trendGranularity(range: DateRange | null): TrendGranularity {
  if (!range) return 'month';
  const days = (Date.parse(`${range[1]}T00:00:00Z`) - Date.parse(`${range[0]}T00:00:00Z`)) / 86_400_000 + 1;
  return days <= 62 ? 'day' : 'month';
}

/** GMV per day or month of paid orders, from the hourly sales table (sales_live, migration 032: nothing to rebuild after a write). */
export function buildGmvTrendQuery(range: DateRange | null, slice: KpiSlice): Query {
  return {
    measures: ['sales_live.gmv'],
    filters: sliceFilters('sales_live', drillDef('gmv').slice, { ...slice, ...NO_SLICE }),
    timeDimensions: [{ dimension: 'sales_live.order_date', granularity: trendGranularity(range), ...(range ? { dateRange: range } : {}) }],
    order: { 'sales_live.order_date': 'asc' },
  };
}

/** Spend per day or month on the same calendar. */
export function buildSpendTrendQuery(range: DateRange | null, slice: KpiSlice): Query {
  return {
    measures: ['channel_roi.spend'],
    filters: sliceFilters('channel_roi', drillDef('roi').slice, { ...slice, ...NO_SLICE }),
    timeDimensions: [{ dimension: 'channel_roi.spend_date', granularity: trendGranularity(range), ...(range ? { dateRange: range } : {}) }],
    order: { 'channel_roi.spend_date': 'asc' },
  };
}
