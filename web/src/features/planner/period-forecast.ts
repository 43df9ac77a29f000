/**
 * A period's return per channel, from monthly history: the channel's recent
 * actual ROI (the last 12 full months), times the season of the period's
 * calendar months (how those months did against their own year, in earlier
 * years), times the brand's trend (ROI of the last 12 months against the 12
 * before), times a spend-level factor (a yuan more than the channel's usual
 * month returns less). Every factor is a number the page shows, so the
 * predicted ROI can be read back to the recent actual. Pure numbers.
 *
 * GMV_c(s) = base_c · season · trend · s up to the channel's usual month s̄_c,
 * and base_c · season · trend · s̄_c · (s / s̄_c)^α beyond it, with α ≤ 0.95
 * shared by the channels (fitted on their months, log GMV on log spend, within
 * each channel): every curve is concave, so equal marginal return is optimal.
 */

export interface MonthPoint {
  channel: string;
  /** YYYY-MM */
  month: string;
  spend: number;
  gmv: number;
}

/** Months in the "recent actual" window and in the trend's earlier window. */
export const RECENT_MONTHS = 12;
/** A window with fewer months with spend gives no factor (it would be one month's noise). */
export const MIN_WINDOW_MONTHS = 6;
export const ELASTICITY_RANGE: readonly [number, number] = [0.3, 0.95];
/** When the months cannot pin an elasticity (fewer than this many usable channel-months). */
export const DEFAULT_ELASTICITY = 0.7;
const MIN_ELASTICITY_POINTS = 8;
/**
 * How many years' worth of "no season" (factor 1) a month's own years are
 * weighed against: n years move the factor n/(n+3) of the way (in logs). One
 * year's month mixes campaigns whose orders land after their spend; the
 * back-test on the demo (docs/metric-catalogue.md, planner) chose 3 over 1 and 2.
 */
export const SEASON_PRIOR_YEARS = 3;
export const TREND_RANGE: readonly [number, number] = [0.5, 2];
/** Default maximum per channel: this many times its usual month, where the history still speaks. */
export const MAX_SPEND_MULTIPLE = 3;

