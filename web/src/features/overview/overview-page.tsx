import { useSearchParams } from 'react-router';
import { FilterBar } from '../../components/filter-bar.tsx';
import { KpiTile, type KpiChange } from '../../components/kpi-tile.tsx';
import { COMPARE_MODES, comparisonRanges, DEFAULT_COMPARE, parseCompare, type DateRange } from '../../lib/date-range.ts';
import { ignoredFilters, type DrillMetric } from '../../lib/drill.ts';
import { filterNoteText } from '../../lib/filter-note.ts';
import { linkWith, parseFilters, resolveDateRange } from '../../lib/filters.ts';
import { formatCurrency, formatInteger, formatPercent } from '../../lib/format.ts';
import type { MetricId } from '../../lib/definitions/index.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { useCubeQuery, type CubeQueryState } from '../../lib/use-cube-query.ts';
import { GmvSpendTrendChart } from './gmv-spend-trend/gmv-spend-trend-chart.tsx';
import {
  buildAsOfKpiQuery, buildNewCustomersKpiQuery, buildRepurchaseKpiQuery, buildRoiKpiQuery, buildSalesKpiQuery,
} from './kpis/build-query.ts';
import { kpiValue, type Row } from './kpis/transform.ts';

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
  // Only the comparisons chosen are asked for: 不对比 costs no extra query.
  const { mom: prev, yoy } = comparisonRanges(range, compare);
  const period = (r: DateRange | null) => r ? t('compare.period', { from: r[0], to: r[1] }) : undefined;
  const setCompare = (mode: typeof compare) => setParams((p) => {
    const next = new URLSearchParams(p);
    if (mode === DEFAULT_COMPARE) next.delete('compare'); else next.set('compare', mode);
    return next;
  });

  const q = {
    sales: [useCubeQuery(buildSalesKpiQuery(range, slice)), useCubeQuery(prev && buildSalesKpiQuery(prev, slice)), useCubeQuery(yoy && buildSalesKpiQuery(yoy, slice))],
    newCustomers: [useCubeQuery(buildNewCustomersKpiQuery(range, slice)), useCubeQuery(prev && buildNewCustomersKpiQuery(prev, slice)), useCubeQuery(yoy && buildNewCustomersKpiQuery(yoy, slice))],
    repurchase: [useCubeQuery(buildRepurchaseKpiQuery(range, slice)), useCubeQuery(prev && buildRepurchaseKpiQuery(prev, slice)), useCubeQuery(yoy && buildRepurchaseKpiQuery(yoy, slice))],
    asOf: [useCubeQuery(buildAsOfKpiQuery(slice))],
    roi: [useCubeQuery(buildRoiKpiQuery(range, slice)), useCubeQuery(prev && buildRoiKpiQuery(prev, slice)), useCubeQuery(yoy && buildRoiKpiQuery(yoy, slice))],
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
      <FilterBar />
      {range && <div className="segmented compare-switch" role="radiogroup" aria-label={t('compare.label')} data-testid="compare">
        <span className="compare-label muted">{t('compare.label')}</span>
        {COMPARE_MODES.map((mode) => (
          <button key={mode} type="button" role="radio" aria-checked={mode === compare} className={mode === compare ? 'active' : ''}
            data-compare={mode} onClick={() => setCompare(mode)}>
            {t(`compare.${mode}`)}
          </button>
        ))}
      </div>}
      <div className="kpis">
        {TILES.map((tile) => {
          const [current, before, yearBefore] = q[tile.source];
          const row = (s: CubeQueryState | undefined) => s?.rows[0] as Row | undefined;
          const v = kpiValue(tile.member, row(current), row(before), row(yearBefore));
          const changes: KpiChange[] | undefined = tile.source === 'asOf' || !range ? undefined : [
            ...(prev ? [{ label: t('kpi.mom'), value: v.mom, kind: 'mom', period: period(prev) }] : []),
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
      <GmvSpendTrendChart range={range} slice={slice} />
    </div>
  );
}
