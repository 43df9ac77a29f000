/**
 * The one chart component the pages use. ECharts itself (about 190 KB of
 * gzip JavaScript even with only bar, line and funnel registered) loads in
 * its own chunk when the first chart renders, so a page's numbers and tables
 * show before it arrives; a skeleton holds the chart's place meanwhile.
 */
import { lazy, Suspense } from 'react';
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, FunnelSeriesOption, LineSeriesOption, SankeySeriesOption } from 'echarts/charts';
import type { DatasetComponentOption, GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import { Skeleton } from './query-state.tsx';

export type EChartsOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | FunnelSeriesOption | SankeySeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption | DatasetComponentOption
>;

/** What a click on a data item tells the page. */
export interface ChartClick {
  name: string;
  seriesName?: string;
  dataIndex: number;
  value: unknown;
  /** Graph series (Sankey): 'node' or 'edge'. */
  dataType?: string;
}

export interface EChartProps {
  option: EChartsOption;
  height?: number;
  testId?: string;
  onItemClick?: (item: ChartClick) => void;
}

const EChartCore = lazy(() => import('./echart-core.tsx'));
/** The same component with the Sankey series registered: only the page that draws one loads it. */
const EChartSankey = lazy(() => import('./echart-sankey.tsx'));

export function EChart({ sankey = false, ...props }: EChartProps & { sankey?: boolean }) {
  const Chart = sankey ? EChartSankey : EChartCore;
  return (
    <Suspense fallback={<Skeleton kind="chart" minHeight={props.height ?? 320} />}>
      <Chart {...props} />
    </Suspense>
  );
}
