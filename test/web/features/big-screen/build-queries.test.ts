import { describe, expect, it } from 'vitest';
import {
  buildCampaignSalesQuery, buildGmvByHourQuery, buildLeaderboardQuery, buildNewCustomersBySourceQuery,
  buildParticipantsByCityTierQuery, buildParticipationQuery, buildRoiByChannelQuery, campaignWindow,
} from '../../../../web/src/features/big-screen/build-queries.ts';
import { buildCampaignListQuery, pickCampaign, toCampaignOptions, type CampaignOption } from '../../../../web/src/features/big-screen/campaigns.ts';
import { drillLinks } from '../../../../web/src/features/big-screen/drill-links.ts';
import { currentHourOf, parseScreenParams } from '../../../../web/src/features/big-screen/screen-params.ts';

const VIEWS = ['sales_live', 'participation_periods', 'channel_roi', 'customer_registrations', 'participation_audience', 'campaign_budgets'];
const C = '2026 老客回馈季';

const all = [
  buildCampaignListQuery(), buildCampaignSalesQuery(C), buildGmvByHourQuery(C, '2026-11-20'), buildParticipationQuery(C),
  buildRoiByChannelQuery(C), buildLeaderboardQuery(C), buildNewCustomersBySourceQuery('2026-11-15', '2026-11-20'), buildParticipantsByCityTierQuery(C),
];

describe('big-screen queries', () => {
  it('ask views only and send no time zone (the server applies the business zone)', () => {
    for (const q of all) {
      const members = [...(q.measures ?? []), ...(q.dimensions ?? []), ...(q.timeDimensions ?? []).map((t) => t.dimension),
        ...(q.filters ?? []).map((f) => ('member' in f ? f.member : ''))];
      for (const m of members) expect(VIEWS, m).toContain(m!.split('.')[0]);
      expect(q).not.toHaveProperty('timezone');
    }
  });

  it('scope every campaign tile to the campaign by name', () => {
    expect(buildCampaignSalesQuery(C).filters).toEqual([{ member: 'sales_live.campaign', operator: 'equals', values: [C] }]);
    // All dates: the campaign's stored row of the participants' period table for 全部.
    expect(buildParticipationQuery(C).filters).toEqual([
      { member: 'participation_periods.campaign', operator: 'equals', values: [C] }, { member: 'participation_periods.period', operator: 'equals', values: ['all'] }]);
    expect(buildParticipantsByCityTierQuery(C).filters![0]).toEqual({ member: 'participation_audience.campaign', operator: 'equals', values: [C] });
  });

  it('asks one business day by hour, and the top ten staff with a named employee', () => {
    expect(buildGmvByHourQuery(C, '2026-11-13').timeDimensions).toEqual([
      { dimension: 'sales_live.order_date', granularity: 'hour', dateRange: ['2026-11-13', '2026-11-13'] },
    ]);
    const board = buildLeaderboardQuery(C);
    expect(board.limit).toBe(10);
    expect(board.order).toEqual({ 'sales_live.gmv': 'desc', 'sales_live.employee': 'asc' });
    expect(board.filters).toContainEqual({ member: 'sales_live.employee', operator: 'set' });
  });

  it('counts new customers from the campaign start to its end or as-of, whichever is first', () => {
    expect(campaignWindow('2026-11-15', '2026-11-30', '2026-11-20')).toEqual(['2026-11-15', '2026-11-20']);
    expect(campaignWindow('2026-10-20', '2026-11-11', '2026-11-20')).toEqual(['2026-10-20', '2026-11-11']);
    expect(campaignWindow('2026-12-01', '2026-12-12', '2026-11-20')).toEqual(['2026-12-01', '2026-12-01']);
  });
});

