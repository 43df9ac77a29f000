/**
 * Rows as PostgreSQL COPY text. A customer block is made before the ids of
 * its rows are known (they continue from the blocks before it), so its lines
 * start with a fixed-width placeholder that numberRows fills in when the
 * block's turn comes; COPY reads the zero-padded ids as plain integers.
 */
import { isoDate, localTimestamp, offsetMinutes } from './calendar.ts';
import { CUSTOMER_TABLES, TABLE_COLUMNS, TIMESTAMP_COLUMNS, type Cell, type CustomerTable } from './tables.ts';

function escapeCopyText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

function copyCell(v: Cell | undefined): string {
  return v === null || v === undefined ? '\\N' : typeof v === 'boolean' ? (v ? 't' : 'f') : escapeCopyText(String(v));
}

export function copyLine(cells: readonly Cell[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) line += '\t';
    line += copyCell(cells[i]);
  }
  return line + '\n';
}

/** Width of the id placeholder: ids up to 9,999,999,999 (the widest table, events, is bigint). */
const ID_WIDTH = 10;

/**
 * A block's rows per customer table as UTF-8 COPY text, written straight
 * into byte buffers (building strings for millions of rows keeps the garbage
 * collector busy), each line starting with the id placeholder. The
 * generator's own strings (names from fixed lists, codes, timestamps,
 * amounts) never hold a tab, newline or backslash, so cells are written
 * without the escaping copyLine does (the generator test checks the two
 * agree on a generated data set).
 */
export class BlockText {
  private readonly writers = Object.fromEntries(CUSTOMER_TABLES.map((t) => [t, new ByteWriter(sizeHint[t])])) as Record<CustomerTable, ByteWriter>;
  readonly rows = Object.fromEntries(CUSTOMER_TABLES.map((t) => [t, 0])) as Record<CustomerTable, number>;
  private readonly isMoment = Object.fromEntries(CUSTOMER_TABLES.map((t) => [t, TABLE_COLUMNS[t].map((c) => TIMESTAMP_COLUMNS.has(c))])) as Record<CustomerTable, boolean[]>;
  /** Per day from firstDay on: the local date as yyyymmdd (0: not yet known). */
  private readonly dates: Int32Array;
  /** Per local hour from firstDay on ((day − firstDay) × 24 + hour): the UTC offset in minutes. */
  private readonly zones: Int16Array;

  /** `offset`: the generator's (BrandPlan.offset); moments fall on days firstDay to lastDay. */
  constructor(private readonly offset: number | string, private readonly firstDay: number, lastDay: number) {
    this.dates = new Int32Array(lastDay - firstDay + 1);
    this.zones = new Int16Array(this.dates.length * 24).fill(ZONE_UNKNOWN);
  }

  /**
   * BlockOptions.stamp for this writer: a moment arrives as the seconds since
   * firstDay began (a small integer, which the engine keeps unboxed) and is
   * written by `moment`; one outside the days given, or outside its day
   * (which the generator never makes), stays a literal.
   */
  readonly stamp = (day: number, second: number): Cell =>
    Number.isInteger(second) && second >= 0 && second < 86_400 && day >= this.firstDay && day < this.firstDay + this.dates.length
      ? (day - this.firstDay) * 86_400 + second
      : localTimestamp(day, second, this.offset);

  row(table: CustomerTable, cells: readonly Cell[]): void {
    const w = this.writers[table];
    const isMoment = this.isMoment[table];
    // Room for the whole row at once, so the writes below need no checks.
    w.room(ROW_ROOM);
    const end = w.pos + ROW_ROOM;
    let buf = w.buf;
    let pos = w.pos;
    for (let k = 0; k < ID_WIDTH; k++) buf[pos++] = ZERO;
    for (let i = 1; i < cells.length; i++) {
      buf[pos++] = TAB;
      const v = cells[i];
      if (v === null || v === undefined) {
        buf[pos++] = BACKSLASH;
        buf[pos++] = 78; // N
      } else if (typeof v === 'number') {
        pos = isMoment[i] ? this.moment(buf, pos, v) : writeNumber(buf, pos, v);
      } else if (typeof v === 'boolean') {
        buf[pos++] = v ? 116 : 102; // t, f
      } else if (pos + 3 * v.length < end) {
        pos = writeString(buf, pos, v);
      } else {
        w.pos = pos;
        w.room(3 * v.length + ROW_ROOM);
        buf = w.buf;
        pos = writeString(buf, pos, v);
      }
    }
    buf[pos++] = NEWLINE;
    w.pos = pos;
    this.rows[table]++;
  }

