/**
 * The executives' campaign big-screen (活动数据大盘): a 1920×1080 design scaled
 * to the screen, refreshed on an interval, never blank, stale-marked when a
 * refresh fails and recovering by itself.
 */
import { MetricHelp } from '../../components/metric-help.tsx';
import type { TermId } from '../../lib/definitions/index.ts';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { EChart } from '../../components/echart.tsx';
import { formatCurrency, formatInteger, formatPercent } from '../../lib/format.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { AnimatedNumber } from './animated-number.tsx';
import {
  buildCampaignSalesQuery, buildGmvByHourQuery, buildLeaderboardQuery, buildNewCustomersBySourceQuery,
  buildParticipantsByCityTierQuery, buildParticipationQuery, buildRoiByChannelQuery, campaignWindow,
} from './build-queries.ts';
import { buildCampaignListQuery, isRunning, pickCampaign, toCampaignOptions } from './campaigns.ts';
import { drillLinks, openInNewTab } from './drill-links.ts';
import { addDays } from '../../lib/date-range.ts';
import { currentHourOf, parseScreenParams, zonedParts } from './screen-params.ts';
import {
  CITY_TIER_ORDER, targetProgress, toBreakdown, toChannelRoi, toFunnel, toHourlyTile, toLeaderboard, toParticipation,
  toRoiOption, toSalesKpis, type BreakdownItem, type Row,
} from './transform.ts';
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

  const campaignList = useLiveQuery(buildCampaignListQuery(), tick);
  const options = useMemo(() => toCampaignOptions(campaignList.rows ?? []), [campaignList.rows]);
  const campaign = pickCampaign(options, asOf, screen.campaign);
  const name = campaign?.name ?? null;
  const ready = name !== null && asOf !== null;
  const window_ = campaign && asOf ? campaignWindow(campaign.startsOn, campaign.endsOn, asOf) : null;

  const sales = useLiveQuery(ready ? buildCampaignSalesQuery(name) : null, tick);
  const today = useLiveQuery(ready ? buildGmvByHourQuery(name, asOf) : null, tick);
  const weekAgo = useLiveQuery(ready ? buildGmvByHourQuery(name, addDays(asOf, -7)) : null, tick);
  const participation = useLiveQuery(ready ? buildParticipationQuery(name) : null, tick);
  const roi = useLiveQuery(ready ? buildRoiByChannelQuery(name) : null, tick);
  const leaders = useLiveQuery(ready ? buildLeaderboardQuery(name) : null, tick);
  const newCustomers = useLiveQuery(window_ ? buildNewCustomersBySourceQuery(window_[0], window_[1]) : null, tick);
  const cityTiers = useLiveQuery(ready ? buildParticipantsByCityTierQuery(name) : null, tick);

  const all = [campaignList, sales, today, weekAgo, participation, roi, leaders, newCustomers, cityTiers];
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

  const salesKpis = useMemo(() => toSalesKpis(sales.rows ?? []), [sales.rows]);
  const channelNames = (roi.rows ?? []).map((r) => String(r['channel_roi.channel'] ?? '')).join('');
  const dayLabel = isLive ? t('bigScreen.todayLabel') : t('bigScreen.dataDayLabel');
  const fontEpoch = useWebFontFor(`${channelNames}${dayLabel}${t('bigScreen.lastWeekLabel')}`);
  const hourly = useMemo(
    () => toHourlyTile(today.rows ?? [], weekAgo.rows ?? [], currentHour, lang, { today: dayLabel, lastWeek: t('bigScreen.lastWeekLabel') }),
    [today.rows, weekAgo.rows, currentHour, lang, t, dayLabel, fontEpoch],
  );
  const part = useMemo(() => toParticipation(participation.rows ?? []), [participation.rows]);
  const channels = useMemo(() => toChannelRoi(roi.rows ?? []), [roi.rows]);
  const roiOption = useMemo(() => toRoiOption(channels, t('bigScreen.roiByChannel')), [channels, t, fontEpoch]);
  const board = useMemo(() => toLeaderboard(leaders.rows ?? []), [leaders.rows]);
  const funnel = useMemo(() => toFunnel(part), [part]);
  const sources = useMemo(
    () => toBreakdown(newCustomers.rows ?? [], 'customer_insights.source_channel', 'customer_insights.new_customers', 8, t('bigScreen.other')),
    [newCustomers.rows, t],
  );
  const tiers = useMemo(
    () => toBreakdown(cityTiers.rows ?? [], 'campaign_audience.city_tier', 'campaign_audience.participants', 5, t('bigScreen.other'), CITY_TIER_ORDER),
    [cityTiers.rows, t],
  );

  const money = useCallback((v: number) => formatCurrency(v, lang), [lang]);
  const integer = useCallback((v: number) => formatInteger(v, lang), [lang]);
  const percent = useCallback((v: number) => formatPercent(v, lang), [lang]);

  const progress = targetProgress(salesKpis.gmv, campaign?.targetGmv ?? null);
  const selectCampaign = (value: string): void => {
    setParams((prev) => { const next = new URLSearchParams(prev); next.set('campaign', value); return next; }, { replace: true });
  };
  const status = campaign && asOf
    ? isRunning(campaign, asOf) ? t('bigScreen.running') : campaign.endsOn < asOf ? t('bigScreen.ended') : t('bigScreen.upcoming')
    : '';
  const staleLabel = (r: LiveResult): string | null => (isStale(r) ? t('bigScreen.stale', { time: fmtTime(r.at) }) : null);
  const tileStale = (...rs: LiveResult[]): string | null => {
    const bad = rs.filter(isStale);
    if (bad.length === 0) return null;
    const at = bad.map((r) => r.at).filter((x): x is number => x !== null);
    return staleLabel({ rows: null, failed: true, at: at.length ? Math.min(...at) : null });
  };

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

          <div className="bs-grid">
            <Tile id="gmv-today" className="bs-a" title={isLive ? t('bigScreen.gmvToday') : t('bigScreen.gmvDataDay', { date: asOf?.slice(5) ?? '' })} help="gmv" href={name ? drillLinks.campaign(name, asOf ?? undefined) : null}
              stale={tileStale(today)}>
              <div data-testid="kpi-gmv_today" className="bs-kpi">
                <AnimatedNumber value={today.rows ? hourly.todayTotal : null} format={money} className="bs-number bs-big" />
              </div>
              <div className="bs-muted">{asOf}</div>
            </Tile>

            <Tile id="gmv-campaign" className="bs-b" title={t('bigScreen.gmvCampaign')} help="gmv" href={name ? drillLinks.campaign(name) : null}
              stale={tileStale(sales, campaignList)}>
              <div className="bs-row">
                <div data-testid="kpi-gmv" className="bs-kpi">
                  <AnimatedNumber value={sales.rows ? salesKpis.gmv : null} format={money} className="bs-number bs-big" />
                </div>
                <div data-testid="kpi-target_progress" className="bs-kpi bs-right">
                  <AnimatedNumber value={sales.rows && campaign?.targetGmv ? progress : null} format={percent} className="bs-number bs-mid" />
                </div>
              </div>
              <div className="bs-progress" aria-hidden="true">
                <div className={progress >= 1 ? 'bs-progress-bar done' : 'bs-progress-bar'} style={{ width: `${Math.min(100, progress * 100)}%` }} />
              </div>
              <div className="bs-row bs-muted">
                <span>{t('bigScreen.orders', { value: formatInteger(salesKpis.orders, lang) })}</span>
                <span data-testid="kpi-target_gmv">{t('bigScreen.target', { value: formatCurrency(campaign?.targetGmv ?? null, lang, true) })}</span>
              </div>
            </Tile>

            <Tile id="participation" className="bs-c" title={t('bigScreen.participation')} help={['participants', 'fission_count', 'converted_count', 'campaign_conversion_rate']} href={name ? drillLinks.participants(name) : null}
              stale={tileStale(participation)}>
              <div className="bs-kpi-row">
                <Kpi metric="participants" label={t('bigScreen.participants')} value={participation.rows ? part.participants : null} format={integer}
                  href={name ? drillLinks.participants(name) : null} />
                <Kpi metric="fission_count" label={t('bigScreen.fission')} value={participation.rows ? part.fission : null} format={integer}
                  href={name ? drillLinks.fission(name) : null} />
                <Kpi metric="converted_count" label={t('bigScreen.converted')} value={participation.rows ? part.converted : null} format={integer}
                  href={name ? drillLinks.converted(name) : null} />
                <Kpi metric="campaign_conversion_rate" label={t('bigScreen.conversionRate')} value={participation.rows ? part.conversionRate : null}
                  format={percent} href={name ? drillLinks.converted(name) : null} />
              </div>
            </Tile>

            <Tile id="gmv-by-hour" className="bs-d" title={t('bigScreen.gmvByHour')} help="gmv" href={name ? drillLinks.campaign(name, asOf ?? undefined) : null}
              stale={tileStale(today, weekAgo)}
              extra={hourly.focusHour !== null && (
                <span className="bs-focus" data-testid="kpi-current_hour_gmv">
                  {t('bigScreen.currentHour', { hour: String(hourly.focusHour).padStart(2, '0') })}{' '}
                  <AnimatedNumber value={today.rows ? hourly.focusHourGmv : null} format={money} className="bs-number" />
                </span>
              )}>
              <div data-testid="chart-gmv-by-hour"><EChart option={hourly.option} height={300} /></div>
            </Tile>

            <Tile id="roi-by-channel" className="bs-e" title={t('bigScreen.roiByChannel')} help="roi" href={name ? drillLinks.channels(name) : null}
              stale={tileStale(roi)}>
              <div data-testid="chart-roi-by-channel">
                {roi.rows && channels.length === 0 ? <Empty /> : <EChart option={roiOption} height={300} />}
              </div>
              <div className="bs-hidden-values">
                {channels.slice(0, 8).map((c) => (
                  <span key={c.channel} data-channel={c.channel}>
                    <AnimatedNumber value={c.roi} format={(v) => v.toFixed(2)} />
                  </span>
                ))}
              </div>
            </Tile>

            <Tile id="staff-leaderboard" className="bs-f" title={t('bigScreen.leaderboard')} help={['gmv', 'employee']} href={name ? drillLinks.staff(name) : null}
              stale={tileStale(leaders)}>
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

            <Tile id="funnel" className="bs-g" title={t('bigScreen.funnel')} help={['participants', 'converted_count']} href={name ? drillLinks.converted(name) : null}
              stale={tileStale(participation)}>
              <div className="bs-funnel">
                {funnel.map((s, i) => (
                  <div key={s.key} className="bs-funnel-stage" style={{ width: `${55 + 45 * (i === 0 ? 1 : s.ofFirst)}%` }}
                    onClick={(e) => { e.stopPropagation(); if (name) openInNewTab(s.key === 'converted' ? drillLinks.converted(name) : drillLinks.participants(name)); }}>
                    <span>{t(s.key === 'participants' ? 'bigScreen.participants' : 'bigScreen.converted')}</span>
                    <AnimatedNumber value={participation.rows ? s.value : null} format={integer} />
                    {i > 0 && <span className="bs-funnel-rate">{formatPercent(s.ofFirst, lang)}</span>}
                  </div>
                ))}
              </div>
            </Tile>

            <Tile id="new-customers-by-source" className="bs-h" title={t('bigScreen.newCustomersBySource')} help={['new_customers', 'source_channel']}
              href={window_ ? drillLinks.newCustomers(window_[0], window_[1]) : null} stale={tileStale(newCustomers)}>
              <Bars items={sources} rows={newCustomers.rows} format={integer}
                onPick={(label) => { if (window_) openInNewTab(drillLinks.newCustomers(window_[0], window_[1], label)); }} />
            </Tile>

            <Tile id="customers-by-city-tier" className="bs-i" title={t('bigScreen.cityTier')} help={['participants', 'city_tier']} href={name ? drillLinks.cityTier(name) : null}
              stale={tileStale(cityTiers)}>
              <Bars items={tiers} rows={cityTiers.rows} format={integer}
                label={(l) => (CITY_TIER_ORDER as readonly string[]).includes(l) ? t(`bigScreen.tier.${l}` as MessageKey) : l}
                onPick={(label) => { if (name) openInNewTab(drillLinks.cityTier(name, label)); }} />
            </Tile>
          </div>
          {campaignList.rows && options.length === 0 && <div className="bs-banner">{t('bigScreen.noCampaign')}</div>}
        </div>
      )}
    </Stage>
  );
}

