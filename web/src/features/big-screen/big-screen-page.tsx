/**
 * The executives' campaign big-screen (活动数据大盘): a 1920×1080 design scaled
 * to the screen, refreshed on an interval, never blank, stale-marked when a
 * refresh fails and recovering by itself. Each tile is its own component
 * (tiles/) running its own live query from page-queries.ts; the page runs
 * the campaign list, and the two queries two tiles show (gmv_by_hour_today,
 * participation) once for both, and keeps the header: the oldest answer of
 * all the tiles' queries, reported through the live board (live-board.tsx).
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { campaignWindow } from './build-queries.ts';
import { isRunning, pickCampaign, toCampaignOptions } from './campaigns.ts';
import { LiveBoardProvider, type LiveBoard } from './live-board.tsx';
import { bigScreenQueries } from './page-queries.ts';
import { currentHourOf, parseScreenParams, zonedParts } from './screen-params.ts';
import { CampaignTargetsTile } from './tiles/campaign-targets-tile.tsx';
import { CityTierTile } from './tiles/city-tier-tile.tsx';
import { FunnelTile } from './tiles/funnel-tile.tsx';
import { GmvByHourTile } from './tiles/gmv-by-hour-tile.tsx';
import { GmvCampaignTile } from './tiles/gmv-campaign-tile.tsx';
import { GmvTodayTile } from './tiles/gmv-today-tile.tsx';
import { LeaderboardTile } from './tiles/leaderboard-tile.tsx';
import { NewCustomersTile } from './tiles/new-customers-tile.tsx';
import { ParticipationTile } from './tiles/participation-tile.tsx';
import { RoiByChannelTile } from './tiles/roi-by-channel-tile.tsx';
import { useBusinessCalendar, useLiveQuery, useNow, useRefreshTick, type LiveResult } from './use-live.ts';
import { ContestScreen } from './contest-screen.tsx';
import './big-screen.css';

const DESIGN_WIDTH = 1920;
const DESIGN_HEIGHT = 1080;

/** `?mode=contest` shows the running contests' leaderboards instead of the campaign. */
export default function BigScreenPage() {
  const [params] = useSearchParams();
  return params.get('mode') === 'contest' ? <ContestScreen /> : <CampaignScreen />;
}

