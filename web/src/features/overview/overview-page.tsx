import { useSearchParams } from 'react-router';
import { FilterBar } from '../../components/filter-bar.tsx';
import { KpiTile, type KpiChange } from '../../components/kpi-tile.tsx';
import { COMPARE_MODES, comparisonRanges, DEFAULT_COMPARE, parseCompare, parseCompareRange, type DateRange } from '../../lib/date-range.ts';
import { ignoredFilters, type DrillMetric } from '../../lib/drill.ts';
import { filterNoteText } from '../../lib/filter-note.ts';
import { linkWith, parseFilters, resolveDateRange } from '../../lib/filters.ts';
import { formatCurrency, formatInteger, formatPercent } from '../../lib/format.ts';
import type { MetricId } from '../../lib/definitions/index.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { useCubeQuery, type CubeQueryState } from '../../lib/use-cube-query.ts';
import { GmvSpendTrendChart } from './gmv-spend-trend/gmv-spend-trend-chart.tsx';
import { kpiValue, type Row } from './kpis/transform.ts';
import { asBuyerRepurchaseRow, asCustomerInsightsRow, asSalesBuyersRow } from './kpis/build-query.ts';
import { OVERVIEW_FILTERS, overviewQueries } from './page-queries.ts';

type Format = 'currency' | 'integer' | 'percent' | 'ratio';

interface Tile {
  /** A drillable metric that also has a definition. */
  id: DrillMetric & MetricId;
  member: string;
  format: Format;
  source: 'sales' | 'newCustomers' | 'repurchase' | 'asOf' | 'roi';
}

const TILES: Tile[] = [
  { id: 'gmv', member: 'sales_buyers.gmv', format: 'currency', source: 'sales' },
  { id: 'buyers', member: 'sales_buyers.buyers', format: 'integer', source: 'sales' },
  { id: 'spend_per_buyer', member: 'sales_buyers.spend_per_buyer', format: 'currency', source: 'sales' },
  { id: 'new_customers', member: 'customer_insights.new_customers', format: 'integer', source: 'newCustomers' },
  { id: 'repurchase_rate', member: 'buyer_repurchase.repurchase_rate', format: 'percent', source: 'repurchase' },
  { id: 'churn_rate', member: 'customer_insights.churn_rate', format: 'percent', source: 'asOf' },
  { id: 'ltv', member: 'customer_insights.ltv', format: 'currency', source: 'asOf' },
  { id: 'roi', member: 'channel_roi.roi', format: 'ratio', source: 'roi' },
];

