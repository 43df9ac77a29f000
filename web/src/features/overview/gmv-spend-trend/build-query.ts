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

export type GmvTrendView = 'sales_live' | 'sales_trend' | 'sales_daily';

/**
 * Where a range's GMV trend is read, each with nothing rebuilt after a write: up to a month (今日, 本周, 近7天,
 * 本月, 近30天) from the hourly sales table (sales_live, migration 032); by month (近90天, 近12个月, 本年, 全部)
 * from the monthly sales table with the hourly one for the edge months (sales_trend, migration 041), about a
 * month's rows whatever the range (the hourly table alone took 13 s for twelve months at 1,000,000 customers,
 * and the sales rollup waited for its current month's partition, rebuilt after every order: 2.3 s p95). Ranges
 * of 32 to 62 days by day (上月 is ≤ 31; 本季度 in its second month) from the daily sales table (sales_daily,
 * migration 042), which replaced that rollup.
 */
export function gmvTrendView(range: DateRange | null): GmvTrendView {
  if (trendGranularity(range) === 'month') return 'sales_trend';
  const days = (Date.parse(`${range![1]}T00:00:00Z`) - Date.parse(`${range![0]}T00:00:00Z`)) / 86_400_000 + 1;
  return days <= 31 ? 'sales_live' : 'sales_daily';
}

/** GMV per day or month of paid orders, from the view gmvTrendView chooses. */
export function buildGmvTrendQuery(range: DateRange | null, slice: KpiSlice): Query {
  const view = gmvTrendView(range);
  return {
    measures: [`${view}.gmv`],
    filters: sliceFilters(view, drillDef('gmv').slice, { ...slice, ...NO_SLICE }),
    timeDimensions: [{ dimension: `${view}.order_date`, granularity: trendGranularity(range), ...(range ? { dateRange: range } : {}) }],
    order: { [`${view}.order_date`]: 'asc' },
  };
}

export type SpendTrendView = 'channel_roi' | 'returns_trend';

/**
 * Where the spend trend is read: by month from the monthly returns table with the day table for the edge months
 * (returns_trend, migration 048: a month's rows whatever the range, not every day of it), by day from the returns
 * day table (channel_roi, migration 043). The same numbers and member names.
 */
export function spendTrendView(granularity: TrendGranularity): SpendTrendView {
  return granularity === 'month' ? 'returns_trend' : 'channel_roi';
}

/** Spend per day or month on the same calendar. */
export function buildSpendTrendQuery(range: DateRange | null, slice: KpiSlice): Query {
  const view = spendTrendView(trendGranularity(range));
  return {
    measures: [`${view}.spend`],
    filters: sliceFilters(view, drillDef('roi').slice, { ...slice, ...NO_SLICE }),
    timeDimensions: [{ dimension: `${view}.spend_date`, granularity: trendGranularity(range), ...(range ? { dateRange: range } : {}) }],
    order: { [`${view}.spend_date`]: 'asc' },
  };
}
