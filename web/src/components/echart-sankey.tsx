/**
 * The chart component with ECharts' Sankey series added, in its own chunk so
 * the pages without a Sankey do not load it (components/echart.tsx picks it).
 */
import { use } from 'echarts/core';
import { SankeyChart } from 'echarts/charts';
import EChartCore from './echart-core.tsx';

use([SankeyChart]);

export default EChartCore;
