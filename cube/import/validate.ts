/**
 * A sheet's rows to records of its entity: headers matched to columns (an
 * unknown one is a warning), every cell parsed (a bad one is a problem with
 * its file, line, column and value), keys unique within the file, the
 * checks that span cells of one row.
 */
import { columnOfHeader, ENTITY, type EntityName, type EntitySpec } from './contract.ts';
import { msg } from './messages.ts';
import type { FileProblem, Sheet } from './read.ts';
import { isProblem, parseValue, type TimeParser } from './values.ts';

export interface Record_ {
  line: number;
  /** Parsed values in the order of the entity's columns (null: empty). */
  v: (string | null)[];
  /** The row's key within its entity. */
  key: string;
}

export interface EntityRows {
  spec: EntitySpec;
  file: string;
  encoding: Sheet['encoding'];
  /** The header as written in the file, per column of the spec ('' when absent). */
  headers: string[];
  records: Record_[];
  /** Rows in the file, good or bad. */
  rowCount: number;
}

/** Index of a column of an entity's spec, by name. */
export function columnIndex(entity: EntityName, name: string): number {
  const i = ENTITY[entity].columns.findIndex((c) => c.name === name);
  if (i < 0) throw new Error(`no column ${name} in ${entity}`);
  return i;
}

/** The sheet's records (null when the file is refused as a whole) and how many data rows it has. */
export function validateSheet(sheet: Sheet, parseTime: TimeParser, problems: FileProblem[]): { rows: EntityRows | null; rowCount: number } {
  const checker = sheetChecker(sheet, parseTime, problems);
  if (!checker) {
    let rowCount = 0;
    sheet.eachRow(() => rowCount++);
    return { rows: null, rowCount };
  }
  return checker.finish(sheet.eachRow(checker.row));
}

/**
 * Checks a sheet's rows as they come (`row`), each good one appended to
 * `rows.records` (which the caller may take and replace, a block at a time:
 * the keys seen stay, so a key twice in the file is found wherever the two
 * are); `finish` with the cursor's unclosed quote. Null when the header
 * refuses the file as a whole (its problems reported).
 */
export interface SheetChecker {
  rows: EntityRows;
  row: (line: number, cells: string[]) => void;
  /**
   * From now on a key seen twice is left to the database (the streamed orders: the code map's primary key, rebuilt
   * after the last row, refuses the second; `duplicateKeys` then finds them). The keys seen so far stay.
   */
  keysElsewhere: () => void;
  finish: (unclosedAt: number | null) => { rows: EntityRows | null; rowCount: number };
}

