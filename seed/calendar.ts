/**
 * Calendar arithmetic on local (business time zone) days, as integer day
 * numbers since 1970-01-01, so the generator never depends on the machine's
 * time zone.
 */
const MS_PER_DAY = 86_400_000;

export function dayNumber(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return Math.round(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

const isoCache = new Map<number, string>();

export function isoDate(day: number): string {
  let s = isoCache.get(day);
  if (s === undefined) {
    s = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    isoCache.set(day, s);
  }
  return s;
}

export function monthDay(day: number): { month: number; date: number; weekday: number } {
  const d = new Date(day * MS_PER_DAY);
  return { month: d.getUTCMonth() + 1, date: d.getUTCDate(), weekday: d.getUTCDay() };
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * A timestamptz literal for a local day and second of that day, written with
 * the business zone's fixed UTC offset (Asia/Shanghai has no DST).
 */
export function localTimestamp(day: number, secondOfDay: number, offsetHours: number): string {
  const h = Math.floor(secondOfDay / 3600);
  const m = Math.floor((secondOfDay % 3600) / 60);
  const s = secondOfDay % 60;
  const sign = offsetHours >= 0 ? '+' : '-';
  return `${isoDate(day)} ${pad2(h)}:${pad2(m)}:${pad2(s)}${sign}${pad2(Math.abs(offsetHours))}`;
}

/**
 * Relative shopping intensity of a day: the 11.11 and 618 peaks, the Chinese
 * New Year goods festival, 38 Queen's Day, a summer dip and weekends.
 */
export function seasonality(day: number): number {
  const { month, date, weekday } = monthDay(day);
  let w = 1;
  if (month === 11 && date <= 11) w += date >= 9 ? 5 : 1.6;
  if (month === 11 && date === 11) w += 4;
  if (month === 6 && date <= 18) w += date >= 16 ? 3.5 : 1.2;
  if (month === 1 && date >= 5 && date <= 25) w += 0.6;
  if (month === 3 && date >= 5 && date <= 8) w += 1.2;
  if (month === 12 && date === 12) w += 1.5;
  if (month === 2 && date <= 10) w -= 0.35;
  if (month === 7 || month === 8) w -= 0.15;
  if (weekday === 0 || weekday === 6) w += 0.2;
  return w;
}

export const MAX_SEASONALITY = 11;
