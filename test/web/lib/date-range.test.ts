import { describe, expect, it } from 'vitest';
import { dateRangeFor, isRangePreset } from '../../../web/src/lib/date-range.ts';

describe('date range presets', () => {
  it('count back from as-of, inclusive', () => {
    expect(dateRangeFor('last_30_days', '2026-11-20')).toEqual(['2026-10-22', '2026-11-20']);
    expect(dateRangeFor('last_90_days', '2026-03-01')).toEqual(['2025-12-02', '2026-03-01']);
    expect(dateRangeFor('last_12_months', '2026-11-20')).toEqual(['2025-12-01', '2026-11-20']);
    expect(dateRangeFor('last_12_months', '2026-01-31')).toEqual(['2025-02-01', '2026-01-31']);
    expect(dateRangeFor('all', '2026-11-20')).toBeNull();
  });

  it('accept only known presets from the URL', () => {
    expect(isRangePreset('last_30_days')).toBe(true);
    expect(isRangePreset('yesterday')).toBe(false);
    expect(isRangePreset(null)).toBe(false);
  });
});
