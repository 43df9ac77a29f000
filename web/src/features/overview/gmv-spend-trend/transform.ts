import type { EChartsOption } from '../../../components/echart.tsx';
import { formatCurrency, toNumber } from '../../../lib/format.ts';
import type { Lang } from '../../../lib/i18n.tsx';
import { spendTrendView, type GmvTrendView } from './build-query.ts';

export type Row = Record<string, unknown>;

/** GMV bars and a spend line per month (or day); periods of either side are kept. `view`: the GMV rows' view (gmvTrendView); the spend rows' is spendTrendView's. Pure. */
export function transformGmvSpendTrend(gmvRows: readonly Row[], spendRows: readonly Row[], lang: Lang, labels: { gmv: string; spend: string }, granularity: 'day' | 'month' = 'month', view: GmvTrendView = 'sales_trend'): EChartsOption {
  const month = (v: unknown) => String(v ?? '').slice(0, granularity === 'day' ? 10 : 7);
  const gmv = new Map(gmvRows.map((r) => [month(r[`${view}.order_date.${granularity}`]), toNumber(r[`${view}.gmv`]) ?? 0]));
  const sv = spendTrendView(granularity);
  const spend = new Map(spendRows.map((r) => [month(r[`${sv}.spend_date.${granularity}`]), toNumber(r[`${sv}.spend`]) ?? 0]));
  const months = [...new Set([...gmv.keys(), ...spend.keys()])].filter(Boolean).sort();
  return {
    grid: { left: 72, right: 24, top: 36, bottom: 32 },
    legend: { data: [labels.gmv, labels.spend], top: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => formatCurrency(v, lang) },
    xAxis: { type: 'category', data: months },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatCurrency(v, lang, true) } },
    series: [
      { name: labels.gmv, type: 'bar', data: months.map((m) => gmv.get(m) ?? 0) },
      { name: labels.spend, type: 'line', data: months.map((m) => spend.get(m) ?? 0) },
    ],
  };
}
