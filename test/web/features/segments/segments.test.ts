import { describe, expect, it } from 'vitest';
import { transformSegmentBars } from '../../../../web/src/features/segments/segment-bars/transform-props.ts';
import { buildSegmentQuery } from '../../../../web/src/features/segments/segment-counts/build-query.ts';
import { toSegmentCounts } from '../../../../web/src/features/segments/segment-counts/transform.ts';
import { transformSegmentFunnel } from '../../../../web/src/features/segments/segment-funnel/transform-props.ts';

describe('segments', () => {
  it('counts customers per class, cut like the segment drill', () => {
    expect(buildSegmentQuery('rfm_segment', { team: 'T', channel: null })).toEqual({
      dimensions: ['customer_insights.rfm_segment'],
      measures: ['customer_insights.customers'],
      filters: [
        { member: 'customer_insights.team', operator: 'equals', values: ['T'] },
        { member: 'customer_insights.rfm_segment', operator: 'set' },
      ],
    });
  });

  it('all eight RFM segments in order, zero where absent', () => {
    const counts = toSegmentCounts('rfm_segment', [{ 'customer_insights.rfm_segment': '一般挽留', 'customer_insights.customers': '7' }]);
    expect(counts).toHaveLength(8);
    expect(counts[0]).toEqual({ value: '重要价值', customers: 0 });
    expect(counts[7]).toEqual({ value: '一般挽留', customers: 7 });
    expect((transformSegmentBars(counts, (v) => v, 'n') as { series: Array<{ data: number[] }> }).series[0]!.data[7]).toBe(7);
  });

  it('funnel layers narrow: each is the stage or later', () => {
    const counts = toSegmentCounts('aipl_stage', [
      { 'customer_insights.aipl_stage': 'A', 'customer_insights.customers': '5' },
      { 'customer_insights.aipl_stage': 'I', 'customer_insights.customers': '3' },
      { 'customer_insights.aipl_stage': 'L', 'customer_insights.customers': '2' },
    ]);
    const option = transformSegmentFunnel(counts, (v) => v, 'n') as { series: Array<{ data: Array<{ value: number; customers: number }> }> };
    expect(option.series[0]!.data.map((d) => d.value)).toEqual([10, 5, 2, 2]);
    expect(option.series[0]!.data.map((d) => d.customers)).toEqual([5, 3, 0, 2]);
  });
});
