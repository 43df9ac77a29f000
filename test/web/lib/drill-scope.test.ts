import { describe, expect, it } from 'vitest';
import { anonymousRow, buildDrillScopeQueries, buildRatioCountQueries, drillScope, remainder } from '../../../web/src/lib/drill-scope.ts';
import { buildDrillQuery, DRILL_METRICS, drillDef, ignoredFilters, parseDrill, type DrillSlice } from '../../../web/src/lib/drill.ts';

const AS_OF = '2026-11-20';
const RANGE: [string, string] = ['2026-10-22', '2026-11-20'];
const slice = (over: Partial<DrillSlice>): DrillSlice => ({
  metric: 'gmv', range: RANGE, team: null, channel: null, campaign: null, employee: null, owner: null, cityTier: null, segment: null, journey: null, ...over,
});
const page = { offset: 0, limit: 50, sort: null, desc: true };

describe('the anonymised remainder of a fact drill', () => {
  it('is two aggregates of the same slice: all facts, and those of owned customers (the customer member names them)', () => {
    const s = slice({ metric: 'gmv', team: '华东一部', channel: '企业微信', campaign: '2026 双11狂欢节', employee: '张三', owner: 7 });
    const q = buildDrillScopeQueries(s, true)!;
    const sliceFilters = [
      { member: 'sales_drill.team', operator: 'equals', values: ['华东一部'] },
      { member: 'sales_drill.channel', operator: 'equals', values: ['企业微信'] },
      { member: 'sales_drill.campaign', operator: 'equals', values: ['2026 双11狂欢节'] },
      { member: 'sales_drill.employee', operator: 'equals', values: ['张三'] },
      { member: 'sales_drill.owner_id', operator: 'equals', values: ['7'] },
    ];
    expect(q.all).toEqual({
      measures: ['sales_drill.buyers', 'sales_drill.gmv', 'sales_drill.order_count'],
      filters: sliceFilters,
      timeDimensions: [{ dimension: 'sales_drill.order_date', dateRange: RANGE }],
    });
    expect(q.owned).toEqual({ ...q.all, filters: [...sliceFilters, { member: 'sales_drill.customer', operator: 'set' }] });
    // The aggregates never name a customer's attributes.
    for (const query of [q.all, q.owned]) {
      expect(JSON.stringify(query)).not.toMatch(/customer_name|phone|owner_team|source_channel|lifecycle|rfm|customer_ltv|last_paid/);
    }
  });

  it('keeps the number\'s fixed filters (attributed GMV: orders carrying a campaign), on the customer-day table\'s campaign rows', () => {
    expect(buildDrillScopeQueries(slice({ metric: 'attributed_gmv' }), true)!.all.filters).toEqual([{ member: 'attributed_drill.campaign', operator: 'set' }]);
  });

  it('is not asked for by roles that see every customer, nor for lists of customers', () => {
    expect(buildDrillScopeQueries(slice({ metric: 'gmv' }), false)).toBeNull();
    for (const metric of ['customers', 'new_customers', 'churn_rate', 'ltv', 'segment', 'repurchase_rate', 'owned_customers'] as const) {
      expect(buildDrillScopeQueries(slice({ metric }), true)).toBeNull();
    }
  });

  it('every fact-view drill has a distinct customer count to say how many are anonymised', () => {
    for (const metric of DRILL_METRICS) {
      const def = drillDef(metric);
      if (def.view === 'customer_insights' || def.view === 'journey_flows') continue;
      expect(def.scope, metric).toBeDefined();
      if (def.kind === 'ratio') expect(def.numeratorScope, metric).toBeDefined();
    }
  });

  it('touch and campaign drills count their own customers', () => {
    expect(drillScope(slice({ metric: 'follow_ups' }))).toEqual({ customers: 'follow_up_customers', sums: ['follow_ups'] });
    expect(drillScope(slice({ metric: 'fission_count' }))).toEqual({ customers: 'invited_participants', sums: ['participants', 'fission_count'] });
    expect(drillScope(slice({ metric: 'arrival_rate', show: 'numerator' }))).toEqual({ customers: 'arrival_customers', sums: ['arrivals'] });
    expect(drillScope(slice({ metric: 'arrival_rate', show: 'all' }))).toEqual({ customers: 'booking_customers', sums: ['bookings', 'arrivals'] });
  });

  it('all minus owned, to the cent; nothing when every customer is owned', () => {
    const s = slice({ metric: 'gmv' });
    const all = { 'sales_drill.buyers': '396', 'sales_drill.gmv': '100000.10', 'sales_drill.order_count': '500' };
    const owned = { 'sales_drill.buyers': '311', 'sales_drill.gmv': '80000.03', 'sales_drill.order_count': '390' };
    expect(remainder(s, all, owned)).toEqual({ customers: 85, sums: { gmv: 20000.07, order_count: 110 } });
    expect(remainder(s, all, all)).toBeNull();
    expect(remainder(s, all, undefined)).toBeNull();
  });

  it('the anonymised row carries its parts and nothing that identifies anyone', () => {
    const row = anonymousRow(slice({ metric: 'gmv' }), { customers: 85, sums: { gmv: 20000.07, order_count: 110 } }, '其他团队的客户（85 位）');
    expect(row).toEqual({ customer: -1, anonymous: { customers: 85 }, values: { customer_name: '其他团队的客户（85 位）', part: 20000.07, order_count: 110 } });
  });
});

