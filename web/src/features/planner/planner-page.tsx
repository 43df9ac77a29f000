import { useMemo, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { DataTable, type Column } from '../../components/data-table.tsx';
import { EChart } from '../../components/echart.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { addDays } from '../../lib/date-range.ts';
import { formatCurrency, formatInteger } from '../../lib/format.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { useCubeQuery } from '../../lib/use-cube-query.ts';
import { OBJECTIVES, type Objective } from './allocate.ts';
import { backTest, type DatedPoint } from './back-test.ts';
import { curveOption, marginalOption, splitOption } from './transform.ts';
import {
  lastComparableCampaign, toCampaignDates, toCampaignPoints, type CampaignPoint,
} from './history.ts';
import { plannerQueries } from './page-queries.ts';
import { planCsv } from './plan-csv.ts';
import { formatBound, parseBound, parsePlanState, writePlanState, type PlanState } from './plan-url.ts';
import { buildModels, DEFAULT_MAX_MULTIPLE, makePlan, whatIf, type PlanRow } from './plan.ts';
import { MIN_HISTORY_POINTS, type Band } from './response-curve.ts';
import './planner.css';

type Metric = 'gmv' | 'converted' | 'participants';
const METRIC_VALUE: Record<Metric, (p: CampaignPoint) => number> = { gmv: (p) => p.gmv, converted: (p) => p.converted, participants: (p) => p.participants };

/** An input that writes to the URL when it loses focus or on Enter, not on every key. */
function CommitInput({ value, onCommit, ...rest }: { value: string; onCommit(v: string): void } & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <input {...rest} value={draft ?? value} onChange={(e) => setDraft(e.target.value)}
      onBlur={() => { if (draft !== null) onCommit(draft); setDraft(null); }}
      onKeyDown={(e) => { if (e.key === 'Enter') { if (draft !== null) onCommit(draft); setDraft(null); } }} />
  );
}

function BandText({ band, format }: { band: Band; format(v: number): string }) {
  const { t } = useI18n();
  return <span className="planner-band">{t('planner.band', { low: format(band.low), high: format(band.high) })}</span>;
}

