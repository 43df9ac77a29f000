import type { EChartsOption } from '../../../components/echart.tsx';
import { formatCurrency } from '../../../lib/format.ts';
import type { Lang } from '../../../lib/i18n.tsx';
import type { ActivityRow } from '../campaign-breakdown/transform.ts';

/** GMV and spend side by side for the top campaigns. Pure. */
export function transformCampaignGmv(rows: readonly ActivityRow[], lang: Lang, labels: { gmv: string; spend: string }): EChartsOption {
  const top = rows.slice(0, 12);
  return {
    grid: { left: 72, right: 16, top: 36, bottom: 72 },
    legend: { data: [labels.gmv, labels.spend], top: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => formatCurrency(v, lang) },
    xAxis: { type: 'category', data: top.map((r) => r.key), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatCurrency(v, lang, true) } },
    series: [
      { name: labels.gmv, type: 'bar', data: top.map((r) => r.gmv ?? 0) },
      { name: labels.spend, type: 'bar', data: top.map((r) => r.spend ?? 0) },
    ],
  };
}
