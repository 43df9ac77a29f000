import type { EChartsOption } from '../../../components/echart.tsx';
import type { SegmentCount } from '../segment-counts/transform.ts';

/**
 * A funnel of the stages in their order. Each layer is the customers at that
 * stage or later, so the funnel narrows; the click opens the stage itself.
 */
export function transformSegmentFunnel(counts: readonly SegmentCount[], label: (value: string) => string, seriesName: string): EChartsOption {
  const atOrLater = counts.map((_, i) => counts.slice(i).reduce((sum, c) => sum + c.customers, 0));
  return {
    tooltip: { trigger: 'item', formatter: '{b}: {c}' },
    series: [{
      name: seriesName,
      type: 'funnel',
      sort: 'none',
      left: '10%', width: '80%', top: 8, bottom: 8,
      label: { show: true, position: 'inside', formatter: '{b}' },
      data: counts.map((c, i) => ({ name: label(c.value), value: atOrLater[i]!, stage: c.value, customers: c.customers })),
    }],
  };
}
