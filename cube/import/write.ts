/**
 * Records to rows of the product's tables, inside the import's transaction:
 * codes mapped to ids (siyu.import_codes, migration 016), the rows COPYed
 * into a temporary table, the unchanged ones dropped, the rest updated or
 * inserted by id. A table none of whose rows changed is not written at all, so its
 * change counter (siyu.data_changes) and everything keyed on it stay put.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TransactionSql } from 'postgres';
import type { EntityName } from './contract.ts';
import { holdDayFollowers } from './derived.ts';

export type Ids = Record<EntityName, Map<string, number>>;
export const emptyIds = (): Ids => Object.fromEntries(
  ['teams', 'employees', 'channels', 'customers', 'identities', 'campaigns', 'spend', 'participations', 'orders', 'events', 'follow_ups', 'appointments']
    .map((e) => [e, new Map()])) as Ids;

export interface Counts {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

/** Each entity's table and its columns, each filled from a column of the entity (by name) or the row's id. */
export const TARGET: Record<EntityName, { table: string; columns: readonly (readonly [string, string])[] }> = {
  teams: { table: 'teams', columns: [['name', 'name'], ['region', 'region']] },
  employees: { table: 'employees', columns: [['name', 'name'], ['team_id', 'team_code'], ['role', 'role'], ['hired_at', 'hired_on'], ['active', 'active']] },
  channels: { table: 'channels', columns: [['code', 'channel_code'], ['name', 'name'], ['kind', 'kind'], ['type', 'type']] },
  customers: {
    table: 'customers',
    columns: [['name', 'name'], ['phone', 'phone'], ['gender', 'gender'], ['birthday', 'birthday'], ['city_tier', 'city_tier'],
      ['source_channel_id', 'source_channel_code'], ['owner_employee_id', 'owner_employee_code'], ['registered_at', 'registered_at'],
      ['member_level', 'member_level'], ['referred_by_customer_id', 'referred_by_customer_code']],
  },
  identities: { table: 'customer_identities', columns: [['customer_id', 'customer_code'], ['system', 'system'], ['external_id', 'external_id']] },
  campaigns: {
    table: 'campaigns',
    columns: [['name', 'name'], ['type', 'type'], ['starts_at', 'starts_at'], ['ends_at', 'ends_at'], ['budget', 'budget'], ['target_gmv', 'target_gmv']],
  },
  spend: {
    table: 'campaign_spend',
    columns: [['campaign_id', 'campaign_code'], ['channel_id', 'channel_code'], ['employee_id', 'employee_code'], ['spent_on', 'spent_on'], ['amount', 'amount']],
  },
  participations: {
    table: 'campaign_participations',
    columns: [['campaign_id', 'campaign_code'], ['customer_id', 'customer_code'], ['employee_id', 'employee_code'], ['channel_id', 'channel_code'],
      ['joined_at', 'joined_at'], ['invited_by_customer_id', 'invited_by_customer_code']],
  },
  orders: {
    table: 'orders',
    columns: [['customer_id', 'customer_code'], ['employee_id', 'employee_code'], ['channel_id', 'channel_code'], ['campaign_id', 'campaign_code'],
      ['ordered_at', 'ordered_at'], ['amount', 'amount'], ['items', 'items'], ['category', 'category'], ['status', 'status']],
  },
  events: { table: 'events', columns: [['customer_id', 'customer_code'], ['type', 'type'], ['channel_id', 'channel_code'], ['occurred_at', 'occurred_at']] },
  follow_ups: { table: 'follow_ups', columns: [['customer_id', 'customer_code'], ['employee_id', 'employee_code'], ['kind', 'kind'], ['occurred_at', 'occurred_at']] },
  appointments: {
    table: 'appointments',
    columns: [['customer_id', 'customer_code'], ['employee_id', 'employee_code'], ['booked_at', 'booked_at'], ['scheduled_for', 'scheduled_for'], ['arrived_at', 'arrived_at']],
  },
};

/** Entities whose rows are found by their natural key in the table itself (a UNIQUE constraint), not by a code. */
export const NATURAL_KEY: Partial<Record<EntityName, readonly string[]>> = {
  identities: ['system', 'external_id'],
  participations: ['campaign_id', 'customer_id'],
};

const SPECIAL = /[\\\t\n\r]/;

