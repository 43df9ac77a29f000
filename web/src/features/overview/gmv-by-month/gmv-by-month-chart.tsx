import { useMemo } from 'react';
import { EChart } from '../../../components/echart.tsx';
import { QueryState } from '../../../components/query-state.tsx';
import { useI18n } from '../../../lib/i18n.tsx';
import { useCubeQuery } from '../../../lib/use-cube-query.ts';
import { buildGmvByMonthQuery } from './build-query.ts';
import { transformGmvByMonth, type GmvByMonthRow } from './transform-props.ts';

export function GmvByMonthChart({ dateRange }: { dateRange: [string, string] | null }) {
  const { t, lang } = useI18n();
  const { resultSet, isLoading, error, refetch } = useCubeQuery(buildGmvByMonthQuery(dateRange));
  const rows = (resultSet?.rawData() ?? []) as unknown as GmvByMonthRow[];
  const option = useMemo(
    () => transformGmvByMonth(rows, lang, { gmv: t('kpi.gmv'), orders: t('kpi.order_count') }),
    [rows, lang, t],
  );
  return (
    <section className="panel" data-testid="chart-gmv-by-month">
      <h2>{t('chart.gmvByMonth')}</h2>
      <QueryState isLoading={isLoading} error={error} isEmpty={rows.length === 0} onRetry={refetch} minHeight={320}>
        <EChart option={option} />
      </QueryState>
    </section>
  );
}
