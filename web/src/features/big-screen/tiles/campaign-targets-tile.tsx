import { useMemo } from 'react';
import type { Query } from '../../../lib/cube.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { AnimatedNumber } from '../animated-number.tsx';
import { toCampaignTargets, type TargetLine } from '../campaign-targets.ts';
import { drillLinks, openInNewTab } from '../drill-links.ts';
import { useLiveBoard, useTileQuery } from '../live-board.tsx';
import { Empty, Tile, useScreenFormats } from './tile.tsx';

/** A bar of 达成率 with a tick at 时间进度: behind when the bar stops short of the tick. */
function RateBar({ line, progress, testId, onPick }: { line: TargetLine; progress: number | null; testId: string; onPick: () => void }) {
  const { percent } = useScreenFormats();
  const behind = progress !== null && line.achievement < progress;
  return (
    <li data-testid={testId} data-achievement={line.achievement} onClick={(e) => { e.stopPropagation(); onPick(); }}>
      <span className="bs-bar-label">{line.label}</span>
      <span className="bs-bar-track">
        <span className={behind ? 'bs-bar-fill behind' : 'bs-bar-fill'} style={{ width: `${Math.max(1, Math.min(1, line.achievement) * 100)}%` }} />
        {progress !== null && <span className="bs-time-tick" style={{ left: `${Math.min(1, progress) * 100}%` }} />}
      </span>
      <span className="bs-bar-value">{percent(line.achievement)}</span>
    </li>
  );
}

/** The campaign's GMV targets: 达成率 against 时间进度 by team, and the top employees (campaign_targets). */
export function CampaignTargetsTile({ query, name }: { query: Query | null; name: string | null }) {
  const { t } = useI18n();
  const { staleText } = useLiveBoard();
  const { percent } = useScreenFormats();
  const result = useTileQuery('campaign_targets', query);
  const data = useMemo(() => toCampaignTargets(result.rows ?? []), [result.rows]);
  const href = name ? drillLinks.campaign(name) : null;
  const pickEmployee = (employee: string) => { if (name) openInNewTab(drillLinks.staff(name, employee)); };
  return (
    <Tile id="campaign-targets" className="bs-j" title={t('campaignTargets.tile')} help={['achievement_rate', 'time_progress']} href={href}
      stale={staleText(result)}>
      <div className="bs-row">
        <div data-testid="kpi-achievement_rate" className="bs-kpi">
          <div className="bs-kpi-label">{t('targets.col.achievement')} · GMV</div>
          <AnimatedNumber value={result.rows && data.overall !== null ? data.overall : null} format={percent} className="bs-number bs-mid" />
        </div>
        <div data-testid="kpi-time_progress" className="bs-kpi bs-right">
          <div className="bs-kpi-label">{t('targets.col.timeProgress')}</div>
          <AnimatedNumber value={result.rows ? data.timeProgress : null} format={percent} className="bs-number bs-mid" />
        </div>
      </div>
      {result.rows && data.teams.length === 0 && data.top.length === 0 ? <Empty /> : (
        <div className="bs-targets">
          <div>
            <div className="bs-muted bs-targets-sub">{t('campaignTargets.tileTeams')}</div>
            <ul className="bs-bars">
              {data.teams.map((l) => <RateBar key={l.label} line={l} progress={data.timeProgress} testId="target-team" onPick={() => href && openInNewTab(href)} />)}
            </ul>
          </div>
          <div>
            <div className="bs-muted bs-targets-sub">{t('campaignTargets.tileTop')}</div>
            <ul className="bs-bars">
              {data.top.map((l) => <RateBar key={l.label} line={l} progress={data.timeProgress} testId="target-employee" onPick={() => pickEmployee(l.label)} />)}
            </ul>
          </div>
        </div>
      )}
    </Tile>
  );
}
