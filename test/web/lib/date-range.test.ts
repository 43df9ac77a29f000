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
    expect(isRangePreset('yesterday')).toBe(true);
    expect(isRangePreset('last_week')).toBe(false);
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

describe('every preset the filter bar offers, by hand (as-of 2026-11-20, a Friday)', () => {
  it('gives each preset its range, in the order of the menu', async () => {
    const { PRESET_MENU } = await import('../../../web/src/lib/date-range.ts');
    const expected: Record<string, [string, string] | null> = {
      today: ['2026-11-20', '2026-11-20'],
      yesterday: ['2026-11-19', '2026-11-19'],
      this_week: ['2026-11-16', '2026-11-20'],
      this_month: ['2026-11-01', '2026-11-20'],
      last_month: ['2026-10-01', '2026-10-31'],
      this_quarter: ['2026-10-01', '2026-11-20'],
      this_year: ['2026-01-01', '2026-11-20'],
      last_7_days: ['2026-11-14', '2026-11-20'],
      last_30_days: ['2026-10-22', '2026-11-20'],
      last_90_days: ['2026-08-23', '2026-11-20'],
      last_12_months: ['2025-11-21', '2026-11-20'],
      all: null,
    };
    expect([...PRESET_MENU]).toEqual(Object.keys(expected));
    for (const preset of PRESET_MENU) expect([preset, dateRangeFor(preset, '2026-11-20')]).toEqual([preset, expected[preset]]);
  });

  it('starts 本周 on Monday, across a month and a year', () => {
    expect(dateRangeFor('this_week', '2026-11-16')).toEqual(['2026-11-16', '2026-11-16']); // a Monday
    expect(dateRangeFor('this_week', '2026-11-22')).toEqual(['2026-11-16', '2026-11-22']); // a Sunday
    expect(dateRangeFor('this_week', '2026-12-03')).toEqual(['2026-11-30', '2026-12-03']); // a Thursday
    expect(dateRangeFor('this_week', '2027-01-01')).toEqual(['2026-12-28', '2027-01-01']); // a Friday
  });

  it('counts 昨日 and 近7天 back across a month end and 29 February', () => {
    expect(dateRangeFor('yesterday', '2026-03-01')).toEqual(['2026-02-28', '2026-02-28']);
    expect(dateRangeFor('yesterday', '2028-03-01')).toEqual(['2028-02-29', '2028-02-29']);
    expect(dateRangeFor('last_7_days', '2026-03-03')).toEqual(['2026-02-25', '2026-03-03']);
    expect(dateRangeFor('today', '2027-01-01')).toEqual(['2027-01-01', '2027-01-01']);
  });
});

describe('the comparison choice (compare=…)', () => {
  it('reads mom, yoy and none from the URL, anything else as both', async () => {
    const { parseCompare } = await import('../../../web/src/lib/date-range.ts');
    expect(parseCompare('mom')).toBe('mom');
    expect(parseCompare('yoy')).toBe('yoy');
    expect(parseCompare('none')).toBe('none');
    expect(parseCompare('both')).toBe('both');
    expect(parseCompare(null)).toBe('both');
    expect(parseCompare('MOM')).toBe('both');
    expect(parseCompare('')).toBe('both');
  });

  it('asks only for the periods the choice shows', async () => {
    const { comparisonRanges } = await import('../../../web/src/lib/date-range.ts');
    const week: [string, string] = ['2026-11-16', '2026-11-20'];
    expect(comparisonRanges(week, 'both')).toEqual({ mom: ['2026-11-11', '2026-11-15'], yoy: ['2025-11-16', '2025-11-20'], custom: null });
    expect(comparisonRanges(week, 'mom')).toEqual({ mom: ['2026-11-11', '2026-11-15'], yoy: null, custom: null });
    // 近12个月 (365 days): the previous period is the year-ago period, shown once as 同比.
    const year: [string, string] = ['2025-11-21', '2026-11-20'];
    expect(comparisonRanges(year, 'both')).toEqual({ mom: null, yoy: ['2024-11-21', '2025-11-20'], custom: null });
    expect(comparisonRanges(year, 'mom')).toEqual({ mom: ['2024-11-21', '2025-11-20'], yoy: null, custom: null });
    expect(comparisonRanges(week, 'yoy')).toEqual({ mom: null, yoy: ['2025-11-16', '2025-11-20'], custom: null });
    expect(comparisonRanges(week, 'none')).toEqual({ mom: null, yoy: null, custom: null });
    expect(comparisonRanges(null, 'both')).toEqual({ mom: null, yoy: null, custom: null });
  });

  it('compares with a chosen period: exactly the days chosen, in the URL as cmp_from and cmp_to', async () => {
    const { comparisonRanges, parseCompare, parseCompareRange } = await import('../../../web/src/lib/date-range.ts');
    expect(parseCompare('custom')).toBe('custom');
    const week: [string, string] = ['2026-11-16', '2026-11-20'];
    // Any length, any place: the 30 days of a campaign a year and a half ago.
    const chosen = parseCompareRange('2025-05-01', '2025-05-30');
    expect(chosen).toEqual(['2025-05-01', '2025-05-30']);
    expect(comparisonRanges(week, 'custom', chosen)).toEqual({ mom: null, yoy: null, custom: ['2025-05-01', '2025-05-30'] });
    // One day is a period too.
    expect(parseCompareRange('2026-11-09', '2026-11-09')).toEqual(['2026-11-09', '2026-11-09']);
    // Only under `custom`, and only with a range to compare.
    expect(comparisonRanges(week, 'both', chosen).custom).toBeNull();
    expect(comparisonRanges(null, 'custom', chosen)).toEqual({ mom: null, yoy: null, custom: null });
    // Until both days are valid nothing is compared.
    expect(comparisonRanges(week, 'custom', parseCompareRange('2025-05-01', null))).toEqual({ mom: null, yoy: null, custom: null });
  });

  it('refuses a chosen period that is not one', async () => {
    const { parseCompareRange, MAX_COMPARE_DAYS } = await import('../../../web/src/lib/date-range.ts');
    expect(parseCompareRange('2025-05-30', '2025-05-01')).toBeNull();
    expect(parseCompareRange('2026-02-30', '2026-03-05')).toBeNull();
    expect(parseCompareRange('2026-02-28', '2026-02-31')).toBeNull();
    expect(parseCompareRange('2025-5-1', '2025-05-30')).toBeNull();
    expect(parseCompareRange('', '')).toBeNull();
    expect(parseCompareRange(null, null)).toBeNull();
    // 2024 is a leap year: 29 Feb is a day.
    expect(parseCompareRange('2024-02-29', '2024-02-29')).toEqual(['2024-02-29', '2024-02-29']);
    // 3,660 days is the longest. By hand: 2016–2025 hold 3 leap days, so 2016-01-01 + 3,653 days is 2026-01-01,
    // and the 3,660th day counted from 2016-01-01 is 2026-01-07.
    expect(MAX_COMPARE_DAYS).toBe(3660);
    expect(parseCompareRange('2016-01-01', '2026-01-07')).toEqual(['2016-01-01', '2026-01-07']);
    expect(parseCompareRange('2016-01-01', '2026-01-08')).toBeNull();
  });
});
