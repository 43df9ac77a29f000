/** ECharts options of the planner (pure: models and plan in, options out). */
import type { EChartsOption } from '../../components/echart.tsx';
import type { ChannelModel, Plan } from './plan.ts';
import { hill, hillMarginal, predictBand, type CurveResult } from './response-curve.ts';

export interface CurveLabels {
  spend: string;
  value: string;
  fit: string;
  band: string;
  history: string;
  planned: string;
}

const CURVE_STEPS = 60;

/** A channel's fitted curve with its 80 % band, the campaigns it was fitted on, and the planned point. */
export function curveOption(result: CurveResult, pick: (p: ChannelModel['points'][number]) => number, points: ChannelModel['points'], planned: number | null, labels: CurveLabels): EChartsOption {
  const maxSpend = Math.max(planned ?? 0, ...points.map((p) => p.spend)) * 1.15 || 1;
  const xs = Array.from({ length: CURVE_STEPS + 1 }, (_, i) => (maxSpend * i) / CURVE_STEPS);
  const history = points.map((p) => [Math.round(p.spend), Math.round(pick(p) * 100) / 100]);
  const series: NonNullable<EChartsOption['series']> = [];
  if (result.ok) {
    const bands = xs.map((x) => predictBand(result.curve, x));
    series.push(
      { name: labels.band, type: 'line', stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, data: xs.map((x, i) => [x, bands[i]!.low]), tooltip: { show: false } },
      { name: labels.band, type: 'line', stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { opacity: 0.2 }, data: xs.map((x, i) => [x, bands[i]!.high - bands[i]!.low]), tooltip: { show: false } },
      { name: labels.fit, type: 'line', symbol: 'none', smooth: true, data: xs.map((x) => [x, hill(result.curve.params, x)]) },
    );
    if (planned !== null) series.push({ name: labels.planned, type: 'line', symbolSize: 14, symbol: 'diamond', data: [[planned, hill(result.curve.params, planned)]] });
  }
  series.push({ name: labels.history, type: 'line', symbolSize: 8, lineStyle: { width: 0 }, data: history });
  return {
    tooltip: { trigger: 'item' },
    legend: { top: 0, data: [labels.fit, labels.band, labels.history, labels.planned] },
    grid: { left: 64, right: 24, top: 36, bottom: 40 },
    xAxis: { type: 'value', name: labels.spend, nameLocation: 'middle', nameGap: 26, min: 0, max: Math.round(maxSpend) },
    yAxis: { type: 'value', name: labels.value, min: 0 },
    series,
  };
}

export function marginalAxisMax(planned: readonly number[]): number {
  const top = Math.max(1, ...planned.filter(Number.isFinite)) * 2;
  const step = top > 10 ? 5 : 1;
  return Math.ceil(top / step) * step;
}

/** Each channel's marginal ROI (one more yuan's GMV) against spend, with the planned spend marked. */
export function marginalOption(models: readonly ChannelModel[], plan: Plan, labels: { spend: string; marginal: string; planned: string }): EChartsOption {
  const series: NonNullable<EChartsOption['series']> = [];
  const planned: Array<[number, number, string]> = [];
  const maxX = Math.max(1, ...plan.rows.map((r) => Math.max(r.max === Infinity ? 0 : r.max, r.spend * 1.5)));
  for (const r of plan.rows) {
    const m = models.find((x) => x.channel === r.channel);
    if (!m || !m.gmv.ok) continue;
    const params = m.gmv.curve.params;
    const top = Math.max(r.spend * 1.5, Math.min(r.max, maxX), 1);
    const xs = Array.from({ length: 41 }, (_, i) => (top * (i + 1)) / 41);
    series.push({ name: r.channel, type: 'line', symbol: 'none', smooth: true, data: xs.map((x) => [x, hillMarginal(params, x)]) });
    planned.push([r.spend, hillMarginal(params, Math.max(r.spend, 1)), r.channel]);
  }
  series.push({ name: labels.planned, type: 'line', symbol: 'diamond', symbolSize: 12, lineStyle: { width: 0 }, data: planned.map(([x, y]) => [x, y]) });
  return {
    tooltip: { trigger: 'item' },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 56, right: 24, top: 40, bottom: 40 },
    xAxis: { type: 'value', name: labels.spend, nameLocation: 'middle', nameGap: 26, min: 0 },
    // Near zero spend a marginal return is steep; the axis shows up to twice the highest planned one.
    yAxis: { type: 'value', name: labels.marginal, min: 0, max: marginalAxisMax(planned.map(([, y]) => y)) },
    series,
  };
}

/** Planned split beside the last comparable campaign's actual split, per channel. */
export function splitOption(plan: Plan, lastSpend: ReadonlyMap<string, number>, labels: { planned: string; last: string }): EChartsOption {
  const channels = plan.rows.map((r) => r.channel);
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: [labels.planned, labels.last] },
    grid: { left: 64, right: 16, top: 36, bottom: 72 },
    xAxis: { type: 'category', data: channels, axisLabel: { rotate: 35, interval: 0 } },
    yAxis: { type: 'value' },
    series: [
      { name: labels.planned, type: 'bar', data: plan.rows.map((r) => Math.round(r.spend)) },
      { name: labels.last, type: 'bar', data: channels.map((c) => Math.round(lastSpend.get(c) ?? 0)) },
    ],
  };
}
