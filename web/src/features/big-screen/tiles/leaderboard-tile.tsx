import { useMemo } from 'react';
import type { Query } from '../../../lib/cube.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { AnimatedNumber } from '../animated-number.tsx';
import { drillLinks, openInNewTab } from '../drill-links.ts';
import { useLiveBoard, useTileQuery } from '../live-board.tsx';
import { toLeaderboard } from '../transform.ts';
import { Empty, Tile, useScreenFormats } from './tile.tsx';

/** The employees credited with the most campaign GMV (leaderboard). */
export function LeaderboardTile({ query, name }: { query: Query | null; name: string | null }) {
  const { t } = useI18n();
  const { staleText } = useLiveBoard();
  const { money } = useScreenFormats();
  const leaders = useTileQuery('leaderboard', query);
  const board = useMemo(() => toLeaderboard(leaders.rows ?? []), [leaders.rows]);
  return (
    <Tile id="staff-leaderboard" className="bs-f" title={t('bigScreen.leaderboard')} help={['gmv', 'employee']} href={name ? drillLinks.staff(name) : null}
      stale={staleText(leaders)}>
      <table className="bs-table">
        <thead>
          <tr><th>{t('bigScreen.rank')}</th><th>{t('bigScreen.employee')}</th><th>{t('bigScreen.team')}</th><th className="num">GMV</th></tr>
        </thead>
        <tbody>
          {board.map((r) => (
            <tr key={r.employee} data-testid="leader-row" onClick={(e) => { e.stopPropagation(); if (name) openInNewTab(drillLinks.staff(name, r.employee)); }}>
              <td><span className={`bs-rank r${r.rank}`}>{r.rank}</span></td>
              <td>{r.employee}</td>
              <td className="bs-muted">{r.team}</td>
              <td className="num"><AnimatedNumber value={r.gmv} format={money} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      {leaders.rows && board.length === 0 && <Empty />}
    </Tile>
  );
}