describe('campaign selection', () => {
  const rows = [
    { 'campaign_budgets.campaign': '2026 双11狂欢节', 'campaign_budgets.starts_at.day': '2026-10-20T00:00:00.000', 'campaign_budgets.ends_at.day': '2026-11-11T00:00:00.000', 'campaign_budgets.target_gmv': '57400.00', 'campaign_budgets.budget': '11200.00' },
    { 'campaign_budgets.campaign': '2026 老客回馈季', 'campaign_budgets.starts_at.day': '2026-11-15T00:00:00.000', 'campaign_budgets.ends_at.day': '2026-11-30T00:00:00.000', 'campaign_budgets.target_gmv': '6000.00', 'campaign_budgets.budget': null },
    { 'campaign_budgets.campaign': '2026 双12年终盛典', 'campaign_budgets.starts_at.day': '2026-12-01T00:00:00.000', 'campaign_budgets.ends_at.day': '2026-12-12T00:00:00.000', 'campaign_budgets.target_gmv': '1.00', 'campaign_budgets.budget': '1.00' },
  ];
  const options: CampaignOption[] = toCampaignOptions(rows);

  it('reads local dates and numbers, latest start first', () => {
    expect(options.map((o) => o.name)).toEqual(['2026 双12年终盛典', '2026 老客回馈季', '2026 双11狂欢节']);
    expect(options[1]).toEqual({ name: '2026 老客回馈季', startsOn: '2026-11-15', endsOn: '2026-11-30', targetGmv: 6000, budget: null });
  });

  it('defaults to the running campaign, else the latest started, and honours the URL', () => {
    expect(pickCampaign(options, '2026-11-20', null)?.name).toBe('2026 老客回馈季');
    expect(pickCampaign(options, '2026-11-13', null)?.name).toBe('2026 双11狂欢节');
    expect(pickCampaign(options, '2026-11-20', '2026 双11狂欢节')?.name).toBe('2026 双11狂欢节');
    expect(pickCampaign(options, '2026-11-20', 'no such campaign')?.name).toBe('2026 老客回馈季');
    expect(pickCampaign(options, '2020-01-01', null)?.name).toBe('2026 双12年终盛典');
    expect(pickCampaign([], '2026-11-20', null)).toBeNull();
  });
});

describe('screen parameters and drill links', () => {
  it('reads refresh (default 30 s, clamped), kiosk and campaign from the URL', () => {
    expect(parseScreenParams(new URLSearchParams(''))).toEqual({ campaign: null, refreshSeconds: 30, kiosk: false });
    expect(parseScreenParams(new URLSearchParams('refresh=5&kiosk=1&campaign=A'))).toEqual({ campaign: 'A', refreshSeconds: 5, kiosk: true });
    expect(parseScreenParams(new URLSearchParams('refresh=abc')).refreshSeconds).toBe(30);
    expect(parseScreenParams(new URLSearchParams('refresh=0')).refreshSeconds).toBe(30);
    expect(parseScreenParams(new URLSearchParams('refresh=0.2')).refreshSeconds).toBe(1);
    expect(parseScreenParams(new URLSearchParams('refresh=99999')).refreshSeconds).toBe(3600);
  });

  it('knows today\'s hour only when as-of is today in the business zone', () => {
    const now = new Date(Date.UTC(2026, 10, 22, 16, 30)); // 00:30 on the 23rd in Shanghai
    expect(currentHourOf('2026-11-23', now, 'Asia/Shanghai')).toBe(0);
    expect(currentHourOf('2026-11-22', now, 'Asia/Shanghai')).toBeNull();
    expect(currentHourOf('2026-11-22', now, 'UTC')).toBe(16);
  });

  it('opens the pages with their filters in the URL', () => {
    expect(drillLinks.campaign(C)).toBe(`/activities?campaign=${encodeURIComponent(C).replace(/%20/g, '+')}`);
    expect(drillLinks.converted('A')).toBe('/customers?campaign=A&converted=1');
    expect(drillLinks.fission('A')).toBe('/customers?campaign=A&invited=1');
    expect(drillLinks.staff('A', '冯静')).toBe(`/staff?campaign=A&employee=${encodeURIComponent('冯静')}`);
    expect(drillLinks.channels('A')).toBe('/channels?campaign=A');
    expect(drillLinks.cityTier('A', 'tier1')).toBe('/customers?campaign=A&city_tier=tier1');
    expect(drillLinks.newCustomers('2026-11-15', '2026-11-20', '老带新')).toBe(`/customers?registered_from=2026-11-15&registered_to=2026-11-20&source_channel=${encodeURIComponent('老带新')}`);
  });
});