  /** localTimestamp's literal ("2026-11-20 21:05:09+08"), digit by digit from the cached date and offset. */
  private moment(buf: Uint8Array, pos: number, stamp: number): number {
    const dayIndex = Math.floor(stamp / 86_400);
    const second = stamp - dayIndex * 86_400;
    const hour = Math.floor(second / 3600);
    let date = this.dates[dayIndex]!;
    if (date === 0) {
      date = Number(isoDate(this.firstDay + dayIndex).replace(/-/g, ''));
      this.dates[dayIndex] = date;
    }
    const key = dayIndex * 24 + hour;
    let zone = this.zones[key]!;
    if (zone === ZONE_UNKNOWN) {
      zone = offsetMinutes(this.offset, this.firstDay + dayIndex, hour);
      this.zones[key] = zone;
    }
    const year = Math.floor(date / 10_000);
    const month = Math.floor(date / 100) % 100;
    pos = writeDigits(buf, pos, year, 4);
    buf[pos++] = 45; // -
    pos = writeDigits(buf, pos, month, 2);
    buf[pos++] = 45;
    pos = writeDigits(buf, pos, date % 100, 2);
    buf[pos++] = 32; // space
    pos = writeDigits(buf, pos, hour, 2);
    buf[pos++] = 58; // :
    const inHour = second - hour * 3600;
    const minute = Math.floor(inHour / 60);
    pos = writeDigits(buf, pos, minute, 2);
    buf[pos++] = 58;
    pos = writeDigits(buf, pos, inHour - minute * 60, 2);
    buf[pos++] = zone >= 0 ? 43 : 45; // + or -
    const abs = Math.abs(zone);
    pos = writeDigits(buf, pos, Math.floor(abs / 60), 2);
    if (abs % 60 !== 0) {
      buf[pos++] = 58;
      pos = writeDigits(buf, pos, abs % 60, 2);
    }
    return pos;
  }

  /**
   * The bytes per table, each a view on an ArrayBuffer of its own (so it can
   * be moved to another thread). The next block made in this thread starts
   * its buffers at about these sizes.
   */
  bytes(): Record<CustomerTable, Uint8Array> {
    for (const t of CUSTOMER_TABLES) sizeHint[t] = this.writers[t].pos + (this.writers[t].pos >> 3);
    return Object.fromEntries(CUSTOMER_TABLES.map((t) => [t, this.writers[t].done()])) as Record<CustomerTable, Uint8Array>;
  }
}

const ENCODER = new TextEncoder();
const TAB = 9;
const NEWLINE = 10;
const ZERO = 48;
const BACKSLASH = 92;
const ZONE_UNKNOWN = -32_768;
/** Room for any one row of the customer tables (the longest are about 150 bytes). */
const ROW_ROOM = 1024;

/** Writes n (≥ 0) with exactly `width` digits, zero-padded; returns the next position. */
function writeDigits(buf: Uint8Array, pos: number, n: number, width: number): number {
  for (let i = pos + width - 1; i >= pos; i--, n = Math.floor(n / 10)) buf[i] = ZERO + (n % 10);
  return pos + width;
}

/** Writes a whole number ≥ 0 in decimal (anything else as its string); returns the next position. */
function writeNumber(buf: Uint8Array, pos: number, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) return writeString(buf, pos, String(n));
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  for (let i = pos + digits - 1, x = n; i >= pos; i--, x = Math.floor(x / 10)) buf[i] = ZERO + (x % 10);
  return pos + digits;
}

/** Writes a string as UTF-8 (room for three bytes a character must be there); returns the next position. */
function writeString(buf: Uint8Array, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) return pos + ENCODER.encodeInto(s.slice(i), buf.subarray(pos)).written;
    buf[pos++] = c;
  }
  return pos;
}

/**
 * Per table, the bytes the last block made in this thread wrote, plus an
 * eighth: the blocks of a data set are of like sizes, so a writer started at
 * that size seldom grows (each growth copies what was written).
 */
const sizeHint = Object.fromEntries(CUSTOMER_TABLES.map((t) => [t, 1 << 16])) as Record<CustomerTable, number>;

class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(Math.max(1 << 16, size));
  }

  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  /** The bytes written: a view, not a copy (the room past them is the price of not copying a block's text once more). */
  done(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** Writes the ids firstId, firstId + 1, … over the placeholders of a BlockText table, in place. */
export function numberRows(bytes: Uint8Array, firstId: number, rows: number): void {
  if (firstId + rows - 1 >= 10 ** ID_WIDTH) throw new Error(`row id ${firstId + rows - 1} does not fit in ${ID_WIDTH} digits`);
  // The id's digits, counted up by one row at a time.
  const digits = new Uint8Array(ID_WIDTH);
  writeDigits(digits, 0, firstId, ID_WIDTH);
  let pos = 0;
  for (let k = 0; k < rows; k++) {
    for (let j = 0; j < ID_WIDTH; j++) bytes[pos + j] = digits[j]!;
    for (let j = ID_WIDTH - 1; j >= 0 && ++digits[j]! > 57; j--) digits[j] = ZERO;
    pos = bytes.indexOf(NEWLINE, pos + ID_WIDTH) + 1;
  }
}
