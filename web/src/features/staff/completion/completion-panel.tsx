/**
 * The as-of month's completion where managers and staff look (/staff): a
 * team's employees (or every team's own target) with 达成率 beside 时间进度
 * and the gap; on one employee's page also the bonus so far, the next
 * threshold and what is missing to it. Read from target_completion under
 * the person's row rules; the bonus tiers from GET /api/targets/bonus.
 */
import { useEffect, useMemo, useState } from 'react';
import { DataTable, type Column } from '../../../components/data-table.tsx';
import { QueryState } from '../../../components/query-state.tsx';
import type { Query } from '../../../lib/cube.ts';
import { formatCurrency, formatInteger, formatPercent } from '../../../lib/format.ts';
import { useI18n, type MessageKey } from '../../../lib/i18n.tsx';
import { completionMember as V, toCompletionRows, type CompletionRow } from '../../../lib/target-completion.ts';
import { useCubeQuery } from '../../../lib/use-cube-query.ts';
import './completion.css';

const MONEY = new Set(['gmv', 'spend_per_buyer']);

/** The as-of month's targets of one employee, of a team's employees, or of the teams themselves. */
export function buildStaffCompletionQuery(month: string, scope: { employeeId?: number | null; team?: string | null }): Query {
  const filters: NonNullable<Query['filters']> = [{ member: V('period'), operator: 'equals', values: [month] }];
  if (scope.employeeId) filters.push({ member: V('employee_id'), operator: 'equals', values: [String(scope.employeeId)] });
  else if (scope.team) filters.push({ member: V('team'), operator: 'equals', values: [scope.team] }, { member: V('level'), operator: 'equals', values: ['employee'] });
  else filters.push({ member: V('level'), operator: 'equals', values: ['team'] });
  return {
    measures: ['target', 'actual', 'achievement_rate', 'time_progress'].map(V),
    dimensions: ['id', 'team', 'employee', 'target_metric'].map(V),
    filters,
    order: { [V('target_metric')]: 'asc', [V('team')]: 'asc', [V('employee')]: 'asc' },
    limit: 2000,
  };
}

interface BonusLine {
  metric: string;
  earned: number;
  cap: number | null;
  next: { threshold: number; rate: number | null; amount: number | null; missing: number } | null;
  basis: 'achievement_rate' | 'metric';
}

function BonusNote({ month, employeeId }: { month: string; employeeId: number }) {
  const { t, lang } = useI18n();
  const [lines, setLines] = useState<BonusLine[]>([]);
  useEffect(() => {
    let live = true;
    fetch(`/api/targets/bonus?period=${month}&employee=${employeeId}`, { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.json() : { bonus: [] }))
      .then((b: { bonus: BonusLine[] }) => { if (live) setLines(b.bonus); }, () => {});
    return () => { live = false; };
  }, [month, employeeId]);
  if (lines.length === 0) return null;
  return (
    <ul className="bonus-note" data-testid="bonus-note">
      {lines.map((l) => {
        const pays = l.next ? (l.next.amount !== null ? formatCurrency(l.next.amount, lang) : formatPercent(l.next.rate, lang)) : '';
        const threshold = l.next ? (l.basis === 'achievement_rate' ? formatPercent(l.next.threshold, lang, 0) : formatInteger(l.next.threshold, lang)) : '';
        const missing = l.next ? (MONEY.has(l.metric) ? formatCurrency(l.next.missing, lang) : formatInteger(l.next.missing, lang)) : '';
        return (
          <li key={l.metric}>
            {t('staffTargets.bonusSoFar', { metric: t(`targets.metric.${l.metric}` as MessageKey), amount: formatCurrency(l.earned, lang) })}
            {' '}
            {l.next ? t('staffTargets.nextTier', { missing, threshold, pays }) : t('staffTargets.topTier')}
          </li>
        );
      })}
    </ul>
  );
}

export function StaffCompletionPanel({ asOf, employeeId, team }: { asOf: string; employeeId?: number | null; team?: string | null }) {
  const { t, lang } = useI18n();
  const month = asOf.slice(0, 7);
  const query = useCubeQuery(buildStaffCompletionQuery(month, { employeeId, team }));
  const rows = useMemo(() => toCompletionRows(query.rows), [query.rows]);
  const value = (r: CompletionRow, v: number | null) => (MONEY.has(r.metric) ? formatCurrency(v, lang) : formatInteger(v, lang));
  const columns: Column<CompletionRow>[] = [
    { id: 'who', title: employeeId || team ? t('targets.col.employee') : t('targets.col.team'), render: (r) => r.employee ?? r.team },
    { id: 'metric', title: t('targets.col.metric'), render: (r) => t(`targets.metric.${r.metric}` as MessageKey) },
    { id: 'target', title: t('targets.col.target'), align: 'right', help: 'target', render: (r) => value(r, r.target) },
    {
      id: 'achievement', title: t('targets.col.achievement'), align: 'right', help: 'achievement_rate', testId: 'achievement',
      render: (r) => <span className={r.behind ? 'behind' : 'ahead'}>{formatPercent(r.achievement, lang)}</span>,
    },
    { id: 'time', title: t('targets.col.timeProgress'), align: 'right', help: 'time_progress', render: (r) => formatPercent(r.timeProgress, lang) },
    { id: 'gap', title: t('targets.col.gap'), align: 'right', render: (r) => value(r, r.gap) },
  ];
  return (
    <section className="panel staff-completion" data-testid="staff-completion">
      <h2>{t('staffTargets.title', { month })}</h2>
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={rows.length === 0} onRetry={query.refetch} skeleton="table">
        <DataTable columns={columns} rows={rows} rowKey={(r) => r.key} rowTestId="staff-completion-row" />
      </QueryState>
      {employeeId ? <BonusNote month={month} employeeId={employeeId} /> : null}
    </section>
  );
}
