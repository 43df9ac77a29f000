import { describe, expect, it } from 'vitest';
import {
  buildDrillAttributesQuery, buildDrillPageQuery, buildDrillQuery, buildDrillSpendQuery, buildDrillSummaryQuery, drillColumns, drillCustomers,
  ignoredFilters, ignoredSliceParams, parseDrill, parsePage, toDrillRows,
  type DrillSlice,
} from '../../../web/src/lib/drill.ts';

const AS_OF = '2026-11-20';
const slice = (over: Partial<DrillSlice>): DrillSlice => ({
  metric: 'gmv', range: ['2026-10-22', '2026-11-20'], team: null, channel: null, campaign: null, employee: null, owner: null, cityTier: null, segment: null, journey: null, ...over,
});
const page = { offset: 0, limit: 50, sort: null, desc: true };

describe('parseDrill reads what a number put in the URL', () => {
  it('takes the metric, the global filters and the slice', () => {
    const s = parseDrill(new URLSearchParams('metric=buyers&range=last_30_days&channel=企业微信&team=华东一部&employee=张三&owner=7'), AS_OF);
    expect(s).toEqual({
      metric: 'buyers', range: ['2026-10-22', '2026-11-20'], team: '华东一部', channel: '企业微信', campaign: null,
      employee: '张三', owner: 7, cityTier: null, segment: null, journey: null, show: 'numerator',
    });
  });

  it('understands a segment cell and keeps unknown classifications out', () => {
    expect(parseDrill(new URLSearchParams('metric=segment&segment=rfm_segment&value=重要价值'), AS_OF).segment).toEqual({ dimension: 'rfm_segment', value: '重要价值' });
    expect(parseDrill(new URLSearchParams('metric=segment&segment=password&value=x'), AS_OF).segment).toBeNull();
  });

  it('understands the big-screen links without a metric', () => {
    expect(parseDrill(new URLSearchParams('campaign=2026 双11狂欢节'), AS_OF)).toMatchObject({ metric: 'participants', campaign: '2026 双11狂欢节', range: null });
    expect(parseDrill(new URLSearchParams('campaign=c&converted=1'), AS_OF).metric).toBe('converted_count');
    expect(parseDrill(new URLSearchParams('campaign=c&invited=1'), AS_OF).metric).toBe('fission_count');
    expect(parseDrill(new URLSearchParams('registered_from=2026-11-01&registered_to=2026-11-20&source_channel=老带新'), AS_OF))
      .toMatchObject({ metric: 'new_customers', range: ['2026-11-01', '2026-11-20'], channel: '老带新' });
    expect(parseDrill(new URLSearchParams(''), AS_OF).metric).toBe('customers');
  });

  it('pages: size capped, page counted from 1, only known sort columns', () => {
    expect(parsePage(new URLSearchParams('page=3&size=20&sort=ltv&dir=asc'))).toEqual({ offset: 40, limit: 20, sort: 'ltv', desc: false });
    expect(parsePage(new URLSearchParams('size=999999&sort=drop table'))).toEqual({ offset: 0, limit: 1000, sort: null, desc: true });
  });
});

