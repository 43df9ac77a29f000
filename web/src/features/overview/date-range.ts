/** Date-range presets, counted back from the as-of date (inclusive). */
export const RANGE_PRESETS = ['last_30_days', 'last_90_days', 'last_12_months', 'all'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const DEFAULT_RANGE: RangePreset = 'last_12_months';

export function isRangePreset(value: string | null): value is RangePreset {
  return value !== null && (RANGE_PRESETS as readonly string[]).includes(value);
}

const DAY_MS = 86_400_000;

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** [from, to] as YYYY-MM-DD, or null for all time. */
export function dateRangeFor(preset: RangePreset, asOf: string): [string, string] | null {
  switch (preset) {
    case 'last_30_days':
      return [addDays(asOf, -29), asOf];
    case 'last_90_days':
      return [addDays(asOf, -89), asOf];
    case 'last_12_months': {
      const [y, m] = asOf.split('-').map(Number) as [number, number];
      const start = new Date(Date.UTC(y, m - 1 - 11, 1)).toISOString().slice(0, 10);
      return [start, asOf];
    }
    case 'all':
      return null;
  }
}
