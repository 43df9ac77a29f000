import { rangeDays, type DateRange } from './date-range.ts';

export type ReturnsView = 'channel_roi' | 'returns_trend';

/**
 * Where a range's spend, attributed GMV and ROI by a key (channel, campaign, employee) are summed: up to 62 days
 * from the returns day table (channel_roi, migration 043); longer ranges and all time from the monthly returns
 * table for their whole months and the day table for their edge months (returns_trend, migration 048). The same
 * sums and member names; on 近12个月 about a quarter of the rows (at 1,000,000 customers 55,000 month rows and the
 * edge months' days against 325,000 day rows). Ranges are whole business days (the filter bar's dates).
 */
export function returnsView(range: DateRange | null): ReturnsView {
  if (!range) return 'returns_trend';
  return rangeDays(range) <= 62 ? 'channel_roi' : 'returns_trend';
}
