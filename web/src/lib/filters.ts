/**
 * The global filters every page shares, read from and written to the URL so
 * a link reproduces what a person sees. Pure: URLSearchParams in, values out.
 */
import { dateRangeFor, DEFAULT_RANGE, isIsoDate, isRangePreset, type DateRange, type RangePreset } from './date-range.ts';

export interface GlobalFilters {
  /** A preset, or 'custom' when `from` and `to` are in the URL. */
  range: RangePreset | 'custom';
  from: string | null;
  to: string | null;
  team: string | null;
  channel: string | null;
  campaign: string | null;
}

export const FILTER_KEYS = ['range', 'from', 'to', 'team', 'channel', 'campaign'] as const;

function text(params: URLSearchParams, key: string): string | null {
  const v = params.get(key);
  return v && v.trim() !== '' ? v : null;
}

export function parseFilters(params: URLSearchParams): GlobalFilters {
  const from = params.get('from');
  const to = params.get('to');
  const rangeParam = params.get('range');
  const custom = isIsoDate(from) && isIsoDate(to) && from <= to;
  return {
    range: custom ? 'custom' : isRangePreset(rangeParam) ? rangeParam : DEFAULT_RANGE,
    from: custom ? from : null,
    to: custom ? to : null,
    team: text(params, 'team'),
    channel: text(params, 'channel'),
    campaign: text(params, 'campaign'),
  };
}

/** The date range the filters mean on the data's calendar, or null for all time. */
export function resolveDateRange(filters: GlobalFilters, asOf: string): DateRange | null {
  if (filters.range === 'custom' && filters.from && filters.to) return [filters.from, filters.to];
  return dateRangeFor(filters.range === 'custom' ? DEFAULT_RANGE : filters.range, asOf);
}

/** Writes the filters into a copy of `params`, dropping empty ones. */
export function writeFilters(params: URLSearchParams, filters: Partial<GlobalFilters>): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [key, value] of Object.entries(filters)) {
    if (value === null || value === undefined || value === '') next.delete(key);
    else next.set(key, String(value));
  }
  if (filters.range && filters.range !== 'custom') {
    next.delete('from');
    next.delete('to');
  }
  return next;
}

/** Only the global filters of `params`, to carry them onto a link. */
export function filterParams(params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const v = params.get(key);
    if (v) out.set(key, v);
  }
  return out;
}

/** A link to `path` with the current global filters and extra parameters. */
export function linkWith(path: string, params: URLSearchParams, extra: Record<string, string | number | null | undefined> = {}): string {
  const out = filterParams(params);
  for (const [k, v] of Object.entries(extra)) {
    if (v === null || v === undefined || v === '') out.delete(k);
    else out.set(k, String(v));
  }
  const q = out.toString();
  return q ? `${path}?${q}` : path;
}

export type FilterKind = 'team' | 'channel' | 'campaign';

/**
 * The values a filter offers: every name of the member within the person's
 * scope (the teams of their staff facts, the channels and campaigns of their
 * spend and attributed sales), from views every role may query that read the
 * dimension tables and small kept tables, not the facts' rollups
 * (model/cubes/filter_options.yml).
 */
export function buildFilterOptionsQuery(kind: FilterKind): { dimensions: string[]; order: Record<string, 'asc'> } {
  const member = kind === 'team' ? 'team_options.team' : kind === 'channel' ? 'channel_options.channel' : 'channel_options.campaign';
  return { dimensions: [member], order: { [member]: 'asc' } };
}

export function optionValues(rows: ReadonlyArray<Record<string, unknown>>, kind: FilterKind): string[] {
  const member = buildFilterOptionsQuery(kind).dimensions[0]!;
  return rows.map((r) => r[member]).filter((v): v is string => typeof v === 'string' && v !== '');
}
