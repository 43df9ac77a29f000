/**
 * CSV/TSV text to rows (RFC 4180 quoting), a part at a time: the parser of
 * read.ts, apart from the xlsx reader, so that the thread parsing the second
 * part of a streamed orders file (stream-part.ts) loads no more than it.
 */

export interface RowCursor {
  /** Hands over rows until `row` returns true (stopping after that row) or the file ends; false once it has ended. */
  next(row: (line: number, cells: string[]) => boolean | void): boolean;
  /** The line of a quote never closed (the rows after it are lost), else null; known once the file has ended. */
  unclosedAt: number | null;
  /** The share of the file handed over so far, 0 to 1. */
  done(): number;
  /**
   * A CSV cut in two at its first record boundary past the middle of what is left (as this parser finds it: a line
   * break inside quotes is no boundary): this cursor then stops there, and the rest is handed back for another thread
   * to parse, with the line it starts on and how many records (at most) come before it from here. Null: nothing
   * to cut (xlsx, a quote left open, too little left).
   */
  cut?(rowsSoFar: number, minimumRows: number): FilePart | null;
}

/** The part of a CSV after a record boundary (RowCursor.cut). */
export interface FilePart {
  text: string;
  separator: string;
  line: number;
  /** Records between the cursor's position and the cut (blank ones too: at least as many rows). */
  records: number;
}

/**
 * RFC 4180 records from `from` on: quoted fields may hold the separator,
 * quotes ("") and line breaks. Each record goes to `record` as it is parsed
 * (true: stop after it), so its cells can die young: rows kept until the
 * whole file was parsed made garbage collection the largest cost of reading.
 */
export function scanRecords(text: string, separator: string, from: { at: number; line: number },
  record: (line: number, cells: string[]) => boolean | void, n = text.length): { unclosedAt: number | null } {
  let i = from.at;
  let line = from.line;
  const sepCode = separator.charCodeAt(0);
  while (i < n) {
    const start = line;
    const cells: string[] = [];
    for (;;) {
      if (text.charCodeAt(i) === 34 /* " */) {
        let value = '';
        let from = ++i;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) return { unclosedAt: start };
          for (let k = text.indexOf('\n', i); k >= 0 && k < q; k = text.indexOf('\n', k + 1)) line++;
          if (text.charCodeAt(q + 1) === 34) {
            value += text.slice(from, q + 1);
            i = from = q + 2;
            continue;
          }
          value += text.slice(from, q);
          i = q + 1;
          break;
        }
        // Anything between the closing quote and the separator is kept, as Excel does.
        const end = cellEnd(text, i, n, sepCode);
        cells.push(value + text.slice(i, end));
        i = end;
      } else {
        const end = cellEnd(text, i, n, sepCode);
        cells.push(text.slice(i, end));
        i = end;
      }
      const next = pastCell(text, i, sepCode);
      if (next >= 0) {
        i = next;
        continue;
      }
      i = ~next;
      line++;
      break;
    }
    if (record(start, cells)) {
      from.at = i;
      from.line = line;
      return { unclosedAt: null };
    }
  }
  from.at = i;
  from.line = line;
  return { unclosedAt: null };
}

/** Where an unquoted cell (or what follows a quoted one) from `i` ends: at the next separator, line break or `n`. */
function cellEnd(text: string, i: number, n: number, sepCode: number): number {
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === sepCode || c === 10 || c === 13) break;
    i++;
  }
  return i;
}

/** Past a cell ending at `i`: the next cell's start after a separator (≥ 0), else ~(the next record's start). */
function pastCell(text: string, i: number, sepCode: number): number {
  const c = text.charCodeAt(i);
  if (c === sepCode) return i + 1;
  if (c === 13) i++;
  if (text.charCodeAt(i) === 10) i++;
  return ~i;
}

/**
 * From a record's start, the first record boundary at or past `target`, exactly where scanRecords would reach it
 * (the same steps, no cells made), with its line and the records before it; null at a quote left open or the end.
 */
function boundaryPast(text: string, separator: string, from: { at: number; line: number }, target: number): Omit<FilePart, 'text' | 'separator'> & { at: number } | null {
  const n = text.length;
  const sepCode = separator.charCodeAt(0);
  let i = from.at;
  let line = from.line;
  let records = 0;
  while (i < target) {
    if (i >= n) return null;
    for (;;) {
      if (text.charCodeAt(i) === 34 /* " */) {
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) return null;
          for (let k = text.indexOf('\n', i); k >= 0 && k < q; k = text.indexOf('\n', k + 1)) line++;
          i = q + 1;
          if (text.charCodeAt(i) !== 34) break;
          i++;
        }
      }
      const next = pastCell(text, cellEnd(text, i, n, sepCode), sepCode);
      if (next >= 0) {
        i = next;
        continue;
      }
      i = ~next;
      line++;
      break;
    }
    records++;
  }
  return i < n ? { at: i, line, records } : null;
}

/** Rows of a CSV's text from a record's start (`from`, moved on) to `end` (a record boundary). */
export function textCursor(text: string, separator: string, from: { at: number; line: number }, end = text.length): RowCursor {
  const state = { ...from };
  let stop = end;
  const c: RowCursor = {
    unclosedAt: null,
    next(row) {
      if (state.at >= stop || c.unclosedAt !== null) return false;
      c.unclosedAt = scanRecords(text, separator, state, (line, cells) => trimmed(cells) && row(line, cells) === true, stop).unclosedAt;
      if (c.unclosedAt !== null) state.at = stop;
      return state.at < stop;
    },
    done: () => (text.length === 0 ? 1 : state.at / text.length),
    cut(rowsSoFar, minimumRows) {
      // Not for a rest shorter than `minimumRows` at the rows' length so far.
      if (c.unclosedAt !== null || rowsSoFar <= 0 || stop - state.at < ((state.at - from.at) / rowsSoFar) * minimumRows) return null;
      const b = boundaryPast(text, separator, state, state.at + Math.floor((stop - state.at) / 2));
      if (!b || b.at >= stop) return null;
      const part = { text: text.slice(b.at, stop), separator, line: b.line, records: b.records };
      stop = b.at;
      return part;
    },
  };
  return c;
}

/** Trims a row's cells in place; whether any is left. */
export function trimmed(cells: string[]): boolean {
  let any = false;
  for (let k = 0; k < cells.length; k++) {
    const c = cells[k]!.trim();
    cells[k] = c;
    if (c !== '') any = true;
  }
  return any;
}