function CampaignScreen() {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const screen = parseScreenParams(params);
  const tick = useRefreshTick(screen.refreshSeconds);
  const now = useNow();
  const { me } = useSession();
  // Until the first refresh answers, the session's own calendar (read at login).
  const calendar = useBusinessCalendar(tick, me?.timeZone ?? 'Asia/Shanghai', me?.asOf ?? null);
  const asOf = calendar.asOf;

  const campaignList = useLiveQuery(bigScreenQueries(null, null).campaign_list, tick);
  const options = useMemo(() => toCampaignOptions(campaignList.rows ?? []), [campaignList.rows]);
  const campaign = pickCampaign(options, asOf, screen.campaign);
  const name = campaign?.name ?? null;
  const window_ = campaign && asOf ? campaignWindow(campaign.startsOn, campaign.endsOn, asOf) : null;

  const queries = bigScreenQueries(campaign, asOf);
  // Shown by two tiles each: asked once, here, and handed to both.
  const today = useLiveQuery(queries.gmv_by_hour_today, tick);
  const participation = useLiveQuery(queries.participation, tick);
  // The latest result of each tile's own query (tiles/), for the header.
  const [reported, setReported] = useState<Readonly<Record<string, LiveResult>>>({});
  const report = useCallback((queryName: string, r: LiveResult) => setReported((prev) => {
    const p = prev[queryName];
    return p && p.rows === r.rows && p.at === r.at && p.failed === r.failed ? prev : { ...prev, [queryName]: r };
  }), []);

  const all = [campaignList, today, participation, ...Object.values(reported)];
  // A tile is stale when its last refresh failed, or when no answer came for two intervals.
  const staleAfterMs = (2 * screen.refreshSeconds + 10) * 1000;
  const isStale = (r: LiveResult): boolean => r.failed || calendar.failed || (r.at !== null && now.getTime() - r.at > staleAfterMs);
  const answered = all.filter((r) => r.at !== null).map((r) => r.at!);
  const updatedAt = answered.length > 0 ? Math.min(...answered) : null;
  const anyStale = all.some(isStale);
  const timeZone = calendar.timeZone;
  const clock = zonedParts(now, timeZone);
  const isLive = asOf === null || clock.date === asOf;
  const fmtTime = (ms: number | null): string => (ms === null ? '—' : zonedParts(new Date(ms), timeZone).time);
  const currentHour = asOf ? currentHourOf(asOf, now, timeZone) : null;

  const selectCampaign = (value: string): void => {
    setParams((prev) => { const next = new URLSearchParams(prev); next.set('campaign', value); return next; }, { replace: true });
  };
  const status = campaign && asOf
    ? isRunning(campaign, asOf) ? t('bigScreen.running') : campaign.endsOn < asOf ? t('bigScreen.ended') : t('bigScreen.upcoming')
    : '';
  const staleLabel = (r: LiveResult): string | null => (isStale(r) ? t('bigScreen.stale', { time: fmtTime(r.at) }) : null);
  const staleText = (...rs: LiveResult[]): string | null => {
    const bad = rs.filter(isStale);
    if (bad.length === 0) return null;
    const at = bad.map((r) => r.at).filter((x): x is number => x !== null);
    return staleLabel({ rows: null, failed: true, at: at.length ? Math.min(...at) : null });
  };
  const board: LiveBoard = { tick, isStale, staleText, report };

  return (
    <Stage kiosk={screen.kiosk}>
      {(fullscreen, toggleFullscreen) => (
        <div className="bs-screen" data-testid="big-screen" lang={lang}>
          <header className="bs-header">
            <h1 className="bs-title">{t('bigScreen.title')}</h1>
            <label className="bs-campaign">
              <span className="bs-muted">{t('bigScreen.campaign')}</span>
              <select data-testid="campaign-select" value={name ?? ''} onChange={(e) => selectCampaign(e.target.value)}>
                {options.map((c) => <option key={c.name} value={c.name}>{c.name}</option>)}
              </select>
              {campaign && <span className="bs-muted">{campaign.startsOn.slice(5)} ~ {campaign.endsOn.slice(5)} · {status}</span>}
            </label>
            <div className="bs-header-right">
              {/* A past data day (not the live demo) is "today" on this screen: show it, not the wall clock. */}
              {isLive
                ? <span className="bs-clock" data-testid="clock">{clock.date} {clock.time}</span>
                : <span className="bs-clock" data-testid="clock" data-as-of={asOf ?? ''}>{t('bigScreen.dataDay', { date: asOf ?? '—' })}</span>}
              <span className={anyStale ? 'bs-updated stale' : 'bs-updated'}>
                {t('bigScreen.dataAsOf')} <time data-testid="updated-at">{fmtTime(updatedAt)}</time>
              </span>
              <span className="bs-muted" data-testid="refresh-interval">{t('bigScreen.refreshEvery', { seconds: screen.refreshSeconds })}</span>
              <button type="button" className="bs-button" data-testid="fullscreen" onClick={toggleFullscreen}>
                {fullscreen ? t('bigScreen.exitFullscreen') : t('bigScreen.fullscreen')}
              </button>
            </div>
          </header>
          {anyStale && (
            <div className="bs-banner" role="status" data-testid="stale-banner">{t('bigScreen.staleBanner', { time: fmtTime(updatedAt) })}</div>
          )}

          <LiveBoardProvider value={board}>
            <div className="bs-grid">
              <GmvTodayTile today={today} name={name} asOf={asOf} isLive={isLive} />
              <GmvCampaignTile query={queries.campaign_sales} campaignList={campaignList} campaign={campaign} />
              <ParticipationTile participation={participation} name={name} />
              <GmvByHourTile today={today} weekAgoQuery={queries.gmv_by_hour_week_ago} name={name} asOf={asOf} currentHour={currentHour} isLive={isLive} />
              <RoiByChannelTile query={queries.roi_by_channel} name={name} />
              <LeaderboardTile query={queries.leaderboard} name={name} />
              <FunnelTile participation={participation} name={name} />
              <NewCustomersTile query={queries.new_customers_by_source} window={window_} />
              <CityTierTile query={queries.participants_by_city_tier} name={name} />
              <CampaignTargetsTile query={queries.campaign_targets} name={name} />
            </div>
          </LiveBoardProvider>
          {campaignList.rows && options.length === 0 && <div className="bs-banner">{t('bigScreen.noCampaign')}</div>}
        </div>
      )}
    </Stage>
  );
}

/** Scales the 1920×1080 design to the viewport, letterboxed, with no scrolling. */
function Stage({ kiosk, children }: { kiosk: boolean; children: (fullscreen: boolean, toggle: () => void) => ReactNode }) {
  const outer = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState({ scale: 1, x: 0, y: 0 });
  const [fullscreen, setFullscreen] = useState(false);

  useLayoutEffect(() => {
    const el = outer.current;
    if (!el) return;
    const fit = (): void => {
      const scale = Math.min(el.clientWidth / DESIGN_WIDTH, el.clientHeight / DESIGN_HEIGHT);
      setBox({ scale, x: (el.clientWidth - DESIGN_WIDTH * scale) / 2, y: (el.clientHeight - DESIGN_HEIGHT * scale) / 2 });
    };
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Kiosk mode hides the app's navigation while the screen is shown.
  useEffect(() => {
    if (!kiosk) return;
    document.body.classList.add('bs-kiosk');
    return () => document.body.classList.remove('bs-kiosk');
  }, [kiosk]);

  useEffect(() => {
    const onChange = (): void => setFullscreen(document.fullscreenElement !== null);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  const toggle = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    else void outer.current?.requestFullscreen().catch(() => undefined);
  }, []);

  return (
    <div ref={outer} className={kiosk ? 'bs-viewport kiosk' : 'bs-viewport'} data-kiosk={kiosk ? '1' : '0'}>
      <div className="bs-stage" style={{ width: DESIGN_WIDTH, height: DESIGN_HEIGHT, transform: `translate(${box.x}px, ${box.y}px) scale(${box.scale})` }}>
        {children(fullscreen, toggle)}
      </div>
    </div>
  );
}