const monthIndex = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
export const monthOf = (index: number) => `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
export const addMonths = (m: string, n: number) => monthOf(monthIndex(m) + n);

/** Days of each calendar month inside [from, to] (YYYY-MM-DD), in order. */
export function monthsOf(from: string, to: string): Array<{ month: string; days: number }> {
  const out: Array<{ month: string; days: number }> = [];
  let day = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  while (day <= end) {
    const m = new Date(day).toISOString().slice(0, 7);
    const last = out.at(-1);
    if (last && last.month === m) last.days++;
    else out.push({ month: m, days: 1 });
    day += 86_400_000;
  }
  return out;
}

export function daysInMonth(m: string): number {
  const next = addMonths(m, 1);
  return Math.round((Date.parse(`${next}-01T00:00:00Z`) - Date.parse(`${m}-01T00:00:00Z`)) / 86_400_000);
}

interface Sums { spend: number; gmv: number; months: number }

function sums(points: readonly MonthPoint[], from: string, to: string, channel?: string): Sums {
  const spendMonths = new Map<string, number>();
  let gmv = 0;
  for (const p of points) {
    if (p.month < from || p.month > to || (channel !== undefined && p.channel !== channel)) continue;
    spendMonths.set(p.month, (spendMonths.get(p.month) ?? 0) + p.spend);
    gmv += p.gmv;
  }
  const spend = [...spendMonths.values()].reduce((s, v) => s + v, 0);
  return { spend, gmv, months: [...spendMonths.values()].filter((v) => v > 0).length };
}

const roiOf = (s: Sums) => (s.spend > 0 ? s.gmv / s.spend : null);

export interface SeasonYear {
  /** The earlier month, YYYY-MM. */
  month: string;
  roi: number;
  /** ROI of the 12 months ending with it. */
  yearRoi: number;
}

export interface Season {
  /** Calendar month (MM) and its share of the period's days. */
  parts: Array<{ month: string; share: number; years: SeasonYear[]; raw: number; factor: number }>;
  factor: number;
}

/** Earlier years' same months against their own 12 months; shrunk toward 1 by n/(n+SEASON_PRIOR_YEARS) (in logs) for n years. */
export function seasonFactor(points: readonly MonthPoint[], period: ReadonlyArray<{ month: string; days: number }>, lastMonth: string): Season {
  const total = period.reduce((s, p) => s + p.days, 0) || 1;
  const earliest = points.reduce((min, p) => (p.month < min ? p.month : min), lastMonth);
  const parts = period.map(({ month, days }) => {
    const years: SeasonYear[] = [];
    for (let k = 1; k <= 5; k++) {
      const m = addMonths(month, -12 * k);
      if (m > lastMonth) continue;
      if (m < earliest) break;
      const own = sums(points, m, m);
      const year = sums(points, addMonths(m, -(RECENT_MONTHS - 1)), m);
      const roi = roiOf(own);
      const yearRoi = roiOf(year);
      // A month without spend or return, or a year with too few months to compare with, says nothing.
      if (roi !== null && yearRoi !== null && roi > 0 && yearRoi > 0 && year.months >= MIN_WINDOW_MONTHS) years.push({ month: m, roi, yearRoi });
    }
    const logs = years.map((y) => Math.log(y.roi / y.yearRoi));
    const raw = logs.length > 0 ? Math.exp(logs.reduce((s, v) => s + v, 0) / logs.length) : 1;
    const factor = Math.exp(Math.log(raw) * (years.length / (years.length + SEASON_PRIOR_YEARS)));
    return { month, share: days / total, years, raw, factor };
  });
  return { parts, factor: parts.reduce((s, p) => s + p.share * p.factor, 0) };
}

export interface Trend {
  recent: { from: string; to: string; roi: number | null; months: number };
  before: { from: string; to: string; roi: number | null; months: number };
  /** Year-over-year change of the brand's ROI (clamped), 1 without an earlier year. */
  yearly: number;
  /** Months from the middle of the recent window to the middle of the period. */
  horizon: number;
  factor: number;
}

export function trendFactor(points: readonly MonthPoint[], lastMonth: string, periodMiddle: number): Trend {
  const recentFrom = addMonths(lastMonth, -(RECENT_MONTHS - 1));
  const beforeTo = addMonths(recentFrom, -1);
  const beforeFrom = addMonths(beforeTo, -(RECENT_MONTHS - 1));
  const r = sums(points, recentFrom, lastMonth);
  const b = sums(points, beforeFrom, beforeTo);
  const rRoi = roiOf(r);
  const bRoi = roiOf(b);
  const usable = rRoi !== null && bRoi !== null && bRoi > 0 && rRoi > 0 && b.months >= MIN_WINDOW_MONTHS;
  const yearly = usable ? Math.min(TREND_RANGE[1], Math.max(TREND_RANGE[0], rRoi / bRoi)) : 1;
  const horizon = periodMiddle - (monthIndex(lastMonth) - (RECENT_MONTHS - 1) / 2);
  return {
    recent: { from: recentFrom, to: lastMonth, roi: rRoi, months: r.months },
    before: { from: beforeFrom, to: beforeTo, roi: bRoi, months: b.months },
    yearly, horizon, factor: Math.pow(yearly, horizon / 12),
  };
}

/** Shared elasticity: slope of log GMV on log spend after taking out each channel's own means. */
export function elasticity(points: readonly MonthPoint[]): { value: number; points: number; fitted: boolean } {
  const byChannel = new Map<string, Array<[number, number]>>();
  for (const p of points) {
    if (p.spend > 0 && p.gmv > 0) byChannel.set(p.channel, [...(byChannel.get(p.channel) ?? []), [Math.log(p.spend), Math.log(p.gmv)]]);
  }
  let sxy = 0;
  let sxx = 0;
  let n = 0;
  for (const list of byChannel.values()) {
    if (list.length < 2) continue;
    const mx = list.reduce((s, [x]) => s + x, 0) / list.length;
    const my = list.reduce((s, [, y]) => s + y, 0) / list.length;
    for (const [x, y] of list) {
      sxy += (x - mx) * (y - my);
      sxx += (x - mx) ** 2;
    }
    n += list.length;
  }
  if (n < MIN_ELASTICITY_POINTS || sxx <= 0) return { value: DEFAULT_ELASTICITY, points: n, fitted: false };
  return { value: Math.min(ELASTICITY_RANGE[1], Math.max(ELASTICITY_RANGE[0], sxy / sxx)), points: n, fitted: true };
}

export interface ChannelForecast {
  channel: string;
  /** Attributed GMV ÷ spend over the recent window. */
  baseRoi: number;
  recentSpend: number;
  recentGmv: number;
  /** Mean spend of the channel's months with spend in the recent window, scaled to the period's length. */
  usualSpend: number;
  monthsWithSpend: number;
}

export interface Forecast {
  /** Last full month of history used. */
  lastMonth: string;
  /** Length of the period in months (days ÷ days of its months). */
  periodMonths: number;
  recent: { from: string; to: string; spend: number; gmv: number; roi: number | null; months: number };
  season: Season;
  trend: Trend;
  elasticity: { value: number; points: number; fitted: boolean };
  channels: ChannelForecast[];
  /** Channels with history but no spend in the recent window: not planned. */
  idle: string[];
}

/**
 * The forecast for the period [from, to] from the months up to `lastMonth`
 * (later months are ignored, so a back-test can cut the history anywhere).
 */
export function forecast(all: readonly MonthPoint[], lastMonth: string, from: string, to: string): Forecast {
  const points = all.filter((p) => p.month <= lastMonth);
  const period = monthsOf(from, to);
  const periodMonths = period.reduce((s, p) => s + p.days / daysInMonth(p.month), 0);
  const middle = period.reduce((s, p) => s + monthIndex(p.month) * p.days, 0) / Math.max(1, period.reduce((s, p) => s + p.days, 0));
  const recentFrom = addMonths(lastMonth, -(RECENT_MONTHS - 1));
  const recent = sums(points, recentFrom, lastMonth);
  const channels: ChannelForecast[] = [];
  const idle: string[] = [];
  for (const channel of [...new Set(points.map((p) => p.channel))].sort((a, b) => a.localeCompare(b))) {
    const own = points.filter((p) => p.channel === channel && p.month >= recentFrom);
    const spent = own.filter((p) => p.spend > 0);
    const spend = spent.reduce((s, p) => s + p.spend, 0);
    const gmv = own.reduce((s, p) => s + p.gmv, 0);
    if (spend <= 0) {
      idle.push(channel);
      continue;
    }
    channels.push({
      channel, baseRoi: gmv / spend, recentSpend: spend, recentGmv: gmv,
      usualSpend: (spend / new Set(spent.map((p) => p.month)).size) * periodMonths, monthsWithSpend: new Set(spent.map((p) => p.month)).size,
    });
  }
  return {
    lastMonth, periodMonths,
    recent: { from: recentFrom, to: lastMonth, spend: recent.spend, gmv: recent.gmv, roi: roiOf(recent), months: recent.months },
    season: seasonFactor(points, period, lastMonth),
    trend: trendFactor(points, lastMonth, middle),
    elasticity: elasticity(points),
    channels, idle,
  };
}

/**
 * The spend-level factor: a channel's ROI at spend s against its ROI at its
 * usual month. Above the usual month (s / s̄)^(α−1): each further yuan returns
 * less. Below it 1: the months say little about a channel at a fraction of
 * its spend, so the recent ROI is kept rather than extrapolated upward.
 */
export function spendLevelFactor(f: Forecast, c: ChannelForecast, spend: number): number {
  return spend > c.usualSpend ? Math.pow(spend / c.usualSpend, f.elasticity.value - 1) : 1;
}

/** d GMV / d spend at `spend`: the channel's predicted ROI up to its usual month, α times it beyond. */
export function marginalRoi(f: Forecast, c: ChannelForecast, spend: number): number {
  return predictedRoi(f, c, spend) * (spend >= c.usualSpend ? f.elasticity.value : 1);
}

export function predictedRoi(f: Forecast, c: ChannelForecast, spend: number): number {
  return c.baseRoi * f.season.factor * f.trend.factor * spendLevelFactor(f, c, spend);
}

export function predictedGmv(f: Forecast, c: ChannelForecast, spend: number): number {
  return spend > 0 ? spend * predictedRoi(f, c, spend) : 0;
}