export function OverviewPage() {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const filters = parseFilters(params);
  const asOf = me!.asOf;
  const range = resolveDateRange(filters, asOf);
  const slice = { team: filters.team, channel: filters.channel, campaign: filters.campaign };
  const compare = parseCompare(params.get('compare'));
  // The periods compared with, for the tiles' hover text (overviewQueries asks for the same).
  const chosen = parseCompareRange(params.get('cmp_from'), params.get('cmp_to'));
  const { mom, yoy, custom } = comparisonRanges(range, compare, chosen);
  const period = (r: DateRange | null) => r ? t('compare.period', { from: r[0], to: r[1] }) : undefined;
  const setCompare = (mode: typeof compare) => setParams((p) => {
    const next = new URLSearchParams(p);
    if (mode === DEFAULT_COMPARE) next.delete('compare'); else next.set('compare', mode);
    if (mode !== 'custom') { next.delete('cmp_from'); next.delete('cmp_to'); }
    return next;
  });
  const setChosen = (key: 'cmp_from' | 'cmp_to', value: string) => setParams((p) => {
    const next = new URLSearchParams(p);
    if (value) next.set(key, value); else next.delete(key);
    return next;
  });

  const queries = overviewQueries(range, slice, compare, chosen, asOf, me!.role === 'staff' || me!.role === 'manager');
  const q = {
    sales: [useCubeQuery(queries.sales_kpis), useCubeQuery(queries.sales_kpis_mom), useCubeQuery(queries.sales_kpis_yoy)],
    newCustomers: [useCubeQuery(queries.new_customers), useCubeQuery(queries.new_customers_mom), useCubeQuery(queries.new_customers_yoy)],
    repurchase: [useCubeQuery(queries.repurchase), useCubeQuery(queries.repurchase_mom), useCubeQuery(queries.repurchase_yoy)],
    asOf: [useCubeQuery(queries.churn_ltv)],
    roi: [useCubeQuery(queries.roi), useCubeQuery(queries.roi_mom), useCubeQuery(queries.roi_yoy)],
  } satisfies Record<Tile['source'], CubeQueryState[]>;

  const format = (value: number | null, f: Format) =>
    f === 'currency' ? formatCurrency(value, lang) : f === 'integer' ? formatInteger(value, lang) : f === 'percent' ? formatPercent(value, lang)
      : value === null ? '—' : value.toLocaleString(lang, { maximumFractionDigits: 2, minimumFractionDigits: 2 });

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('overview.title')}</h1>
        <span className="muted" data-testid="as-of">{t('overview.asOf', { date: asOf })}</span>
      </div>
      <FilterBar show={OVERVIEW_FILTERS} />
      {range && <div className="segmented compare-switch" role="radiogroup" aria-label={t('compare.label')} data-testid="compare">
        <span className="compare-label muted">{t('compare.label')}</span>
        {COMPARE_MODES.map((mode) => (
          <button key={mode} type="button" role="radio" aria-checked={mode === compare} className={mode === compare ? 'active' : ''}
            data-compare={mode} onClick={() => setCompare(mode)}>
            {t(`compare.${mode}`)}
          </button>
        ))}
      </div>}
      {range && compare === 'custom' && (
        <div className="filter compare-custom" data-testid="compare-custom">
          <label>{t('compare.from')} <input type="date" value={params.get('cmp_from') ?? ''} onChange={(e) => setChosen('cmp_from', e.target.value)} data-testid="compare-from" /></label>
          <label>{t('compare.to')} <input type="date" value={params.get('cmp_to') ?? ''} onChange={(e) => setChosen('cmp_to', e.target.value)} data-testid="compare-to" /></label>
          {!chosen && <span className="muted small" role="note">{t('compare.choose')}</span>}
        </div>
      )}
      <div className="kpis">
        {TILES.map((tile) => {
          const [current, before, yearBefore] = q[tile.source];
          const row = (s: CubeQueryState | undefined) => (tile.source === 'sales' ? asSalesBuyersRow(s?.rows[0])
            : tile.source === 'repurchase' ? asBuyerRepurchaseRow(s?.rows[0])
              : tile.source === 'newCustomers' || tile.source === 'asOf' ? asCustomerInsightsRow(s?.rows[0]) : s?.rows[0]) as Row | undefined;
          const v = kpiValue(tile.member, row(current), row(before), row(yearBefore));
          const changes: KpiChange[] | undefined = tile.source === 'asOf' || !range ? undefined : [
            ...(mom ? [{ label: t('kpi.mom'), value: v.mom, kind: 'mom', period: period(mom) }] : []),
            ...(custom ? [{ label: t('compare.customShort'), value: v.mom, kind: 'custom', period: period(custom) }] : []),
            ...(yoy ? [{ label: t('kpi.yoy'), value: v.yoy, kind: 'yoy', period: period(yoy) }] : []),
          ];
          return (
            <KpiTile key={tile.id} metricId={tile.id} label={t(`kpi.${tile.id}` as MessageKey)} help={tile.id} value={format(v.value, tile.format)}
              isLoading={current!.isLoading} error={current!.error} onRetry={current!.refetch} changes={changes}
              note={tile.source === 'asOf' && !range ? t('kpi.asOfOnly') : undefined}
              filterNote={filterNoteText(ignoredFilters(tile.id, { range: range !== null, ...slice }), t)}
              drillTo={linkWith('/customers', params, { metric: tile.id, via: 'overview' })}
              breakdownTo={tile.source === 'sales' || tile.source === 'roi' ? linkWith('/channels', params) : undefined} />
          );
        })}
      </div>
      <GmvSpendTrendChart range={range} gmvQuery={queries.gmv_trend} spendQuery={queries.spend_trend} />
    </div>
  );
}
