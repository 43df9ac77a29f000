import { useSearchParams } from 'react-router';
import { KpiTile } from '../../components/kpi-tile.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { useAsOf } from '../../lib/as-of.ts';
import { formatCurrency, formatInteger } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useCubeQuery } from '../../lib/use-cube-query.ts';
import { dateRangeFor, DEFAULT_RANGE, isRangePreset, RANGE_PRESETS, type RangePreset } from './date-range.ts';
import { GmvByMonthChart } from './gmv-by-month/gmv-by-month-chart.tsx';
import { buildCustomerKpiQuery, buildSalesKpiQuery } from './kpis/build-query.ts';

export function OverviewPage() {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const rangeParam = params.get('range');
  const preset: RangePreset = isRangePreset(rangeParam) ? rangeParam : DEFAULT_RANGE;
  const asOf = useAsOf();
  const dateRange = asOf.asOf ? dateRangeFor(preset, asOf.asOf) : null;
  const ready = asOf.asOf !== null;

  const sales = useCubeQuery(ready ? buildSalesKpiQuery(dateRange) : null);
  const customers = useCubeQuery(buildCustomerKpiQuery());
  const salesRow = sales.resultSet?.rawData()[0];
  const customerRow = customers.resultSet?.rawData()[0];

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('overview.title')}</h1>
        {asOf.asOf && <span className="muted">{t('overview.asOf', { date: asOf.asOf })}</span>}
        <div className="segmented" role="radiogroup" aria-label={t('overview.range')}>
          {RANGE_PRESETS.map((p) => (
            <button
              key={p}
              type="button"
              role="radio"
              aria-checked={p === preset}
              className={p === preset ? 'active' : ''}
              onClick={() => setParams((prev) => { const next = new URLSearchParams(prev); next.set('range', p); return next; })}
            >
              {t(`range.${p}`)}
            </button>
          ))}
        </div>
      </div>
      <QueryState isLoading={asOf.isLoading} error={asOf.error} isEmpty={false}>
        <div className="kpis">
          <KpiTile metricId="gmv" label={t('kpi.gmv')} value={formatCurrency(salesRow?.['sales_overview.gmv'], lang)}
            isLoading={sales.isLoading} error={sales.error} onRetry={sales.refetch} />
          <KpiTile metricId="order_count" label={t('kpi.order_count')} value={formatInteger(salesRow?.['sales_overview.order_count'], lang)}
            isLoading={sales.isLoading} error={sales.error} onRetry={sales.refetch} />
          <KpiTile metricId="customers" label={t('kpi.customers')} value={formatInteger(customerRow?.['customer_insights.customers'], lang)}
            isLoading={customers.isLoading} error={customers.error} onRetry={customers.refetch} />
        </div>
        {ready && <GmvByMonthChart dateRange={dateRange} />}
      </QueryState>
    </div>
  );
}
