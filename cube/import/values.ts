/**
 * One cell's text to the value the database gets, or the reason it is
 * refused. Values come out as text for COPY: times as UTC instants
 * (ISO 8601), dates as YYYY-MM-DD, money as an exact decimal string (never
 * a float), codes untouched (leading zeros kept).
 */
import type { ValueKind } from './contract.ts';
import { msg, type Message } from './messages.ts';

export type Parsed = string | null | Message;

export const isProblem = (v: Parsed): v is Message => typeof v === 'object' && v !== null;

const TRUE = new Set(['是', 'true', '1', 'y', 'yes', '在职']);
const FALSE = new Set(['否', 'false', '0', 'n', 'no', '离职']);

/** Lookup tables of an enum's accepted spellings, built once per column. */
const enumIndex = new WeakMap<object, Map<string, string>>();
function enumLookup(values: Record<string, readonly string[]>): Map<string, string> {
  let m = enumIndex.get(values);
  if (!m) {
    m = new Map();
    for (const [value, aliases] of Object.entries(values)) {
      m.set(value.toLowerCase(), value);
      for (const a of aliases) m.set(a.toLowerCase(), value);
    }
    enumIndex.set(values, m);
  }
  return m;
}

export function allowedValues(values: Record<string, readonly string[]>): string {
  return Object.entries(values).map(([v, a]) => (a.length ? `${v} ${a.join('/')}` : v)).join(', ');
}

const DATE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const TIME = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || y < 1900 || y > 2200) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (m === 2 && leap ? 29 : MONTH_DAYS[m - 1]!);
}

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));

export function parseDate(text: string): Parsed {
  const m = DATE.exec(text) ?? TIME.exec(text);
  if (!m) return msg('bad_date');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validDate(y, mo, d)) return msg('bad_date');
  return `${y}-${pad(mo)}-${pad(d)}`;
}

/**
 * Wall-clock time in a zone to the UTC instant. The zone's offset is looked
 * up once per wall-clock hour (Intl is slow per row; the orders of one hour
 * share it).
 */
export function zonedTime(timeZone: string): (y: number, mo: number, d: number, h: number, mi: number, s: number) => number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  const offsetAt = (utc: number): number => {
    const p = Object.fromEntries(format.formatToParts(new Date(utc)).map((x) => [x.type, x.value]));
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - utc;
  };
  const cache = new Map<number, number>();
  return (y, mo, d, h, mi, s) => {
    const wall = Date.UTC(y, mo - 1, d, h, mi, s);
    const hour = Math.floor(wall / 3_600_000);
    let offset = cache.get(hour);
    if (offset === undefined) {
      // Twice, so a wall time just after a DST change gets the offset in force then.
      offset = offsetAt(wall - offsetAt(wall));
      cache.set(hour, offset);
    }
    return wall - offset;
  };
}

export type TimeParser = (text: string) => Parsed;

/**
 * An instant (whole seconds) as `toISOString` writes it, without a Date per
 * value: the text of its UTC hour is made once per hour (the orders of one
 * hour share it), minutes and seconds appended.
 */
function isoFormatter(): (utc: number) => string {
  const hours = new Map<number, string>();
  return (utc) => {
    const hour = Math.floor(utc / 3_600_000);
    let head = hours.get(hour);
    if (head === undefined) {
      head = new Date(hour * 3_600_000).toISOString().slice(0, 14);
      hours.set(hour, head);
    }
    const rest = utc - hour * 3_600_000;
    return `${head}${pad(Math.floor(rest / 60_000))}:${pad(Math.floor(rest / 1000) % 60)}.000Z`;
  };
}

export function timeParser(timeZone: string): TimeParser {
  const zoned = zonedTime(timeZone);
  const iso = isoFormatter();
  return (text) => {
    const m = TIME.exec(text);
    if (!m) return msg('bad_time');
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
    if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return msg('bad_time');
    let utc: number;
    if (m[7]) {
      const z = m[7].toUpperCase();
      const offsetMinutes = z === 'Z' ? 0 : (z[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(-2)));
      utc = Date.UTC(y, mo - 1, d, h, mi, s) - offsetMinutes * 60_000;
    } else {
      utc = zoned(y, mo, d, h, mi, s);
    }
    return iso(utc);
  };
}

const MONEY = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;