function Tile({ id, label, value, exact, children }: { id: string; label: string; value: string; exact: number; children?: ReactNode }) {
  return (
    <section className="kpi" data-testid={`kpi-${id}`} aria-label={label}>
      <h3 className="kpi-label">{label}</h3>
      <div className="kpi-value" data-testid="kpi-value" data-value={exact}>{value}</div>
      {children}
    </section>
  );
}

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The budget planner: curves from the brand's own campaigns, an allocation, what-if and a back-test. */
export function PlannerPage() {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const state = parsePlanState(params);
  // A slider's every step replaces the history entry; other changes add one, so Back undoes them.
  const update = (change: Partial<PlanState>, replace = false) => setParams(() => writePlanState({ ...parsePlanState(params), ...change }), { replace });

  const queries = plannerQueries();
  const spendRows = useCubeQuery(queries.spend_history);
  const participationRows = useCubeQuery(queries.participation_history);
  const dateRows = useCubeQuery(queries.campaign_dates);
  const isLoading = spendRows.isLoading || participationRows.isLoading || dateRows.isLoading;
  const error = spendRows.error ?? participationRows.error ?? dateRows.error;
  const refetch = () => { spendRows.refetch(); participationRows.refetch(); dateRows.refetch(); };

  const dates = useMemo(() => toCampaignDates(dateRows.rows), [dateRows.rows]);
  const points = useMemo(() => toCampaignPoints(spendRows.rows, participationRows.rows, dates), [spendRows.rows, participationRows.rows, dates]);
  const models = useMemo(() => buildModels(points), [points]);

  const asOf = me!.asOf;
  const window: [string, string] = [state.from ?? addDays(asOf, 1), state.to ?? addDays(asOf, 14)];
  const [windowFrom, windowTo] = window;
  const comparable = useMemo(() => lastComparableCampaign(dates, [windowFrom, windowTo], new Set(points.map((p) => p.campaign))), [dates, points, windowFrom, windowTo]);
  const lastSpend = useMemo(() => new Map(points.filter((p) => p.campaign === comparable?.campaign).map((p) => [p.channel, p.spend])), [points, comparable]);
  const lastTotal = [...lastSpend.values()].reduce((s, v) => s + v, 0);
  const budget = state.budget ?? (Math.round(lastTotal / 1000) * 1000 || 100_000);

  const boundsKey = params.getAll('bound').join('\n');
  const plan = useMemo(
    () => (models.length > 0 ? makePlan(models, { budget, objective: state.objective, targetRoi: state.targetRoi, bounds: state.bounds }) : null),
    // The bounds object is new on every render; its URL text is what changes.
    [models, budget, state.objective, state.targetRoi, boundsKey],
  );
  const shown = plan && state.whatIf && plan.rows.some((r) => r.channel === state.whatIf!.channel) ? whatIf(models, plan, state.whatIf.channel, state.whatIf.spend) : plan;

  const cutoff = state.cutoff ?? addDays(asOf, -170);
  const test = useMemo(() => backTest(points.filter((p) => p.start).map((p): DatedPoint => ({ channel: p.channel, campaign: p.campaign, start: p.start, spend: p.spend, value: p.gmv })), cutoff), [points, cutoff]);

  const curveChannel = state.channel && models.some((m) => m.channel === state.channel) ? state.channel : (shown?.rows[0]?.channel ?? models[0]?.channel ?? null);
  const [metric, setMetric] = useState<Metric>('gmv');
  const curveModel = models.find((m) => m.channel === curveChannel) ?? null;
  const curveRow = shown?.rows.find((r) => r.channel === curveChannel) ?? null;

  const money = (v: number) => formatCurrency(v, lang, true);
  const count = (v: number) => formatInteger(v, lang);
  const ratio = (v: number) => v.toFixed(2);
  const setBound = (channel: string, which: 'min' | 'max', text: string) => {
    const current = state.bounds[channel] ?? { min: null, max: null };
    update({ bounds: { ...state.bounds, [channel]: { ...current, [which]: parseBound(text) } }, whatIf: null });
  };

  const columns: Column<PlanRow>[] = [
    { id: 'channel', title: t('planner.col.channel'), render: (r) => <button type="button" className="link" onClick={() => update({ channel: r.channel })}>{r.channel}</button> },
    {
      id: 'min', title: t('planner.col.min'),
      render: (r) => <CommitInput className="planner-bound" aria-label={`${r.channel} ${t('planner.col.min')}`} data-testid={`min-${r.channel}`}
        value={formatBound(state.bounds[r.channel]?.min ?? null)} placeholder="0" onCommit={(v) => setBound(r.channel, 'min', v)} />,
    },
    {
      id: 'max', title: t('planner.col.max'),
      render: (r) => <CommitInput className="planner-bound" aria-label={`${r.channel} ${t('planner.col.max')}`} data-testid={`max-${r.channel}`}
        value={formatBound(state.bounds[r.channel]?.max ?? null)} placeholder={`${DEFAULT_MAX_MULTIPLE}x`} onCommit={(v) => setBound(r.channel, 'max', v)} />,
    },
    { id: 'spend', title: t('planner.col.spend'), align: 'right', testId: 'planned-spend', render: (r) => <span data-channel={r.channel} data-value={Math.round(r.spend)}>{money(r.spend)}</span> },
    { id: 'last', title: t('planner.col.last'), align: 'right', render: (r) => money(lastSpend.get(r.channel) ?? 0) },
    { id: 'gmv', title: t('planner.col.gmv'), align: 'right', render: (r) => <>{money(r.gmv.mid)}<span className="planner-band">{money(r.gmv.low)} – {money(r.gmv.high)}</span></> },
    { id: 'converted', title: t('planner.col.converted'), align: 'right', render: (r) => count(r.converted.mid) },
    { id: 'marginal', title: t('planner.col.marginal'), align: 'right', render: (r) => ratio(r.marginalRoi) },
    {
      id: 'whatif', title: t('planner.col.whatIf'),
      render: (r) => {
        const planned = plan?.rows.find((p) => p.channel === r.channel)?.spend ?? r.spend;
        const top = Math.max(r.max === Infinity ? planned * 3 : r.max, planned * 2, 1000);
        return (
          <span className="planner-slider">
            <input type="range" min={0} max={Math.round(top)} step={Math.max(1, Math.round(top / 200))} value={Math.round(r.spend)}
              aria-label={`${r.channel} ${t('planner.col.whatIf')}`} data-testid={`whatif-${r.channel}`}
              onChange={(e) => update({ whatIf: { channel: r.channel, spend: Number(e.target.value) } }, state.whatIf?.channel === r.channel)} />
          </span>
        );
      },
    },
  ];

  const excluded = models.filter((m) => !m.gmv.ok || !m.converted.ok || !m.participants.ok).map((m) => m.channel);
  const exportPlan = () => {
    if (!shown) return;
    const header = ['planner.col.channel', 'planner.col.min', 'planner.col.max', 'planner.col.spend', 'planner.col.last'].map((k) => t(k as MessageKey))
      .concat([`${t('planner.expectedGmv')} P10`, t('planner.expectedGmv'), `${t('planner.expectedGmv')} P90`, t('planner.col.converted'), t('planner.col.participants'), t('planner.col.marginal')]);
    download(`plan_${window[0]}_${window[1]}_${state.objective}.csv`, planCsv(shown, lastSpend, { header, total: t('planner.total') }));
  };

  return (
    <div className="page">
      <div className="page-head"><h1>{t('planner.title')}</h1></div>
      <p className="muted small">{t('planner.intro')}</p>
      <QueryState isLoading={isLoading} error={error} isEmpty={points.length === 0} onRetry={refetch} minHeight={320} emptyReason={t('planner.noHistory')}>
        <section className="panel">
          <h2>{t('planner.inputs')}</h2>
          <div className="planner-inputs">
            <label>{t('planner.budget')}
              <CommitInput type="number" min={0} step={1000} value={String(budget)} data-testid="planner-budget"
                onCommit={(v) => update({ budget: Number(v) > 0 ? Number(v) : null, whatIf: null })} />
            </label>
            <label>{t('planner.window')}
              <span>
                <input type="date" value={window[0]} aria-label={`${t('planner.window')} from`} onChange={(e) => e.target.value && update({ from: e.target.value, to: window[1] < e.target.value ? e.target.value : window[1] })} />
                {' – '}
                <input type="date" value={window[1]} aria-label={`${t('planner.window')} to`} onChange={(e) => e.target.value && update({ from: window[0], to: e.target.value })} />
              </span>
            </label>
            <label>{t('planner.objective')}
              <select value={state.objective} data-testid="planner-objective" onChange={(e) => update({ objective: e.target.value as Objective, whatIf: null })}>
                {OBJECTIVES.map((o) => <option key={o} value={o}>{t(`planner.objective.${o}` as MessageKey)}</option>)}
              </select>
            </label>
            {state.objective === 'target_roi' && (
              <label>{t('planner.targetRoi')}
                <CommitInput type="number" min={0} step={0.1} value={String(state.targetRoi)} data-testid="planner-target"
                  onCommit={(v) => update({ targetRoi: Number(v) > 0 ? Number(v) : 2, whatIf: null })} />
              </label>
            )}
            <div className="planner-actions">
              <button type="button" onClick={exportPlan} data-testid="export-plan">{t('planner.export')}</button>
              <span className="muted small">{t('planner.shareHint')}</span>
            </div>
          </div>
          <p className="muted small">{t('planner.boundsHint', { multiple: DEFAULT_MAX_MULTIPLE })}</p>
          <p className="muted small">{t('planner.windowHint')}</p>
          <p className="muted small" data-testid="comparable">
            {comparable ? t('planner.lastComparable', { campaign: comparable.campaign, start: comparable.start, end: comparable.end }) : t('planner.noComparable')}
          </p>
          {excluded.length > 0 && <p className="note" data-testid="too-little-history">{t('planner.tooLittle', { n: MIN_HISTORY_POINTS, channels: excluded.join('、') })}</p>}
        </section>

        {shown && (
          <>
            <div className="kpis planner-kpis">
              <Tile id="planned_spend" label={t('planner.plannedSpend')} value={money(shown.totals.spend)} exact={shown.totals.spend}>
                {shown.unspent > 0.5 && <span className="planner-band">{t('planner.unspent', { amount: money(shown.unspent) })}</span>}
              </Tile>
              <Tile id="expected_gmv" label={t('planner.expectedGmv')} value={money(shown.totals.gmv.mid)} exact={shown.totals.gmv.mid}><BandText band={shown.totals.gmv} format={money} /></Tile>
              <Tile id="expected_roi" label={t('planner.expectedRoi')} value={ratio(shown.totals.roi.mid)} exact={shown.totals.roi.mid}><BandText band={shown.totals.roi} format={ratio} /></Tile>
              <Tile id="expected_participants" label={t('planner.participants')} value={count(shown.totals.participants.mid)} exact={shown.totals.participants.mid}><BandText band={shown.totals.participants} format={count} /></Tile>
              <Tile id="expected_converted" label={t('planner.converted')} value={count(shown.totals.converted.mid)} exact={shown.totals.converted.mid}><BandText band={shown.totals.converted} format={count} /></Tile>
            </div>
            {shown.status !== 'ok' && <p className="note" data-testid="plan-status">{t(`planner.status.${shown.status}` as MessageKey)}</p>}
            {state.whatIf && shown !== plan && (
              <p className="note" data-testid="whatif-note">
                {t('planner.whatIf', { channel: state.whatIf.channel, spend: money(state.whatIf.spend) })}{' '}
                <button type="button" className="link" onClick={() => update({ whatIf: null })}>{t('planner.whatIfReset')}</button>
              </p>
            )}
            <section className="panel" data-testid="plan-table">
              <h2>{t('planner.allocation')}</h2>
              <DataTable columns={columns} rows={shown.rows} rowKey={(r) => r.channel} rowTestId="plan-row" isActive={(r) => r.channel === curveChannel} />
            </section>
            <div className="grid-2">
              <section className="panel" data-testid="chart-planner-split">
                <h2>{t('planner.split')}</h2>
                <EChart option={splitOption(shown, lastSpend, { planned: t('planner.splitPlanned'), last: t('planner.splitLast') })} height={340} />
              </section>
              <section className="panel" data-testid="chart-planner-marginal">
                <h2>{t('planner.marginal')}</h2>
                <EChart option={marginalOption(models, shown, { spend: t('planner.spendAxis'), marginal: t('planner.marginalAxis'), planned: t('planner.planned') })} height={340} />
              </section>
            </div>
          </>
        )}

        <div className="grid-2">
          <section className="panel" data-testid="chart-planner-curve">
            <h2>{t('planner.curve')}</h2>
            <div className="planner-actions planner-tabs">
              <select value={curveChannel ?? ''} onChange={(e) => update({ channel: e.target.value })} aria-label={t('planner.col.channel')} data-testid="curve-channel">
                {models.map((m) => <option key={m.channel} value={m.channel}>{m.channel}</option>)}
              </select>
              <span className="segmented" role="radiogroup">
                {(['gmv', 'converted', 'participants'] as const).map((k) => (
                  <button key={k} type="button" role="radio" aria-checked={metric === k} className={metric === k ? 'active' : ''} onClick={() => setMetric(k)}>{t(`planner.metric.${k}` as MessageKey)}</button>
                ))}
              </span>
            </div>
            {curveModel && (
              <>
                <p className="muted small">
                  {curveModel[metric].ok
                    ? t('planner.curveFor', { channel: curveModel.channel, n: curveModel.points.length, r2: curveModel[metric].ok ? curveModel[metric].curve.r2.toFixed(2) : '' })
                    : t('planner.tooLittle', { n: MIN_HISTORY_POINTS, channels: curveModel.channel })}
                </p>
                <EChart height={320} option={curveOption(curveModel[metric], METRIC_VALUE[metric], curveModel.points, curveRow?.spend ?? null, {
                  spend: t('planner.spendAxis'), value: t(`planner.metric.${metric}` as MessageKey), fit: t('planner.fit'), band: t('planner.bandLabel'), history: t('planner.history'), planned: t('planner.planned'),
                })} />
              </>
            )}
          </section>
          <section className="panel" data-testid="backtest">
            <h2>{t('planner.backtest')}</h2>
            <label className="filter">{t('planner.cutoff')}
              <input type="date" value={cutoff} data-testid="backtest-cutoff" onChange={(e) => e.target.value && update({ cutoff: e.target.value })} />
            </label>
            {test.predictions.length === 0 ? <p className="muted">{t('planner.backtestNone')}</p> : (
              <>
                <div className="planner-metrics">
                  <span>MAPE <strong data-testid="backtest-mape" data-value={test.mape ?? ''}>{test.mape === null ? '—' : `${(test.mape * 100).toFixed(1)}%`}</strong></span>
                  <span>R² <strong data-testid="backtest-r2" data-value={test.r2 ?? ''}>{test.r2 === null ? '—' : test.r2.toFixed(2)}</strong></span>
                  <span className="muted">WAPE <strong data-testid="backtest-wape" data-value={test.wape ?? ''}>{test.wape === null ? '—' : `${(test.wape * 100).toFixed(1)}%`}</strong></span>
                </div>
                <p className="muted small">{t('planner.backtestNote', { cutoff, n: test.predictions.length })}</p>
                {test.skippedChannels.length > 0 && <p className="muted small">{t('planner.backtestSkipped', { channels: test.skippedChannels.join('、') })}</p>}
                <EChart height={260} option={{
                  tooltip: { trigger: 'item' },
                  grid: { left: 64, right: 24, top: 16, bottom: 40 },
                  xAxis: { type: 'value', name: t('planner.backtestActual'), nameLocation: 'middle', nameGap: 26, min: 0 },
                  yAxis: { type: 'value', name: t('planner.backtestPredicted'), min: 0 },
                  series: [
                    { name: t('planner.backtestPredicted'), type: 'line', symbolSize: 8, lineStyle: { width: 0 }, data: test.predictions.map((p) => [Math.round(p.actual), Math.round(p.predicted)]) },
                    { name: 'y = x', type: 'line', symbol: 'none', lineStyle: { type: 'dashed' }, data: (() => { const top = Math.max(...test.predictions.map((p) => Math.max(p.actual, p.predicted))); return [[0, 0], [top, top]]; })() },
                  ],
                }} />
              </>
            )}
          </section>
        </div>
      </QueryState>
    </div>
  );
}
