import { describe, expect, it } from 'vitest';
import { buildCampaignGmvQuery, buildParticipationQuery } from '../../../../web/src/features/activities/campaign-breakdown/build-query.ts';
import { toActivityRows } from '../../../../web/src/features/activities/campaign-breakdown/transform.ts';
import { transformCampaignGmv } from '../../../../web/src/features/activities/campaign-gmv-chart/transform.ts';

describe('campaign → channels → employees', () => {
  it('filters each level by the steps above it', () => {
    const q = buildParticipationQuery('channel', ['2026-01-01', '2026-01-31'], { team: null, channel: null, campaign: 'X' });
    expect(q.dimensions).toEqual(['participation_performance.channel']);
    expect(q.filters).toEqual([{ member: 'participation_performance.campaign', operator: 'equals', values: ['X'] }]);
    expect(buildCampaignGmvQuery('employee', ['2026-01-01', '2026-01-31'], { team: null, channel: 'C', campaign: 'X' }).filters).toEqual([
      { member: 'channel_roi.channel', operator: 'equals', values: ['C'] },
      { member: 'channel_roi.campaign', operator: 'equals', values: ['X'] },
      { member: 'channel_roi.employee', operator: 'set' },
    ]);
    // Over 62 days (and all time) the monthly returns view, whose rows read as the day view's.
    expect(buildCampaignGmvQuery('employee', null, { team: null, channel: 'C', campaign: 'X' }).filters).toEqual([
      { member: 'returns_trend.channel', operator: 'equals', values: ['C'] },
      { member: 'returns_trend.campaign', operator: 'equals', values: ['X'] },
      { member: 'returns_trend.employee', operator: 'set' },
    ]);
    const money = toActivityRows('campaign', [], [{ 'returns_trend.campaign': 'A', 'returns_trend.attributed_gmv': '30', 'returns_trend.spend': '10', 'returns_trend.roi': '3' }], []);
    expect(money[0]).toMatchObject({ key: 'A', gmv: 30, spend: 10, roi: 3 });
  });

  it('asks the participants\' period table on a preset\'s range, with the same filters and no dates', () => {
    const q = buildParticipationQuery('campaign', ['2026-10-22', '2026-11-20'], { team: 'T', channel: null, campaign: null }, '2026-10-22..2026-11-20');
    expect(q.dimensions).toEqual(['participation_periods.campaign']);
    expect(q.filters).toEqual([
      { member: 'participation_periods.team', operator: 'equals', values: ['T'] },
      { member: 'participation_periods.period', operator: 'equals', values: ['2026-10-22..2026-11-20'] },
    ]);
    expect(q.timeDimensions).toBeUndefined();
    const rows = toActivityRows('campaign', [{ 'participation_periods.campaign': 'A', 'participation_periods.participants': '7', 'participation_periods.fission_count': '1' }], [], []);
    expect(rows[0]).toMatchObject({ key: 'A', participants: 7, fission: 1 });
  });

  it('merges participation, money and budget per campaign, by GMV', () => {
    const rows = toActivityRows('campaign',
      [{ 'participation_performance.campaign': 'A', 'participation_performance.participants': '10', 'participation_performance.converted_count': '2', 'participation_performance.campaign_conversion_rate': '0.2' }],
      [{ 'channel_roi.campaign': 'A', 'channel_roi.attributed_gmv': '50', 'channel_roi.spend': '20', 'channel_roi.roi': '2.5' },
        { 'channel_roi.campaign': 'B', 'channel_roi.attributed_gmv': '90', 'channel_roi.spend': '0', 'channel_roi.roi': null }],
      [{ 'campaign_budgets.campaign': 'A', 'campaign_budgets.budget_used': '0.4' }]);
    expect(rows.map((r) => r.key)).toEqual(['B', 'A']);
    expect(rows[1]).toMatchObject({ participants: 10, converted: 2, conversionRate: 0.2, gmv: 50, roi: 2.5, budgetUsed: 0.4 });
    expect((transformCampaignGmv(rows, 'zh-CN', { gmv: 'g', spend: 's' }) as { series: Array<{ data: number[] }> }).series[1]!.data).toEqual([0, 20]);
  });
});
