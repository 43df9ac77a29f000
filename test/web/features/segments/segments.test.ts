import { describe, expect, it } from 'vitest';
import { transformSegmentBars } from '../../../../web/src/features/segments/segment-bars/transform.ts';
import { buildSegmentQuery } from '../../../../web/src/features/segments/segment-counts/build-query.ts';
import { toSegmentCounts } from '../../../../web/src/features/segments/segment-counts/transform.ts';
import { toCumulativeStages, transformSegmentFunnel } from '../../../../web/src/features/segments/segment-funnel/transform.ts';

describe('segments', () => {
  it('counts customers per class from the stored counts (segment_counts), cut like the segment drill', () => {
    expect(buildSegmentQuery('rfm_segment', { team: 'T', channel: null })).toEqual({
      dimensions: ['segment_counts.rfm_segment'],
      measures: ['segment_counts.customers'],
      filters: [
        { member: 'segment_counts.owner_team', operator: 'equals', values: ['T'] },
        { member: 'segment_counts.rfm_segment', operator: 'set' },
      ],
    });
  });

  it('all eight RFM segments in order, zero where absent', () => {
    const counts = toSegmentCounts('rfm_segment', [{ 'segment_counts.rfm_segment': '一般挽留', 'segment_counts.customers': '7' }]);
    expect(counts).toHaveLength(8);
    expect(counts[0]).toEqual({ value: '重要价值', customers: 0 });
    expect(counts[7]).toEqual({ value: '一般挽留', customers: 7 });
    expect((transformSegmentBars(counts, (v) => v, 'n') as { series: Array<{ data: number[] }> }).series[0]!.data[7]).toBe(7);
  });

  it('funnel layers narrow: each is the stage or later', () => {
    const counts = toSegmentCounts('aipl_stage', [
      { 'segment_counts.aipl_stage': 'A', 'segment_counts.customers': '5' },
      { 'segment_counts.aipl_stage': 'I', 'segment_counts.customers': '3' },
      { 'segment_counts.aipl_stage': 'L', 'segment_counts.customers': '2' },
    ]);
    const option = transformSegmentFunnel(counts, (v) => v, 'n') as { series: Array<{ data: Array<{ value: number; customers: number }> }> };
    expect(option.series[0]!.data.map((d) => d.value)).toEqual([10, 5, 2, 2]);
    expect(option.series[0]!.data.map((d) => d.customers)).toEqual([5, 3, 0, 2]);
  });

  it('AIPL as the demo had it: current counts are not monotone, the cumulative funnel is, with stage conversion', () => {
    // The shape: I 兴趣 (7,914) is bigger than A 认知 (2,205) as a current-stage count.
    const counts = [
      { value: 'A', customers: 2205 }, { value: 'I', customers: 7914 }, { value: 'P', customers: 6000 }, { value: 'L', customers: 3881 },
    ];
    // By hand: L 3,881; P or later 6,000 + 3,881 = 9,881; I or later 7,914 + 9,881 = 17,795; A or later 2,205 + 17,795 = 20,000.
    expect(toCumulativeStages(counts)).toEqual([
      { value: 'A', current: 2205, reached: 20000, conversion: null },
      { value: 'I', current: 7914, reached: 17795, conversion: 17795 / 20000 },
      { value: 'P', current: 6000, reached: 9881, conversion: 9881 / 17795 },
      { value: 'L', current: 3881, reached: 3881, conversion: 3881 / 9881 },
    ]);
    expect(17795 / 20000).toBe(0.88975);
    const words = { reached: (s: { reached: number; current: number }) => `${s.reached}/${s.current}` };
    const data = (transformSegmentFunnel(counts, (v) => `stage ${v}`, 'n', words) as { series: Array<{ data: Array<{ value: number; text: string }> }> }).series[0]!.data;
    expect(data.map((d) => d.value)).toEqual([20000, 17795, 9881, 3881]);
    expect(data[1]!.text).toBe('stage I\n17795/7914');
  });

  it('a stage nobody reached has no conversion onward, not a division by zero', () => {
    expect(toCumulativeStages([{ value: 'aware', customers: 4 }, { value: 'appeal', customers: 0 }, { value: 'ask', customers: 0 }]))
      .toEqual([
        { value: 'aware', current: 4, reached: 4, conversion: null },
        { value: 'appeal', current: 0, reached: 0, conversion: 0 },
        { value: 'ask', current: 0, reached: 0, conversion: null },
      ]);
  });
});
