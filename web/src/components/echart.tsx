/**
 * The one chart component the pages use. ECharts itself (about 190 KB of
 * gzip JavaScript even with only bar, line and funnel registered) loads in
 * its own chunk when the first chart renders, so a page's numbers and tables
 * show before it arrives; a skeleton holds the chart's place meanwhile.
 */
import { lazy, Suspense } from 'react';
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, FunnelSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { DatasetComponentOption, GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import { Skeleton } from './query-state.tsx';

export type EChartsOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | FunnelSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption | DatasetComponentOption
>;

/** What a click on a data item tells the page. */
export interface ChartClick {
  name: string;
  seriesName?: string;
  dataIndex: number;
  value: unknown;
}

export interface EChartProps {
  option: EChartsOption;
  height?: number;
  testId?: string;
  onItemClick?: (item: ChartClick) => void;
}

const EChartCore = lazy(() => import('./echart-core.tsx'));

export function EChart(props: EChartProps) {
  return (
    <Suspense fallback={<Skeleton kind="chart" minHeight={props.height ?? 320} />}>
      <EChartCore {...props} />
    </Suspense>
  );
}
