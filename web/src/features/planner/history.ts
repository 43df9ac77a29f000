/**
 * The brand's own campaign history per channel, from two views: spend and
 * attributed GMV from channel_roi, participants and converted customers (with
 * the campaign's dates) from activity_performance. Pure: rows in, points out.
 */
import type { Query } from '../../lib/cube.ts';

export const SPEND_QUERY: Query = {
  measures: ['channel_roi.spend', 'channel_roi.attributed_gmv'],
  dimensions: ['channel_roi.channel', 'channel_roi.campaign'],
  filters: [{ member: 'channel_roi.campaign', operator: 'set' }, { member: 'channel_roi.channel', operator: 'set' }],
  order: { 'channel_roi.channel': 'asc', 'channel_roi.campaign': 'asc' },
  limit: 5000,
};

export const PARTICIPATION_QUERY: Query = {
  measures: ['activity_performance.participants', 'activity_performance.converted_count'],
  dimensions: ['activity_performance.channel', 'activity_performance.campaign', 'activity_performance.starts_at', 'activity_performance.ends_at'],
  order: { 'activity_performance.channel': 'asc', 'activity_performance.campaign': 'asc' },
  limit: 5000,
};

/** The campaigns and their dates, whether or not anyone joined through a channel. */
export const CAMPAIGN_DATES_QUERY: Query = {
  dimensions: ['activity_performance.campaign', 'activity_performance.starts_at', 'activity_performance.ends_at'],
  order: { 'activity_performance.starts_at': 'asc' },
  limit: 5000,
};

export interface CampaignPoint {
  channel: string;
  campaign: string;
  /** First and last day, YYYY-MM-DD (empty when the campaign's dates are unknown). */
  start: string;
  end: string;
  spend: number;
  gmv: number;
  participants: number;
  converted: number;
}

export interface CampaignDates {
  campaign: string;
  start: string;
  end: string;
}

const num = (v: unknown): number => {
  const n = Number(v ?? 0);
  return Number.isFinite(n) ? n : 0;
};
const day = (v: unknown): string => (typeof v === 'string' ? v.slice(0, 10) : '');

export function toCampaignDates(rows: ReadonlyArray<Record<string, unknown>>): CampaignDates[] {
  const seen = new Map<string, CampaignDates>();
  for (const r of rows) {
    const campaign = r['activity_performance.campaign'];
    if (typeof campaign !== 'string' || seen.has(campaign)) continue;
    seen.set(campaign, { campaign, start: day(r['activity_performance.starts_at']), end: day(r['activity_performance.ends_at']) });
  }
  return [...seen.values()].sort((a, b) => a.start.localeCompare(b.start) || a.campaign.localeCompare(b.campaign));
}

/** One point per channel and campaign with spend; participation numbers joined on by name. */
export function toCampaignPoints(spendRows: ReadonlyArray<Record<string, unknown>>, participationRows: ReadonlyArray<Record<string, unknown>>, dates: readonly CampaignDates[]): CampaignPoint[] {
  const key = (channel: unknown, campaign: unknown) => `${String(channel)}\u0000${String(campaign)}`;
  const participation = new Map<string, { participants: number; converted: number }>();
  for (const r of participationRows) {
    participation.set(key(r['activity_performance.channel'], r['activity_performance.campaign']), {
      participants: num(r['activity_performance.participants']),
      converted: num(r['activity_performance.converted_count']),
    });
  }
  const dateOf = new Map(dates.map((d) => [d.campaign, d]));
  const points: CampaignPoint[] = [];
  for (const r of spendRows) {
    const channel = r['channel_roi.channel'];
    const campaign = r['channel_roi.campaign'];
    const spend = num(r['channel_roi.spend']);
    if (typeof channel !== 'string' || typeof campaign !== 'string' || spend <= 0) continue;
    const p = participation.get(key(channel, campaign));
    const d = dateOf.get(campaign);
    points.push({
      channel, campaign, start: d?.start ?? '', end: d?.end ?? '', spend,
      gmv: num(r['channel_roi.attributed_gmv']), participants: p?.participants ?? 0, converted: p?.converted ?? 0,
    });
  }
  return points.sort((a, b) => a.channel.localeCompare(b.channel) || a.start.localeCompare(b.start) || a.campaign.localeCompare(b.campaign));
}

export function channelsOf(points: readonly CampaignPoint[]): string[] {
  return [...new Set(points.map((p) => p.channel))].sort((a, b) => a.localeCompare(b));
}

/** Mean spend per campaign of each channel: what "1× history" means in a bound. */
export function historicalSpend(points: readonly CampaignPoint[]): Map<string, number> {
  const sums = new Map<string, [number, number]>();
  for (const p of points) {
    const s = sums.get(p.channel) ?? [0, 0];
    sums.set(p.channel, [s[0] + p.spend, s[1] + 1]);
  }
  return new Map([...sums].map(([c, [s, n]]) => [c, s / n]));
}

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
const shiftYear = (iso: string, years: number) => `${String(Number(iso.slice(0, 4)) + years).padStart(4, '0')}${iso.slice(4)}`;

/**
 * The campaign to compare a plan with: the one that ran over the same dates a
 * year before the window (most overlap), else the latest that started before
 * the window, else none.
 */
export function lastComparableCampaign(dates: readonly CampaignDates[], window: [string, string], withSpend: ReadonlySet<string>): CampaignDates | null {
  const candidates = dates.filter((d) => d.start && d.start < window[0] && withSpend.has(d.campaign));
  const [from, to] = [dayNumber(shiftYear(window[0], -1)), dayNumber(shiftYear(window[1], -1))];
  let best: CampaignDates | null = null;
  let bestOverlap = 0;
  for (const d of candidates) {
    const overlap = Math.min(to, dayNumber(d.end || d.start)) - Math.max(from, dayNumber(d.start)) + 1;
    if (overlap > bestOverlap || (overlap === bestOverlap && overlap > 0 && best && d.start > best.start)) {
      best = d;
      bestOverlap = overlap;
    }
  }
  if (best) return best;
  return candidates.length > 0 ? candidates.reduce((a, b) => (b.start > a.start ? b : a)) : null;
}
