import { describe, expect, it } from 'vitest';
import { transformChannelRoi } from '../../../../web/src/features/channels/channel-roi-chart/transform.ts';
import { buildConversionBreakdownQuery, buildRoiBreakdownQuery } from '../../../../web/src/features/channels/roi-breakdown/build-query.ts';
import { toBreakdownRows } from '../../../../web/src/features/channels/roi-breakdown/transform.ts';

describe('channel → campaigns → employees', () => {
  it('channels: spend, attributed GMV, ROI and CAC; a channel step filters the next level', () => {
    const q = buildRoiBreakdownQuery('channel', ['2026-01-01', '2026-01-31'], { team: null, channel: null, campaign: null });
    expect(q.measures).toEqual(['channel_roi.spend', 'channel_roi.attributed_gmv', 'channel_roi.roi', 'channel_roi.cac']);
    expect(q.filters).toEqual([{ member: 'channel_roi.channel', operator: 'set' }]);
    const next = buildRoiBreakdownQuery('employee', ['2026-01-01', '2026-03-03'], { team: null, channel: '企业微信', campaign: 'X' });
    expect(next.dimensions).toEqual(['channel_roi.employee']);
    expect(next.filters).toEqual([
      { member: 'channel_roi.channel', operator: 'equals', values: ['企业微信'] },
      { member: 'channel_roi.campaign', operator: 'equals', values: ['X'] },
      { member: 'channel_roi.employee', operator: 'set' },
    ]);
    expect(buildConversionBreakdownQuery('campaign', ['2026-01-01', '2026-01-31'], { team: 'T', channel: 'C', campaign: null }).timeDimensions)
      .toEqual([{ dimension: 'participation_performance.joined_date', dateRange: ['2026-01-01', '2026-01-31'] }]);
  });

  it('asks the participants\' period table for the conversion of a preset\'s range', () => {
    const q = buildConversionBreakdownQuery('channel', ['2026-10-22', '2026-11-20'], { team: null, channel: null, campaign: 'X' }, '2026-10-22..2026-11-20');
    expect(q.dimensions).toEqual(['participation_periods.channel']);
    expect(q.filters).toEqual([
      { member: 'participation_periods.campaign', operator: 'equals', values: ['X'] },
      { member: 'participation_periods.period', operator: 'equals', values: ['2026-10-22..2026-11-20'] },
    ]);
    expect(q.timeDimensions).toBeUndefined();
    const rows = toBreakdownRows('channel', [{ 'channel_roi.channel': 'A', 'channel_roi.spend': '1' }],
      [{ 'participation_periods.channel': 'A', 'participation_periods.campaign_conversion_rate': '0.5' }]);
    expect(rows[0]!.conversionRate).toBe(0.5);
  });

  it('sums a range over 62 days, or all time, from the monthly returns view, and reads its rows as the day view\'s', () => {
    for (const range of [['2026-01-01', '2026-03-04'], ['2025-11-21', '2026-11-20'], null] as const) {
      const q = buildRoiBreakdownQuery('campaign', range ? [range[0], range[1]] : null, { team: 'T', channel: 'C', campaign: null });
      expect(q.dimensions, JSON.stringify(range)).toEqual(['returns_trend.campaign']);
      expect(q.measures).toEqual(['returns_trend.spend', 'returns_trend.attributed_gmv', 'returns_trend.roi']);
      expect(q.filters).toEqual([
        { member: 'returns_trend.team', operator: 'equals', values: ['T'] },
        { member: 'returns_trend.channel', operator: 'equals', values: ['C'] },
        { member: 'returns_trend.campaign', operator: 'set' },
      ]);
      expect(q.timeDimensions).toEqual(range ? [{ dimension: 'returns_trend.date', dateRange: [range[0], range[1]] }] : []);
    }
    expect(buildRoiBreakdownQuery('channel', ['2026-01-01', '2026-03-03'], { team: null, channel: null, campaign: null }).dimensions).toEqual(['channel_roi.channel']);
    const rows = toBreakdownRows('channel',
      [{ 'returns_trend.channel': 'A', 'returns_trend.spend': '100', 'returns_trend.attributed_gmv': '250', 'returns_trend.roi': '2.5', 'returns_trend.cac': '20' }], []);
    expect(rows).toEqual([{ key: 'A', spend: 100, attributedGmv: 250, roi: 2.5, cac: 20, conversionRate: null }]);
  });

  it('merges conversion onto the ROI rows by key', () => {
    const rows = toBreakdownRows('channel',
      [{ 'channel_roi.channel': 'A', 'channel_roi.spend': '100', 'channel_roi.attributed_gmv': '250', 'channel_roi.roi': '2.5', 'channel_roi.cac': null }],
      [{ 'participation_performance.channel': 'A', 'participation_performance.campaign_conversion_rate': '0.25' }]);
    expect(rows).toEqual([{ key: 'A', spend: 100, attributedGmv: 250, roi: 2.5, cac: null, conversionRate: 0.25 }]);
  });

  it('the ROI chart leaves out channels without spend and puts the best on top', () => {
    const option = transformChannelRoi([
      { key: 'A', spend: 1, attributedGmv: 1, roi: 1, cac: null, conversionRate: null },
      { key: 'B', spend: 0, attributedGmv: 5, roi: null, cac: null, conversionRate: null },
      { key: 'C', spend: 1, attributedGmv: 3, roi: 3, cac: null, conversionRate: null },
    ], 'ROI') as { yAxis: { data: string[] } };
    expect(option.yAxis.data).toEqual(['A', 'C']);
  });
});
