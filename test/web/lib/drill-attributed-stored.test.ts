/**
 * Which attributed GMV / ROI drill lists are read from the stored rows'
 * attributed part (attributed_drill_periods, migration 058): the brand's list
 * on a preset for a role that sees every fact, ranked by attributed GMV; and
 * from the sliced rows' (attributed_drill_slices, migration 061): a manager's
 * or staff member's own list, and one cut by one team, channel, campaign or
 * employee, with a team role's remainder from its header and total. Every
 * other stays on attributed_drill (or sales_drill). Pure.
 */
import { describe, expect, it } from 'vitest';
import { customersQueries, listRemainder } from '../../../web/src/features/customers/page-queries.ts';
import {
  buildDrillListQuery, buildDrillListSummaryQuery, buildDrillListTotalQuery, drillListRows, parsePage, type DrillSlice,
} from '../../../web/src/lib/drill.ts';

const AS_OF = '2026-11-20';
const LAST_30 = ['2026-10-22', '2026-11-20'] as const;
const slice = (over: Partial<DrillSlice>): DrillSlice => ({
  metric: 'roi', range: [...LAST_30], team: null, channel: null, campaign: null, employee: null, owner: null, cityTier: null, segment: null, journey: null, ...over,
});
const page = parsePage(new URLSearchParams('size=20&page=3'));
const viewOf = (q: { dimensions?: string[]; measures?: string[] } | null): string | null => {
  const member = q?.dimensions?.[0] ?? q?.measures?.[0];
  return member ? member.slice(0, member.indexOf('.')) : null;
};

