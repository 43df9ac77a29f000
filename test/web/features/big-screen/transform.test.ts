import { describe, expect, it } from 'vitest';
import {
  CITY_TIER_ORDER, gmvPerHour, SCREEN_COLORS, targetProgress, toBreakdown, toChannelRoi, toFunnel, toHourlyTile, toLeaderboard,
  toParticipation, toRoiOption, toSalesKpis,
} from '../../../../web/src/features/big-screen/transform.ts';

const hourRow = (hour: string, gmv: string) => ({ 'sales_live.order_date.hour': `2026-11-20T${hour}:00:00.000`, 'sales_live.gmv': gmv });

describe('big-screen transforms', () => {
  it('puts GMV in its local hour, 0 where nothing sold', () => {
    const hours = gmvPerHour([hourRow('00', '10.10'), hourRow('21', '200.00'), hourRow('21', '0.05')]);
    expect(hours).toHaveLength(24);
    expect(hours[0]).toBe(10.1);
    expect(hours[21]).toBe(200.05);
    expect(hours.filter((h) => h === 0)).toHaveLength(22);
  });

  it('sums today for the tile, leaves future hours empty and highlights the current hour', () => {
    const tile = toHourlyTile([hourRow('09', '100.00'), hourRow('10', '50.50')], [hourRow('10', '30.00'), hourRow('22', '70.00')], 10, 'zh-CN',
      { today: '今日', lastWeek: '上周同日' });
    expect(tile.todayTotal).toBe(150.5);
    expect(tile.focusHour).toBe(10);
    expect(tile.focusHourGmv).toBe(50.5);
    const [bars, line] = tile.option.series as Array<{ data: unknown[] }>;
    expect(bars!.data[9]).toBe(100);
    expect(bars!.data[10]).toEqual({ value: 50.5, itemStyle: { color: SCREEN_COLORS.current } });
    expect(bars!.data.slice(11)).toEqual(new Array(13).fill(null));
    expect(line!.data[22]).toBe(70);
  });

  it('on a past day shows every hour and focuses the last hour with sales', () => {
    const tile = toHourlyTile([hourRow('09', '100.00'), hourRow('20', '5.00')], [], null, 'en', { today: 'Today', lastWeek: 'Last week' });
    expect(tile.focusHour).toBe(20);
    expect(tile.focusHourGmv).toBe(5);
    expect((tile.option.series as Array<{ data: unknown[] }>)[0]!.data[23]).toBe(0);
  });

  it('reads the KPI rows, with 0 for an empty answer and a null rate when nobody joined', () => {
    expect(toSalesKpis([{ 'sales_live.gmv': '1234.50', 'sales_live.order_count': '7' }])).toEqual({ gmv: 1234.5, orders: 7 });
    expect(toSalesKpis([])).toEqual({ gmv: 0, orders: 0 });
    expect(toParticipation([{ 'participation_periods.participants': '200', 'participation_periods.fission_count': '30',
      'participation_periods.converted_count': '50', 'participation_periods.campaign_conversion_rate': '0.25' }]))
      .toEqual({ participants: 200, fission: 30, converted: 50, conversionRate: 0.25 });
    expect(toParticipation([]).conversionRate).toBeNull();
    expect(targetProgress(500, 2000)).toBe(0.25);
    expect(targetProgress(500, 0)).toBe(0);
    expect(targetProgress(3000, 2000)).toBe(1.5);
  });

  it('builds the funnel as shares of participants', () => {
    expect(toFunnel({ participants: 200, fission: 30, converted: 50, conversionRate: 0.25 })).toEqual([
      { key: 'participants', value: 200, ofFirst: 1 },
      { key: 'converted', value: 50, ofFirst: 0.25 },
    ]);
    expect(toFunnel({ participants: 0, fission: 0, converted: 0, conversionRate: null })[1]!.ofFirst).toBe(0);
  });

  it('ranks staff by GMV with their team, ten at most', () => {
    const rows = Array.from({ length: 12 }, (_, i) => ({ 'sales_live.employee': `e${i}`, 'sales_live.team': 'T', 'sales_live.gmv': String(i * 10), 'sales_live.order_count': '1' }));
    const board = toLeaderboard(rows);
    expect(board).toHaveLength(10);
    expect(board[0]).toEqual({ rank: 1, employee: 'e11', team: 'T', gmv: 110, orders: 1 });
    expect(board[9]!.employee).toBe('e2');
  });

  it('orders channels by ROI, drops channels with neither spend nor sales, and marks losses red', () => {
    const channels = toChannelRoi([
      { 'channel_roi.channel': 'A', 'channel_roi.roi': '0.5', 'channel_roi.spend': '100', 'channel_roi.attributed_gmv': '50' },
      { 'channel_roi.channel': 'B', 'channel_roi.roi': '3.2', 'channel_roi.spend': '100', 'channel_roi.attributed_gmv': '320' },
      { 'channel_roi.channel': 'C', 'channel_roi.roi': null, 'channel_roi.spend': '0', 'channel_roi.attributed_gmv': '0' },
      { 'channel_roi.channel': 'D', 'channel_roi.roi': null, 'channel_roi.spend': '0', 'channel_roi.attributed_gmv': '40' },
    ]);
    expect(channels.map((c) => c.channel)).toEqual(['B', 'A', 'D']);
    const option = toRoiOption(channels, 'ROI');
    expect((option.yAxis as { data: string[] }).data).toEqual(['A', 'B']);
    const data = (option.series as Array<{ data: Array<{ value: number; itemStyle: { color: string } }> }>)[0]!.data;
    expect(data).toEqual([{ value: 0.5, itemStyle: { color: SCREEN_COLORS.loss } }, { value: 3.2, itemStyle: { color: SCREEN_COLORS.roi } }]);
  });

  it('folds the tail of a breakdown into "other", keeps a fixed order for city tiers, and gives shares', () => {
    const rows = ['a', 'b', 'c', 'd'].map((l, i) => ({ dim: l, n: String(10 - i) }));
    expect(toBreakdown(rows, 'dim', 'n', 3, '其他')).toEqual([
      { label: 'a', value: 10, share: 10 / 34 },
      { label: 'b', value: 9, share: 9 / 34 },
      { label: '其他', value: 15, share: 15 / 34 },
    ]);
    const tiers = toBreakdown([{ t: 'tier3', n: '5' }, { t: 'tier1', n: '1' }, { t: 'new_tier1', n: '4' }, { t: 'tier2', n: '0' }], 't', 'n', 5, 'x', CITY_TIER_ORDER);
    expect(tiers.map((i) => i.label)).toEqual(['tier1', 'new_tier1', 'tier3']);
  });
});
