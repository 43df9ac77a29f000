import type { Query } from '../../../lib/cube.ts';
import { rangeDays, type DateRange } from '../../../lib/date-range.ts';
import { drillDef, sliceFilters } from '../../../lib/drill.ts';
import type { KpiSlice } from '../kpis/build-query.ts';

const NO_SLICE = { employee: null, owner: null, cityTier: null };

export type TrendGranularity = 'day' | 'month';

/** By day up to two months (今日, 本周, 近30天 would be one or two bars by month), by month beyond. */
export function trendGranularity(range: DateRange | null): TrendGranularity {
  if (!range) return 'month';
  return rangeDays(range) <= 62 ? 'day' : 'month';
}

export type GmvTrendView = 'sales_day_trend' | 'sales_trend';

/**
 * Where a range's GMV trend is read, each with nothing rebuilt after a write. By day (今日, 本周, 近7天, 本月, 近30天,
 * 上月, 本季度 in its first two months, any range of up to 62 days) from the team day table (sales_day_trend, migration
 * 051: day × channel × campaign × the credited employee's team), at most channels × campaigns × teams rows a day for
 * the whole brand, a manager's team or a team filter; a staff member's trend from their own rows of the daily sales
 * table (042). It replaced the hourly table (032; about one row per order: 本月 took 434 / 493 ms p50 / p95 at
 * 1,000,000 customers after a write) and the daily one for 32 to 62 days (docs/performance.md, "The team day table").
 * By month (近90天, 近12个月, 本年, 全部) from the monthly sales table with the hourly one for the edge months
 * (sales_trend, migration 041), about a month's rows whatever the range.
 */
export function gmvTrendView(range: DateRange | null): GmvTrendView {
  return trendGranularity(range) === 'month' ? 'sales_trend' : 'sales_day_trend';
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
