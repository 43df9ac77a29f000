/**
 * A first load of a large orders file, streamed: each block of rows goes to
 * PostgreSQL as soon as it is parsed and checked, and PostgreSQL takes it in
 * (the orders' COPY, the code map's COPY) while this process parses the next
 * (two cores: both work at once). The customer-day table is built whole from
 * the orders after their line, on a line of its own (`customerDays`). Still
 * the one transaction of the import: a bad row anywhere, found in the last
 * block as well as the first, leaves the import refused and nothing written
 * (run.ts rolls back), and the checks see the whole file before the commit:
 * the keys seen stay from block to block (validate.ts), every reference is
 * resolved against the files' codes and the database before its block is
 * sent. Taken only when the orders table is empty and no order code is
 * mapped yet (a first load), and only for a file longer than one block. A
 * long file (SPLIT) is cut in two at a record boundary: the second part is
 * parsed and checked on another thread (stream-part.ts) while this one
 * parses the first; the first part's blocks are streamed as they come, the
 * second's (waiting meanwhile) after them, so the rows lie in the table in
 * file order (ids too: the second part's above every id of the first).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TransactionSql } from 'postgres';
import { holdDayFollowers } from './derived.ts';
import { msg } from './messages.ts';
import type { EntityName } from './contract.ts';
import type { FileProblem, RowCursor } from './read.ts';
import type { PartMessage } from './stream-part.ts';
import { codeText, orderColumns, orderText, PartParser } from './stream-rows.ts';
import type { Record_, SheetChecker } from './validate.ts';
import { copyRefusal, dropForBulk, SUMMARIES, TARGET, type Counts, type Ids, type Pending } from './write.ts';

/** Rows per block sent to PostgreSQL; a file of one block or less takes the usual path. */
export const STREAM_BLOCK = 20_000;
/** Rows parsed between two turns of the event loop, so the statements of the block before go on meanwhile. */
const SLICE = 1_000;

const ENTITY = 'orders';

/** From this many rows left after the first block (at its rows' length), the rest is parsed on two threads (stream-part.ts). */
export const SPLIT = { rows: 100_000, /** Files cut so far (read by the tests). */ parts: 0 };

type Block = { rows: string[]; codes: string[] };
type PartBlock = Extract<PartMessage, { kind: 'block' }>;
/** The second part's rows and its unclosed quote (none: no second part). */
export type PartEnd = { rowCount: number; unclosedAt: number | null };

/** Whether a first load of orders can stream: an empty table nothing references and no order code in the map. */
export async function canStream(tx: TransactionSql): Promise<boolean> {
  const [row] = await tx<{ ok: boolean }[]>`
    SELECT NOT EXISTS (SELECT 1 FROM siyu.orders)
       AND NOT EXISTS (SELECT 1 FROM siyu.import_codes WHERE entity = ${ENTITY})
       AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f' AND confrelid = 'siyu.orders'::regclass) AS ok`;
  return row!.ok;
}