/** Whether `t` has a digit at `k`. Not a closure in plainMoney: made per call, it cost 0.3 s per million amounts (tsx names each). */
function isDigit(t: string, k: number): boolean {
  const c = t.charCodeAt(k);
  return c >= 48 && c <= 57;
}

/**
 * The usual amount, `1234.5` or `¥1,234.50` (a cell of every order), read
 * without regular expressions: the general path below made five strings per
 * value. Null for anything else (the general path decides), so both give the
 * same answer.
 */
function plainMoney(t: string): string | null {
  const n = t.length;
  let i = t.charCodeAt(0) === 0xa5 /* ¥ */ || t.charCodeAt(0) === 0xffe5 /* ￥ */ ? 1 : 0;
  let whole = '';
  let from = i;
  let digits = 0;
  let sinceComma = -1;
  for (; i < n; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      if (sinceComma >= 0) sinceComma++;
    } else if (c === 44 /* , */) {
      if (sinceComma >= 0 ? sinceComma !== 3 : digits < 1 || digits > 3) return null;
      whole += t.slice(from, i);
      from = i + 1;
      sinceComma = 0;
    } else {
      break;
    }
  }
  if (sinceComma >= 0 && sinceComma !== 3) return null;
  whole += t.slice(from, i);
  if (whole.length === 0 || whole.length > 12 || (whole.length > 1 && whole.charCodeAt(0) === 48)) return null;
  if (i === n) return `${whole}.00`;
  if (t.charCodeAt(i) !== 46 /* . */) return null;
  if (i + 2 === n && isDigit(t, i + 1)) return `${whole}.${t[i + 1]}0`;
  if (i + 3 === n && isDigit(t, i + 1) && isDigit(t, i + 2)) return `${whole}.${t.slice(i + 1)}`;
  return null;
}

/** `1234.5`, `1,234.50`, `¥1,234.50`, `￥1,234.50`, `RMB 12`, `12元` → `1234.50`; negatives refused. */
export function parseMoney(text: string): Parsed {
  return plainMoney(text) ?? generalMoney(text);
}

function generalMoney(text: string): Parsed {
  let t = text.replace(/^(?:[¥￥]|RMB|CNY)\s*/i, '').replace(/\s*元$/, '').trim();
  let negative = false;
  if (t.startsWith('-') || t.startsWith('−')) {
    negative = true;
    t = t.slice(1).replace(/^[¥￥]/, '');
  } else if (/^\(.*\)$/.test(t)) {
    negative = true;
    t = t.slice(1, -1);
  }
  const m = MONEY.exec(t);
  if (!m) return msg('bad_money');
  const whole = m[1]!.replace(/,/g, '').replace(/^0+(?=\d)/, '');
  let frac = m[2] ?? '';
  if (frac.length > 2) {
    if (/^0*$/.test(frac.slice(2))) frac = frac.slice(0, 2);
    else return msg('money_decimals');
  }
  if (negative && !/^0*$/.test(whole + frac)) return msg('negative_money');
  if (whole.length > 12) return msg('money_too_large');
  return `${whole}.${frac.padEnd(2, '0')}`;
}

/** Mainland mobile numbers: spaces, dashes, brackets and a +86 / 0086 prefix are removed. */
export function parsePhone(text: string): Parsed {
  let t = text.replace(/[\s\-()（）]/g, '');
  if (t.startsWith('+86')) t = t.slice(3);
  else if (t.startsWith('0086')) t = t.slice(4);
  else if (t.length === 13 && t.startsWith('86')) t = t.slice(2);
  return /^1[3-9]\d{9}$/.test(t) ? t : msg('bad_phone');
}

export function parseValue(type: ValueKind, text: string, parseTime: TimeParser): Parsed {
  switch (type.kind) {
    case 'code': case 'ref': case 'text': return text;
    case 'enum': {
      const v = enumLookup(type.values).get(text.toLowerCase());
      return v ?? msg('bad_enum', { allowed: allowedValues(type.values) });
    }
    case 'bool': {
      const l = text.toLowerCase();
      return TRUE.has(l) ? 'true' : FALSE.has(l) ? 'false' : msg('bad_bool');
    }
    case 'date': return parseDate(text);
    case 'time': return parseTime(text);
    case 'money': return parseMoney(text);
    case 'int': return /^\d{1,9}$/.test(text) && Number(text) > 0 ? String(Number(text)) : msg('bad_int');
    case 'phone': return parsePhone(text);
  }
}