describe('each kind of number becomes its own list query', () => {
  it('a count (buyers): one row per buyer in the slice, total counted by Cube', () => {
    const q = buildDrillQuery(slice({ metric: 'buyers', channel: '企业微信' }), page);
    expect(q.dimensions).toContain('sales_drill.customer');
    expect(q.dimensions).toContain('sales_drill.owner');
    expect(q.dimensions).toContain('sales_drill.owner_team');
    expect(q.filters).toEqual([
      { member: 'sales_drill.channel', operator: 'equals', values: ['企业微信'] },
      { member: 'sales_drill.order_count', operator: 'gt', values: ['0'] },
    ]);
    expect(q.timeDimensions).toEqual([{ dimension: 'sales_drill.order_date', dateRange: ['2026-10-22', '2026-11-20'] }]);
    expect(q.total).toBe(true);
    expect(q).toMatchObject({ limit: 50, offset: 0 });
  });

  it('a sum (GMV): each customer with their part, largest first; the header sums the same population', () => {
    const q = buildDrillQuery(slice({ metric: 'gmv', team: '华东一部' }), page);
    expect(q.measures).toEqual(['sales_drill.gmv', 'sales_drill.order_count']);
    expect(q.order).toEqual([['sales_drill.gmv', 'desc'], ['sales_drill.customer', 'asc']]);
    const summary = buildDrillSummaryQuery(slice({ metric: 'gmv', team: '华东一部' }))!;
    expect(summary.measures).toEqual(['sales_drill.gmv', 'sales_drill.buyers']);
    expect(summary.filters).toEqual([{ member: 'sales_drill.team', operator: 'equals', values: ['华东一部'] }]);
    expect(drillColumns('gmv').find((c) => c.id === 'part')).toEqual({ id: 'part', member: 'sales_drill.gmv', format: 'currency' });
  });

  it('a ratio (repurchase): the denominator (buyers in the slice) with a numerator flag column', () => {
    const q = buildDrillQuery(slice({ metric: 'repurchase_rate', channel: '品牌小程序' }), page);
    expect(q.measures).toEqual(['customer_insights.repurchase_rate']);
    expect(q.filters).toEqual([
      { member: 'customer_insights.channel', operator: 'equals', values: ['品牌小程序'] },
      { member: 'customer_insights.repurchase_rate', operator: 'set' },
    ]);
    expect(q.timeDimensions).toEqual([{ dimension: 'customer_insights.order_date', dateRange: ['2026-10-22', '2026-11-20'] }]);
    expect(drillColumns('repurchase_rate').map((c) => c.id)).toContain('in_numerator');
    const rows = toDrillRows('repurchase_rate', [
      { 'customer_insights.customer': 1, 'customer_insights.repurchase_rate': '1.0000' },
      { 'customer_insights.customer': 2, 'customer_insights.repurchase_rate': '0.0000' },
    ]);
    expect(rows.map((r) => [r.customer, r.values.in_numerator])).toEqual([[1, true], [2, false]]);
  });

  it('churn is as of the data date: no range even when the page has one', () => {
    const q = buildDrillQuery(slice({ metric: 'churn_rate' }), page);
    expect(q.timeDimensions).toEqual([]);
    expect(q.filters).toEqual([{ member: 'customer_insights.churn_rate', operator: 'set' }]);
  });

  it('a multi-fact number (ROI): the return side (orders carrying a campaign) and the spend for the header', () => {
    const s = slice({ metric: 'roi', channel: '抖音直播', employee: '李四' });
    const q = buildDrillQuery(s, page);
    expect(q.filters).toContainEqual({ member: 'sales_drill.campaign', operator: 'set' });
    expect(q.filters).toContainEqual({ member: 'sales_drill.employee', operator: 'equals', values: ['李四'] });
    expect(buildDrillSpendQuery(s)).toEqual({
      measures: ['channel_roi.spend'],
      filters: [
        { member: 'channel_roi.channel', operator: 'equals', values: ['抖音直播'] },
        { member: 'channel_roi.employee', operator: 'equals', values: ['李四'] },
      ],
      timeDimensions: [{ dimension: 'channel_roi.date', dateRange: ['2026-10-22', '2026-11-20'] }],
    });
    expect(buildDrillSpendQuery(slice({ metric: 'gmv' }))).toBeNull();
  });

  it('a segment cell: the classification equals the cell, cut by owner team and source channel', () => {
    const q = buildDrillQuery(slice({ metric: 'segment', segment: { dimension: 'value_quadrant', value: 'koc' }, team: 'T', channel: 'C' }), page);
    expect(q.filters).toEqual([
      { member: 'customer_insights.owner_team', operator: 'equals', values: ['T'] },
      { member: 'customer_insights.source_channel', operator: 'equals', values: ['C'] },
      { member: 'customer_insights.value_quadrant', operator: 'equals', values: ['koc'] },
    ]);
    expect(q.timeDimensions).toEqual([]);
  });

  it('an employee page count: owned customers by owner id, the current book whatever the range', () => {
    const q = buildDrillQuery(slice({ metric: 'owned_customers', owner: 12 }), page);
    expect(q.filters).toEqual([{ member: 'customer_insights.owner_id', operator: 'equals', values: ['12'] }]);
    expect(q.timeDimensions).toEqual([]);
    expect(ignoredFilters('owned_customers', { range: true, team: null, channel: null, campaign: null })).toEqual(['range']);
  });

  it('campaign conversion: participants with the converted ones flagged', () => {
    const q = buildDrillQuery(slice({ metric: 'campaign_conversion_rate', campaign: 'X' }), page);
    expect(q.dimensions![0]).toBe('activity_drill.customer');
    expect(q.filters).toEqual([{ member: 'activity_drill.campaign', operator: 'equals', values: ['X'] }]);
    expect(toDrillRows('campaign_conversion_rate', [{ 'activity_drill.customer': 5, 'activity_drill.converted_count': '1' }])[0]!.values.in_numerator).toBe(true);
  });

  it('sorting: a chosen column, with the customer id as tie-breaker', () => {
    const q = buildDrillQuery(slice({ metric: 'new_customers' }), { offset: 100, limit: 50, sort: 'ltv', desc: false });
    expect(q.order).toEqual([['customer_insights.paid_amount', 'asc'], ['customer_insights.customer', 'asc']]);
    expect(q.offset).toBe(100);
  });

  it('says which slice parameters a number cannot be cut by', () => {
    expect(ignoredSliceParams(slice({ metric: 'segment', campaign: 'X', channel: 'C' }))).toEqual(['campaign']);
    expect(ignoredSliceParams(slice({ metric: 'churn_rate', campaign: 'X', channel: 'C' }))).toEqual([]);
    expect(ignoredSliceParams(slice({ metric: 'gmv', campaign: 'X' }))).toEqual([]);
  });
});