describe('the attributed list from stored rows', () => {
  it('answers the brand\'s list, total and header on a preset', () => {
    for (const metric of ['roi', 'attributed_gmv'] as const) {
      const s = slice({ metric });
      expect(buildDrillListQuery(s, page, AS_OF, false)).toEqual({
        dimensions: ['attributed_drill_periods.customer', 'attributed_drill_periods.gmv', 'attributed_drill_periods.order_count'],
        filters: [{ member: 'attributed_drill_periods.period', operator: 'equals', values: ['2026-10-22..2026-11-20'] }],
        order: [['attributed_drill_periods.gmv', 'desc'], ['attributed_drill_periods.customer', 'asc']],
        limit: 20,
        offset: 40,
      });
      expect(buildDrillListTotalQuery(s, page, AS_OF, false)?.measures).toEqual(['attributed_drill_periods.buyers']);
      expect(buildDrillListSummaryQuery(s, page, AS_OF, false)?.measures).toEqual(['attributed_drill_periods.total_gmv', 'attributed_drill_periods.buyers']);
    }
    // 全部: the 'all' range.
    expect(buildDrillListQuery(slice({ range: null }), page, AS_OF, false).filters).toEqual([{ member: 'attributed_drill_periods.period', operator: 'equals', values: ['all'] }]);
  });

  it('reads its rows under sales_drill\'s names', () => {
    expect(drillListRows([{ 'attributed_drill_periods.customer': 7, 'attributed_drill_periods.gmv': '12.50', 'attributed_drill_periods.order_count': 2 }]))
      .toEqual([expect.objectContaining({ 'sales_drill.customer': 7, 'sales_drill.gmv': '12.50', 'sales_drill.order_count': 2 })]);
    expect(drillListRows([{ 'attributed_drill_periods.total_gmv': '99.00', 'attributed_drill_periods.buyers': 3 }]))
      .toEqual([expect.objectContaining({ 'sales_drill.gmv': '99.00', 'sales_drill.buyers': 3 })]);
  });

  it('answers a team role\'s own list and a list cut by one slice from the sliced rows', () => {
    const v = 'attributed_drill_slices';
    const period = { member: `${v}.period`, operator: 'equals', values: ['2026-10-22..2026-11-20'] };
    // A team role: no slice filter (its limit and cube/engine/period-slice.ts add it); the total names the customer.
    const own = slice({});
    expect(buildDrillListQuery(own, page, AS_OF, true)).toEqual({
      dimensions: [`${v}.customer`, `${v}.gmv`, `${v}.order_count`], filters: [period],
      order: [[`${v}.gmv`, 'desc'], [`${v}.customer`, 'asc']], limit: 20, offset: 40,
    });
    expect(buildDrillListTotalQuery(own, page, AS_OF, true)).toEqual({
      measures: [`${v}.buyers`, `${v}.total_gmv`, `${v}.total_orders`], filters: [period, { member: `${v}.customer`, operator: 'set' }],
    });
    expect(buildDrillListSummaryQuery(own, page, AS_OF, true)).toEqual({ measures: [`${v}.total_gmv`, `${v}.buyers`, `${v}.total_orders`], filters: [period] });
    // Its remainder from the header minus the total, no scope query.
    const q = customersQueries(own, page, true, AS_OF);
    expect([q.scope_all, q.scope_owned]).toEqual([null, null]);
    expect(listRemainder(own, page, true, AS_OF, {
      summary: { rows: [{ [`${v}.total_gmv`]: '100.50', [`${v}.buyers`]: 5, [`${v}.total_orders`]: 7 }] },
      list_total: { rows: [{ [`${v}.total_gmv`]: '60.25', [`${v}.buyers`]: 3, [`${v}.total_orders`]: 4 }] },
      scope_all: undefined, scope_owned: undefined,
    })).toEqual({ customers: 2, sums: { gmv: 40.25, order_count: 3 } });
    // An executive's list cut by one slice.
    for (const [cut, member] of [[{ team: '一组' }, 'team'], [{ channel: '企业微信' }, 'channel'], [{ campaign: 'c' }, 'campaign'], [{ employee: '张三' }, 'employee']] as const) {
      const s = slice(cut);
      const filter = { member: `${v}.${member}`, operator: 'equals', values: [Object.values(cut)[0]] };
      expect(buildDrillListQuery(s, page, AS_OF, false).filters, member).toEqual([period, filter]);
      expect(buildDrillListTotalQuery(s, page, AS_OF, false)?.filters, member).toEqual([period, filter, { member: `${v}.customer`, operator: 'set' }]);
      expect(buildDrillListSummaryQuery(s, page, AS_OF, false), member).toEqual({ measures: [`${v}.total_gmv`, `${v}.buyers`], filters: [period, filter] });
    }
    expect(drillListRows([{ [`${v}.customer`]: 7, [`${v}.gmv`]: '12.50', [`${v}.total_orders`]: 2 }]))
      .toEqual([expect.objectContaining({ 'sales_drill.customer': 7, 'sales_drill.gmv': '12.50', 'sales_drill.order_count': 2 })]);
  });

  it('leaves a team role\'s cut list, two cuts, a custom range and another sort where they were', () => {
    const cases: Array<[string, DrillSlice, boolean, ReturnType<typeof parsePage>]> = [
      ['manager cut by a channel', slice({ channel: '企业微信' }), true, page],
      ['channel and campaign', slice({ channel: '企业微信', campaign: 'c' }), false, page],
      ['custom range', slice({ range: ['2026-08-01', '2026-10-31'] }), false, page],
      ['custom range, manager', slice({ range: ['2026-08-01', '2026-10-31'] }), true, page],
      ['sorted by orders', slice({}), false, parsePage(new URLSearchParams('sort=order_count'))],
    ];
    for (const [what, s, limited, p] of cases) {
      expect(viewOf(buildDrillListQuery(s, p, AS_OF, limited)), what).toBe('attributed_drill');
      expect(viewOf(buildDrillListTotalQuery(s, p, AS_OF, limited)), what).toBe('attributed_drill');
      expect(viewOf(buildDrillListSummaryQuery(s, p, AS_OF, limited)), what).toBe('attributed_drill');
    }
    expect(viewOf(buildDrillListQuery(slice({}), page, null, false)), 'no as-of').toBe('attributed_drill');
    expect(viewOf(buildDrillListQuery(slice({}), parsePage(new URLSearchParams('sort=owner')), AS_OF, false)), 'an attribute sort').toBe('sales_drill');
  });
});
