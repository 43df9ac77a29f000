/** The running contests' leaderboards on /targets, with the stated tie rule and prizes by rank. */
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { DataTable, type Column } from '../../components/data-table.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { formatCurrency, formatInteger } from '../../lib/format.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { fetchContests, type ContestBoard, type ContestStanding } from './contests-api.ts';
import { MONEY_METRICS } from './metrics.ts';

export function ContestBoards({ role }: { role: string }) {
  const { t, lang } = useI18n();
  const [boards, setBoards] = useState<ContestBoard[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [retry, setRetry] = useState(0);
  useEffect(() => {
    let live = true;
    fetchContests().then((b) => { if (live) { setBoards(b); setError(null); } }, (e: Error) => { if (live) setError(e); });
    return () => { live = false; };
  }, [retry]);
  const wholeBrand = role === 'executive' || role === 'operator' || role === 'admin';
  return (
    <section className="panel" data-testid="contests">
      <h2>{t('contest.title')}{wholeBrand && <> · <Link to="/big-screen?mode=contest">{t('contest.bigScreen')}</Link></>}</h2>
      {role === 'staff' && <p className="muted small">{t('contest.staffNote')}</p>}
      <QueryState isLoading={boards === null && !error} error={error} isEmpty={boards?.length === 0} onRetry={() => setRetry((n) => n + 1)} skeleton="table">
        {(boards ?? []).map((b) => {
          const columns: Column<ContestStanding>[] = [
            { id: 'rank', title: t('contest.rank'), align: 'right', render: (s) => s.rank, testId: 'contest-rank' },
            { id: 'name', title: t('contest.name'), render: (s) => s.name },
            ...b.metrics.map((m, i): Column<ContestStanding> => ({
              id: m, title: t(`targets.metric.${m}` as MessageKey), align: 'right',
              render: (s) => (MONEY_METRICS.has(m) ? formatCurrency(s.values[i], lang) : formatInteger(s.values[i], lang)),
            })),
            { id: 'prize', title: t('contest.prize'), render: (s) => s.prize ?? '' },
          ];
          return (
            <div key={b.id} className="contest" data-testid="contest">
              <h3>{b.name} <span className="muted small">{t('contest.period', { from: b.from ?? '', to: b.to ?? '' })}</span></h3>
              <p className="muted small">{t(`contest.tie.${b.tieRule}` as MessageKey)}</p>
              <DataTable columns={columns} rows={b.standings.slice(0, 20)} rowKey={(s) => s.id} rowTestId="contest-row" />
            </div>
          );
        })}
      </QueryState>
    </section>
  );
}