describe('ratio drills show the numerator or the denominator', () => {
  it('open on the numerator; show=all is the whole denominator', () => {
    expect(parseDrill(new URLSearchParams('metric=churn_rate'), AS_OF).show).toBe('numerator');
    expect(parseDrill(new URLSearchParams('metric=churn_rate&show=all'), AS_OF).show).toBe('all');
    const numerator = buildDrillQuery(slice({ metric: 'churn_rate', show: 'numerator' }), page);
    expect(numerator.filters).toEqual([
      { member: 'customer_insights.churn_rate', operator: 'gt', values: ['0'] },
      { member: 'customer_insights.churn_rate', operator: 'set' },
    ]);
    expect(buildDrillQuery(slice({ metric: 'churn_rate', show: 'all' }), page).filters).toEqual([{ member: 'customer_insights.churn_rate', operator: 'set' }]);
    // Not a ratio: `show` changes nothing.
    expect(buildDrillQuery(slice({ metric: 'buyers', show: 'numerator' }), page)).toEqual(buildDrillQuery(slice({ metric: 'buyers' }), page));
  });

  it('counts both populations: the number\'s own parts, list totals on other customer lists, distinct counts on fact views', () => {
    // Churn: its two count measures over the same slice, not the list's total (each equals it: test/model/drill-ratio-counts.test.ts),
    // from the kept counts by owner (test/model/drill-churn-kept.test.ts); cut by a campaign, on customer_insights.
    const churn = buildRatioCountQueries(slice({ metric: 'churn_rate', team: 'T', show: 'numerator' }))!;
    const team = [{ member: 'segment_counts.owner_team', operator: 'equals', values: ['T'] }];
    expect(churn.numerator).toEqual({ member: 'segment_counts.churned_buyers', query: { measures: ['segment_counts.churned_buyers'], filters: team } });
    expect(churn.denominator).toEqual({ member: 'segment_counts.buyers_to_date', query: { measures: ['segment_counts.buyers_to_date'], filters: team } });
    const byCampaign = buildRatioCountQueries(slice({ metric: 'churn_rate', campaign: 'C', show: 'numerator' }))!;
    expect(byCampaign.numerator).toEqual({
      member: 'customer_insights.churned_buyers',
      query: { measures: ['customer_insights.churned_buyers'], filters: [{ member: 'customer_insights.participated_campaign', operator: 'equals', values: ['C'] }], timeDimensions: [] },
    });

    const repurchase = buildRatioCountQueries(slice({ metric: 'repurchase_rate', team: 'T', show: 'numerator' }))!;
    expect(repurchase.numerator.member).toBeNull();
    expect(repurchase.numerator.query.limit).toBe(1);
    expect(repurchase.numerator.query.total).toBe(true);
    expect(repurchase.numerator.query.filters).toContainEqual({ member: 'customer_insights.repurchase_rate', operator: 'gt', values: ['0'] });
    expect(repurchase.denominator.query.filters).not.toContainEqual({ member: 'customer_insights.repurchase_rate', operator: 'gt', values: ['0'] });
    expect(repurchase.denominator.query.filters).toContainEqual({ member: 'customer_insights.owner_team', operator: 'equals', values: ['T'] });

    const conversion = buildRatioCountQueries(slice({ metric: 'campaign_conversion_rate', campaign: 'C' }))!;
    expect(conversion.numerator).toEqual({
      member: 'activity_drill.converted_count',
      query: { measures: ['activity_drill.converted_count'], filters: [{ member: 'activity_drill.campaign', operator: 'equals', values: ['C'] }], timeDimensions: [{ dimension: 'activity_drill.joined_date', dateRange: RANGE }] },
    });
    expect(conversion.denominator.member).toBe('activity_drill.participants');
    expect(buildRatioCountQueries(slice({ metric: 'gmv' }))).toBeNull();
  });
});

describe('filter notes: every active filter is applied or named', () => {
  const active = { range: true, team: 'T', channel: 'C', campaign: 'A', employee: 'E', cityTier: '一线' };
  it('as-of numbers ignore the range; customer numbers take the campaign as its participants', () => {
    expect(ignoredFilters('churn_rate', active)).toEqual(['range', 'employee', 'city_tier']);
    expect(ignoredFilters('ltv', { range: true, team: null, channel: null, campaign: 'A' })).toEqual(['range']);
    expect(ignoredFilters('new_customers', { range: true, team: 'T', channel: 'C', campaign: 'A' })).toEqual([]);
    expect(ignoredFilters('segment', { range: true, team: 'T', channel: 'C', campaign: 'A' })).toEqual(['range', 'campaign']);
    expect(ignoredFilters('repurchase_rate', { range: true, team: 'T', channel: 'C', campaign: 'A' })).toEqual([]);
    expect(ignoredFilters('gmv', active)).toEqual(['city_tier']);
    expect(ignoredFilters('churn_rate', { range: false, team: null, channel: null, campaign: null })).toEqual([]);
  });
});

describe('the words of a filter note', async () => {
  const { filterNoteText } = await import('../../../web/src/lib/filter-note.ts');
  const { translate } = await import('../../../web/src/lib/i18n.tsx');
  it('says why in both languages: as of the data date for the range, the filters by name', () => {
    const zh = (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate('zh-CN', k, p);
    const en = (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate('en', k, p);
    expect(filterNoteText([], zh)).toBeUndefined();
    expect(filterNoteText(['range'], zh)).toBe('截至数据日，不受时间范围筛选影响');
    expect(filterNoteText(['range', 'campaign'], zh)).toBe('截至数据日，不受时间范围、活动筛选影响');
    expect(filterNoteText(['range'], zh, false)).toBe('不受时间范围筛选影响');
    expect(filterNoteText(['range', 'city_tier'], en)).toBe('As of the data date; not cut by the date range, city tier filter');
  });
});
