/**
 * Which attributed GMV / ROI drill lists are read from the stored rows'
 * attributed part (attributed_drill_periods, migration 058): the brand's list
 * on a preset for a role that sees every fact, ranked by attributed GMV; every
 * other stays on attributed_drill (or sales_drill). Pure.
 */
import { describe, expect, it } from 'vitest';
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

  it('leaves a team role, a cut, a custom range and another sort where they were', () => {
    const cases: Array<[string, DrillSlice, boolean, ReturnType<typeof parsePage>]> = [
      ['manager', slice({}), true, page],
      ['channel cut', slice({ channel: '企业微信' }), false, page],
      ['campaign cut', slice({ campaign: 'c' }), false, page],
      ['custom range', slice({ range: ['2026-08-01', '2026-10-31'] }), false, page],
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
