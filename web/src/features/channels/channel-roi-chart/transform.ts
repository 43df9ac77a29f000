import type { EChartsOption } from '../../../components/echart.tsx';
import type { BreakdownRow } from '../roi-breakdown/transform.ts';

/** ROI per channel as horizontal bars, best on top; channels without spend are left out (no ROI). Pure. */
export function transformChannelRoi(rows: readonly BreakdownRow[], label: string): EChartsOption {
  const withRoi = rows.filter((r) => r.roi !== null).sort((a, b) => (a.roi ?? 0) - (b.roi ?? 0));
  return {
    grid: { left: 120, right: 32, top: 16, bottom: 24 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? v.toFixed(2) : String(v)) },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', data: withRoi.map((r) => r.key) },
    series: [{ name: label, type: 'bar', data: withRoi.map((r) => Number((r.roi ?? 0).toFixed(4))), barMaxWidth: 22 }],
  };
}
