import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { Breadcrumbs, type Crumb } from '../../components/breadcrumbs.tsx';
import { FilterBar } from '../../components/filter-bar.tsx';
import { QueryState } from '../../components/query-state.tsx';
import {
  buildDrillQuery, drillColumns, drillDef, drillListRows,
  ignoredFilters, PAGE_SIZES, parseDrill, parsePage, showsNumerator, toDrillRows,
  type DrillSlice,
} from '../../lib/drill.ts';
import { anonymousRow, buildExportRemainder, buildRatioCountQueries, type CountQuery } from '../../lib/drill-scope.ts';
import { filterNoteText } from '../../lib/filter-note.ts';
import type { CubeQueryState } from '../../lib/use-cube-query.ts';
import { exportComment, exportFileName } from '../../lib/export-csv.ts';
import { exportFormat } from '../../lib/export-columns.ts';
import { ExportCsvButton } from '../../components/export-csv-button.tsx';
import { formatCurrency, formatInteger, formatPercent, toNumber } from '../../lib/format.ts';
import { useI18n, type MessageKey, type Translate } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { MetricHelp } from '../../components/metric-help.tsx';
import { isTermId } from '../../lib/definitions/index.ts';
import { rfmLabel } from '../../lib/rfm.ts';
import { useCubeQuery } from '../../lib/use-cube-query.ts';
import { stageLabel } from '../segments/journey-flows/stage-label.ts';
import { drillPath } from './drill-list/crumbs.ts';
import { DrillTable } from './drill-list/drill-table.tsx';
import { attributesQuery, CUSTOMERS_FILTERS, customersQueries, listedCustomers, listRemainder } from './page-queries.ts';

const SEGMENT_LABEL: Record<string, MessageKey> = {
  rfm_segment: 'col.rfm_segment', lifecycle_stage: 'col.lifecycle_stage', aipl_stage: 'chart.aipl', five_a_stage: 'chart.fiveA', value_quadrant: 'chart.valueQuadrant',
};
const SEGMENT_VALUE_PREFIX: Record<string, string> = { lifecycle_stage: 'lifecycle', aipl_stage: 'aipl', five_a_stage: 'fiveA', value_quadrant: 'quadrant' };

function metricLabel(slice: DrillSlice, t: Translate): string {
  if (slice.metric === 'segment' && slice.segment) return t(SEGMENT_LABEL[slice.segment.dimension]!);
  if (slice.metric === 'customers') return t('customers.all');
  return t(`kpi.${slice.metric}` as MessageKey);
}

/** A segment cell's value in words; a journey's move with its days. */
function segmentValue(slice: DrillSlice, t: Translate): string | undefined {
  if (slice.journey) {
    const { family, fromDate, toDate, from, to } = slice.journey;
    const label = stageLabel(family, t);
    return `${label(from)} (${fromDate}) → ${label(to)} (${toDate})`;
  }
  if (!slice.segment) return undefined;
  if (slice.segment.dimension === 'rfm_segment') return rfmLabel(slice.segment.value, t);
  const prefix = SEGMENT_VALUE_PREFIX[slice.segment.dimension];
  return prefix ? t(`${prefix}.${slice.segment.value}` as MessageKey) ?? slice.segment.value : slice.segment.value;
}

function countOf(q: CountQuery | undefined, state: CubeQueryState): number | null {
  if (!q || !state.resultSet) return null;
  return q.member ? toNumber(state.rows[0]?.[q.member]) ?? 0 : toNumber(state.resultSet.totalRows());
}

/**
 * The drill-down list: exactly the customers behind a number, paged and sorted
 * on the server. Under a staff or manager role, the customers behind a fact
 * number that the person does not own close the list as one anonymised row,
 * so the list still adds up to the number.
 */
