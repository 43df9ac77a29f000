import type { EChartsOption } from '../../../components/echart.tsx';
import { formatCurrency, formatInteger, toNumber } from '../../../lib/format.ts';
import type { Lang } from '../../../lib/i18n.tsx';

export interface GmvByMonthRow {
  'sales_overview.order_date.month': string;
  'sales_overview.gmv': string | null;
  'sales_overview.order_count': string | null;
}

/** Rows in, ECharts option out: GMV bars and an order-count line per month. */
export function transformGmvByMonth(rows: readonly GmvByMonthRow[], lang: Lang, labels: { gmv: string; orders: string }): EChartsOption {
  const months = rows.map((r) => r['sales_overview.order_date.month'].slice(0, 7));
  return {
    grid: { left: 64, right: 56, top: 36, bottom: 32 },
    legend: { data: [labels.gmv, labels.orders], top: 0 },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (value) => (typeof value === 'number' && !Number.isInteger(value) ? formatCurrency(value, lang) : String(value)),
    },
    xAxis: { type: 'category', data: months },
    yAxis: [
      { type: 'value', axisLabel: { formatter: (v: number) => formatCurrency(v, lang, true) } },
      { type: 'value', axisLabel: { formatter: (v: number) => formatInteger(v, lang) }, splitLine: { show: false } },
    ],
    series: [
      { name: labels.gmv, type: 'bar', data: rows.map((r) => toNumber(r['sales_overview.gmv']) ?? 0), itemStyle: { color: '#2f6fde' } },
      { name: labels.orders, type: 'line', yAxisIndex: 1, data: rows.map((r) => toNumber(r['sales_overview.order_count']) ?? 0), itemStyle: { color: '#f08c2e' } },
    ],
  };
}
