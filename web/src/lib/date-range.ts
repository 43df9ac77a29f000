/**
 * Date-range presets, all ending on the as-of date (the data date) but 昨日 and 上月:
 * rolling windows (the last 30, 90 and 365 days) and calendar windows named
 * for what they are (本月, 上月, 本季, 今年).
 */
export const RANGE_PRESETS = ['last_30_days', 'last_90_days', 'last_12_months', 'this_month', 'last_month', 'this_quarter', 'this_year', 'all', 'today', 'yesterday', 'this_week', 'last_7_days'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const DEFAULT_RANGE: RangePreset = 'last_12_months';

export function isRangePreset(value: string | null): value is RangePreset {
  return value !== null && (RANGE_PRESETS as readonly string[]).includes(value);
}

const DAY_MS = 86_400_000;

/** The days a range covers, both ends included. */
export function rangeDays(range: DateRange): number {
  return (Date.parse(`${range[1]}T00:00:00Z`) - Date.parse(`${range[0]}T00:00:00Z`)) / DAY_MS + 1;
}

/** Shifts a YYYY-MM-DD date by whole days, in calendar arithmetic (no time zone involved). */
export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** [from, to] as YYYY-MM-DD, or null for all time. */
export function dateRangeFor(preset: RangePreset, asOf: string): [string, string] | null {
  switch (preset) {
    case 'last_30_days':
      return [addDays(asOf, -29), asOf];
    case 'last_90_days':
      return [addDays(asOf, -89), asOf];
    // Rolling like the 30 and 90 days: the 365 days ending on the data date, not a calendar-month window.
    case 'last_12_months':
      return [addDays(asOf, -364), asOf];
    case 'this_month':
      return [`${asOf.slice(0, 7)}-01`, asOf];
    case 'last_month': {
      const firstOfThis = `${asOf.slice(0, 7)}-01`;
      const lastOfPrevious = addDays(firstOfThis, -1);
      return [`${lastOfPrevious.slice(0, 7)}-01`, lastOfPrevious];
    }
    case 'this_quarter': {
      const month = Number(asOf.slice(5, 7));
      const first = month - ((month - 1) % 3);
      return [`${asOf.slice(0, 4)}-${String(first).padStart(2, '0')}-01`, asOf];
    }
    case 'this_year':
      return [`${asOf.slice(0, 4)}-01-01`, asOf];
    case 'today':
      return [asOf, asOf];
    case 'yesterday':
      return [addDays(asOf, -1), addDays(asOf, -1)];
    // Weeks start on Monday (ISO, as in China); getUTCDay() is 0 on Sunday.
    case 'this_week':
      return [addDays(asOf, -((new Date(`${asOf}T00:00:00Z`).getUTCDay() + 6) % 7)), asOf];
    case 'last_7_days':
      return [addDays(asOf, -6), asOf];
    case 'all':
      return null;
  }
}

export type DateRange = [string, string];

/** Inclusive day count of a range. */
function days([from, to]: DateRange): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** 环比: the range of the same length that ends the day before this one starts. */
export function previousPeriod(range: DateRange): DateRange {
  const end = addDays(range[0], -1);
  return [addDays(end, -(days(range) - 1)), end];
}

function shiftYears(iso: string, years: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  return `${String(y + years).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** 同比: the same dates a year earlier (29 Feb becomes 28 Feb). */
export function yearAgo(range: DateRange): DateRange {
  return [shiftYears(range[0], -1), shiftYears(range[1], -1)];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(value: string | null | undefined): value is string {
  return typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

/** The presets in the order the filter bar offers them: the short calendar windows first, then the rolling ones. */
export const PRESET_MENU: readonly RangePreset[] = [
  'today', 'yesterday', 'this_week', 'this_month', 'last_month', 'this_quarter', 'this_year',
  'last_7_days', 'last_30_days', 'last_90_days', 'last_12_months', 'all',
];

/** What the overview's tiles compare with: 环比 and 同比 (the default), one of them, a chosen period, or nothing. */
export const COMPARE_MODES = ['both', 'mom', 'yoy', 'custom', 'none'] as const;
export type CompareMode = (typeof COMPARE_MODES)[number];
export const DEFAULT_COMPARE: CompareMode = 'both';
/** A chosen period longer than this (ten years) is a typo, not a comparison. */
export const MAX_COMPARE_DAYS = 3660;

/** `compare` from the URL; anything else (absent, misspelt) means the default. */
export function parseCompare(value: string | null): CompareMode {
  return value !== null && (COMPARE_MODES as readonly string[]).includes(value) ? value as CompareMode : DEFAULT_COMPARE;
}

/**
 * The chosen period (`cmp_from`, `cmp_to` in the URL): two real days, in
 * order, at most MAX_COMPARE_DAYS long; null otherwise (nothing is compared
 * until both are valid).
 */
export function parseCompareRange(from: string | null, to: string | null): DateRange | null {
  if (!isIsoDate(from) || !isIsoDate(to) || from > to) return null;
  // Date.parse accepts 2026-02-30 (as 2 March): only a day that round-trips is a day.
  if (addDays(from, 0) !== from || addDays(to, 0) !== to) return null;
  return days([from, to]) <= MAX_COMPARE_DAYS ? [from, to] : null;
}

/**
 * The ranges to compare `range` with under `mode`; null where that comparison is off.
 * For a range of a whole year (近12个月) the previous period is the same year-ago
 * period: `both` then shows it once, as 同比, rather than two equal changes.
 * `custom` compares with the chosen period alone, whatever its length.
 */
export function comparisonRanges(range: DateRange | null, mode: CompareMode, chosen: DateRange | null = null): { mom: DateRange | null; yoy: DateRange | null; custom: DateRange | null } {
  const yoy = range && (mode === 'both' || mode === 'yoy') ? yearAgo(range) : null;
  const mom = range && (mode === 'both' || mode === 'mom') ? previousPeriod(range) : null;
  const same = mode === 'both' && mom !== null && yoy !== null && mom[0] === yoy[0] && mom[1] === yoy[1];
  return { mom: same ? null : mom, yoy, custom: range && mode === 'custom' ? chosen : null };
}

/**
 * The key of the period table's row set (siyu.period_sales, migration 018)
 * for a range, when the range is a preset's or one of its comparisons as of
 * `asOf` ('from..to'; 'all' for all time), else null: a custom range is
 * counted from the customer-day table instead.
 */
export function presetPeriodKey(range: DateRange | null, asOf: string): string | null {
  if (range === null) return 'all';
  for (const preset of RANGE_PRESETS) {
    const r = dateRangeFor(preset, asOf);
    if (!r) continue;
    for (const c of [r, previousPeriod(r), yearAgo(r)]) if (c[0] === range[0] && c[1] === range[1]) return `${c[0]}..${c[1]}`;
  }
  return null;
}
