/**
 * /targets: the period's targets with 达成率 beside 时间进度, the gap and the
 * run-rate forecast (Cube's target_completion, under the person's row
 * rules), editing a target in place, setting new ones, the CSV import and
 * every change. Staff see their own targets and bonus; they set none.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { DataTable, type Column } from '../../components/data-table.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { formatCurrency, formatInteger, formatPercent } from '../../lib/format.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { useCubeQuery } from '../../lib/use-cube-query.ts';
import { toCompletionRows, type CompletionRow } from '../../lib/target-completion.ts';
import { buildCompletionQuery, periodChoices } from './build-query.ts';
import { MONEY_METRICS } from './metrics.ts';
import { ContestBoards } from './contest-board.tsx';
import { HonoursPanel } from './honours-panel.tsx';
import { ImportTargets, metricLabel, SetTargetForm, targetErrorText, WarningList } from './target-forms.tsx';
import { targetApi, type TargetChange, type TeamSumWarning } from './targets-api.ts';
import './targets.css';

const PERIOD = /^(20\d{2}(-(0[1-9]|1[0-2])|-Q[1-4])?|campaign:.{1,100})$/;

function EditValue({ row, period, onSaved }: { row: CompletionRow; period: string; onSaved(warnings: TeamSumWarning[]): void }) {
  const { t } = useI18n();
  const [value, setValue] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (value === null) {
    return <button type="button" className="link" data-testid="edit-target" onClick={() => setValue(String(row.target ?? ''))}>{t('targets.edit')}</button>;
  }
  const save = async () => {
    try {
      const r = await targetApi.set({ period, metric: row.metric, value: value.trim(), ...(row.level === 'team' ? { teamId: row.teamId! } : { employeeId: row.employeeId! }) });
      setValue(null);
      setError(null);
      onSaved(r.warnings);
    } catch (e) {
      setError(targetErrorText(t, e));
    }
  };
  return (
    <span className="edit-target">
      <input aria-label={t('targets.value')} inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} data-testid="edit-target-value" />
      <button type="button" onClick={() => void save()} data-testid="edit-target-save">{t('targets.save')}</button>
      <button type="button" className="link" onClick={() => { setValue(null); setError(null); }}>{t('targets.cancel')}</button>
      {error && <span className="error" role="alert">{error}</span>}
    </span>
  );
}

function History({ period, version }: { period: string; version: number }) {
  const { t, lang } = useI18n();
  const [changes, setChanges] = useState<TargetChange[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [retry, setRetry] = useState(0);
  useEffect(() => {
    let live = true;
    targetApi.changes(period).then((r) => { if (live) { setChanges(r.changes); setError(null); } }, (e: Error) => { if (live) setError(e); });
    return () => { live = false; };
  }, [period, version, retry]);
  const columns: Column<TargetChange>[] = [
    { id: 'when', title: t('targets.col.when'), render: (c) => new Date(c.changedAt).toLocaleString(lang) },
    { id: 'who', title: t('targets.col.who'), render: (c) => c.changedBy },
    { id: 'for', title: t('targets.for'), render: (c) => c.employee ?? `${c.team ?? ''} · ${t('targets.teamTarget')}` },
    { id: 'metric', title: t('targets.col.metric'), render: (c) => metricLabel(t, c.metric) },
    { id: 'change', title: t('targets.col.change'), align: 'right', render: (c) => `${c.oldValue ?? '—'} → ${c.newValue ?? '—'}` },
    { id: 'source', title: t('targets.col.source'), render: (c) => t(`targets.source.${c.source}` as MessageKey) },
  ];
  return (
    <section className="panel" data-testid="target-history">
      <h2>{t('targets.history')}</h2>
      <QueryState isLoading={changes === null && !error} error={error} isEmpty={changes?.length === 0} onRetry={() => setRetry((n) => n + 1)} skeleton="table">
        <DataTable columns={columns} rows={(changes ?? []).slice(0, 50)} rowKey={(c) => c.id} rowTestId="change-row" />
      </QueryState>
    </section>
  );
}

export function TargetsPage() {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const asOf = me?.asOf ?? '';
  const choices = useMemo(() => (asOf ? periodChoices(asOf) : []), [asOf]);
  const asked = params.get('period');
  const period = asked && PERIOD.test(asked) ? asked : choices[0]?.period ?? '';
  const completion = useCubeQuery(period ? buildCompletionQuery(period) : null);
  const rows = useMemo(() => toCompletionRows(completion.rows), [completion.rows]);
  const [version, setVersion] = useState(0);
  const [warnings, setWarnings] = useState<TeamSumWarning[]>([]);
  const role = me?.role;
  const editor = role === 'operator' || role === 'admin' || role === 'manager';
  const refetch = completion.refetch;
  // The model checks its refresh key every 2 s (later on a busy server): ask now and a few times after, until it has seen the write.
  const changed = useCallback((w: TeamSumWarning[] = []) => {
    setWarnings(w);
    setVersion((v) => v + 1);
    refetch();
    for (const ms of [2500, 5000, 9000]) window.setTimeout(refetch, ms);
  }, [refetch]);
  useEffect(() => {
    if (!period || !editor) return;
    let live = true;
    targetApi.targets(period).then((r) => { if (live) setWarnings(r.warnings); }, () => {});
    return () => { live = false; };
  }, [period, editor, version]);

  const value = (metric: string, v: number | null) => (MONEY_METRICS.has(metric) ? formatCurrency(v, lang) : formatInteger(v, lang));
  const columns: Column<CompletionRow>[] = [
    { id: 'team', title: t('targets.col.team'), render: (r) => r.team },
    { id: 'employee', title: t('targets.col.employee'), render: (r) => r.employee ?? <strong>{t('targets.teamTarget')}</strong> },
    { id: 'metric', title: t('targets.col.metric'), render: (r) => metricLabel(t, r.metric) },
    { id: 'target', title: t('targets.col.target'), align: 'right', help: 'target', render: (r) => value(r.metric, r.target), testId: 'target' },
    { id: 'actual', title: t('targets.col.actual'), align: 'right', render: (r) => value(r.metric, r.actual), testId: 'actual' },
    {
      id: 'achievement', title: t('targets.col.achievement'), align: 'right', help: 'achievement_rate', testId: 'achievement',
      render: (r) => <span className={r.behind ? 'behind' : 'ahead'} title={t(r.behind ? 'targets.behind' : 'targets.ahead')}>{formatPercent(r.achievement, lang)}</span>,
    },
    { id: 'time', title: t('targets.col.timeProgress'), align: 'right', help: 'time_progress', render: (r) => formatPercent(r.timeProgress, lang), testId: 'time-progress' },
    { id: 'gap', title: t('targets.col.gap'), align: 'right', render: (r) => value(r.metric, r.gap), testId: 'gap' },
    { id: 'forecast', title: t('targets.col.forecast'), align: 'right', help: 'forecast_achievement', render: (r) => formatPercent(r.forecast, lang) },
    { id: 'bonus', title: t('targets.col.bonus'), align: 'right', help: 'bonus_earned', render: (r) => (r.level === 'employee' ? formatCurrency(r.bonus, lang) : '—') },
    ...(editor ? [{
      id: 'edit', title: '', render: (r: CompletionRow) => (role === 'manager' && r.level === 'team' ? null
        : <EditValue key={`${r.id}:${version}`} row={r} period={period} onSaved={changed} />),
    }] : []),
  ];

  return (
    <div className="targets-page">
      <div className="page-head">
        <h1>{t('targets.title')}</h1>
        <span className="muted small">{t('targets.asOf', { date: asOf })}</span>
      </div>
      <div className="filter-bar">
        <label>{t('targets.period')}{' '}
          <select value={period} onChange={(e) => setParams({ period: e.target.value })} data-testid="target-period">
            {choices.map((c) => (
              <option key={c.period} value={c.period}>
                {t(c.kind === 'month' ? 'targets.periodMonth' : c.kind === 'quarter' ? 'targets.periodQuarter' : 'targets.periodYear', { period: c.period })}
              </option>
            ))}
            {!choices.some((c) => c.period === period) && period && <option value={period}>{period}</option>}
          </select>
        </label>
      </div>
      {!editor && <p className="muted">{t('targets.readOnly')}</p>}
      {role === 'admin' && <p><a href={`/api/targets/payouts?period=${encodeURIComponent(period)}`} data-testid="payouts">{t('targets.payouts')}</a></p>}
      <WarningList warnings={warnings} testId="team-sum-warnings" />
      <section className="panel" data-testid="completion">
        <h2>{t('targets.completion')}</h2>
        <QueryState isLoading={completion.isLoading} error={completion.error} isEmpty={rows.length === 0} onRetry={refetch} skeleton="table">
          <DataTable columns={columns} rows={rows} rowKey={(r) => r.key} rowTestId="completion-row" />
        </QueryState>
      </section>
      {editor && (
        <div className="targets-forms">
          <SetTargetForm period={period} teamsToo={role !== 'manager'} onSaved={() => changed()} />
          <ImportTargets period={period} onImported={() => changed()} />
        </div>
      )}
      <ContestBoards role={role ?? 'staff'} />
      <HonoursPanel period={period} />
      <History period={period} version={version} />
    </div>
  );
}