describe('a page ranks customers first, then fetches their attributes', () => {
  it('the page query: the customer and the measures only, same filters, order, page and total as the whole row', () => {
    const s = slice({ metric: 'gmv', team: '华东一部' });
    const whole = buildDrillQuery(s, page);
    expect(buildDrillPageQuery(s, page)).toEqual({ ...whole, dimensions: ['sales_drill.customer'] });
  });

  it('sorted by an attribute column, the page query carries that column too', () => {
    const byOwner = { offset: 50, limit: 50, sort: 'owner' as const, desc: false };
    expect(buildDrillPageQuery(slice({ metric: 'gmv' }), byOwner).dimensions).toEqual(['sales_drill.customer', 'sales_drill.owner']);
    expect(buildDrillPageQuery(slice({ metric: 'gmv' }), { ...byOwner, sort: 'part' }).dimensions).toEqual(['sales_drill.customer']);
  });

  it('the journey list stays one query (its attributes would classify two days again)', () => {
    const s = parseDrill(new URLSearchParams('metric=journey&family=rfm_segment&from_date=2026-10-01&to_date=2026-11-01&from_stage=a&to_stage=b'), AS_OF);
    expect(buildDrillPageQuery(s, page)).toEqual(buildDrillQuery(s, page));
    expect(buildDrillAttributesQuery(s, [1, 2])).toBeNull();
  });

  it('the attributes: the page\'s customers by id from customer_insights; none for an empty page', () => {
    const s = slice({ metric: 'participants' });
    const q = buildDrillAttributesQuery(s, [7, 3])!;
    expect(q.dimensions).toEqual([
      'customer_insights.customer', 'customer_insights.customer_name', 'customer_insights.phone', 'customer_insights.owner', 'customer_insights.owner_team',
      'customer_insights.source_channel', 'customer_insights.lifecycle_stage', 'customer_insights.rfm_segment', 'customer_insights.paid_amount',
      'customer_insights.last_paid_date',
    ]);
    expect(q.filters).toEqual([{ member: 'customer_insights.customer', operator: 'equals', values: ['7', '3'] }]);
    expect(q.limit).toBe(2);
    expect(buildDrillAttributesQuery(s, [])).toBeNull();
  });

  it('rows keep the page\'s order and take each customer\'s own attributes', () => {
    const ranked = [{ 'sales_drill.customer': 7, 'sales_drill.gmv': '900.00', 'sales_drill.order_count': '2' }, { 'sales_drill.customer': 3, 'sales_drill.gmv': '100.00', 'sales_drill.order_count': '1' }];
    expect(drillCustomers('gmv', ranked)).toEqual([7, 3]);
    const attributes = [
      { 'customer_insights.customer': 3, 'customer_insights.customer_name': '王五', 'customer_insights.owner_team': '华南', 'customer_insights.paid_amount': '100.00' },
      { 'customer_insights.customer': 7, 'customer_insights.customer_name': '赵六', 'customer_insights.owner_team': '华东', 'customer_insights.paid_amount': '5000.00' },
    ];
    const rows = toDrillRows('gmv', ranked, attributes);
    expect(rows.map((r) => [r.customer, r.values.customer_name, r.values.owner_team, r.values.ltv, r.values.part, r.values.order_count])).toEqual([
      [7, '赵六', '华东', '5000.00', '900.00', '2'],
      [3, '王五', '华南', '100.00', '100.00', '1'],
    ]);
  });
});
