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

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();

/** The UTC offset of a time zone at an instant, in minutes (Asia/Shanghai: 480), from the platform's zone data. */
export function zoneOffsetMinutes(timeZone: string, epochMs: number): number {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormatters.set(timeZone, f);
  }
  const name = f.formatToParts(new Date(epochMs)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d\d):?(\d\d)?/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/**
 * The offset in force at a local day and hour of a zone: the offset at the
 * instant that local time names (re-checked once, which settles DST edges).
 */
export function localOffsetMinutes(timeZone: string, day: number, hour: number): number {
  const key = `${timeZone}|${day}|${hour}`;
  let v = offsetCache.get(key);
  if (v === undefined) {
    const local = day * MS_PER_DAY + hour * 3_600_000;
    const first = zoneOffsetMinutes(timeZone, local);
    v = zoneOffsetMinutes(timeZone, local - first * 60_000);
    offsetCache.set(key, v);
  }
  return v;
}

/**
 * A timestamptz literal for a local day and second of that day, written with
 * the zone's UTC offset at that moment (derived from the zone, e.g. +08 for
 * Asia/Shanghai all year; DST zones get their summer offset in summer).
 */
export function localTimestamp(day: number, secondOfDay: number, offset: number | string): string {
  const h = Math.floor(secondOfDay / 3600);
  const m = Math.floor((secondOfDay % 3600) / 60);
  const s = secondOfDay % 60;
  const minutes = typeof offset === 'number' ? offset * 60 : localOffsetMinutes(offset, day, h);
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  const zone = abs % 60 === 0 ? pad2(abs / 60) : `${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
  return `${isoDate(day)} ${pad2(h)}:${pad2(m)}:${pad2(s)}${sign}${zone}`;
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
