import { MetricHelp } from '../../../components/metric-help.tsx';
import { useMemo } from 'react';
import { EChart } from '../../../components/echart.tsx';
import { QueryState } from '../../../components/query-state.tsx';
import type { Query } from '../../../lib/cube.ts';
import type { DateRange } from '../../../lib/date-range.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { useCubeQuery } from '../../../lib/use-cube-query.ts';
import { gmvTrendView, trendGranularity } from './build-query.ts';
import { transformGmvSpendTrend } from './transform.ts';

/** The queries are the page's (overview/page-queries.ts: gmv_trend, spend_trend). */
export function GmvSpendTrendChart({ range, gmvQuery, spendQuery }: { range: DateRange | null; gmvQuery: Query; spendQuery: Query }) {
  const { t, lang } = useI18n();
  const gmv = useCubeQuery(gmvQuery);
  const spend = useCubeQuery(spendQuery);
  const granularity = trendGranularity(range);
  const view = gmvTrendView(range);
  const option = useMemo(
    () => transformGmvSpendTrend(gmv.rows, spend.rows, lang, { gmv: t('kpi.gmv'), spend: t('kpi.spend') }, granularity, view),
    [gmv.rows, spend.rows, lang, t, granularity, view],
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
