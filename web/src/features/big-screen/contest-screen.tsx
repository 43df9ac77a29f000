/**
 * The big-screen's contest mode (`/big-screen?mode=contest`): every running
 * contest's leaderboard for the wall, refreshed on the screen's interval
 * (`refresh=<seconds>`), the tie rule and the prizes stated. Reads
 * `GET /api/contests` (cube/gateway/contests.ts).
 */
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { formatCurrency, formatInteger } from '../../lib/format.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { parseScreenParams } from './screen-params.ts';
import './big-screen.css';
import './contest-screen.css';

interface Board {
  id: number;
  name: string;
  from: string | null;
  to: string | null;
  metrics: string[];
  tieRule: string;
  standings: Array<{ id: number; name: string; rank: number; values: Array<number | null>; prize: string | null }>;
}

const MONEY = new Set(['gmv', 'spend_per_buyer']);

export function ContestScreen() {
  const { t, lang } = useI18n();
  const [params] = useSearchParams();
  const { refreshSeconds } = parseScreenParams(params);
  const [boards, setBoards] = useState<Board[] | null>(null);
  const [stale, setStale] = useState(false);
  useEffect(() => {
    let live = true;
    const load = () => fetch('/api/contests', { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      // A failed refresh keeps the last board on the wall, marked stale.
      .then((b: { contests: Board[] }) => { if (live) { setBoards(b.contests); setStale(false); } }, () => { if (live) setStale(true); });
    void load();
    const timer = window.setInterval(() => void load(), refreshSeconds * 1000);
    return () => { live = false; window.clearInterval(timer); };
  }, [refreshSeconds]);

  return (
    <div className="bs-screen contest-screen" data-testid="contest-screen" lang={lang}>
      <header className="bs-header">
        <h1 className="bs-title">{t('contest.title')}</h1>
        {stale && <span className="bs-muted">{t('state.error')}</span>}
      </header>
      {boards?.length === 0 && <p className="bs-muted">{t('contest.none')}</p>}
      <div className="contest-boards">
        {(boards ?? []).map((b) => (
          <section key={b.id} className="contest-board" data-testid="contest-board">
            <h2>{b.name} <span className="bs-muted">{t('contest.period', { from: b.from ?? '', to: b.to ?? '' })}</span></h2>
            <table>
              <thead>
                <tr>
                  <th>{t('contest.rank')}</th><th>{t('contest.name')}</th>
                  {b.metrics.map((m) => <th key={m} className="num">{t(`targets.metric.${m}` as MessageKey)}</th>)}
                  <th>{t('contest.prize')}</th>
                </tr>
              </thead>
              <tbody>
                {b.standings.slice(0, 10).map((s) => (
                  <tr key={s.id} className={s.rank <= 3 ? `top top-${s.rank}` : undefined} data-testid="contest-screen-row">
                    <td className="num">{s.rank}</td><td>{s.name}</td>
                    {b.metrics.map((m, i) => <td key={m} className="num">{MONEY.has(m) ? formatCurrency(s.values[i], lang) : formatInteger(s.values[i], lang)}</td>)}
                    <td>{s.prize ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="bs-muted">{t(`contest.tie.${b.tieRule}` as MessageKey)}</p>
          </section>
        ))}
      </div>
    </div>
  );
}
