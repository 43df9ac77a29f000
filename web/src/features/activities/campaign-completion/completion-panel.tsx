/**
 * 活动目标达成 on /activities: the selected campaign's targets with 达成率
 * beside 时间进度 (the campaign's own start to end), the gap and the
 * run-rate forecast, one metric at a time, team → employee.
 */
import { useMemo, useState } from 'react';
import { DataTable, type Column } from '../../../components/data-table.tsx';
import { QueryState } from '../../../components/query-state.tsx';
import { formatCurrency, formatInteger, formatPercent } from '../../../lib/format.ts';
import { useI18n, type MessageKey } from '../../../lib/i18n.tsx';
import { useCubeQuery } from '../../../lib/use-cube-query.ts';
import { toCompletionRows, type CompletionRow } from '../../../lib/target-completion.ts';
import { buildCampaignCompletionQuery, metricsOf, teamThenEmployees } from './build-query.ts';
import './completion.css';

const MONEY = new Set(['gmv', 'spend_per_buyer']);

export function CampaignCompletionPanel({ campaign }: { campaign: string }) {
  const { t, lang } = useI18n();
  const query = useCubeQuery(useMemo(() => buildCampaignCompletionQuery(campaign), [campaign]));
  const all = useMemo(() => toCompletionRows(query.rows), [query.rows]);
  const metrics = useMemo(() => metricsOf(all), [all]);
  const [picked, setPicked] = useState<string | null>(null);
  const [openTeam, setOpenTeam] = useState<string | null>(null);
  const metric = picked && metrics.includes(picked) ? picked : (metrics[0] ?? 'gmv');
  const rows = teamThenEmployees(all, metric, openTeam);
  const progress = all.find((r) => r.timeProgress !== null)?.timeProgress ?? null;

  const value = (v: number | null) => (MONEY.has(metric) ? formatCurrency(v, lang) : formatInteger(v, lang));
  const columns: Column<CompletionRow>[] = [
    {
      id: 'who', title: `${t('targets.col.team')} / ${t('targets.col.employee')}`,
      render: (r) => (r.level === 'team'
        ? <button type="button" className="link" data-testid="campaign-completion-team" aria-expanded={openTeam === r.team}
            onClick={() => setOpenTeam(openTeam === r.team ? null : r.team)}>{openTeam === r.team ? '▾ ' : '▸ '}{r.team}</button>
        : <span className={rows.some((x) => x.level === 'team') ? 'campaign-completion-employee' : undefined}>{r.employee}</span>),
    },
    { id: 'target', title: t('targets.col.target'), align: 'right', help: 'target', render: (r) => value(r.target) },
    { id: 'actual', title: t('targets.col.actual'), align: 'right', render: (r) => value(r.actual) },
    {
      id: 'achievement', title: t('targets.col.achievement'), align: 'right', help: 'achievement_rate', testId: 'achievement',
      render: (r) => <span className={r.behind ? 'behind' : 'ahead'}>{formatPercent(r.achievement, lang)}</span>,
    },
    { id: 'time', title: t('targets.col.timeProgress'), align: 'right', help: 'time_progress', testId: 'time-progress', render: (r) => formatPercent(r.timeProgress, lang) },
    { id: 'gap', title: t('targets.col.gap'), align: 'right', testId: 'gap', render: (r) => value(r.gap) },
    { id: 'forecast', title: t('targets.col.forecast'), align: 'right', help: 'forecast_achievement', render: (r) => formatPercent(r.forecast, lang) },
  ];
  return (
    <section className="panel campaign-completion" data-testid="campaign-completion">
      <h2>{t('campaignTargets.title', { campaign })}</h2>
      {progress !== null && <p className="muted">{t('campaignTargets.progress', { progress: formatPercent(progress, lang) })}</p>}
      {metrics.length > 1 && (
        <div className="segmented" role="tablist">
          {metrics.map((m) => (
            <button key={m} type="button" role="tab" aria-selected={m === metric} className={m === metric ? 'active' : undefined}
              data-testid={`campaign-completion-metric-${m}`} onClick={() => setPicked(m)}>
              {t(`targets.metric.${m}` as MessageKey)}
            </button>
          ))}
        </div>
      )}
      <QueryState isLoading={query.isLoading} error={query.error} isEmpty={rows.length === 0} onRetry={query.refetch} skeleton="table"
        emptyReason={t('campaignTargets.none')}>
        <DataTable columns={columns} rows={rows} rowKey={(r) => r.key} rowTestId={(r) => `campaign-completion-${r.level}`} />
      </QueryState>
    </section>
  );
}