export function CustomersPage() {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const slice = parseDrill(params, me!.asOf);
  const page = parsePage(params);
  const def = drillDef(slice.metric);
  const columns = drillColumns(slice.metric);

  // The page ranks customers on the facts, then fetches those customers' attributes by id.
  const limited = me!.role === 'staff' || me!.role === 'manager';
  const queries = customersQueries(slice, page, limited, me!.asOf, me!.role === 'staff');
  const list = useCubeQuery(queries.list);
  const listTotal = useCubeQuery(queries.list_total);
  const attributes = useCubeQuery(attributesQuery(slice, list.rows));
  const summary = useCubeQuery(queries.summary);
  const spend = useCubeQuery(queries.spend);
  const scopeAll = useCubeQuery(queries.scope_all);
  const scopeOwned = useCubeQuery(queries.scope_owned);
  // Undefined until answered; on a stored list read from the header and the list's total.
  const answered = (state: CubeQueryState) => (state.resultSet ? { rows: state.rows } : undefined);
  const scoped = listRemainder(slice, page, limited, me!.asOf, { summary: answered(summary), list_total: answered(listTotal), scope_all: answered(scopeAll), scope_owned: answered(scopeOwned) });
  const rest = scoped ?? null;
  // The counts' members, to read them (their queries are in the page's list).
  const ratioCounts = buildRatioCountQueries(slice, me!.asOf);
  const numeratorCount = useCubeQuery(queries.numerator_count);
  const denominatorCount = useCubeQuery(queries.denominator_count);
  const listed = listedCustomers(queries.list_total, listTotal, list.resultSet);
  const owned = listed === null ? null : toNumber(listed);
  const scopeReady = scoped !== undefined;
  // The total counts every customer behind the number, the anonymised ones too.
  const total = owned === null || !scopeReady ? null : owned + (rest?.customers ?? 0);
  const pages = owned === null ? 1 : Math.max(1, Math.ceil(owned / page.limit));
  const currentPage = Math.floor(page.offset / page.limit) + 1;
  const who = t(me!.role === 'staff' ? 'customers.anonymousStaff' : 'customers.anonymousTeam');
  const rows = useMemo(() => {
    const named = toDrillRows(slice.metric, list.rows, attributes.rows);
    // The anonymised row closes the list, after its last named customer.
    return rest && currentPage >= pages
      ? [...named, anonymousRow(slice, rest, t('customers.anonymousRow', { who, count: formatInteger(rest.customers, lang) }))]
      : named;
  }, [slice.metric, list.rows, attributes.rows, rest?.customers, JSON.stringify(rest?.sums), currentPage, pages, who, lang]);
  const numerator = showsNumerator(slice);

  const set = (changes: Record<string, string | null>) => setParams((prev) => {
    const next = new URLSearchParams(prev);
    for (const [k, v] of Object.entries(changes)) if (v === null) next.delete(k); else next.set(k, v);
    return next;
  });
  const onSort = (id: string) => set({ sort: id, dir: page.sort === id && page.desc ? 'asc' : 'desc', page: null });

  const label = metricLabel(slice, t);
  const sliceText = [segmentValue(slice, t), slice.channel, slice.campaign, slice.team, slice.employee, params.get('owner_name'), slice.cityTier].filter(Boolean).join(' · ');
  const crumbs: Crumb[] = [
    ...drillPath(params).map((s) => ({ label: s.key ? t(s.key as MessageKey) : s.text ?? '', to: s.to })),
    { label: `${label}${sliceText ? ` · ${sliceText}` : ''}` },
  ];
  const summaryRow = useMemo(() => drillListRows(summary.rows)[0], [summary.rows]);
  const value = (short: string) => summaryRow?.[`${def.view}.${short}`];
  const exportPayload = {
    query: buildDrillQuery(slice, page),
    columns: columns.map((c) => ({
      member: c.member, title: t(`col.${c.id}` as MessageKey), ...exportFormat(c.id === 'rfm_segment' ? 'rfm' : c.format, t),
    })),
    filename: exportFileName(slice.metric, [slice.segment?.value, slice.journey?.from, slice.journey?.fromDate, slice.journey?.to, slice.journey?.toDate, slice.channel, slice.campaign, slice.team, slice.employee, slice.owner, slice.cityTier], def.date ? slice.range : null, me!.asOf),
    comment: exportComment([
      [t('export.metric'), `${label}${sliceText ? ` · ${sliceText}` : ''}`],
      [t('export.range'), def.date && slice.range ? `${slice.range[0]} ~ ${slice.range[1]}` : t('export.allDates')],
      [t('export.dataDate'), me!.asOf],
    ]),
    // The file closes with the anonymised row too, so it adds up as the page does.
    remainder: buildExportRemainder(slice, limited, t('customers.anonymousRow', { who, count: '{count}' })) ?? undefined,
  };
  const filterNote = filterNoteText(ignoredFilters(slice.metric, { ...slice, range: slice.range !== null }), t, slice.metric !== 'journey');
  const ratioWords = def.kind === 'ratio' && ratioCounts
    ? { numerator: t(`ratio.numerator.${slice.metric}` as MessageKey), denominator: t(`ratio.denominator.${slice.metric}` as MessageKey) }
    : null;
  const n = countOf(ratioCounts?.numerator, numeratorCount);
  const d = countOf(ratioCounts?.denominator, denominatorCount);

  return (
    <div className="page">
      <div className="page-head"><h1>{t('customers.title')}</h1></div>
      <Breadcrumbs crumbs={crumbs} />
      {/* An as-of number has no range to pick: the date control would only look active. */}
      <FilterBar show={CUSTOMERS_FILTERS} showRange={def.date !== null} />
      {filterNote && <p className="note" role="note" data-testid="filter-note">{filterNote}</p>}
      <section className="panel">
        <div className="list-head">
          <h2>{label}{isTermId(slice.metric) && <MetricHelp id={slice.metric} />}{slice.segment && <MetricHelp id={slice.segment.dimension} />}{sliceText && <span className="muted"> · {sliceText}</span>}{slice.range && def.date && <span className="muted small"> {slice.range[0]} ~ {slice.range[1]}</span>}</h2>
          <div className="list-summary">
            <span data-testid="drill-total" data-total={total ?? ''} data-anonymous={rest?.customers ?? 0}>
              {total === null ? '…' : t('customers.total', { count: formatInteger(total, lang) })}
              {rest && <span className="muted" data-testid="drill-anonymous-count"> · {t('customers.anonymousCount', { count: formatInteger(rest.customers, lang), who })}</span>}
            </span>
            {ratioWords && (
              <span data-testid="drill-ratio-counts" data-numerator={n ?? ''} data-denominator={d ?? ''}>
                {t('customers.ratioCounts', { ...ratioWords, n: n === null ? '…' : formatInteger(n, lang), d: d === null ? '…' : formatInteger(d, lang) })}
              </span>
            )}
            {def.kind === 'sum' && summaryRow && def.part && (
              <span data-testid="drill-sum" data-value={String(value(def.part) ?? '')}>
                {slice.metric === 'ltv' ? `${t('kpi.ltv')} ${formatCurrency(value('ltv'), lang)}` : t('customers.sumHeader', { sum: formatCurrency(value(def.summary[0]!), lang) })}
              </span>
            )}
            {def.kind === 'ratio' && summaryRow && (
              <span data-testid="drill-ratio" data-value={String(value(def.summary[0]!) ?? '')}>
                {t('customers.ratioHeader', { metric: label, value: formatPercent(value(def.summary[0]!), lang) })}
              </span>
            )}
            {spend.rows[0] && (
              <span data-testid="drill-spend">{t('customers.spendHeader', { spend: formatCurrency(spend.rows[0]['channel_roi.spend'], lang) })}</span>
            )}
            <ExportCsvButton payload={exportPayload} title={t('customers.exportHint')} label={t('customers.export')} />
          </div>
        </div>
        {ratioWords && (
          <div className="segmented ratio-switch" role="radiogroup" aria-label={label} data-testid="ratio-switch">
            <button type="button" role="radio" aria-checked={numerator} className={numerator ? 'active' : undefined} data-testid="show-numerator"
              onClick={() => set({ show: null, page: null })}>{t('customers.showNumerator', { numerator: ratioWords.numerator })}</button>
            <button type="button" role="radio" aria-checked={!numerator} className={numerator ? undefined : 'active'} data-testid="show-all"
              onClick={() => set({ show: 'all', page: null })}>{t('customers.showAll', { denominator: ratioWords.denominator })}</button>
          </div>
        )}
        <QueryState isLoading={list.isLoading || attributes.isLoading} error={list.error ?? attributes.error} isEmpty={rows.length === 0}
          onRetry={list.error ? list.refetch : attributes.refetch} skeleton="table" minHeight={320}
          emptyReason={t('state.emptyList')}>
          <DrillTable columns={columns} rows={rows} sort={page.sort} desc={page.desc} onSort={onSort} back={`/customers?${params.toString()}`} />
        </QueryState>
        <div className="pager">
          <button type="button" disabled={currentPage <= 1} onClick={() => set({ page: String(currentPage - 1) })}>{t('common.prev')}</button>
          <span data-testid="page-of">{t('common.pageOf', { page: currentPage, pages })}</span>
          <button type="button" disabled={currentPage >= pages} onClick={() => set({ page: String(currentPage + 1) })}>{t('common.next')}</button>
          <label className="filter">
            <span>{t('common.pageSize')}</span>
            <select value={page.limit} onChange={(e) => set({ size: e.target.value, page: null })} data-testid="page-size">
              {[...new Set([...PAGE_SIZES, page.limit])].sort((a, b) => a - b).map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </label>
        </div>
      </section>
    </div>
  );
}
