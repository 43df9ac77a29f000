import { describe, expect, it } from 'vitest';
import { addDays, dateRangeFor, isRangePreset } from '../../../web/src/lib/date-range.ts';

describe('date range presets', () => {
  it('count back from as-of, inclusive', () => {
    expect(dateRangeFor('last_30_days', '2026-11-20')).toEqual(['2026-10-22', '2026-11-20']);
    expect(dateRangeFor('last_90_days', '2026-03-01')).toEqual(['2025-12-02', '2026-03-01']);
    // 365 days ending on as-of, rolling like the others (not from the first of a month).
    expect(dateRangeFor('last_12_months', '2026-11-20')).toEqual(['2025-11-21', '2026-11-20']);
    expect(dateRangeFor('last_12_months', '2026-01-31')).toEqual(['2025-02-01', '2026-01-31']);
    // Across 29 Feb 2024: still 365 days, so the start moves one day later than the calendar date a year back.
    expect(dateRangeFor('last_12_months', '2024-03-01')).toEqual(['2023-03-03', '2024-03-01']);
    expect(dateRangeFor('all', '2026-11-20')).toBeNull();
  });

  it('names calendar windows for what they are: 本月, 上月, 本季, 今年 (to the data date, 上月 whole)', () => {
    expect(dateRangeFor('this_month', '2026-11-20')).toEqual(['2026-11-01', '2026-11-20']);
    expect(dateRangeFor('last_month', '2026-11-20')).toEqual(['2026-10-01', '2026-10-31']);
    expect(dateRangeFor('last_month', '2026-01-05')).toEqual(['2025-12-01', '2025-12-31']);
    expect(dateRangeFor('last_month', '2024-03-31')).toEqual(['2024-02-01', '2024-02-29']);
    expect(dateRangeFor('this_quarter', '2026-11-20')).toEqual(['2026-10-01', '2026-11-20']);
    expect(dateRangeFor('this_quarter', '2026-03-31')).toEqual(['2026-01-01', '2026-03-31']);
    expect(dateRangeFor('this_quarter', '2026-07-01')).toEqual(['2026-07-01', '2026-07-01']);
    expect(dateRangeFor('this_year', '2026-11-20')).toEqual(['2026-01-01', '2026-11-20']);
  });

  it('accept only known presets from the URL', () => {
    expect(isRangePreset('last_30_days')).toBe(true);
    expect(isRangePreset('yesterday')).toBe(false);
    expect(isRangePreset(null)).toBe(false);
  });
});

describe('addDays', () => {
  it('shifts by calendar days across months, years and 29 February', () => {
    expect(addDays('2026-03-01', -7)).toBe('2026-02-22');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-11-20', -364)).toBe('2025-11-21');
    expect(addDays('2026-11-20', 0)).toBe('2026-11-20');
  });
});

describe('comparison periods', () => {
  it('环比: the same number of days just before', async () => {
    const { previousPeriod } = await import('../../../web/src/lib/date-range.ts');
    expect(previousPeriod(['2026-10-22', '2026-11-20'])).toEqual(['2026-09-22', '2026-10-21']);
    expect(previousPeriod(['2026-03-01', '2026-03-01'])).toEqual(['2026-02-28', '2026-02-28']);
  });

  it('同比: the same dates a year earlier, 29 February becoming the 28th', async () => {
    const { yearAgo } = await import('../../../web/src/lib/date-range.ts');
    expect(yearAgo(['2025-12-01', '2026-11-20'])).toEqual(['2024-12-01', '2025-11-20']);
    expect(yearAgo(['2028-02-29', '2028-03-31'])).toEqual(['2027-02-28', '2027-03-31']);
  });
});
