/**
 * Rows in, tile data or ECharts options out. Pure: no React, no fetching, so
 * every number on the screen can be checked against a hand-made fixture.
 */
import type { EChartsOption } from '../../components/echart.tsx';
import { formatCurrency, toNumber } from '../../lib/format.ts';
import type { Lang } from '../../lib/i18n.tsx';

export type Row = Record<string, unknown>;

/** Colours of the dark screen, shared by the charts. */
export const SCREEN_COLORS = {
  text: '#c9d6f0',
  muted: '#7f8fb3',
  axis: '#2c3b5e',
  split: '#1c2844',
  today: '#35c3ff',
  current: '#ffd23f',
  lastWeek: '#9a7bff',
  roi: '#2ee59d',
  loss: '#ff6b6b',
} as const;

/** Canvas text needs the web font by name; without it Chinese labels draw as boxes. */
export const SCREEN_FONT = '"Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';

export interface SalesKpis {
  gmv: number | null;
  orders: number | null;
}

export function toSalesKpis(rows: readonly Row[]): SalesKpis {
  const r = rows[0] ?? {};
  return { gmv: toNumber(r['sales_live.gmv']) ?? 0, orders: toNumber(r['sales_live.order_count']) ?? 0 };
}

export interface Participation {
  participants: number;
  fission: number;
  converted: number;
  conversionRate: number | null;
}

export function toParticipation(rows: readonly Row[]): Participation {
  const r = rows[0] ?? {};
  return {
    participants: toNumber(r['participation_periods.participants']) ?? 0,
    fission: toNumber(r['participation_periods.fission_count']) ?? 0,
    converted: toNumber(r['participation_periods.converted_count']) ?? 0,
    conversionRate: toNumber(r['participation_periods.campaign_conversion_rate']),
  };
}

/** Share of the target reached, 0 when there is no target; may exceed 1. */
export function targetProgress(gmv: number | null, target: number | null): number {
  if (gmv === null || target === null || target <= 0) return 0;
  return gmv / target;
}

const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** GMV per hour 0–23 from rows at hour granularity; hours without orders are 0. */
export function gmvPerHour(rows: readonly Row[]): number[] {
  const out = HOURS.map(() => 0);
  for (const r of rows) {
    const stamp = r['sales_live.order_date.hour'] ?? r['sales_live.order_date'];
    if (typeof stamp !== 'string' || stamp.length < 13) continue;
    const hour = Number(stamp.slice(11, 13));
    if (hour >= 0 && hour < 24) out[hour]! += toNumber(r['sales_live.gmv']) ?? 0;
  }
  return out.map((v) => Math.round(v * 100) / 100);
}

export interface HourlyTile {
  option: EChartsOption;
  todayTotal: number;
  /** GMV of the current hour (live), or of the day's last hour with sales (a past day). */
  focusHour: number | null;
  focusHourGmv: number;
}

/**
 * Today's GMV by hour as bars (future hours empty, the current hour
 * highlighted) against the same weekday a week earlier as a line.
 */
/** A day's GMV from its hourly rows, to the cent. */
export function dayTotal(rows: readonly Row[]): number {
  return Math.round(gmvPerHour(rows).reduce((a, b) => a + b, 0) * 100) / 100;
}

export function toHourlyTile(todayRows: readonly Row[], weekAgoRows: readonly Row[], currentHour: number | null, lang: Lang,
  labels: { today: string; lastWeek: string }): HourlyTile {
  const today = gmvPerHour(todayRows);
  const lastWeek = gmvPerHour(weekAgoRows);
  const todayTotal = dayTotal(todayRows);
  let focusHour = currentHour;
  if (focusHour === null) {
    for (let h = 23; h >= 0; h--) if (today[h]! > 0) { focusHour = h; break; }
  }
  const bars = today.map((v, h) => {
    if (currentHour !== null && h > currentHour) return null;
    return h === focusHour ? { value: v, itemStyle: { color: SCREEN_COLORS.current } } : v;
  });
  const option: EChartsOption = {
    textStyle: { fontFamily: SCREEN_FONT },
    animationDuration: 600,
    animationDurationUpdate: 800,
    grid: { left: 70, right: 20, top: 40, bottom: 30 },
    legend: { data: [labels.today, labels.lastWeek], top: 0, left: 70, textStyle: { color: SCREEN_COLORS.text, fontSize: 16 } },
    tooltip: { trigger: 'axis', valueFormatter: (v) => formatCurrency(v, lang) },
    xAxis: {
      type: 'category',
      data: HOURS.map((h) => `${h < 10 ? '0' : ''}${h}`),
      axisLine: { lineStyle: { color: SCREEN_COLORS.axis } },
      axisLabel: { color: SCREEN_COLORS.muted, fontSize: 14 },
    },
    yAxis: {
      type: 'value',
      splitLine: { lineStyle: { color: SCREEN_COLORS.split } },
      axisLabel: { color: SCREEN_COLORS.muted, fontSize: 14, formatter: (v: number) => formatCurrency(v, lang, true) },
    },
    series: [
      { name: labels.today, type: 'bar', data: bars, barMaxWidth: 26, itemStyle: { color: SCREEN_COLORS.today, borderRadius: [3, 3, 0, 0] } },
      { name: labels.lastWeek, type: 'line', data: lastWeek, smooth: 0.25, symbol: 'none', lineStyle: { color: SCREEN_COLORS.lastWeek, width: 2, type: 'dashed' }, itemStyle: { color: SCREEN_COLORS.lastWeek } },
    ],
  };
  return { option, todayTotal, focusHour, focusHourGmv: focusHour === null ? 0 : today[focusHour]! };
}

