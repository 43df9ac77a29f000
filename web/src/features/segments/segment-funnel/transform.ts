import type { EChartsOption } from '../../../components/echart.tsx';
import type { SegmentCount } from '../segment-counts/transform.ts';

export interface FunnelStage {
  value: string;
  /** Customers at exactly this stage today. */
  current: number;
  /** Customers who reached at least this stage (this stage or a later one): never more than the stage before. */
  reached: number;
  /** reached / the previous stage's reached; null for the first stage or when the previous one is 0. */
  conversion: number | null;
}

/**
 * A classification's current-stage counts as a cumulative funnel: the stages
 * are ordered, so a customer at a later stage has passed the earlier ones.
 * Drawing the current-stage counts as a funnel would show a later stage wider
 * than an earlier one (I 兴趣 wider than A 认知). Pure.
 */
export function toCumulativeStages(counts: readonly SegmentCount[]): FunnelStage[] {
  let later = 0;
  const reached = counts.map((c) => c.customers).reverse().map((n) => (later += n)).reverse();
  return counts.map((c, i) => {
    const before = i > 0 ? reached[i - 1]! : 0;
    return { value: c.value, current: c.customers, reached: reached[i]!, conversion: i > 0 && before > 0 ? reached[i]! / before : null };
  });
}

export interface FunnelWords {
  /** "{reached} 人达到（当前 {current}）" style line under the stage name. */
  reached(stage: FunnelStage): string;
}

/** The funnel: each layer the customers who reached at least that stage, with stage-to-stage conversion; the click opens the stage itself. Pure. */
export function transformSegmentFunnel(counts: readonly SegmentCount[], label: (value: string) => string, seriesName: string, words?: FunnelWords): EChartsOption {
  const stages = toCumulativeStages(counts);
  return {
    tooltip: { trigger: 'item', formatter: (p: unknown) => String((p as { data?: { tip?: string } }).data?.tip ?? '') },
    series: [{
      name: seriesName,
      type: 'funnel',
      sort: 'none',
      // Labels beside the layers: two lines do not fit inside the narrow last ones.
      left: '2%', width: '46%', top: 8, bottom: 8, minSize: '14%',
      label: { show: true, position: 'right', color: '#1f2733', lineHeight: 16, formatter: (p: unknown) => String((p as { data?: { text?: string } }).data?.text ?? '') },
      labelLine: { show: true, length: 12 },
      data: stages.map((s) => {
        const line = words?.reached(s) ?? String(s.reached);
        return { name: label(s.value), value: s.reached, stage: s.value, customers: s.current, text: `${label(s.value)}\n${line}`, tip: `${label(s.value)}: ${line}` };
      }),
    }],
  };
}
