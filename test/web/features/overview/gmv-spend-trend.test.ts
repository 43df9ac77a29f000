import { describe, expect, it } from 'vitest';
import { buildGmvTrendQuery, buildSpendTrendQuery, gmvTrendView, trendGranularity } from '../../../../web/src/features/overview/gmv-spend-trend/build-query.ts';
import { transformGmvSpendTrend } from '../../../../web/src/features/overview/gmv-spend-trend/transform.ts';

describe('GMV and spend trend', () => {
  it('queries both by month on the same range', () => {
    const range: [string, string] = ['2025-12-01', '2026-11-20'];
    expect(buildGmvTrendQuery(range, { team: null, channel: null, campaign: null }).timeDimensions)
      .toEqual([{ dimension: 'sales_trend.order_date', granularity: 'month', dateRange: range }]);
    expect(buildSpendTrendQuery(null, { team: null, channel: 'C', campaign: null })).toMatchObject({
      filters: [{ member: 'returns_trend.channel', operator: 'equals', values: ['C'] }],
      timeDimensions: [{ dimension: 'returns_trend.spend_date', granularity: 'month' }],
    });
    // By day (up to 62 days) from the returns day table.
    expect(buildSpendTrendQuery(['2026-11-16', '2026-11-20'], { team: null, channel: null, campaign: null }).timeDimensions)
      .toEqual([{ dimension: 'channel_roi.spend_date', granularity: 'day', dateRange: ['2026-11-16', '2026-11-20'] }]);
  });

  it('keeps months of either side, in order, zero where one side is missing', () => {
    const option = transformGmvSpendTrend(
      [{ 'sales_trend.order_date.month': '2026-02-01T00:00:00.000', 'sales_trend.gmv': '200.50' }],
      [{ 'returns_trend.spend_date.month': '2026-01-01T00:00:00.000', 'returns_trend.spend': '30' }, { 'returns_trend.spend_date.month': '2026-02-01T00:00:00.000', 'returns_trend.spend': '40' }],
      'zh-CN', { gmv: 'GMV', spend: '花费' },
    ) as { xAxis: { data: string[] }; series: Array<{ data: number[] }> };
    expect(option.xAxis.data).toEqual(['2026-01', '2026-02']);
    expect(option.series[0]!.data).toEqual([0, 200.5]);
    expect(option.series[1]!.data).toEqual([30, 40]);
  });

  it('goes by day up to two months (今日, 本周, 近30天), by month beyond and for all time', () => {
    expect(trendGranularity(['2026-11-20', '2026-11-20'])).toBe('day');
    expect(trendGranularity(['2026-11-16', '2026-11-20'])).toBe('day');
    expect(trendGranularity(['2026-09-20', '2026-11-20'])).toBe('day'); // 62 days
    expect(trendGranularity(['2026-09-19', '2026-11-20'])).toBe('month'); // 63 days
    expect(trendGranularity(['2026-08-23', '2026-11-20'])).toBe('month'); // 近90天
    expect(trendGranularity(null)).toBe('month');
    const week: [string, string] = ['2026-11-16', '2026-11-20'];
    expect(buildGmvTrendQuery(week, { team: null, channel: null, campaign: null }).timeDimensions)
      .toEqual([{ dimension: 'sales_day_trend.order_date', granularity: 'day', dateRange: week }]);
    const option = transformGmvSpendTrend(
      [{ 'sales_day_trend.order_date.day': '2026-11-17T00:00:00.000', 'sales_day_trend.gmv': '12.5' }],
      [{ 'channel_roi.spend_date.day': '2026-11-16T00:00:00.000', 'channel_roi.spend': '3' }],
      'zh-CN', { gmv: 'GMV', spend: '花费' }, 'day', 'sales_day_trend',
    ) as { xAxis: { data: string[] }; series: Array<{ data: number[] }> };
    expect(option.xAxis.data).toEqual(['2026-11-16', '2026-11-17']);
    expect(option.series[0]!.data).toEqual([0, 12.5]);
    expect(option.series[1]!.data).toEqual([3, 0]);
  });

  it('reads every range of up to 62 days by day from the team day table, by month from the monthly one', () => {
    const none = { team: null, channel: null, campaign: null };
    const month: [string, string] = ['2026-10-21', '2026-11-20'];
    const longer: [string, string] = ['2026-10-20', '2026-11-20'];
    const year: [string, string] = ['2025-11-21', '2026-11-20'];
    expect(gmvTrendView(['2026-11-20', '2026-11-20'])).toBe('sales_day_trend');
    expect(gmvTrendView(month)).toBe('sales_day_trend');
    expect(gmvTrendView(longer)).toBe('sales_day_trend');
    expect(gmvTrendView(['2026-09-21', '2026-11-21'])).toBe('sales_day_trend');
    expect(gmvTrendView(['2026-09-21', '2026-11-22'])).toBe('sales_trend');
    expect(gmvTrendView(year)).toBe('sales_trend');
    expect(gmvTrendView(null)).toBe('sales_trend');
    expect(buildGmvTrendQuery(longer, none)).toMatchObject({ measures: ['sales_day_trend.gmv'], timeDimensions: [{ dimension: 'sales_day_trend.order_date', granularity: 'day' }] });
    expect(buildGmvTrendQuery(month, { ...none, team: 'T' })).toMatchObject({ measures: ['sales_day_trend.gmv'], filters: [{ member: 'sales_day_trend.team', values: ['T'] }] });
    expect(buildGmvTrendQuery(year, { ...none, channel: 'C' })).toMatchObject({
      measures: ['sales_trend.gmv'], filters: [{ member: 'sales_trend.channel', values: ['C'] }],
      timeDimensions: [{ dimension: 'sales_trend.order_date', granularity: 'month', dateRange: year }],
    });
  });
});
