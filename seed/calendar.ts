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

const yearStarts = new Map<number, number>();

/** The day number of 1 January of a year (dayNumber of "YYYY-01-01"). */
export function yearStart(year: number): number {
  let day = yearStarts.get(year);
  if (day === undefined) {
    day = Math.round(Date.UTC(year, 0, 1) / MS_PER_DAY);
    yearStarts.set(year, day);
  }
  return day;
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

export interface MonthDay {
  month: number;
  date: number;
  weekday: number;
}

const monthDayCache = new Map<number, MonthDay>();

export function monthDay(day: number): MonthDay {
  let md = monthDayCache.get(day);
  if (md === undefined) {
    const d = new Date(day * MS_PER_DAY);
    md = Object.freeze({ month: d.getUTCMonth() + 1, date: d.getUTCDate(), weekday: d.getUTCDay() });
    monthDayCache.set(day, md);
  }
  return md;
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
  // Most days keep one offset from the first hour to the last: then one answer serves the whole day.
  const dayKey = `${timeZone}|${day}`;
  let whole = wholeDayOffsetCache.get(dayKey);
  if (whole === undefined) {
    const first = offsetAtLocalHour(timeZone, day, 0);
    whole = first === offsetAtLocalHour(timeZone, day, 23) ? first : null;
    wholeDayOffsetCache.set(dayKey, whole);
  }
  if (whole !== null) return whole;
  const key = `${timeZone}|${day}|${hour}`;
  let v = offsetCache.get(key);
  if (v === undefined) {
    v = offsetAtLocalHour(timeZone, day, hour);
    offsetCache.set(key, v);
  }
  return v;
}

function offsetAtLocalHour(timeZone: string, day: number, hour: number): number {
  const local = day * MS_PER_DAY + hour * 3_600_000;
  const first = zoneOffsetMinutes(timeZone, local);
  return zoneOffsetMinutes(timeZone, local - first * 60_000);
}

const wholeDayOffsetCache = new Map<string, number | null>();

/**
 * A timestamptz literal for a local day and second of that day, written with
 * the zone's UTC offset at that moment (derived from the zone, e.g. +08 for
 * Asia/Shanghai all year; DST zones get their summer offset in summer).
 */
export function localTimestamp(day: number, secondOfDay: number, offset: number | string): string {
  const h = Math.floor(secondOfDay / 3600);
  if (Number.isInteger(secondOfDay) && secondOfDay >= 0 && h < 24) {
    // The generator's hot path: the day-and-hour prefix and the zone are the same for a whole hour.
    const hour = hourOf(offset, day, h);
    return hour.prefix + MINUTE_SECOND[secondOfDay - h * 3600] + hour.zone;
  }
  const m = Math.floor((secondOfDay % 3600) / 60);
  const s = secondOfDay % 60;
  return `${isoDate(day)} ${pad2(h)}:${pad2(m)}:${pad2(s)}${zoneSuffix(offset, day, h)}`;
}

/** The UTC offset in minutes of a local day and hour: a fixed offset in hours, or a zone's own. */
export function offsetMinutes(offset: number | string, day: number, hour: number): number {
  return typeof offset === 'number' ? offset * 60 : localOffsetMinutes(offset, day, hour);
}

function zoneSuffix(offset: number | string, day: number, hour: number): string {
  const minutes = offsetMinutes(offset, day, hour);
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return sign + (abs % 60 === 0 ? pad2(abs / 60) : `${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`);
}

/** "MM:SS" for each second of an hour. */
const MINUTE_SECOND = Array.from({ length: 3600 }, (_, i) => `${pad2(Math.floor(i / 60))}:${pad2(i % 60)}`);

interface HourParts {
  /** "YYYY-MM-DD HH:" */
  prefix: string;
  /** "+08" */
  zone: string;
}

const hourCache = new Map<number | string, Map<number, HourParts>>();

/** The parts of localTimestamp's literal that a whole local hour shares. */
function hourOf(offset: number | string, day: number, h: number): HourParts {
  let byHour = hourCache.get(offset);
  if (byHour === undefined) {
    byHour = new Map();
    hourCache.set(offset, byHour);
  }
  const key = day * 24 + h;
  let parts = byHour.get(key);
  if (parts === undefined) {
    parts = { prefix: `${isoDate(day)} ${pad2(h)}:`, zone: zoneSuffix(offset, day, h) };
    byHour.set(key, parts);
  }
  return parts;
}

/**
 * Relative shopping intensity of a day: the 11.11 and 618 peaks, the Chinese
 * New Year goods festival, 38 Queen's Day, a summer dip and weekends.
 */
export function seasonality(day: number): number {
  let w = seasonalityCache.get(day);
  if (w === undefined) {
    w = seasonalityOf(day);
    seasonalityCache.set(day, w);
  }
  return w;
}

const seasonalityCache = new Map<number, number>();

function seasonalityOf(day: number): number {
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
