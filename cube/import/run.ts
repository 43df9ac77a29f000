/**
 * One import, the same for `npm run import` and /admin/import: read and
 * check every file, then in ONE transaction check the references against
 * the database, merge customers (OneID), map codes to ids and upsert every
 * entity, set the data date. Any bad row: nothing is written and every
 * problem is reported. A check (`--check`) runs the very same steps and
 * rolls back. After a commit the classification is rebuilt; the rollups
 * follow their refresh keys (siyu.data_changes).
 */
import type { Sql, TransactionSql } from 'postgres';
import { migrate } from '../database/migrate.ts';
import { ENTITIES, ENTITY, type EntityName } from './contract.ts';
import { say, msg, type Lang, type Message } from './messages.ts';
import { mapCustomers, mergeMessage, planCustomers, type Merge } from './oneid.ts';
import { readSheets, type FileProblem, type InputFile, type RowCursor, type Sheet } from './read.ts';
import { canStream, firstBlock, streamOrders, StreamRefused } from './stream.ts';
import { PartParser } from './stream-rows.ts';
import { columnIndex, duplicateKeys, sheetChecker, validateSheet, type EntityRows, type SheetChecker } from './validate.ts';
import { timeParser } from './values.ts';
import { afterCustomerDays } from './derived.ts';
import { emptyIds, mapCodes, NATURAL_KEY, SUMMARIES, TARGET, upsert, type Counts, type Ids, type Mapped, type Pending } from './write.ts';
import { recordRun, refreshDerived, settleTimeZone, writeSettings } from './settings.ts';

export interface ImportOptions {
  check: boolean;
  timeZone: string;
  /** The data date; by default the latest fact date in the database after the import. */
  asOf?: string;
  /** Replace the demo generator's data (refused otherwise). */
  replaceDemo?: boolean;
  username: string;
  source: 'cli' | 'web';
  onProgress?: (p: Progress) => void;
}

export interface Progress {
  /** `derived`: a table built from the written rows in the same transaction (`table`), after the write's line. */
  phase: 'read' | 'write' | 'derived';
  file: string;
  entity: EntityName;
  /** Of a derived line: the table built (its rows in `rows`, its build's seconds in `seconds`). */
  table?: string;
  rows: number;
  /**
   * The phase's seconds: read (from disk), decoded, parsed and checked; or
   * written. Orders streamed (stream.ts) are read and written at once: the
   * read is their parse and checks, the write the rest of the span.
   */
  seconds: number;
  /**
   * Written: the file's whole processing, its read and write plus each check
   * across files that reads its rows, counted in full (not shared out): the
   * references for a file with reference columns, OneID for customers and
   * identities, the names against the database for teams, employees,
   * channels and campaigns.
   */
  total?: number;
}

/** Entities another refers to by code: their ids are kept in memory for those references. */
const REFERENCED = new Set(ENTITIES.flatMap((s) => s.columns.flatMap((c) => (c.type.kind === 'ref' ? [c.type.entity] : []))));

export interface ProblemOut {
  file: string;
  line: number | null;
  column: string | null;
  value: string | null;
  reason: Record<Lang, string>;
}

export interface ImportReport {
  result: 'imported' | 'checked' | 'refused';
  files: { file: string; entity: EntityName; encoding: string; rows: number }[];
  entities: Partial<Record<EntityName, Counts>>;
  problems: ProblemOut[];
  warnings: ProblemOut[];
  merges: { code: string; into: string; via: string; value: string; reason: Record<Lang, string> }[];
  asOf: string | null;
  runId: number | null;
}

const both = (m: Message): Record<Lang, string> => ({ zh: say(m, 'zh'), en: say(m, 'en') });
const out = (p: FileProblem): ProblemOut => ({ file: p.file, line: p.line, column: p.column, value: p.value, reason: both(p.reason) });

class Stop extends Error {}