function escaped(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** A value as COPY text. */
export const escapedCopy = (v: string): string => (SPECIAL.test(v) ? escaped(v) : v);

type Cells = readonly (string | number | null)[];

/** Rows as COPY text; one growing string (V8 appends in place) is about three times faster than a string per line joined. */
export function copyText(rows: readonly Cells[], from = 0, to = rows.length): string {
  let out = '';
  for (let r = from; r < to; r++) {
    const row = rows[r]!;
    for (let i = 0; i < row.length; i++) {
      const v = row[i]!;
      out += (i === 0 ? '' : '\t') + (v === null ? '\\N' : typeof v === 'number' ? v : SPECIAL.test(v) ? escaped(v) : v);
    }
    out += '\n';
  }
  return out;
}

/**
 * COPYs rows into a table, their text made a block at a time while
 * PostgreSQL takes in the previous one (two cores: both work at once).
 */
export async function copyInto(tx: TransactionSql, target: string, columns: readonly string[], rows: readonly Cells[]): Promise<void> {
  await copyBlocks(tx, target, columns, rows.length, (from, to) => copyText(rows, from, to));
}

/**
 * A COPY's refusal as a promise to race its writes against. postgres.js
 * (3.4) settles the COPY's promise when the server asks for the data and
 * never ends the stream when the server refuses the COPY after its last byte
 * (a statement trigger, a check on the last rows): the refusal reaches only
 * the query's reject, so it is caught there.
 */
export function copyRefusal(query: unknown): Promise<never> {
  const failed = new Promise<never>((_, reject) => {
    const q = query as { reject: (e: unknown) => void };
    const original = q.reject;
    q.reject = (e) => {
      reject(e);
      original(e);
    };
  });
  failed.catch(() => {});
  return failed;
}

/** COPYs `count` rows whose text `block(from, to)` makes, a block at a time. */
async function copyBlocks(tx: TransactionSql, target: string, columns: readonly string[], count: number,
  block: (from: number, to: number) => string): Promise<void> {
  if (count === 0) return;
  const query = tx.unsafe(`COPY ${target} (${columns.join(', ')}) FROM STDIN`);
  const failed = copyRefusal(query);
  const writable = await query.writable();
  const BLOCK = 20_000;
  await Promise.race([failed, pipeline(Readable.from((function* () {
    for (let at = 0; at < count; at += BLOCK) yield Buffer.from(block(at, Math.min(count, at + BLOCK)));
  })()), writable)]);
}

/**
 * Statements sent at once, run by PostgreSQL while this process goes on
 * (postgres.js queues them on the transaction's connection and sends them
 * on the next turn of the event loop, hence the yield). The promise settles
 * when the last has run; it must be awaited before the transaction ends.
 */
async function sendAhead(tx: TransactionSql, statements: readonly string[]): Promise<() => Promise<void>> {
  const done = Promise.all(statements.map((s) => tx.unsafe(s)));
  done.catch(() => {}); // awaited by the caller; this only keeps an early failure from counting as unhandled
  await new Promise((resolve) => setImmediate(resolve));
  return async () => {
    await done;
  };
}

export interface Mapped {
  /** How many codes were new. */
  fresh: number;
  /** Set when the codes were numbered in order without a map in memory: the id of the first code. */
  firstId: number | null;
  /** Waits for the code map's keys (rebuilt while the caller prepares its rows). */
  settled: () => Promise<void>;
}

const SETTLED = async (): Promise<void> => {};

/**
 * Ids for codes: those in the map keep theirs, new ones get the next free
 * ids of the table (after its largest id and the map's) and go into the map.
 * `inOrder`: an entity no other refers to, so no map of its ids is kept in
 * memory when every code is new (a first load): the n-th code gets
 * `firstId + n`. A first load of many codes rebuilds the code map's keys
 * while the caller goes on (`settled`).
 */
export async function mapCodes(tx: TransactionSql, entity: EntityName, codes: readonly string[], ids: Map<string, number>,
  inOrder = false): Promise<Mapped> {
  const [{ any } = { any: false }] = await tx<{ any: boolean }[]>`SELECT EXISTS (SELECT 1 FROM siyu.import_codes WHERE entity = ${entity}) AS any`;
  if (any) {
    const unknown = codes.filter((c) => !ids.has(c));
    if (unknown.length === 0) return { fresh: 0, firstId: null, settled: SETTLED };
    for (const r of await tx<{ code: string; id: number }[]>`
      SELECT code, id::int FROM siyu.import_codes WHERE entity = ${entity} AND code = ANY(${unknown}::text[])`) ids.set(r.code, r.id);
  }
  const fresh = any || !inOrder ? codes.filter((c) => !ids.has(c)) : codes;
  if (fresh.length === 0) return { fresh: 0, firstId: null, settled: SETTLED };
  const table = TARGET[entity].table;
  const [{ base } = { base: 0 }] = await tx.unsafe<{ base: number }[]>(`
    SELECT greatest((SELECT coalesce(max(id), 0) FROM siyu.${table}),
                    (SELECT coalesce(max(id), 0) FROM siyu.import_codes WHERE entity = $1))::bigint AS base`, [entity]);
  const first = Number(base) + 1;
  const numbered = !any && inOrder;
  if (!numbered) fresh.forEach((code, i) => ids.set(code, first + i));
  const bulk = fresh.length >= BULK_ROWS && fresh.length >= (await tableSize(tx, 'import_codes')) ? await dropForBulk(tx, 'import_codes', true) : null;
  await copyBlocks(tx, 'siyu.import_codes', ['entity', 'code', 'id', 'merged'], fresh.length, (from, to) => {
    let out = '';
    for (let i = from; i < to; i++) {
      const code = fresh[i]!;
      out += `${entity}\t${SPECIAL.test(code) ? escaped(code) : code}\t${first + i}\tfalse\n`;
    }
    return out;
  });
  const settled = bulk ? await sendAhead(tx, bulk) : SETTLED;
  return { fresh: fresh.length, firstId: numbered ? first : null, settled };
}

/**
 * Upserts staged rows (id first, then TARGET's columns) into the entity's
 * table: only what is new or changed is written.
 */
export async function upsert(tx: TransactionSql, entity: EntityName, rows: (string | number | null)[][], pending: Pending,
  allNew = false): Promise<Counts> {
  const { table, columns } = TARGET[entity];
  const cols = ['id', ...columns.map(([c]) => c)];
  const size = allNew && rows.length >= BULK_ROWS ? await tableSize(tx, table) : null;
  if (size !== null && rows.length >= size) {
    // Every code is new, so every id is past the table's largest: nothing to compare, straight into the table.
    // A table no foreign key names loses its primary key too: one sort after the COPY is cheaper than
    // growing the index row by row (0.77 s → 0.53 + 0.09 s of PostgreSQL for 500,000 orders).
    const referenced = await isReferenced(tx, table);
    const rebuild = await dropForBulk(tx, table, !referenced);
    const summary = await pauseSummary(tx, table, pending);
    if (size === 0 && !referenced) {
      // An empty table truncated in the transaction gets new files: with wal_level=minimal (the embedded
      // cluster) the COPY then writes no WAL and the files are synced at the commit (2.0-3.3 s → 1.6 s for
      // 500,000 orders). Its summary is empty too (its truncate trigger empties it; rebuilt after the table's line, run.ts).
      await tx.unsafe(`TRUNCATE siyu.${table}`);
    }
    await copyInto(tx, `siyu.${table}`, cols, rows);
    for (const statement of rebuild) await tx.unsafe(statement);
    if (summary) pending.customerDays = summary;
    return { rows: rows.length, inserted: rows.length, updated: 0, unchanged: 0 };
  }
  const stage = `pg_temp.stage_${table}`;
  await tx.unsafe(`DROP TABLE IF EXISTS ${stage}`);
  await tx.unsafe(`CREATE TEMP TABLE stage_${table} ON COMMIT DROP AS SELECT ${cols.join(', ')} FROM siyu.${table} WITH NO DATA`);
  await copyInto(tx, stage, cols, rows);
  const natural = NATURAL_KEY[entity];
  if (natural) {
    const on = natural.map((c) => `t.${c} = s.${c}`).join(' AND ');
    await tx.unsafe(`UPDATE ${stage} AS s SET id = t.id FROM siyu.${table} AS t WHERE ${on}`);
    await tx.unsafe(`
      WITH base AS (SELECT coalesce(max(id), 0) AS m FROM siyu.${table}),
           fresh AS (SELECT ctid, row_number() OVER () AS n FROM ${stage} WHERE id IS NULL)
      UPDATE ${stage} AS s SET id = base.m + fresh.n FROM fresh, base WHERE s.ctid = fresh.ctid`);
  }
  await tx.unsafe(`ANALYZE ${stage}`);
  const data = columns.map(([c]) => c);
  const removed = await tx.unsafe(`
    DELETE FROM ${stage} AS s USING siyu.${table} AS t
    WHERE t.id = s.id AND (${data.map((c) => `t.${c}`).join(', ')}) IS NOT DISTINCT FROM (${data.map((c) => `s.${c}`).join(', ')})`);
  const unchanged = removed.count;
  const [{ total, updated } = { total: 0, updated: 0 }] = await tx.unsafe<{ total: number; updated: number }[]>(`
    SELECT count(*)::int AS total, count(t.id)::int AS updated FROM ${stage} AS s LEFT JOIN siyu.${table} AS t ON t.id = s.id`);
  if (total > 0) {
    const inserted = total - updated;
    const bulk = inserted >= BULK_ROWS && inserted >= (await tableSize(tx, table)) ? await dropForBulk(tx, table) : null;
    const summary = bulk || (await touchesMany(tx, table, stage)) ? await pauseSummary(tx, table, pending) : null;
    // The changed rows first, then the new ones: a row renamed in the files frees its name for a new row.
    if (updated > 0) {
      await tx.unsafe(`
        UPDATE siyu.${table} AS t SET ${data.map((c) => `${c} = s.${c}`).join(', ')}
        FROM ${stage} AS s WHERE s.id = t.id`);
    }
    if (inserted > 0) {
      await tx.unsafe(`
        INSERT INTO siyu.${table} (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM ${stage} AS s
        WHERE NOT EXISTS (SELECT 1 FROM siyu.${table} AS t WHERE t.id = s.id)`);
    }
    if (bulk) for (const statement of bulk) await tx.unsafe(statement);
    if (summary) pending.customerDays = summary;
  }
  return { rows: rows.length, inserted: total - updated, updated, unchanged };
}

/**
 * Summary tables kept by statement-level triggers on a table: the customer-day
 * table (migration 013) on the orders. Its insert trigger would hold every
 * inserted order in a transition table and merge it row by row. So a bulk
 * insert, and a write touching more than `customers` customers (a large share
 * of a brand: one sort of the whole table is then cheaper than the merge),
 * runs without them and the table is rebuilt once from the orders after it,
 * in the same transaction, as `npm run seed` does (seed/load.ts). A smaller
 * incremental write keeps the triggers: O(change), not O(history).
 */
export const SUMMARIES: Partial<Record<string, { table: string; triggers: readonly string[]; rebuild: string; customers: number }>> = {
  // The day counters (migration 021) too: every day is marked changed after the load instead. And the
  // classification's queue (migration 026), which would hold every order in its transition table: every
  // customer is queued once after the load instead. And the owner period table's (migration 027): built whole
  // once after the load, with the drill lists' tables (afterCustomerDays, derived.ts).
  orders: {
    table: 'customer_days',
    triggers: ['customer_days_insert', 'customer_days_update', 'orders_day_changes_insert', 'orders_day_changes_update',
      'orders_classification_dirty_insert', 'orders_classification_dirty_update', 'period_owners_insert', 'period_owners_update',
      // The hourly sales table (migration 032): rebuilt whole after the load (afterCustomerDays).
      'sales_hours_insert', 'sales_hours_update',
      // The monthly sales table (migration 041): rebuilt from the hourly one after it (afterCustomerDays).
      'sales_months_insert', 'sales_months_update',
      // The daily sales table (migration 042): rebuilt whole after the load (afterCustomerDays).
      'sales_days_insert', 'sales_days_update',
      // The team day table (migration 051): rebuilt whole after the load (afterCustomerDays).
      'sales_team_days_insert', 'sales_team_days_update',
      // The returns day table (migration 043), on its orders side: rebuilt whole after the load (afterCustomerDays).
      'returns_days_insert', 'returns_days_update',
      // The participations' converted flag (migration 019): read again for every participation after it (afterCustomerDays).
      'participant_conversions_insert', 'participant_conversions_update'],
    rebuild: "SELECT siyu.rebuild_customer_days_only()::bigint AS rows, siyu.touch_all_days('orders'), siyu.classification_mark_all()", customers: 50_000,
  },
};

/** Derived tables left to build after the write's line, or once the data date is set (run.ts). */
export interface Pending {
  /** The customer-day table was rebuilt whole: the tables that follow it are built once the data date is set (afterCustomerDays, derived.ts). */
  periods: boolean;
  /**
   * The customer-day table's whole rebuild, left for run.ts to run right after the orders' write line, on a line of
   * its own (as the seed builds it after its load, beside its rows per second): resolves to its rows.
   */
  customerDays?: (() => Promise<number>) | null;
}

/** Whether the staged rows (new and changed) touch more customers than the summary's triggers should lock. */
async function touchesMany(tx: TransactionSql, table: string, stage: string): Promise<boolean> {
  const summary = SUMMARIES[table];
  if (!summary) return false;
  const [row] = await tx.unsafe<{ n: number }[]>(`
    SELECT count(*)::int AS n FROM (
      SELECT customer_id FROM ${stage} UNION SELECT t.customer_id FROM siyu.${table} AS t JOIN ${stage} AS s ON s.id = t.id
      LIMIT ${summary.customers + 1}) AS touched`);
  return row!.n > summary.customers;
}

/**
 * Disables the table's summary triggers; returns what rebuilds the summary and enables them again, resolving to the
 * summary's rows (null: no summary). Left to run.ts, which runs it after the table's write line.
 */
async function pauseSummary(tx: TransactionSql, table: string, pending: Pending): Promise<(() => Promise<number>) | null> {
  const summary = SUMMARIES[table];
  if (!summary) return null;
  for (const trigger of summary.triggers) await tx.unsafe(`ALTER TABLE siyu.${table} DISABLE TRIGGER ${trigger}`);
  // The tables that follow the customer-day table are built once after it, for the import's data date (derived.ts).
  await holdDayFollowers(tx);
  return async () => {
    // The rebuild groups and sorts every paid order: in memory rather than through temporary files (the seed's setting).
    await tx.unsafe(`SET LOCAL work_mem = '256MB'`);
    const [built] = await tx.unsafe<{ rows: string }[]>(summary.rebuild);
    pending.periods = true;
    for (const trigger of summary.triggers) await tx.unsafe(`ALTER TABLE siyu.${table} ENABLE TRIGGER ${trigger}`);
    return Number(built!.rows);
  };
}

/** Whether another table's foreign key names this one (TRUNCATE refuses it, even empty). */
async function isReferenced(tx: TransactionSql, table: string): Promise<boolean> {
  const [row] = await tx<{ any: boolean }[]>`SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f' AND confrelid = ${`siyu.${table}`}::regclass) AS any`;
  return row!.any;
}

/** From this many new rows, more than the table holds, indexes and foreign keys are rebuilt once instead of maintained per row. */
const BULK_ROWS = 20_000;

async function tableSize(tx: TransactionSql, table: string): Promise<number> {
  const [row] = await tx.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM siyu.${table} LIMIT ${BULK_ROWS * 50}) AS t`);
  return row!.n;
}

/**
 * A first load (as the seed does, seed/load.ts): the table's own foreign
 * keys and secondary indexes are dropped before the insert and rebuilt
 * after it by one sort and one check each, in the same transaction (the
 * primary key stays, unless `primaryKeyToo`: the code map, written by
 * COPY, and a table no foreign key names; unique constraints too when
 * `uniqueToo`). Returns what rebuilds them: keys first.
 */
export async function dropForBulk(tx: TransactionSql, table: string, primaryKeyToo = false, uniqueToo = false): Promise<string[]> {
  const keys = await tx<{ drop: string; add: string }[]>`
    SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname) AS drop,
           format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) AS add
    FROM pg_constraint WHERE conrelid = ${`siyu.${table}`}::regclass
      AND (contype = 'f' OR (${primaryKeyToo} AND contype = 'p') OR (${uniqueToo} AND contype = 'u'))
    ORDER BY contype = 'f'`;
  const indexes = await tx<{ drop: string; add: string }[]>`
    SELECT format('DROP INDEX %s', i.indexrelid::regclass) AS drop, pg_get_indexdef(i.indexrelid) AS add
    FROM pg_index i WHERE i.indrelid = ${`siyu.${table}`}::regclass
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`;
  for (const k of [...keys, ...indexes]) await tx.unsafe(k.drop);
  await tx.unsafe(`SET LOCAL maintenance_work_mem = '256MB'`);
  return [...keys.filter((k) => !k.add.includes('FOREIGN KEY')), ...indexes, ...keys.filter((k) => k.add.includes('FOREIGN KEY'))].map((k) => k.add);
}
