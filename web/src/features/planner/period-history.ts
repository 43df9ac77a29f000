/**
 * The history a period plan reads: spend and attributed GMV (the catalogue's
 * `spend` and `attributed_gmv`, whose ratio is `roi`) per channel and
 * calendar month of the aligned calendar, in the business time zone, for the
 * full months before the data date. Read from `returns_trend` (the monthly
 * returns table, migration 048: one row per month and key instead of every
 * day of five years), with channel_roi's member names and numbers. Pure:
 * query and rows in, points out.
 */
import type { Query } from '../../lib/cube.ts';
import { addMonths, daysInMonth, type MonthPoint } from './period-forecast.ts';

/** Whose channels are planned: all of them, or the private-domain or public ones (`channel_kind`). */
export const PLAN_SCOPES = ['all', 'private', 'public'] as const;
export type PlanScope = (typeof PLAN_SCOPES)[number];

/** Months of history read: enough for the seasons of a few years. */
export const HISTORY_MONTHS = 60;

/** The last full month on or before the data date (its own month when as-of is the month's last day). */
export function lastFullMonth(asOf: string): string {
  const month = asOf.slice(0, 7);
  return Number(asOf.slice(8, 10)) === daysInMonth(month) ? month : addMonths(month, -1);
}

export function monthlyHistoryQuery(asOf: string, scope: PlanScope): Query {
  const last = lastFullMonth(asOf);
  return {
    measures: ['returns_trend.spend', 'returns_trend.attributed_gmv'],
    dimensions: ['returns_trend.channel'],
    timeDimensions: [{
      dimension: 'returns_trend.date', granularity: 'month',
      dateRange: [`${addMonths(last, -(HISTORY_MONTHS - 1))}-01`, `${last}-${String(daysInMonth(last)).padStart(2, '0')}`],
    }],
    filters: [
      { member: 'returns_trend.channel', operator: 'set' },
      ...(scope === 'all' ? [] : [{ member: 'returns_trend.channel_kind', operator: 'equals' as const, values: [scope] }]),
    ],
    order: { 'returns_trend.date': 'asc', 'returns_trend.channel': 'asc' },
    limit: 5000,
  };
}

const num = (v: unknown): number => {
  const n = Number(v ?? 0);
  return Number.isFinite(n) ? n : 0;
};

export function toMonthPoints(rows: ReadonlyArray<Record<string, unknown>>): MonthPoint[] {
  const points: MonthPoint[] = [];
  for (const r of rows) {
    const channel = r['returns_trend.channel'];
    const month = r['returns_trend.date.month'];
    if (typeof channel !== 'string' || typeof month !== 'string') continue;
    const spend = num(r['returns_trend.spend']);
    const gmv = num(r['returns_trend.attributed_gmv']);
    if (spend === 0 && gmv === 0) continue;
    points.push({ channel, month: month.slice(0, 7), spend, gmv });
  }
  return points;
}
