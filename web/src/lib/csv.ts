/**
 * The one CSV cell escaper of the product: the server's streamed exports
 * (cube/gateway/csv-export.ts) and the files the pages make themselves (the
 * planner's plan) all write cells through it. Pure, no DOM.
 *
 * A cell a spreadsheet would run as a formula (CSV injection) is written as
 * text with a leading apostrophe: one starting with = + - @, also after
 * leading whitespace (spaces, tabs, line breaks, the ideographic space
 * U+3000) and in full-width or small forms (＝ ＋ － ＠ ﹦ ﹢ ﹣ ﹫), which
 * spreadsheets read as the ASCII signs. Plain numbers (-12.5) stay numbers.
 */
const NUMBER = /^-?\d+(\.\d+)?$/;
const LEADING_SPACE = /^[\s\u3000]+/u;
const FORMULA_START = /^[=+\-@\t\r\n]/;

/** Whether a text would start a formula in a spreadsheet. */
export function looksLikeFormula(text: string): boolean {
  if (NUMBER.test(text)) return false;
  if (FORMULA_START.test(text)) return true;
  const head = text.replace(LEADING_SPACE, '').slice(0, 1).normalize('NFKC');
  return FORMULA_START.test(head);
}

/** One CSV cell: formulas neutralised, quoted when it holds a comma, quote or line break. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (looksLikeFormula(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * What a column holds, so the file reads in Excel as the page does: labels
 * (an enum's value in the page's words), dates, times in the business zone,
 * money with two decimals, ratios as percentages with one decimal.
 */
export type CsvKind = 'text' | 'label' | 'flag' | 'integer' | 'money' | 'ratio' | 'date' | 'time';
export const CSV_KINDS: readonly CsvKind[] = ['text', 'label', 'flag', 'integer', 'money', 'ratio', 'date', 'time'];

export interface CsvColumnFormat {
  kind?: CsvKind;
  /** label: the page's word for each value; flag: `yes` and `no`. */
  labels?: Readonly<Record<string, string>>;
}

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Decimal text rounded to `places`, half away from zero, on the digits
 * (Cube answers numeric as text; a float would turn 2382.235 into 2382.23).
 * Null when the value is not a number.
 */
export function roundDecimal(value: unknown, places: number): string | null {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value ?? '');
  const m = DECIMAL_TEXT.exec(text.includes('e') || text.includes('E') ? Number(text).toFixed(20) : text);
  if (!m) return null;
  const [, sign, whole, fraction = ''] = m;
  const digits = BigInt(`${whole}${fraction.padEnd(places + 1, '0').slice(0, places + 1)}`);
  const rounded = (digits + 5n) / 10n;
  const body = rounded.toString().padStart(places + 1, '0');
  const out = places === 0 ? body : `${body.slice(0, -places)}.${body.slice(-places)}`;
  return sign && rounded !== 0n ? `-${out}` : out;
}

/** A fraction as a percentage with one decimal: 0.12345 → 12.3% (the decimal point moved on the text, not multiplied). */
export function percentText(value: unknown): string | null {
  const text = roundDecimal(value, 20);
  if (text === null) return null;
  const [, sign, whole, fraction] = DECIMAL_TEXT.exec(text)!;
  const shifted = `${sign}${BigInt(`${whole}${fraction!.slice(0, 2)}`)}.${fraction!.slice(2)}`;
  return `${roundDecimal(shifted, 1)}%`;
}

const WALL_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2}))?/;

/**
 * A time as `YYYY-MM-DD HH:mm` in the business zone. Cube answers in the
 * query's zone (the business one) without an offset: that wall time is kept;
 * a time with an offset or `Z` is converted.
 */
export function wallTime(value: unknown, timeZone: string): { date: string; time: string } | null {
  const text = String(value ?? '');
  const m = WALL_TIME.exec(text);
  if (!m) return null;
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text)) return { date: m[1]!, time: `${m[2] ?? '00'}:${m[3] ?? '00'}` };
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) return null;
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(at).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** A cell's text before escaping: the value as the column's kind writes it; empty when there is none. */
export function csvText(value: unknown, column: CsvColumnFormat, timeZone: string): string {
  if (value === null || value === undefined || value === '') return '';
  const raw = String(value);
  switch (column.kind ?? 'text') {
    case 'label': return column.labels?.[raw] ?? raw;
    case 'flag': {
      const n = Number(raw);
      const yes = raw === 'true' || (Number.isFinite(n) && n > 0);
      return column.labels?.[yes ? 'yes' : 'no'] ?? (yes ? '1' : '0');
    }
    case 'integer': return roundDecimal(raw, 0) ?? raw;
    case 'money': return roundDecimal(raw, 2) ?? raw;
    case 'ratio': return percentText(raw) ?? raw;
    case 'date': return wallTime(raw, timeZone)?.date ?? raw;
    case 'time': {
      const t = wallTime(raw, timeZone);
      return t ? `${t.date} ${t.time}` : raw;
    }
    default: return raw;
  }
}
