import { useMemo, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { DataTable, type Column } from '../../components/data-table.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { formatInteger } from '../../lib/format.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { useCubeQuery } from '../../lib/use-cube-query.ts';
import { PlanExplanation } from './plan-explanation.tsx';
import { planCsv } from './plan-csv.ts';
import { addMonths, forecast, MAX_SPEND_MULTIPLE } from './period-forecast.ts';
import { lastFullMonth, PLAN_SCOPES, toMonthPoints, type PlanScope } from './period-history.ts';
import {
  BACKTEST_MAX_MAPE, BACKTEST_MIN_MONTHS, BACKTEST_MIN_R2, BACKTEST_MONTHS, defaultBudget, makePeriodPlan, periodBackTest, verdictOf, type PeriodPlanRow,
} from './period-plan.ts';
import { monthRange, parsePeriodState, writePeriodState, type PeriodState } from './period-url.ts';
import { plannerQueries } from './page-queries.ts';
import './planner.css';

/** An input that writes to the URL when it loses focus or on Enter, not on every key. */
function CommitInput({ value, onCommit, ...rest }: { value: string; onCommit(v: string): void } & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <input {...rest} value={draft ?? value} onChange={(e) => setDraft(e.target.value)}
      onBlur={() => { if (draft !== null) onCommit(draft); setDraft(null); }}
      onKeyDown={(e) => { if (e.key === 'Enter') { if (draft !== null) onCommit(draft); setDraft(null); } }} />
  );
}

