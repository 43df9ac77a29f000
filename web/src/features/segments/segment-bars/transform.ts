import type { EChartsOption } from '../../../components/echart.tsx';
import type { SegmentCount } from '../segment-counts/transform.ts';

/** One bar per class; `label` turns a class value into words. Pure. */
export function transformSegmentBars(counts: readonly SegmentCount[], label: (value: string) => string, seriesName: string): EChartsOption {
  return {
    grid: { left: 56, right: 16, top: 16, bottom: 48 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: counts.map((c) => label(c.value)), axisLabel: { interval: 0, rotate: counts.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value' },
    series: [{ name: seriesName, type: 'bar', data: counts.map((c) => c.customers), barMaxWidth: 36 }],
  };
}
