/**
 * The history a period plan reads: spend and attributed GMV (channel_roi, the
 * catalogue's `spend` and `attributed_gmv`, whose ratio is `roi`) per channel
 * and calendar month of the aligned calendar, in the business time zone, for
 * the full months before the data date. Pure: query and rows in, points out.
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
    measures: ['channel_roi.spend', 'channel_roi.attributed_gmv'],
    dimensions: ['channel_roi.channel'],
    timeDimensions: [{
      dimension: 'channel_roi.date', granularity: 'month',
      dateRange: [`${addMonths(last, -(HISTORY_MONTHS - 1))}-01`, `${last}-${String(daysInMonth(last)).padStart(2, '0')}`],
    }],
    filters: [
      { member: 'channel_roi.channel', operator: 'set' },
      ...(scope === 'all' ? [] : [{ member: 'channel_roi.channel_kind', operator: 'equals' as const, values: [scope] }]),
    ],
    order: { 'channel_roi.date': 'asc', 'channel_roi.channel': 'asc' },
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
    const channel = r['channel_roi.channel'];
    const month = r['channel_roi.date.month'];
    if (typeof channel !== 'string' || typeof month !== 'string') continue;
    const spend = num(r['channel_roi.spend']);
    const gmv = num(r['channel_roi.attributed_gmv']);
    if (spend === 0 && gmv === 0) continue;
    points.push({ channel, month: month.slice(0, 7), spend, gmv });
  }
  return points;
}