export interface ChannelRoi {
  channel: string;
  roi: number | null;
  spend: number;
  gmv: number;
}

export function toChannelRoi(rows: readonly Row[]): ChannelRoi[] {
  return rows
    .filter((r) => typeof r['channel_roi.channel'] === 'string')
    .map((r) => ({
      channel: r['channel_roi.channel'] as string,
      roi: toNumber(r['channel_roi.roi']),
      spend: toNumber(r['channel_roi.spend']) ?? 0,
      gmv: toNumber(r['channel_roi.attributed_gmv']) ?? 0,
    }))
    .filter((c) => c.spend > 0 || c.gmv > 0)
    .sort((a, b) => (b.roi ?? -1) - (a.roi ?? -1) || a.channel.localeCompare(b.channel));
}

/** ROI per channel as horizontal bars, best at the top; below 1 (losing money) in red. */
export function toRoiOption(channels: readonly ChannelRoi[], label: string): EChartsOption {
  const shown = channels.filter((c) => c.roi !== null).slice(0, 8).reverse();
  return {
    textStyle: { fontFamily: SCREEN_FONT },
    animationDurationUpdate: 800,
    grid: { left: 120, right: 60, top: 10, bottom: 24 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? v.toFixed(2) : String(v)) },
    xAxis: {
      type: 'value',
      splitLine: { lineStyle: { color: SCREEN_COLORS.split } },
      axisLabel: { color: SCREEN_COLORS.muted, fontSize: 13 },
    },
    yAxis: {
      type: 'category',
      data: shown.map((c) => c.channel),
      axisLine: { lineStyle: { color: SCREEN_COLORS.axis } },
      axisLabel: { color: SCREEN_COLORS.text, fontSize: 15 },
    },
    series: [{
      name: label,
      type: 'bar',
      barMaxWidth: 22,
      data: shown.map((c) => ({ value: Math.round((c.roi ?? 0) * 100) / 100, itemStyle: { color: (c.roi ?? 0) < 1 ? SCREEN_COLORS.loss : SCREEN_COLORS.roi } })),
      label: { show: true, position: 'right', color: SCREEN_COLORS.text, fontSize: 14, formatter: (p) => (typeof p.value === 'number' ? p.value.toFixed(2) : '') },
    }],
  };
}

export interface LeaderboardRow {
  rank: number;
  employee: string;
  team: string;
  gmv: number;
  orders: number;
}

export function toLeaderboard(rows: readonly Row[], size = 10): LeaderboardRow[] {
  return rows
    .filter((r) => typeof r['sales_live.employee'] === 'string')
    .map((r) => ({
      employee: r['sales_live.employee'] as string,
      team: typeof r['sales_live.team'] === 'string' ? (r['sales_live.team'] as string) : '',
      gmv: toNumber(r['sales_live.gmv']) ?? 0,
      orders: toNumber(r['sales_live.order_count']) ?? 0,
    }))
    .filter((r) => r.gmv > 0)
    .sort((a, b) => b.gmv - a.gmv || a.employee.localeCompare(b.employee))
    .slice(0, size)
    .map((r, i) => ({ rank: i + 1, ...r }));
}

export interface FunnelStage {
  key: 'participants' | 'converted';
  value: number;
  /** Share of the first stage, 0–1. */
  ofFirst: number;
}

/** Participants → converted, each stage with its share of the first. */
export function toFunnel(p: Participation): FunnelStage[] {
  const first = p.participants;
  const share = (v: number): number => (first > 0 ? v / first : 0);
  return [
    { key: 'participants', value: p.participants, ofFirst: share(p.participants) },
    { key: 'converted', value: p.converted, ofFirst: share(p.converted) },
  ];
}

export interface BreakdownItem {
  label: string;
  value: number;
  /** Share of the total, 0–1. */
  share: number;
}

/** A dimension's counts, largest first, with the tail beyond `top` folded into `otherLabel`. */
export function toBreakdown(rows: readonly Row[], dimension: string, measure: string, top: number, otherLabel: string,
  order?: readonly string[]): BreakdownItem[] {
  const items = rows
    .map((r) => ({ label: r[dimension] === null || r[dimension] === undefined ? '' : String(r[dimension]), value: toNumber(r[measure]) ?? 0 }))
    .filter((i) => i.value > 0);
  const total = items.reduce((s, i) => s + i.value, 0);
  if (order) items.sort((a, b) => rank(order, a.label) - rank(order, b.label));
  else items.sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
  let shown = items;
  if (items.length > top) {
    const rest = items.slice(top - 1).reduce((s, i) => s + i.value, 0);
    shown = [...items.slice(0, top - 1), { label: otherLabel, value: rest }];
  }
  return shown.map((i) => ({ ...i, share: total > 0 ? i.value / total : 0 }));
}

function rank(order: readonly string[], label: string): number {
  const i = order.indexOf(label);
  return i < 0 ? order.length : i;
}

export const CITY_TIER_ORDER = ['tier1', 'new_tier1', 'tier2', 'tier3', 'tier4_below'] as const;
