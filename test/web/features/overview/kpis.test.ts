import { describe, expect, it } from 'vitest';
import { buildAsOfKpiQuery, buildNewCustomersKpiQuery, buildRepurchaseKpiQuery, buildRoiKpiQuery, buildSalesKpiQuery } from '../../../../web/src/features/overview/kpis/build-query.ts';
import { kpiValue, relativeChange } from '../../../../web/src/features/overview/kpis/transform.ts';

const range: [string, string] = ['2026-10-22', '2026-11-20'];
const slice = { team: '华东一部', channel: '企业微信', campaign: null };

describe('overview KPI queries cut each number as its drill list does', () => {
  it('sales: credited team and order channel, on the order date', () => {
    expect(buildSalesKpiQuery(range, slice)).toEqual({
      measures: ['sales_buyers.gmv', 'sales_buyers.buyers', 'sales_buyers.spend_per_buyer'],
      filters: [
        { member: 'sales_buyers.team', operator: 'equals', values: ['华东一部'] },
        { member: 'sales_buyers.channel', operator: 'equals', values: ['企业微信'] },
      ],
      timeDimensions: [{ dimension: 'sales_buyers.order_date', dateRange: range }],
    });
  });

  it('sales not cut by a channel or campaign: the sales paid-day table (sales_range), the credited team', () => {
    expect(buildSalesKpiQuery(range, { ...slice, channel: null })).toEqual({
      measures: ['sales_range.gmv', 'sales_range.buyers', 'sales_range.spend_per_buyer'],
      filters: [{ member: 'sales_range.team', operator: 'equals', values: ['华东一部'] }],
      timeDimensions: [{ dimension: 'sales_range.order_date', dateRange: range }],
    });
  });

  it('new customers: owner team and source channel, on the registration date, from the registrations table', () => {
    const q = buildNewCustomersKpiQuery(range, slice);
    expect(q.filters).toContainEqual({ member: 'customer_registrations.source_channel', operator: 'equals', values: ['企业微信'] });
    expect(q.filters).toContainEqual({ member: 'customer_registrations.owner_team', operator: 'equals', values: ['华东一部'] });
    expect(q.timeDimensions).toEqual([{ dimension: 'customer_registrations.registered_date', dateRange: range }]);
    // Cut by a campaign the customers took part in: only the customers carry it.
    const byCampaign = buildNewCustomersKpiQuery(range, { ...slice, campaign: '2026 双11狂欢节' });
    expect(byCampaign.filters).toContainEqual({ member: 'customer_insights.participated_campaign', operator: 'equals', values: ['2026 双11狂欢节'] });
    expect(byCampaign.measures).toEqual(['customer_insights.new_customers']);
  });

  it('repurchase: the order channel; churn and LTV: no range at all', () => {
    expect(buildRepurchaseKpiQuery(range, slice).filters).toContainEqual({ member: 'buyer_repurchase.channel', operator: 'equals', values: ['企业微信'] });
    expect(buildAsOfKpiQuery(slice).timeDimensions).toBeUndefined();
  });

  it('ROI: campaign filter applies, all time has no dateRange', () => {
    const q = buildRoiKpiQuery(null, { team: null, channel: null, campaign: '2026 双11狂欢节' });
    expect(q.filters).toEqual([{ member: 'channel_roi.campaign', operator: 'equals', values: ['2026 双11狂欢节'] }]);
    expect(q.timeDimensions).toEqual([]);
  });
});

describe('环比 and 同比', () => {
  it('relative change, none against zero or missing', () => {
    expect(relativeChange(150, 100)).toBeCloseTo(0.5);
    expect(relativeChange(50, 100)).toBeCloseTo(-0.5);
    expect(relativeChange(10, 0)).toBeNull();
    expect(relativeChange(null, 10)).toBeNull();
  });

  it('reads one member of the three periods', () => {
    const m = 'sales_overview.gmv';
    expect(kpiValue(m, { [m]: '120.00' }, { [m]: '100.00' }, { [m]: '60.00' })).toEqual({ value: 120, mom: 0.2, yoy: 1 });
    expect(kpiValue(m, { [m]: null }, undefined, undefined)).toEqual({ value: null, mom: null, yoy: null });
  });
});

describe('every overview number applies every filter, or says it does not', async () => {
  const { ignoredFilters } = await import('../../../../web/src/lib/drill.ts');
  type Q = ReturnType<typeof buildSalesKpiQuery>;
  const tiles: Array<[string, 'gmv' | 'repurchase_rate' | 'new_customers' | 'churn_rate' | 'roi', (r: typeof range | null, s: typeof full) => Q]> = [
    ['sales', 'gmv', buildSalesKpiQuery],
    ['new customers', 'new_customers', buildNewCustomersKpiQuery],
    ['repurchase', 'repurchase_rate', buildRepurchaseKpiQuery],
    ['churn and LTV', 'churn_rate', (_r, s) => buildAsOfKpiQuery(s)],
    ['ROI', 'roi', buildRoiKpiQuery],
  ];
  const full = { team: '华东一部', channel: '企业微信', campaign: '2026 双11狂欢节' };
  const filterOf = (q: Q, value: string) => (q.filters ?? []).some((f) => 'values' in f && f.values?.includes(value));
  for (const [name, metric, build] of tiles) {
    it(`${name}: range, team, channel and campaign`, () => {
      const ignored = ignoredFilters(metric, { range: true, ...full });
      const q = build(range, full);
      expect(Boolean(q.timeDimensions?.some((td) => td.dateRange === range)), 'range').toBe(!ignored.includes('range'));
      expect(filterOf(q, full.team), 'team').toBe(!ignored.includes('team'));
      expect(filterOf(q, full.channel), 'channel').toBe(!ignored.includes('channel'));
      expect(filterOf(q, full.campaign), 'campaign').toBe(!ignored.includes('campaign'));
    });
  }
  it('repurchase follows the campaign through its orders; new customers, churn and LTV through its participants', () => {
    expect(buildRepurchaseKpiQuery(range, full).filters).toContainEqual({ member: 'buyer_repurchase.campaign', operator: 'equals', values: ['2026 双11狂欢节'] });
    const participants = { member: 'customer_insights.participated_campaign', operator: 'equals', values: ['2026 双11狂欢节'] };
    expect(buildNewCustomersKpiQuery(range, full).filters).toContainEqual(participants);
    expect(buildAsOfKpiQuery(full).filters).toContainEqual(participants);
  });
});