function Tile({ id, label, value, exact, children }: { id: string; label: string; value: string; exact: number | null; children?: ReactNode }) {
  return (
    <section className="kpi" data-testid={`kpi-${id}`} aria-label={label}>
      <h3 className="kpi-label">{label}</h3>
      <div className="kpi-value" data-testid="kpi-value" data-value={exact ?? ''}>{value}</div>
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

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const ratio = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(2));

/** The budget planner: a calendar month (or any range) per channel, explained, and refused when the back-test is poor. */
export function PlannerPage() {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const asOf = me!.asOf;
  const lastMonth = lastFullMonth(asOf);
  const state = parsePeriodState(params, asOf);
  const update = (change: Partial<PeriodState>) => setParams(() => writePeriodState({ ...state, ...change }));
  const setMonth = (month: string) => {
    if (!/^\d{4}-\d{2}$/.test(month) || month <= lastMonth) return;
    const [from, to] = monthRange(month);
    update({ month, from, to });
  };

  const history = useCubeQuery(useMemo(() => plannerQueries(asOf, state.scope).monthly_history, [asOf, state.scope]));
  const points = useMemo(() => toMonthPoints(history.rows), [history.rows]);
  const f = useMemo(() => forecast(points, lastMonth, state.from, state.to), [points, lastMonth, state.from, state.to]);
  const test = useMemo(() => periodBackTest(points, lastMonth), [points, lastMonth]);
  const verdict = verdictOf(test);
  const budget = state.budget ?? defaultBudget(f);
  const plan = useMemo(() => (verdict.ok && f.channels.length > 0 ? makePeriodPlan(f, budget) : null), [verdict.ok, f, budget]);

  // One unit per money column on screen: whole yuan, the unit in the header.
  const yuan = (v: number) => `¥${formatInteger(v, lang)}`;
  const scopeName = t(`planner.scope.${state.scope}` as MessageKey);

  const columns: Column<PeriodPlanRow>[] = [
    { id: 'channel', title: t('planner.col.channel'), render: (r) => r.channel },
    { id: 'base', title: t('planner.col.baseRoi'), align: 'right', render: (r) => ratio(r.baseRoi) },
    { id: 'usual', title: t('planner.col.usual'), align: 'right', render: (r) => formatInteger(f.channels.find((c) => c.channel === r.channel)?.usualSpend ?? 0, lang) },
    { id: 'spend', title: t('planner.col.spend'), align: 'right', testId: 'planned-spend', render: (r) => <span data-channel={r.channel} data-value={r.spend}>{formatInteger(r.spend, lang)}</span> },
    { id: 'level', title: t('planner.col.spendLevel'), align: 'right', render: (r) => ratio(r.spendLevel) },
    { id: 'roi', title: t('planner.col.roi'), align: 'right', help: 'roi', render: (r) => ratio(r.roi) },
    { id: 'gmv', title: t('planner.col.gmv'), align: 'right', render: (r) => formatInteger(r.gmv, lang) },
    { id: 'marginal', title: t('planner.col.marginal'), align: 'right', render: (r) => ratio(r.marginalRoi) },
  ];

  const exportPlan = () => {
    if (!plan) return;
    const header = ['planner.col.channel', 'planner.col.baseRoi', 'planner.col.season', 'planner.col.trend', 'planner.col.spendLevel', 'planner.col.roi', 'planner.col.spend', 'planner.col.gmv', 'planner.col.marginal']
      .map((k) => t(k as MessageKey));
    const title = t('planner.csvTitle', { from: state.from, to: state.to, scope: scopeName, asOf });
    download(`plan_${state.from}_${state.to}_${state.scope}_${asOf}.csv`, planCsv(plan, { season: f.season.factor, trend: f.trend.factor }, { title, header, total: t('planner.total') }));
  };

  return (
    <div className="page">
      <div className="page-head"><h1>{t('planner.title')}</h1></div>
      <p className="muted small">{t('planner.intro')}</p>
      <section className="panel">
        <h2>{t('planner.inputs')}</h2>
        <div className="planner-inputs">
          <label>{t('planner.month')}
            <span className="planner-month">
              <button type="button" aria-label={t('planner.prevMonth')} data-testid="month-prev" disabled={!state.month || state.month <= addMonths(lastMonth, 1)}
                onClick={() => state.month && setMonth(addMonths(state.month, -1))}>‹</button>
              <input type="month" value={state.month ?? ''} min={addMonths(lastMonth, 1)} data-testid="planner-month" onChange={(e) => setMonth(e.target.value)} />
              <button type="button" aria-label={t('planner.nextMonth')} data-testid="month-next" onClick={() => setMonth(addMonths(state.month ?? state.from.slice(0, 7), 1))}>›</button>
            </span>
          </label>
          <label>{t('planner.range')}
            <span>
              <input type="date" value={state.from} aria-label={t('planner.rangeFrom')} data-testid="planner-from"
                onChange={(e) => e.target.value && update({ month: null, from: e.target.value, to: state.to < e.target.value ? e.target.value : state.to })} />
              {' – '}
              <input type="date" value={state.to} aria-label={t('planner.rangeTo')} data-testid="planner-to"
                onChange={(e) => e.target.value && e.target.value >= state.from && update({ month: null, from: state.from, to: e.target.value })} />
            </span>
          </label>
          {!state.month && <button type="button" onClick={() => setMonth(state.from.slice(0, 7))}>{t('planner.useMonth')}</button>}
          <label>{t('planner.budget')}
            <CommitInput type="number" min={0} step={1000} value={String(budget)} data-testid="planner-budget"
              onCommit={(v) => update({ budget: Number(v) > 0 ? Number(v) : null })} />
          </label>
          <label>{t('planner.scope')}
            <select value={state.scope} data-testid="planner-scope" onChange={(e) => update({ scope: e.target.value as PlanScope })}>
              {PLAN_SCOPES.map((s) => <option key={s} value={s}>{t(`planner.scope.${s}` as MessageKey)}</option>)}
            </select>
          </label>
          <div className="planner-actions">
            <button type="button" onClick={exportPlan} disabled={!plan} data-testid="export-plan">{t('planner.export')}</button>
            <span className="muted small">{t('planner.shareHint')}</span>
          </div>
        </div>
        <p className="muted small" data-testid="planner-period">{t('planner.periodIs', { from: state.from, to: state.to, months: f.periodMonths.toFixed(2) })}</p>
      </section>
      <QueryState isLoading={history.isLoading} error={history.error} isEmpty={f.channels.length === 0} onRetry={history.refetch} minHeight={320} emptyReason={t('planner.noHistory')}>
        {plan ? (
          <>
            <div className="kpis planner-kpis">
              <Tile id="planned_spend" label={t('planner.plannedSpend')} value={yuan(plan.spend)} exact={plan.spend}>
                {plan.unspent > 0.5 && <span className="planner-band">{t('planner.unspent', { multiple: MAX_SPEND_MULTIPLE, amount: yuan(plan.unspent) })}</span>}
              </Tile>
              <Tile id="expected_gmv" label={t('planner.expectedGmv')} value={yuan(plan.gmv)} exact={plan.gmv} />
              <Tile id="expected_roi" label={t('planner.expectedRoi')} value={ratio(plan.roi)} exact={plan.roi} />
              <Tile id="recent_roi" label={t('planner.recentRoi')} value={ratio(f.recent.roi)} exact={f.recent.roi} />
            </div>
            <section className="panel" data-testid="plan-table">
              <h2>{t('planner.allocation')}</h2>
              <p className="muted small">{t('planner.moneyUnit')}</p>
              <DataTable columns={columns} rows={plan.rows} rowKey={(r) => r.channel} rowTestId="plan-row" />
            </section>
          </>
        ) : (
          <section className="panel planner-refusal" data-testid="plan-refusal" role="status">
            <h2>{t('planner.refuse.title')}</h2>
            <ul>
              {!verdict.ok && verdict.reasons.map((reason) => (
                <li key={reason} data-testid={`refusal-${reason}`}>
                  {reason === 'mape' && t('planner.refuse.mape', { value: pct(test.mape!), max: pct(BACKTEST_MAX_MAPE) })}
                  {reason === 'r2' && t('planner.refuse.r2', { value: ratio(test.r2), min: ratio(BACKTEST_MIN_R2) })}
                  {reason === 'too_few_months' && t('planner.refuse.too_few_months', { n: BACKTEST_MONTHS, min: BACKTEST_MIN_MONTHS })}
                </li>
              ))}
            </ul>
            <p>{t('planner.refuse.what', { roi: ratio(f.recent.roi) })}</p>
          </section>
        )}
        <div className="grid-2">
          <PlanExplanation forecast={f} plan={plan} money={yuan} />
          <section className="panel" data-testid="backtest">
            <h2>{t('planner.backtest')}</h2>
            <div className="planner-metrics">
              <span>MAPE <strong data-testid="backtest-mape" data-value={test.mape ?? ''}>{test.mape === null ? '—' : pct(test.mape)}</strong></span>
              <span>R² <strong data-testid="backtest-r2" data-value={test.r2 ?? ''}>{ratio(test.r2)}</strong></span>
            </div>
            <p className="muted small">{t('planner.thresholds', { mape: pct(BACKTEST_MAX_MAPE), r2: ratio(BACKTEST_MIN_R2) })}</p>
            <p className="muted small">{t('planner.backtestNote', { n: BACKTEST_MONTHS })}</p>
            <DataTable
              columns={[
                { id: 'month', title: t('planner.backtestMonth'), render: (m) => m.month },
                { id: 'actual', title: t('planner.backtestActual'), align: 'right', render: (m) => formatInteger(m.actual, lang) },
                { id: 'predicted', title: t('planner.backtestPredicted'), align: 'right', render: (m) => formatInteger(m.predicted, lang) },
              ]}
              rows={test.months} rowKey={(m) => m.month} rowTestId="backtest-month" />
          </section>
        </div>
      </QueryState>
    </div>
  );
}
