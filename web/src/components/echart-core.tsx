/**
 * The ECharts implementation behind components/echart.tsx, loaded on demand:
 * echarts-for-react's core component with only the chart types the pages use
 * registered, the product's font and colours, and a redraw once the web
 * font's glyphs have loaded (a canvas does not wait for them).
 */
import { useEffect, useMemo, useRef } from 'react';
import ReactEChartsCore from 'echarts-for-react/lib/core';
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, LineChart } from 'echarts/charts';
import { DatasetComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ChartClick, EChartProps, EChartsOption } from './echart.tsx';

echarts.use([BarChart, LineChart, FunnelChart, GridComponent, TooltipComponent, LegendComponent, DatasetComponent, CanvasRenderer]);

const CHART_FONT = '"Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
const PALETTE = ['#2f6fde', '#f08c2e', '#2aa876', '#8e5bd6', '#d64b6a', '#1fa2b8', '#b8912f', '#6b7689'];

/**
 * Automation hook, like the data-testid attributes: the browser tests read a
 * chart's own layout (where a Sankey flow is drawn) to click it like a person.
 */
function exposeForAutomation(instance: echarts.ECharts): void {
  const box = instance.getDom().closest('.echart') as (HTMLElement & { echartsInstance?: echarts.ECharts }) | null;
  if (box) box.echartsInstance = instance;
}

export default function EChartCore({ option, height = 320, testId, onItemClick }: EChartProps) {
  const ref = useRef<ReactEChartsCore>(null);
  const themed = useMemo<EChartsOption>(() => ({ color: PALETTE, textStyle: { fontFamily: CHART_FONT }, ...option }), [option]);
  const onEvents = useMemo(
    () => (onItemClick ? { click: (p: ChartClick) => onItemClick({ name: p.name, seriesName: p.seriesName, dataIndex: p.dataIndex, value: p.value, dataType: p.dataType }) } : undefined),
    [onItemClick],
  );

  useEffect(() => {
    const fonts = document.fonts;
    if (!fonts) return;
    const redraw = () => {
      const instance = ref.current?.getEchartsInstance();
      if (instance && !instance.isDisposed()) instance.setOption(themed, { notMerge: true });
    };
    fonts.addEventListener('loadingdone', redraw);
    return () => fonts.removeEventListener('loadingdone', redraw);
  }, [themed]);

  // Printing lays the page out at the paper's width: the canvas is redrawn to it, and again after.
  useEffect(() => {
    const resize = () => {
      const instance = ref.current?.getEchartsInstance();
      if (instance && !instance.isDisposed()) instance.resize();
    };
    window.addEventListener('beforeprint', resize);
    window.addEventListener('afterprint', resize);
    return () => { window.removeEventListener('beforeprint', resize); window.removeEventListener('afterprint', resize); };
  }, []);

  return (
    <div className={onItemClick ? 'echart clickable' : 'echart'} data-testid={testId}>
      <ReactEChartsCore ref={ref} echarts={echarts} option={themed} notMerge lazyUpdate style={{ height, width: '100%' }} onEvents={onEvents}
        onChartReady={exposeForAutomation} />
    </div>
  );
}
