import { describe, expect, it } from 'vitest';
import { buildGmvByMonthQuery } from '../../../../web/src/features/overview/gmv-by-month/build-query.ts';
import { transformGmvByMonth } from '../../../../web/src/features/overview/gmv-by-month/transform-props.ts';

describe('GMV by month', () => {
  it('asks for monthly GMV and orders in the range, oldest first', () => {
    expect(buildGmvByMonthQuery(['2025-12-01', '2026-11-20'])).toEqual({
      measures: ['sales_overview.gmv', 'sales_overview.order_count'],
      timeDimensions: [{ dimension: 'sales_overview.order_date', granularity: 'month', dateRange: ['2025-12-01', '2026-11-20'] }],
      order: { 'sales_overview.order_date': 'asc' },
    });
    expect(buildGmvByMonthQuery(null).timeDimensions).toEqual([{ dimension: 'sales_overview.order_date', granularity: 'month' }]);
  });

  it('turns rows into bars of GMV and a line of orders per month', () => {
    const option = transformGmvByMonth([
      { 'sales_overview.order_date.month': '2026-10-01T00:00:00.000', 'sales_overview.gmv': '1234.50', 'sales_overview.order_count': '7' },
      { 'sales_overview.order_date.month': '2026-11-01T00:00:00.000', 'sales_overview.gmv': null, 'sales_overview.order_count': null },
    ], 'zh-CN', { gmv: 'GMV', orders: '订单数' });
    expect(option.xAxis).toEqual({ type: 'category', data: ['2026-10', '2026-11'] });
    const series = option.series as Array<{ name: string; type: string; data: number[] }>;
    expect(series.map((s) => [s.name, s.type, s.data])).toEqual([['GMV', 'bar', [1234.5, 0]], ['订单数', 'line', [7, 0]]]);
  });
});