export function sheetChecker(sheet: Sheet, parseTime: TimeParser, problems: FileProblem[]): SheetChecker | null {
  const spec = ENTITY[sheet.entity];
  const { file } = sheet;
  const positions: number[] = spec.columns.map(() => -1);
  const headers: string[] = spec.columns.map(() => '');
  const headerProblems: FileProblem[] = [];
  let recognised = 0;
  sheet.header.forEach((h, at) => {
    if (h === '') return;
    const column = columnOfHeader(spec, h);
    if (!column) {
      headerProblems.push({ file, line: 1, column: h, value: null, reason: msg('unknown_column'), warning: true });
      return;
    }
    recognised++;
    const i = spec.columns.indexOf(column);
    if (positions[i]! >= 0) {
      headerProblems.push({ file, line: 1, column: h, value: null, reason: msg('duplicate_column') });
      return;
    }
    positions[i] = at;
    headers[i] = h;
  });
  if (recognised === 0) {
    problems.push({ file, line: 1, column: null, value: sheet.header.slice(0, 4).join(','), reason: msg('wrong_encoding', { encoding: sheet.encoding }) });
    return null;
  }
  problems.push(...headerProblems);
  let missing = false;
  spec.columns.forEach((c, i) => {
    if (c.required && positions[i]! < 0 && !(spec.keyOptional && spec.key.includes(c.name))) {
      problems.push({ file, line: 1, column: c.name, value: null, reason: msg('missing_column', { column: `${c.name} ${c.aliases[0] ?? ''}`.trim() }) });
      missing = true;
    }
  });
  if (missing || headerProblems.some((p) => !p.warning)) return null;

  const keyAt = spec.key.map((k) => spec.columns.findIndex((c) => c.name === k));
  const width = sheet.header.length;
  const seen = new Map<string, number>();
  const identityOwners = new Map<string, string>();
  const rows: EntityRows = { spec, file, encoding: sheet.encoding, headers, records: [], rowCount: 0 };
  const columns = spec.columns;
  let keysHere = true;
  const row = (line: number, cells: string[]): void => {
    rows.rowCount++;
    let bad = false;
    for (let k = width; k < cells.length; k++) {
      if (cells[k] !== '') {
        problems.push({ file, line, column: null, value: cells[k]!, reason: msg('too_many_cells', { extra: cells.length - width }) });
        bad = true;
        break;
      }
    }
    const v: (string | null)[] = new Array(columns.length);
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      const at = positions[i]!;
      const text = at >= 0 ? (cells[at] ?? '') : '';
      if (text === '') {
        if (c.required && !(spec.keyOptional && spec.key.includes(c.name))) {
          problems.push({ file, line, column: headers[i] || c.name, value: '', reason: msg('required') });
          bad = true;
        }
        v[i] = c.fallback ?? null;
        continue;
      }
      const parsed = parseValue(c.type, text, parseTime);
      if (isProblem(parsed)) {
        problems.push({ file, line, column: headers[i]!, value: text, reason: parsed });
        bad = true;
      } else {
        v[i] = parsed;
      }
    }
    if (bad) return;
    if (!keysHere) {
      // Looked up in a map of every key of the file, each key's check cost a fifth of a million orders' parse.
      rows.records.push({ line, v, key: v[keyAt[0]!]! });
      return;
    }
    let key = keyAt.length === 1 ? v[keyAt[0]!] ?? '' : keyAt.map((k) => v[k] ?? '').join('\u0001');
    const keyless = spec.keyOptional && keyAt.every((k) => v[k] === null);
    if (keyless) key = `#${v.join('\u0001')}`;
    const other = seen.get(key);
    // The same unionid or phone under two customer codes names one person: OneID merges them (oneid.ts).
    const merging = other !== undefined && spec.name === 'identities' && ['unionid', 'phone'].includes(v[1]!)
      && identityOwners.get(key) !== v[0];
    if (merging) {
      rows.records.push({ line, v, key });
      return;
    }
    if (other !== undefined) {
      problems.push({
        file, line, column: keyless ? null : spec.key.map((k) => headers[columns.findIndex((c) => c.name === k)] || k).join('+'),
        value: keyless ? null : keyAt.map((k) => v[k]).join('+'), reason: msg(keyless ? 'duplicate_row' : 'duplicate_key', { other }),
      });
      return;
    }
    seen.set(key, line);
    if (spec.name === 'identities') identityOwners.set(key, v[0]!);
    const rowProblem = crossCheck(sheet.entity, v);
    if (rowProblem) {
      const i = columnIndex(sheet.entity, rowProblem.column);
      problems.push({ file, line, column: headers[i] || rowProblem.column, value: v[i] ?? '', reason: msg(rowProblem.reason) });
      return;
    }
    rows.records.push({ line, v, key });
  };
  const finish = (unclosedAt: number | null): { rows: EntityRows | null; rowCount: number } => {
    if (unclosedAt !== null) {
      problems.push({ file, line: unclosedAt, column: null, value: null, reason: msg('bad_quotes') });
      return { rows: null, rowCount: rows.rowCount };
    }
    if (['teams', 'employees', 'channels', 'campaigns'].includes(spec.name)) uniqueNames(spec, file, headers, rows.records, problems);
    return { rows, rowCount: rows.rowCount };
  };
  const keysElsewhere = (): void => {
    // Only a single-column key that every row has, and no check across cells: what the orders' stream relies on.
    if (keyAt.length !== 1 || spec.keyOptional || spec.name === 'identities' || ['campaigns', 'appointments'].includes(spec.name)) {
      throw new Error(`${spec.name}: keys cannot be left to the database`);
    }
    keysHere = false;
  };
  return { rows, row, keysElsewhere, finish };
}

/**
 * The rows whose key an earlier good row of the sheet already had, as the
 * checks report them (a second pass over the whole file, with its own
 * checker: only the good rows count, as in the first).
 */
export function duplicateKeys(sheet: Sheet, parseTime: TimeParser): FileProblem[] {
  const found: FileProblem[] = [];
  const checker = sheetChecker(sheet, parseTime, found);
  if (checker) checker.finish(sheet.eachRow(checker.row));
  return found.filter((p) => p.reason.key === 'duplicate_key' || p.reason.key === 'duplicate_row');
}

type CrossReason = 'ends_before_start' | 'scheduled_before_booked' | 'arrived_before_booked';

function crossCheck(entity: EntityName, v: (string | null)[]): { column: string; reason: CrossReason } | null {
  // ISO instants in UTC compare as text.
  if (entity === 'campaigns' && v[columnIndex('campaigns', 'ends_at')]! <= v[columnIndex('campaigns', 'starts_at')]!) {
    return { column: 'ends_at', reason: 'ends_before_start' };
  }
  if (entity === 'appointments') {
    const booked = v[columnIndex('appointments', 'booked_at')]!;
    if (v[columnIndex('appointments', 'scheduled_for')]! < booked) return { column: 'scheduled_for', reason: 'scheduled_before_booked' };
    const arrived = v[columnIndex('appointments', 'arrived_at')];
    if (arrived !== null && arrived !== undefined && arrived < booked) return { column: 'arrived_at', reason: 'arrived_before_booked' };
  }
  return null;
}

/** The product names teams, employees, channels and campaigns by name too: two codes may not share one. */
function uniqueNames(spec: EntitySpec, file: string, headers: string[], records: Record_[], problems: FileProblem[]): void {
  const at = columnIndex(spec.name, 'name');
  const byName = new Map<string, string>();
  for (let r = 0; r < records.length; r++) {
    const rec = records[r]!;
    const name = rec.v[at]!;
    const other = byName.get(name);
    if (other !== undefined && other !== rec.key) {
      problems.push({ file, line: rec.line, column: headers[at] || 'name', value: name, reason: msg('duplicate_name', { other }) });
      records.splice(r--, 1);
    } else {
      byName.set(name, rec.key);
    }
  }
}