/** Parses and checks up to `limit` rows (in slices, yielding between them); false once the file has ended. */
async function parseRows(cursor: RowCursor, checker: SheetChecker, limit: number, timing: { parse: number },
  take?: (r: Record_) => void): Promise<boolean> {
  let more = true;
  const records = checker.rows.records;
  for (let done = 0; more && done < limit;) {
    const started = performance.now();
    let n = 0;
    more = cursor.next((line, cells) => {
      checker.row(line, cells);
      // Each good row goes on at once: rows held to the end of their block outlived the young generation (GC).
      if (take && records.length > 0) take(records.pop()!);
      return ++n >= Math.min(SLICE, limit - done);
    });
    done += n;
    timing.parse += (performance.now() - started) / 1000;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return more;
}

/** The first block, parsed before the transaction's other work: whether the file goes on past it. */
export async function firstBlock(cursor: RowCursor, checker: SheetChecker, timing: { parse: number }): Promise<boolean> {
  return parseRows(cursor, checker, STREAM_BLOCK, timing);
}

/** One COPY of a whole buffer, settled when the server has taken it in (or refused it). */
async function copyBuffer(tx: TransactionSql, target: string, columns: readonly string[], text: string): Promise<void> {
  if (text === '') return;
  const query = tx.unsafe(`COPY ${target} (${columns.join(', ')}) FROM STDIN`);
  const failed = copyRefusal(query);
  const writable = await Promise.race([failed, query.writable()]);
  await Promise.race([failed, pipeline(Readable.from([Buffer.from(text)]), writable)]);
}

/** The orders refused by the database's duplicate check, their problems reported (the transaction is aborted: nothing written). */
export class StreamRefused extends Error {}

/**
 * The duplicate keys found by a second pass in the orders' problems, in line order. A second row of a key went on to
 * the COPY (its twin was not known yet), so a reference of it to an unknown code was reported too: dropped, as the
 * usual check reports a duplicate row for its key alone.
 */
function duplicatesFound(problems: FileProblem[], file: string, found: FileProblem[]): void {
  const lines = new Set(found.map((p) => p.line));
  const kept = problems.filter((p) => !(p.file === file && lines.has(p.line) && p.reason.key === 'unknown_ref'));
  problems.length = 0;
  problems.push(...kept);
  for (const d of found) {
    const at = problems.findIndex((p) => p.file === file && p.line !== null && p.line > d.line!);
    problems.splice(at < 0 ? problems.length : at, 0, d);
  }
}

export interface Streamed {
  counts: Counts;
  /** Seconds spent parsing and checking (the rest of the span is the write). */
  parseSeconds: number;
}

/**
 * Streams the orders whose first block `checker` already holds: statements
 * go one after the other on the transaction's connection (nothing may be
 * sent while a COPY is open), at most two blocks ahead of the parse.
 * `split` (the time zone, the header, a thread started): the rest may be cut in two (the caller stops the thread).
 */
export async function streamOrders(tx: TransactionSql, cursor: RowCursor, checker: SheetChecker, ids: Ids, problems: FileProblem[],
  timing: { parse: number }, derived: Pending, parsed: (rest: PartEnd) => void, duplicates: () => FileProblem[],
  split: { timeZone: string; header: string[]; parser: PartParser } | null = null): Promise<Streamed> {
  const { table, columns } = TARGET.orders;
  const cols = ['id', ...columns.map(([c]) => c)];
  const { spec, file, headers } = checker.rows;

  // Everything the bulk path of write.ts does for a first load, before the first row is sent.
  const [{ base } = { base: 0 }] = await tx<{ base: number }[]>`
    SELECT greatest((SELECT coalesce(max(id), 0) FROM siyu.orders),
                    (SELECT coalesce(max(id), 0) FROM siyu.import_codes WHERE entity = ${ENTITY}))::bigint AS base`;
  const firstId = Number(base) + 1;
  const estimate = checker.rows.rowCount / Math.max(cursor.done(), 1e-9);
  const [{ mapped } = { mapped: 0 }] = await tx<{ mapped: number }[]>`SELECT count(*)::int AS mapped FROM (SELECT 1 FROM siyu.import_codes LIMIT 1000000) AS c`;
  const codeKeys = estimate >= mapped ? await dropForBulk(tx, 'import_codes', true) : [];
  // The code map's primary key, rebuilt after the last row, refuses an order code twice: Node's own check is left out
  // (one look-up in a map of every code of the file per row, a fifth of the parse) and run again only when it does.
  const keysDeferred = codeKeys.some((k) => k.includes('PRIMARY KEY'));
  if (keysDeferred) checker.keysElsewhere();
  const orderKeys = await dropForBulk(tx, table, true);
  const summary = SUMMARIES[table]!;
  for (const trigger of summary.triggers) await tx.unsafe(`ALTER TABLE siyu.${table} DISABLE TRIGGER ${trigger}`);
  // A table truncated in the transaction gets new files: with wal_level=minimal its COPY writes no WAL (write.ts).
  await tx.unsafe(`TRUNCATE siyu.${table}`);

  let failure: unknown = null;
  let chain: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
    const run = chain.then(() => (failure ? Promise.reject(failure) : work()));
    chain = run.catch((e: unknown) => {
      failure ??= e;
    });
    return run;
  };

  const missing = new Set<string>();
  const order = orderColumns();
  const refMaps = order.entities.map((e) => (e ? ids[e] : null));
  let nextId = firstId;
  let written = 0;
  const pending: Promise<unknown>[] = [];
  let mine: Block = { rows: [], codes: [] };
  let held: Record_[] = [];
  /** A row to a block's COPY text, unless a code of it is still to be looked up (false: held to the block's end). */
  const append = (r: Record_, out: Block, lookedUp: boolean, report: FileProblem[], id?: number): boolean => {
    const text = orderText(r.v, order, refMaps);
    if (typeof text === 'number') {
      if (!lookedUp) return false;
      const at = order.ats[text]!;
      report.push({ file, line: r.line, column: headers[at] || spec.columns[at]!.name, value: r.v[at]!,
        reason: msg('unknown_ref', { entity: order.entities[text]! }) });
      return true;
    }
    const rowId = id ?? nextId++;
    out.rows.push(`${rowId}\t${text}`);
    out.codes.push(codeText(r.key, rowId));
    written++;
    return true;
  };
  const take = (r: Record_): void => {
    if (!append(r, mine, false, problems)) held.push(r);
  };
  /** Codes neither in the files nor looked up yet: from the database (through the chain: no statement may pass a COPY). */
  const lookUp = async (rows: readonly Pick<Record_, 'v'>[]): Promise<void> => {
    const unknown = new Map<EntityName, Set<string>>();
    for (const r of rows) {
      order.entities.forEach((entity, k) => {
        const code = r.v[order.ats[k]!];
        if (entity && code && !ids[entity].has(code) && !missing.has(`${entity}\u0001${code}`)) {
          let set = unknown.get(entity);
          if (!set) unknown.set(entity, (set = new Set()));
          set.add(code);
        }
      });
    }
    for (const [entity, set] of unknown) {
      const found = await enqueue(() => tx<{ code: string; id: number }[]>`
        SELECT code, id::int FROM siyu.import_codes WHERE entity = ${entity} AND code = ANY(${[...set]}::text[])`);
      for (const f of found) ids[entity].set(f.code, f.id);
      for (const code of set) if (!ids[entity].has(code)) missing.add(`${entity}\u0001${code}`);
    }
  };
  /** A block's rows to the orders and the code map, after the blocks before. */
  const send = async (rows: string, codes: string): Promise<void> => {
    const done = enqueue(async () => {
      await copyBuffer(tx, `siyu.${table}`, cols, rows);
      await copyBuffer(tx, 'siyu.import_codes', ['entity', 'code', 'id', 'merged'], codes);
    });
    done.catch(() => {});
    pending.push(done);
    // At most two blocks ahead of PostgreSQL.
    if (pending.length >= 2) await pending[pending.length - 2]!.catch(() => {});
  };
  const joined = (lines: string[]): string => (lines.length > 0 ? `${lines.join('\n')}\n` : '');

  // The first block, parsed before the codes it refers to had ids.
  const first = checker.rows.records;
  checker.rows.records = [];
  let more = true;
  let from = firstId;
  for (const r of first) take(r);
  // The rest of a long file on two threads: the part after its middle parsed and checked by stream-part.ts meanwhile,
  // its ids above every id this part can take (a row per record at most). Only with the keys left to the code map's
  // key: a key in both parts is refused there like any other.
  const cut = keysDeferred && split ? cursor.cut?.(checker.rows.rowCount, SPLIT.rows) : null;
  const part = cut && split ? split.parser : null;
  if (part && cut) part.start({
    part: cut, file, encoding: checker.rows.encoding, header: split!.header, timeZone: split!.timeZone, idBase: firstId + first.length + cut.records,
    maps: order.entities.map((e) => (e ? [[...ids[e].keys()], [...ids[e].values()]] : null)), block: STREAM_BLOCK,
  });
  if (part) SPLIT.parts++;
  // Its problems after this part's (their lines are after), as the rows' problems come in line order.
  const partProblems: FileProblem[] = [];
  const sendPart = async (b: PartBlock): Promise<void> => {
    partProblems.push(...b.problems);
    let { rows, codes } = b;
    if (b.held.length > 0) {
      await lookUp(b.held);
      const out: Block = { rows: [], codes: [] };
      for (const h of b.held) append(h, out, true, partProblems, h.id);
      rows += joined(out.rows);
      codes += joined(out.codes);
    }
    written += b.count;
    if (rows !== '') await send(rows, codes);
  };
  let rest: PartEnd = { rowCount: 0, unclosedAt: null };
  try {
    for (;;) {
      const started = performance.now();
      if (held.length > 0) {
        await lookUp(held);
        for (const r of held) append(r, mine, true, problems);
        held = [];
      }
      timing.parse += (performance.now() - started) / 1000;
      if (nextId > from) {
        const block = mine;
        mine = { rows: [], codes: [] };
        from = nextId;
        await send(joined(block.rows), joined(block.codes));
      }
      if (failure) throw failure;
      if (!more) break;
      more = await parseRows(cursor, checker, STREAM_BLOCK, timing, take);
    }
    // The second part's blocks after the first part's, in file order: its rows then lie in the table in file order,
    // as one thread writes them (interleaved, the sorts after the parse met them out of order: the customer-day
    // rows' 2.1 s became 3.1 s, 17.3 s of PostgreSQL after the parse against 14.1 s, the medians of five runs).
    if (part) {
      for (let blocks = await part.next(); blocks.length > 0 && !failure; blocks = await part.next()) for (const b of blocks) await sendPart(b);
      if (failure) throw failure;
      rest = { rowCount: part.end!.rowCount, unclosedAt: part.end!.unclosedAt };
      problems.push(...partProblems, ...part.end!.problems);
    }
  } finally {
    await split?.parser.stop();
  }
  parsed(rest);
  await Promise.all(pending);
  if (failure) throw failure;

  // Indexes, keys and foreign keys once (as write.ts's bulk path). The code map's key first: it is the duplicate check
  // of the orders' codes.
  try {
    for (const statement of codeKeys) await tx.unsafe(statement);
  } catch (error) {
    if (!keysDeferred || (error as { code?: string }).code !== '23505') throw error;
    duplicatesFound(problems, checker.rows.file, duplicates());
    throw new StreamRefused();
  }
  for (const statement of orderKeys) await tx.unsafe(statement);
  // The customer-day table after the orders' line (run.ts), as the seed builds it after its load: see customerDays.
  derived.customerDays = () => customerDays(tx, summary.triggers, derived);
  return { counts: { rows: written, inserted: written, updated: 0, unchanged: 0 }, parseSeconds: timing.parse };
}