/**
 * Canvas text does not make the browser fetch a web font's glyphs: load the
 * ones the charts draw, then count up so the charts draw again with them.
 */
function useWebFontFor(text: string): number {
  const [epoch, setEpoch] = useState(0);
  useEffect(() => {
    if (!text || !document.fonts) return;
    let live = true;
    void Promise.all([document.fonts.load('16px "Noto Sans SC"', text), document.fonts.load('bold 16px "Noto Sans SC"', text)])
      .then(() => { if (live) setEpoch((n) => n + 1); }, () => undefined);
    return () => { live = false; };
  }, [text]);
  return epoch;
}

function Empty() {
  const { t } = useI18n();
  return <div className="bs-empty">{t('bigScreen.noData')}</div>;
}

interface TileProps {
  id: string;
  title: string;
  href: string | null;
  stale: string | null;
  className: string;
  /** The terms the tile shows: their definitions on the title's "?". */
  help: TermId | readonly TermId[];
  extra?: ReactNode;
  children: ReactNode;
}

/** A tile: a click anywhere opens its drill target in a new tab. */
function Tile({ id, title, href, stale, className, help, extra, children }: TileProps) {
  const open = (): void => { if (href) openInNewTab(href); };
  return (
    <section className={`bs-tile ${className}${stale ? ' is-stale' : ''}`} data-testid={`tile-${id}`} data-stale={stale ? 'true' : 'false'}
      data-href={href ?? ''} role="link" tabIndex={0} aria-label={title} onClick={open}
      onKeyDown={(e: KeyboardEvent) => { if (e.key === 'Enter') open(); }}>
      <header className="bs-tile-head">
        <h2>{title}<span onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}><MetricHelp id={help} /></span></h2>
        {extra}
        {stale && <span className="bs-stale" data-testid="stale">{stale}</span>}
        <span className="bs-drill" aria-hidden="true">↗</span>
      </header>
      <div className="bs-tile-body">{children}</div>
    </section>
  );
}

function Kpi({ metric, label, value, format, href }: { metric: string; label: string; value: number | null; format: (v: number) => string; href: string | null }) {
  return (
    <div className="bs-kpi" data-testid={`kpi-${metric}`} onClick={(e) => { e.stopPropagation(); if (href) openInNewTab(href); }}>
      <div className="bs-kpi-label">{label}</div>
      <AnimatedNumber value={value} format={format} className="bs-number bs-mid" />
    </div>
  );
}

function Bars({ items, rows, format, label = (l) => l, onPick }: {
  items: readonly BreakdownItem[]; rows: readonly Row[] | null; format: (v: number) => string; label?: (l: string) => string; onPick: (label: string) => void;
}) {
  if (rows && items.length === 0) return <Empty />;
  return (
    <ul className="bs-bars">
      {items.map((i) => (
        <li key={i.label} onClick={(e) => { e.stopPropagation(); onPick(i.label); }}>
          <span className="bs-bar-label">{label(i.label)}</span>
          <span className="bs-bar-track"><span className="bs-bar-fill" style={{ width: `${Math.max(1, i.share * 100)}%` }} /></span>
          <span className="bs-bar-value"><AnimatedNumber value={i.value} format={format} /></span>
        </li>
      ))}
    </ul>
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
