/** The big-screen's URL state: `?campaign=<name>&refresh=<seconds>&kiosk=1`. Pure. */

export const DEFAULT_REFRESH_SECONDS = 30;
export const MIN_REFRESH_SECONDS = 1;
export const MAX_REFRESH_SECONDS = 3600;

export interface ScreenParams {
  campaign: string | null;
  refreshSeconds: number;
  kiosk: boolean;
}

export function parseScreenParams(search: URLSearchParams): ScreenParams {
  const raw = search.get('refresh');
  const n = raw === null || raw.trim() === '' ? Number.NaN : Number(raw);
  const refreshSeconds = Number.isFinite(n) && n > 0
    ? Math.min(MAX_REFRESH_SECONDS, Math.max(MIN_REFRESH_SECONDS, n))
    : DEFAULT_REFRESH_SECONDS;
  const kiosk = ['1', 'true', 'yes'].includes((search.get('kiosk') ?? '').toLowerCase());
  const campaign = search.get('campaign');
  return { campaign: campaign && campaign.trim() !== '' ? campaign : null, refreshSeconds, kiosk };
}

/** The date and hour of an instant in a time zone, e.g. the business zone. */
export function zonedParts(instant: Date, timeZone: string): { date: string; hour: number; time: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '00';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')), time: `${get('hour')}:${get('minute')}:${get('second')}` };
}

/**
 * The hour "now" falls in on the data's today: the current business hour when
 * as-of is today in the business zone (the live demo), otherwise null (a past
 * as-of day is shown whole).
 */
export function currentHourOf(asOf: string, now: Date, timeZone: string): number | null {
  const { date, hour } = zonedParts(now, timeZone);
  return date === asOf ? hour : null;
}