export async function runImport(sql: Sql, input: InputFile[], options: ImportOptions): Promise<ImportReport> {
  await migrate(sql);
  const problems: FileProblem[] = [];
  const { sheets, problems: readProblems } = await readSheets(input);
  problems.push(...readProblems);
  const parseTime = timeParser(options.timeZone);
  const byEntity = new Map<EntityName, EntityRows>();
  const files: ImportReport['files'] = [];
  const readSeconds = new Map<EntityName, number>();
  const readDone = (sheet: Sheet, rows: EntityRows | null, rowCount: number, seconds: number): void => {
    files.find((f) => f.file === sheet.file)!.rows = rowCount;
    readSeconds.set(sheet.entity, seconds);
    options.onProgress?.({ phase: 'read', file: sheet.file, entity: sheet.entity, rows: rowCount, seconds });
    if (rows) byEntity.set(sheet.entity, rows);
  };
  const readWhole = (sheet: Sheet): void => {
    const started = performance.now();
    const { rows, rowCount } = validateSheet(sheet, parseTime, problems);
    readDone(sheet, rows, rowCount, sheet.seconds + (performance.now() - started) / 1000);
  };
  // The orders are read in the transaction: a first load of many streams to PostgreSQL as it is parsed (stream.ts).
  const ordersSheet = sheets.find((s) => s.entity === 'orders') ?? null;
  for (const sheet of sheets) {
    files.push({ file: sheet.file, entity: sheet.entity, encoding: sheet.encoding, rows: 0 });
    if (sheet !== ordersSheet) readWhole(sheet);
  }
  const report: ImportReport = { result: 'refused', files, entities: {}, problems: [], warnings: [], merges: [], asOf: null, runId: null };
  const isBad = (): boolean => problems.some((p) => !p.warning);
  let merges: Merge[] = [];
  let parser = null as PartParser | null;
  try {
    await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(7345016)`;
      await tx`SET LOCAL synchronous_commit = off`;
      const [origin] = await tx<{ value: string }[]>`SELECT value FROM siyu.settings WHERE key = 'data_origin'`;
      if (origin?.value === 'demo_generator') {
        if (!options.replaceDemo) {
          problems.push({ file: '', line: null, column: null, value: null, reason: msg('demo_data') });
          if (ordersSheet) readWhole(ordersSheet);
          throw new Stop();
        }
        await tx.unsafe(`TRUNCATE siyu.settings, siyu.teams, siyu.employees, siyu.channels, siyu.customers, siyu.customer_identities,
          siyu.campaigns, siyu.campaign_spend, siyu.campaign_participations, siyu.orders, siyu.events, siyu.follow_ups,
          siyu.appointments, siyu.accounts, siyu.import_codes CASCADE`);
      }
      // A first import: the empty code map truncated in the transaction gets new files, so its COPYs write no WAL under
      // wal_level=minimal (the embedded cluster), as the orders' (write.ts); nothing references it by a foreign key.
      const [codes] = await tx<{ empty: boolean }[]>`SELECT NOT EXISTS (SELECT 1 FROM siyu.import_codes) AS empty`;
      if (codes!.empty) await tx`TRUNCATE siyu.import_codes`;
      await settleTimeZone(tx, options.timeZone, problems);
      let streaming: { cursor: RowCursor; checker: SheetChecker; timing: { parse: number } } | null = null;
      if (ordersSheet) {
        const started = performance.now();
        const checker = sheetChecker(ordersSheet, parseTime, problems);
        const cursor = checker && !isBad() && (await canStream(tx)) ? ordersSheet.cursor() : null;
        const timing = { parse: 0 };
        if (checker && cursor && (await firstBlock(cursor, checker, timing))) {
          streaming = { cursor, checker, timing };
          // The thread that may parse the orders' second part (stream.ts), loading while the other files are written.
          parser = new PartParser();
        } else {
          // Refused by its header (its problems reported): only its rows counted.
          const refused = { rows: null, rowCount: 0 };
          if (!checker) ordersSheet.eachRow(() => refused.rowCount++);
          const { rows, rowCount } = !checker ? refused : checker.finish(cursor ? cursor.unclosedAt : ordersSheet.eachRow(checker.row));
          readDone(ordersSheet, rows, rowCount, ordersSheet.seconds + (performance.now() - started) / 1000);
        }
      }
      const ids = emptyIds();
      const pending: Pending = { periods: false, customerDays: null };
      // The customer-day table, rebuilt whole after a bulk or streamed write of orders: on a line of its own right after
      // the orders' line, as the seed builds it after its load (timed beside the load's rows per second, not in them).
      const customerDays = async (file: string, entity: EntityName): Promise<void> => {
        const build = pending.customerDays;
        if (!build) return;
        pending.customerDays = null;
        const started = performance.now();
        const rows = await build();
        options.onProgress?.({ phase: 'derived', file, entity, table: 'siyu.customer_days', rows, seconds: (performance.now() - started) / 1000 });
      };
      const checks = new Map<EntityName, number>();
      const timed = async <T>(entities: Iterable<EntityName>, work: () => Promise<T>): Promise<T> => {
        const started = performance.now();
        const result = await work();
        for (const e of entities) checks.set(e, (checks.get(e) ?? 0) + (performance.now() - started) / 1000);
        return result;
      };
      const plan = await timed(['customers', 'identities'], () => planCustomers(tx, byEntity.get('customers'), byEntity.get('identities'), problems));
      merges = plan.merges;
      const referring = [...byEntity.values()].filter((r) => r.spec.columns.some((c) => c.type.kind === 'ref')).map((r) => r.spec.name);
      await timed(referring, () => checkReferences(tx, byEntity, ids, problems));
      await timed(['teams', 'employees', 'channels', 'campaigns'], () => checkNamesAgainstDatabase(tx, byEntity, problems));
      if (isBad() && streaming) {
        // Refused already: the rest of the orders is only checked, so that every problem is reported.
        const { cursor, checker, timing } = streaming;
        const started = performance.now();
        while (cursor.next((line, cells) => void checker.row(line, cells)));
        const { rows, rowCount } = checker.finish(cursor.unclosedAt);
        if (rows) byEntity.set('orders', rows);
        if (rows) await checkReferences(tx, byEntity, ids, problems, 'orders');
        readDone(ordersSheet!, rows, rowCount, ordersSheet!.seconds + timing.parse + (performance.now() - started) / 1000);
        streaming = null;
      }
      if (isBad()) throw new Stop();

      for (const spec of ENTITIES) {
        if (spec.name === 'orders' && streaming) {
          const { cursor, checker, timing } = streaming;
          const started = performance.now();
          const parsedBefore = timing.parse;
          let rowCount = 0;
          // The read line once the last row is parsed; PostgreSQL goes on with the last blocks, the keys and the summary.
          // A second part parsed on another thread: its rows counted here, its unclosed quote reported at the file's end.
          const { counts } = await streamOrders(tx, cursor, checker, ids, problems, timing, pending, (rest) => {
            rowCount = checker.finish(cursor.unclosedAt ?? rest.unclosedAt).rowCount + rest.rowCount;
            readDone(ordersSheet!, null, rowCount, ordersSheet!.seconds + timing.parse);
          }, () => duplicateKeys(ordersSheet!, parseTime), { timeZone: options.timeZone, header: ordersSheet!.header, parser: parser! });
          const read = ordersSheet!.seconds + timing.parse;
          report.entities.orders = counts;
          // Read and write overlap: the write is the span less its parse.
          const seconds = (performance.now() - started) / 1000 - (timing.parse - parsedBefore);
          options.onProgress?.({ phase: 'write', file: ordersSheet!.file, entity: 'orders', rows: rowCount, seconds, total: read + seconds });
          await customerDays(ordersSheet!.file, 'orders');
          continue;
        }
        const rows = byEntity.get(spec.name);
        if (!rows) continue;
        const started = performance.now();
        let mapped: Mapped = { fresh: 0, firstId: null, settled: async () => {} };
        if (spec.name === 'customers') await mapCustomers(tx, plan, ids.customers);
        else if (!NATURAL_KEY[spec.name]) mapped = await mapCodes(tx, spec.name, rows.records.map((r) => r.key), ids[spec.name], !REFERENCED.has(spec.name));
        const records = spec.name === 'customers' ? plan.rows.map((r) => r.record) : rows.records;
        // Made while PostgreSQL rebuilds the code map's keys (a first load).
        const table = tableRows(spec.name, records, rows, ids, problems, mapped.firstId);
        await mapped.settled();
        report.entities[spec.name] = await upsert(tx, spec.name, table, pending, mapped.fresh === records.length && mapped.fresh > 0);
        if (spec.name === 'employees') await setTeamManagers(tx);
        const seconds = (performance.now() - started) / 1000;
        options.onProgress?.({
          phase: 'write', file: rows.file, entity: spec.name, rows: rows.rowCount, seconds,
          total: (readSeconds.get(spec.name) ?? 0) + (checks.get(spec.name) ?? 0) + seconds,
        });
        await customerDays(rows.file, spec.name);
      }
      // A bad row of a streamed file is found as late as its block (its last, say): all or nothing still.
      if (isBad()) throw new Stop();
      // The period tables after a whole rebuild of the customer-day table: once, for the data date the import sets.
      report.asOf = await writeSettings(tx, { asOf: options.asOf }, pending.periods);
      if (pending.periods) await afterCustomerDays(tx);
      if (options.check) throw new Stop();
    });
    report.result = 'imported';
  } catch (error) {
    const constraint = (error as { constraint_name?: string }).constraint_name;
    // A rule of the schema the checks above did not foresee: refused in the product's words, never as SQL.
    if (constraint) problems.push({ file: '', line: null, column: null, value: constraint, reason: msg('constraint', { constraint }) });
    else if (!(error instanceof Stop || error instanceof StreamRefused)) throw error;
    report.result = isBad() ? 'refused' : 'checked';
  } finally {
    await parser?.stop();
  }
  report.problems = problems.filter((p) => !p.warning).map(out);
  report.warnings = problems.filter((p) => p.warning).map(out);
  report.merges = merges.map((m) => ({ ...m, reason: both(mergeMessage(m)) }));
  if (report.result === 'imported') {
    const tables = Object.keys(report.entities).map((e) => TARGET[e as EntityName].table);
    await refreshDerived(sql, [...tables, ...tables.flatMap((t) => SUMMARIES[t]?.table ?? [])]);
  }
  report.runId = await recordRun(sql, options, report);
  return report;
}

/** Every code a row refers to must be in the files or already in the database. */
async function checkReferences(tx: TransactionSql, byEntity: Map<EntityName, EntityRows>, ids: Ids, problems: FileProblem[],
  only?: EntityName): Promise<void> {
  const inFiles = (entity: EntityName): Set<string> => new Set((byEntity.get(entity)?.records ?? []).map((r) => r.key));
  const fileKeys = new Map<EntityName, Set<string>>();
  const wanted = new Map<EntityName, Set<string>>();
  const uses: { rows: EntityRows; at: number; entity: EntityName }[] = [];
  for (const rows of byEntity.values()) {
    if (only && rows.spec.name !== only) continue;
    rows.spec.columns.forEach((c, at) => {
      if (c.type.kind !== 'ref') return;
      const entity = c.type.entity;
      if (!fileKeys.has(entity)) fileKeys.set(entity, inFiles(entity));
      const keys = fileKeys.get(entity)!;
      const set = wanted.get(entity) ?? new Set<string>();
      for (const r of rows.records) {
        const code = r.v[at];
        if (code && !keys.has(code)) set.add(code);
      }
      wanted.set(entity, set);
      uses.push({ rows, at, entity });
    });
  }
  for (const [entity, codes] of wanted) {
    if (codes.size === 0) continue;
    for (const r of await tx<{ code: string; id: number }[]>`
      SELECT code, id::int FROM siyu.import_codes WHERE entity = ${entity} AND code = ANY(${[...codes]}::text[])`) ids[entity].set(r.code, r.id);
  }
  for (const { rows, at, entity } of uses) {
    // Every code was found (the usual case): no row to blame, no second pass over the rows.
    if ([...wanted.get(entity)!].every((code) => ids[entity].has(code))) continue;
    const keys = fileKeys.get(entity)!;
    for (const r of rows.records) {
      const code = r.v[at];
      if (code && !keys.has(code) && !ids[entity].has(code)) {
        problems.push({ file: rows.file, line: r.line, column: rows.headers[at] || rows.spec.columns[at]!.name, value: code, reason: msg('unknown_ref', { entity }) });
      }
    }
  }
}

/**
 * Teams, employees, channels and campaigns are shown by name, unique in the
 * schema: a name the database gives another code (not renamed by these
 * files) is refused here rather than by the constraint.
 */
async function checkNamesAgainstDatabase(tx: TransactionSql, byEntity: Map<EntityName, EntityRows>, problems: FileProblem[]): Promise<void> {
  for (const entity of ['teams', 'employees', 'channels', 'campaigns'] as const) {
    const rows = byEntity.get(entity);
    if (!rows) continue;
    const at = columnIndex(entity, 'name');
    const inFile = new Map(rows.records.map((r) => [r.key, r.v[at]!]));
    const taken = await tx.unsafe<{ name: string; code: string | null }[]>(`
      SELECT t.name, (SELECT i.code FROM siyu.import_codes i WHERE i.entity = $1 AND i.id = t.id LIMIT 1) AS code
      FROM siyu.${TARGET[entity].table} t WHERE t.name = ANY($2::text[])`, [entity, [...inFile.values()]]);
    const owner = new Map(taken.map((t) => [t.name, t.code]));
    for (const r of rows.records) {
      const name = r.v[at]!;
      if (!owner.has(name)) continue;
      const other = owner.get(name);
      if (other !== r.key && !(other !== null && other !== undefined && inFile.has(other) && inFile.get(other) !== name)) {
        problems.push({ file: rows.file, line: r.line, column: rows.headers[at] || 'name', value: name, reason: msg('duplicate_name', { other: other ?? '?' }) });
      }
    }
  }
}

/** Records to the table's cells: the row's id, then TARGET's columns, codes replaced by ids. */
function tableRows(entity: EntityName, records: EntityRows['records'], rows: EntityRows, ids: Ids, problems: FileProblem[],
  firstId: number | null): (string | number | null)[][] {
  const spec = ENTITY[entity];
  const sources = TARGET[entity].columns.map(([, name]) => {
    const at = columnIndex(entity, name);
    const type = spec.columns[at]!.type;
    return { at, ref: type.kind === 'ref' ? type.entity : null };
  });
  const natural = NATURAL_KEY[entity];
  const own = ids[entity];
  const maps = sources.map((s) => (s.ref ? ids[s.ref] : null));
  const ats = sources.map((s) => s.at);
  const out: (string | number | null)[][] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const cells: (string | number | null)[] = new Array(1 + ats.length);
    cells[0] = natural ? null : firstId !== null ? firstId + i : own.get(r.key)!;
    for (let k = 0; k < ats.length; k++) {
      const v = r.v[ats[k]!] ?? null;
      const map = maps[k];
      cells[k + 1] = map && v !== null ? map.get(v)! : v;
    }
    if (entity === 'customers' && cells[10] === cells[0]) cells[10] = null; // referred by a code merged into the customer
    if (natural) {
      // After a merge two rows may name one row of the table: the first line wins.
      const key = natural.map((c) => cells[1 + TARGET[entity].columns.findIndex(([t]) => t === c)]).join('\u0001');
      const other = seen.get(key);
      if (other !== undefined) {
        if (entity === 'participations') problems.push({ file: rows.file, line: r.line, column: null, value: null, reason: msg('duplicate_participation', { other }), warning: true });
        continue;
      }
      seen.set(key, r.line);
    }
    out.push(cells);
  }
  return out;
}

/** A team's manager is its first active lead (teams.manager_id; the files do not name one). */
async function setTeamManagers(tx: TransactionSql): Promise<void> {
  // Asked first: an UPDATE of no row still counts as a change of the table (siyu.data_changes).
  const wanted = tx`
    SELECT t.id, (SELECT min(e.id) FROM siyu.employees AS e WHERE e.team_id = t.id AND e.role = 'lead' AND e.active) AS manager_id
    FROM siyu.teams AS t`;
  const changes = await tx<{ id: number; manager_id: number | null }[]>`
    SELECT w.id, w.manager_id FROM (${wanted}) AS w JOIN siyu.teams AS t ON t.id = w.id WHERE t.manager_id IS DISTINCT FROM w.manager_id`;
  if (changes.length === 0) return;
  await tx`
    UPDATE siyu.teams AS t SET manager_id = w.manager_id
    FROM unnest(${changes.map((c) => c.id)}::int[], ${changes.map((c) => c.manager_id) as number[]}::int[]) AS w(id, manager_id)
    WHERE w.id = t.id`;
}