/**
 * The customer-day table (migration 013) built whole from the streamed
 * orders, after their line and in the same transaction, as the seed builds
 * it after its load (seed/load.ts, "summarize": timed beside the load, not
 * in its rows per second): the paid orders grouped as
 * siyu.rebuild_customer_days groups them, by one sort that also puts them in
 * day order (the rebuild's order; its BRIN index reads neighbouring pages),
 * then its key and indexes. A sort, not a hash: grouping 900,000 paid
 * orders into as many keys and putting them in day order cost 3.3 s of CPU
 * sorted, 3.7 s hashed and then sorted. Until the third round's stream
 * each block's paid orders were summed while the next block was parsed and
 * the sums summed again here: 2.1 s of PostgreSQL's CPU for a million
 * orders inside the stream, for a final sort that cost what this one does
 * (ninth round, docs/import.md). Returns its rows.
 */
async function customerDays(tx: TransactionSql, orderTriggers: readonly string[], derived: Pending): Promise<number> {
  await tx.unsafe(`SET LOCAL work_mem = '256MB'`);
  const dayKeys = await dropForBulk(tx, 'customer_days', true, true);
  await tx.unsafe(`TRUNCATE siyu.customer_days`);
  // The tables that follow the customer-day table: built once after it, for the import's data date (derived.ts).
  await holdDayFollowers(tx);
  await tx.unsafe(`SET LOCAL enable_hashagg = off`);
  // GROUP BY treats NULLs as equal, as the table's key does (NULLS NOT DISTINCT).
  const built = await tx.unsafe(`
    INSERT INTO siyu.customer_days
    SELECT o.customer_id, siyu.local_midnight(siyu.local_date(o.ordered_at)), o.channel_id, o.campaign_id, o.employee_id,
           COUNT(*), SUM(o.amount)
    FROM siyu.paid_orders AS o
    GROUP BY 2, 1, 3, 4, 5
    ORDER BY 2, 1`);
  await tx.unsafe(`RESET enable_hashagg`);
  for (const statement of dayKeys) await tx.unsafe(statement);
  // The day counters and the classification's queue now (SUMMARIES); the period, owner period and drill lists' tables
  // once the data date is set (afterCustomerDays, derived.ts).
  await tx.unsafe(`SELECT siyu.touch_all_days('orders'), siyu.classification_mark_all()`);
  derived.periods = true;
  for (const trigger of orderTriggers) await tx.unsafe(`ALTER TABLE siyu.orders ENABLE TRIGGER ${trigger}`);
  return built.count;
}
