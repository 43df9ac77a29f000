import { MetricHelp } from '../../../components/metric-help.tsx';
import { useMemo } from 'react';
import { EChart } from '../../../components/echart.tsx';
import { QueryState } from '../../../components/query-state.tsx';
import type { DateRange } from '../../../lib/date-range.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { useCubeQuery } from '../../../lib/use-cube-query.ts';
import type { KpiSlice } from '../kpis/build-query.ts';
import { buildGmvTrendQuery, buildSpendTrendQuery, trendGranularity } from './build-query.ts';
import { transformGmvSpendTrend } from './transform.ts';

export function GmvSpendTrendChart({ range, slice }: { range: DateRange | null; slice: KpiSlice }) {
  const { t, lang } = useI18n();
  const gmv = useCubeQuery(buildGmvTrendQuery(range, slice));
  const spend = useCubeQuery(buildSpendTrendQuery(range, slice));
  const granularity = trendGranularity(range);
  const option = useMemo(
    () => transformGmvSpendTrend(gmv.rows, spend.rows, lang, { gmv: t('kpi.gmv'), spend: t('kpi.spend') }, granularity),
    [gmv.rows, spend.rows, lang, t, granularity],
  );
  return (
    <section className="panel" data-testid="chart-gmv-spend-trend">
      <h2>{t('chart.gmvSpendTrend')}<MetricHelp id={['gmv', 'spend']} /></h2>
      <QueryState isLoading={gmv.isLoading || spend.isLoading} error={gmv.error ?? spend.error}
        isEmpty={gmv.rows.length === 0 && spend.rows.length === 0} onRetry={() => { gmv.refetch(); spend.refetch(); }} minHeight={320}>
        <EChart option={option} />
      </QueryState>
    </section>
  );
}
