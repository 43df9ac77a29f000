/**
 * Loads a generated data set in one transaction, so an interrupted or failed
 * seed leaves the database as it was:
 *
 *   TRUNCATE; drop the tables' keys, foreign keys and indexes (read from the
 *   catalogue, so ones added by later migrations are handled too); COPY the
 *   brand, then each customer block as the generator threads hand it over
 *   (COPY … FREEZE: the rows are written frozen and all-visible); rebuild the
 *   keys and indexes (a sort each, not one insert per row) and the foreign
 *   keys (one check per key, not one per row); ANALYZE them; build the
 *   summary tables and the targets from them; COMMIT.
 *
 * The readers of the tables wait for the commit, as they did for the
 * TRUNCATE before.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Sql, TransactionSql } from 'postgres';
import { BRAND_TABLES, CUSTOMER_TABLES, TABLE_COLUMNS, TABLES, type TableName } from './tables.ts';
import { planBrand, type BrandPlan, type GenerateOptions } from './brand-plan.ts';
import { copyLine, numberRows } from './copy-text.ts';
import { buildKeptTables, holdKeptTables } from './kept-tables.ts';
import { customerBlocks } from './parallel.ts';
import { countDefaultJourney } from '../cube/database/journey-warm.ts';
import { analyzeLoaded, exists, gatherStatistics, vacuumTheRest } from './statistics.ts';
import { seedTargets } from './targets.ts';

/** The tables whose writes are counted per business day (migrations 021, 022, 025), for the rollups' partitions and the journey days. */
const DAY_TRACKED = ['orders', 'campaign_spend', 'customers', 'follow_ups', 'appointments', 'events'] as const;

export interface SeedProgress {
  /**
   * generate: the brand; load: the customer blocks, generated and copied;
   * index: keys and indexes; summarize: each summary table built at the end of the transaction (the customer-day
   * table, migration 013, the participant conversions, 019, ...) by label, and their statistics after the commit;
   * analyze: the loaded tables' statistics, in the transaction right after their keys; classify: the customers' classification as
   * of the as-of date, materialized (migration 009); finish: the day counters, the classification's queue, the targets, the commit.
   */
  phase: 'generate' | 'load' | 'index' | 'summarize' | 'finish' | 'analyze' | 'classify';
  /** Customers (generate, load), statements (index), tables (analyze) or builds (classify) done, of total. */
  done: number;
  total: number;
  label: string;
  /** Rows handled so far in the phase: generated, copied, covered by the rebuilt keys and indexes, or analyzed. */
  rows: number;
  /** While loading: customers generated so far (the threads run a few blocks ahead of the load). */
  generated?: number;
  /** While loading: the table just copied, or 'wait' when a block has just been handed over (bench/seed-phases.ts times each). */
  table?: TableName | 'wait';
  /** A summary step run after the commit (the summary tables' statistics), not inside the transaction. */
  afterCommit?: boolean;
}

export interface SeedOptions extends Omit<GenerateOptions, 'onProgress'> {
  onProgress?: (p: SeedProgress) => void;
  /** Called after the old data is gone inside the transaction; tests use it to simulate a crash. */
  beforeCommit?: () => Promise<void>;
  /** Generator threads: by default one per core when there is more than one block; 0 generates in this thread. */
  workers?: number;
}

/** For the hash joins that check each foreign key at once. */
const WORK_MEM = '256MB';

/**
 * Memory for the index sorts, this transaction only: enough to sort the
 * largest table in memory (about 64 bytes a row), 64 MB to 2 GB.
 */
function maintenanceWorkMem(largestTable: number): string {
  return `${Math.min(2048, Math.max(64, Math.ceil((largestTable * 64) / 2 ** 20)))}MB`;
}

export async function seedDatabase(sql: Sql, options: SeedOptions): Promise<Record<TableName, number>> {
  const { onProgress, beforeCommit, workers, ...data } = options;
  const report = onProgress ?? (() => {});
  const counts = Object.fromEntries(TABLES.map((t) => [t, 0])) as Record<TableName, number>;
  const brandText = Object.fromEntries(BRAND_TABLES.map((t) => [t, ''])) as Record<TableName, string>;
  let plan: BrandPlan | null = null;
  // Started before the brand is planned here: the threads plan it too, and then make the first blocks meanwhile.
  const blocks = customerBlocks(data, () => plan!, workers);
  let hasCustomerDays = false;
  let hasParticipants = false;
  let hasDrill = false;
  let hasDrillSlices = false;
  let hasPeriodOwners = false;
  let hasSalesHours = false;
  let hasSalesMonths = false;
  let keptTables: string[] = [];
  let hasPaidDays = false;
  let hasSalesPaidDays = false;
  try {
    plan = planBrand(data, (table, cells) => {
      brandText[table] += copyLine(cells);
      counts[table]++;
    });
    const brandRows = BRAND_TABLES.reduce((n, t) => n + counts[t], 0);
    report({ phase: 'generate', done: 1, total: 1, label: 'brand', rows: brandRows });
    await sql.begin(async (tx) => {
      await tx`SET LOCAL synchronous_commit = off`;
      await tx.unsafe(`SET LOCAL work_mem = '${WORK_MEM}'`);
      await tx.unsafe(`TRUNCATE ${TABLES.map((t) => `siyu.${t}`).join(', ')} RESTART IDENTITY CASCADE`);
      const keys = await dropKeysAndIndexes(tx);
      // Tables of later migrations (013 customer days, 015 targets) are filled only where they exist:
      // a test of an older migration seeds a database migrated only up to it.
      const [later] = await tx<{ days: boolean; targets: boolean; participants: boolean; participantPeriods: boolean; drill: boolean; owners: boolean; slices: boolean; hours: boolean; paidDays: boolean; salesPaidDays: boolean }[]>`
        SELECT to_regclass('siyu.customer_days') IS NOT NULL AS days, to_regclass('siyu.targets') IS NOT NULL AS targets,
               to_regclass('siyu.participant_conversions') IS NOT NULL AS participants,
               to_regprocedure('siyu.roll_period_participants(boolean)') IS NOT NULL AS "participantPeriods",
               to_regclass('siyu.drill_sales') IS NOT NULL AS drill, to_regclass('siyu.period_owners') IS NOT NULL AS owners,
               to_regclass('siyu.drill_sales_slices') IS NOT NULL AS slices, to_regclass('siyu.sales_hours') IS NOT NULL AS hours,
               to_regclass('siyu.customer_paid_days') IS NOT NULL AS "paidDays", to_regclass('siyu.sales_paid_days') IS NOT NULL AS "salesPaidDays"`;
      // The tables whose day counters (migrations 021, 022) exist here.
      const dayTracked = (await tx<{ name: string }[]>`
        SELECT c.relname AS name FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid
        WHERE t.tgname = c.relname || '_day_changes_insert' AND c.relname = ANY (${[...DAY_TRACKED]})`).map((r) => r.name);
      hasCustomerDays = later!.days;
      hasParticipants = later!.participants;
      hasDrill = later!.drill;
      hasDrillSlices = later!.slices;
      hasSalesHours = later!.hours;
      hasPaidDays = later!.paidDays;
      // The customer-day table (migration 013) is built once from the loaded
      // orders below: its per-statement triggers would otherwise hold every
      // copied order in a transition table and merge each block into it.
      if (later!.days) await tx`ALTER TABLE siyu.orders DISABLE TRIGGER customer_days_insert`;
      // The owner period table (migration 027) likewise: built once after the customer-day table, timed on its own.
      hasPeriodOwners = later!.owners;
      if (later!.owners) {
        await tx`ALTER TABLE siyu.orders DISABLE TRIGGER period_owners_insert`;
        await tx`ALTER TABLE siyu.customer_days DISABLE TRIGGER period_owners_rebuilt`;
      }
      // The hourly sales table (migration 032) likewise: built once from the loaded orders, timed on its own.
      if (later!.hours) await tx`ALTER TABLE siyu.orders DISABLE TRIGGER sales_hours_insert`;
      // The monthly sales table (migration 041) likewise: built once from the hourly table, after it.
      hasSalesMonths = (await tx<{ ok: boolean }[]>`SELECT to_regclass('siyu.sales_months') IS NOT NULL AS ok`)[0]!.ok;
      if (hasSalesMonths) await tx`ALTER TABLE siyu.orders DISABLE TRIGGER sales_months_insert`;
      // The daily sales, returns, registrations and touches tables (migrations 042-045) likewise (seed/kept-tables.ts).
      keptTables = await holdKeptTables(tx);
      // So would the day counters' (migration 021); every day is marked changed once at the end instead.
      for (const t of dayTracked) await tx.unsafe(`ALTER TABLE siyu.${t} DISABLE TRIGGER ${t}_day_changes_insert`);
      // The as-of classification's dirty-customer queue (migration 026) likewise: its triggers would hold every
      // copied row; every customer is marked once at the end instead (a whole rebuild, after the commit below).
      const classificationQueued = (await tx<{ name: string }[]>`
        SELECT c.relname AS name FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid
        WHERE t.tgname = c.relname || '_classification_dirty_insert'`).map((r) => r.name);
      for (const t of classificationQueued) await tx.unsafe(`ALTER TABLE siyu.${t} DISABLE TRIGGER ${t}_classification_dirty_insert`);
      // The participations' converted flags (migration 019) likewise: built once at the end.
      if (later!.participants) {
        await tx`ALTER TABLE siyu.orders DISABLE TRIGGER participant_conversions_insert`;
        await tx`ALTER TABLE siyu.campaign_participations DISABLE TRIGGER participant_conversions_insert`;
      }

      for (const table of BRAND_TABLES) await copyInto(tx, table, Buffer.from(brandText[table]));
      let loadedRows = brandRows;
      let loaded = 0;
      const progress = (customers: number, table?: TableName | 'wait'): void =>
        report({ phase: 'load', done: Math.floor(customers), total: data.customers, label: 'customers', rows: loadedRows, generated: blocks.made(), table });
      for await (const block of blocks) {
        progress(loaded, 'wait');
        const blockRows = CUSTOMER_TABLES.reduce((n, t) => n + block.rows[t], 0);
        let copied = 0;
        for (const table of CUSTOMER_TABLES) {
          const rows = block.rows[table];
          if (rows === 0) continue;
          numberRows(block.text[table], counts[table] + 1, rows);
          await copyInto(tx, table, block.text[table]);
          counts[table] += rows;
          loadedRows += rows;
          copied += rows;
          progress(loaded + (block.customers * copied) / blockRows, table);
        }
        loaded += block.customers;
      }

      await tx.unsafe(`SET LOCAL maintenance_work_mem = '${maintenanceWorkMem(Math.max(...Object.values(counts)))}'`);
      let rowsIndexed = 0;
      for (const [k, key] of keys.rebuild.entries()) {
        report({ phase: 'index', done: k, total: keys.rebuild.length, label: key.name, rows: rowsIndexed });
        await tx.unsafe(key.sql);
        rowsIndexed += counts[key.table as TableName] ?? 0;
      }
      report({ phase: 'index', done: keys.rebuild.length, total: keys.rebuild.length, label: 'keys and indexes', rows: rowsIndexed });
      // The loaded tables' statistics before anything is built from them (seed/statistics.ts).
      await analyzeLoaded(tx, counts, report);
      if (later!.days) {
        report({ phase: 'summarize', done: 0, total: 1, label: 'customer-day table', rows: 0 });
        // The drill lists' table (migration 029) is counted once below instead of from the whole table's insert.
        if (later!.drill) await tx`ALTER TABLE siyu.customer_days DISABLE TRIGGER drill_sales_insert`;
        // The sliced drill lists' table (migration 033) likewise.
        if (later!.slices) await tx`ALTER TABLE siyu.customer_days DISABLE TRIGGER drill_sales_slices_insert`;
        // The customer paid-day table (migration 036) likewise: built once below from the rebuilt table.
        if (later!.paidDays) await tx`ALTER TABLE siyu.customer_days DISABLE TRIGGER customer_paid_days_insert`;
        // The sales paid-day table (migration 038) likewise.
        if (later!.salesPaidDays) await tx`ALTER TABLE siyu.customer_days DISABLE TRIGGER sales_paid_days_insert`;
        const [summary] = await tx<{ rows: string }[]>`SELECT siyu.rebuild_customer_days() AS rows`;
        await tx`ALTER TABLE siyu.orders ENABLE TRIGGER customer_days_insert`;
        report({ phase: 'summarize', done: 1, total: 1, label: 'customer-day table', rows: Number(summary!.rows) });
        if (later!.paidDays) {
          report({ phase: 'summarize', done: 0, total: 1, label: 'customer paid days', rows: 0 });
          await tx`ALTER TABLE siyu.customer_days ENABLE TRIGGER customer_paid_days_insert`;
          const [paidDays] = await tx<{ rows: string }[]>`SELECT siyu.build_customer_paid_days() AS rows`;
          report({ phase: 'summarize', done: 1, total: 1, label: 'customer paid days', rows: Number(paidDays!.rows) });
        }
        if (later!.salesPaidDays) {
          hasSalesPaidDays = true;
          report({ phase: 'summarize', done: 0, total: 1, label: 'sales paid days', rows: 0 });
          await tx`ALTER TABLE siyu.customer_days ENABLE TRIGGER sales_paid_days_insert`;
          const [salesPaidDays] = await tx<{ rows: string }[]>`SELECT siyu.build_sales_paid_days() AS rows`;
          report({ phase: 'summarize', done: 1, total: 1, label: 'sales paid days', rows: Number(salesPaidDays!.rows) });
        }
        if (later!.drill) {
          report({ phase: 'summarize', done: 0, total: 1, label: 'drill lists', rows: 0 });
          await tx`ALTER TABLE siyu.customer_days ENABLE TRIGGER drill_sales_insert`;
          const [drill] = await withoutIndexes(tx, 'drill_sales', async () => tx<{ rows: string }[]>`SELECT siyu.roll_drill_sales(true) AS rows`);
          report({ phase: 'summarize', done: 1, total: 1, label: 'drill lists', rows: Number(drill!.rows) });
        }
        if (later!.slices) {
          report({ phase: 'summarize', done: 0, total: 1, label: 'sliced drill lists', rows: 0 });
          await tx`ALTER TABLE siyu.customer_days ENABLE TRIGGER drill_sales_slices_insert`;
          // Its four grouping sets per range grouped by sorts rather than a hash, which spills at this size:
          // 近12个月 at 300k 16.8 → 11.5 CPU-seconds, the same rows. For this build only.
          await tx`SET LOCAL enable_hashagg = off`;
          const [slices] = await withoutIndexes(tx, 'drill_sales_slices', async () => tx<{ rows: string }[]>`SELECT siyu.roll_drill_sales_slices(true) AS rows`);
          await tx`SET LOCAL enable_hashagg TO DEFAULT`;
          report({ phase: 'summarize', done: 1, total: 1, label: 'sliced drill lists', rows: Number(slices!.rows) });
        }
      }
      if (later!.owners) {
        report({ phase: 'summarize', done: 0, total: 1, label: 'owner period table', rows: 0 });
        const [summary] = await tx<{ rows: string }[]>`SELECT siyu.rebuild_period_owners() AS rows`;
        await tx`ALTER TABLE siyu.orders ENABLE TRIGGER period_owners_insert`;
        await tx`ALTER TABLE siyu.customer_days ENABLE TRIGGER period_owners_rebuilt`;
        report({ phase: 'summarize', done: 1, total: 1, label: 'owner period table', rows: Number(summary!.rows) });
      }
      if (later!.hours) {
        report({ phase: 'summarize', done: 0, total: 1, label: 'hourly sales', rows: 0 });
        const [summary] = await tx<{ rows: string }[]>`SELECT siyu.rebuild_sales_hours() AS rows`;
        await tx`ALTER TABLE siyu.orders ENABLE TRIGGER sales_hours_insert`;
        report({ phase: 'summarize', done: 1, total: 1, label: 'hourly sales', rows: Number(summary!.rows) });
      }
      if (hasSalesMonths) {
        report({ phase: 'summarize', done: 0, total: 1, label: 'monthly sales', rows: 0 });
        const [summary] = await tx<{ rows: string }[]>`SELECT siyu.rebuild_sales_months() AS rows`;
        await tx`ALTER TABLE siyu.orders ENABLE TRIGGER sales_months_insert`;
        report({ phase: 'summarize', done: 1, total: 1, label: 'monthly sales', rows: Number(summary!.rows) });
      }
      await buildKeptTables(tx, keptTables, report);
      if (later!.participants) {
        report({ phase: 'summarize', done: 0, total: 1, label: 'participant conversions', rows: 0 });
        // The participants' period table (migration 028) is built once after it, not from the rebuild's insert.
        if (later!.participantPeriods) await tx`ALTER TABLE siyu.participant_conversions DISABLE TRIGGER period_participants_insert`;
        const [summary] = await tx<{ rows: string }[]>`SELECT siyu.rebuild_participant_conversions() AS rows`;
        await tx`ALTER TABLE siyu.orders ENABLE TRIGGER participant_conversions_insert`;
        await tx`ALTER TABLE siyu.campaign_participations ENABLE TRIGGER participant_conversions_insert`;
        report({ phase: 'summarize', done: 1, total: 1, label: 'participant conversions', rows: Number(summary!.rows) });
      }
      if (later!.participantPeriods) {
        report({ phase: 'summarize', done: 0, total: 1, label: 'participant periods', rows: 0 });
        const [summary] = await tx<{ rows: string }[]>`SELECT siyu.roll_period_participants(true) AS rows`;
        await tx`ALTER TABLE siyu.participant_conversions ENABLE TRIGGER period_participants_insert`;
        report({ phase: 'summarize', done: 1, total: 1, label: 'participant periods', rows: Number(summary!.rows) });
      }
      report({ phase: 'finish', done: 0, total: 4, label: 'day counters', rows: 0 });
      for (const t of dayTracked) {
        await tx`SELECT siyu.touch_all_days(${t})`;
        await tx.unsafe(`ALTER TABLE siyu.${t} ENABLE TRIGGER ${t}_day_changes_insert`);
      }
      report({ phase: 'finish', done: 1, total: 4, label: 'classification queue', rows: 0 });
      if (classificationQueued.length > 0) await tx`SELECT siyu.classification_mark_all()`;
      for (const t of classificationQueued) await tx.unsafe(`ALTER TABLE siyu.${t} ENABLE TRIGGER ${t}_classification_dirty_insert`);
      report({ phase: 'finish', done: 2, total: 4, label: 'targets', rows: 0 });
      if (later!.targets) await seedTargets(tx);
      // Marks the data as the generator's: demo accounts are given only to such data.
      await tx`INSERT INTO siyu.settings (key, value) VALUES ('data_origin', 'demo_generator')
               ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`;
      await beforeCommit?.();
      report({ phase: 'finish', done: 3, total: 4, label: 'commit', rows: 0 });
    });
  } finally {
    await blocks.close();
  }

  // The summary tables' statistics (timed beside the load, as their builds are); the loaded tables' were gathered above.
  const built = [
    ...(hasCustomerDays ? ['customer_days'] : []), ...(hasParticipants ? ['participant_conversions'] : []),
    // The participants' period table (migration 028), built at the end of the load.
    ...(hasParticipants && (await exists(sql, 'period_participants')) ? ['period_participants'] : []),
    ...(hasDrill ? ['drill_sales'] : []), ...(hasDrillSlices ? ['drill_sales_slices'] : []),
    // The period table (migration 018), built with it by siyu.rebuild_customer_days().
    ...(hasCustomerDays && (await exists(sql, 'period_sales')) ? ['period_sales'] : []),
    ...(hasPeriodOwners ? ['period_owners'] : []), ...(hasSalesHours ? ['sales_hours'] : []), ...(hasSalesMonths ? ['sales_months'] : []),
    ...keptTables, ...(hasPaidDays ? ['customer_paid_days'] : []), ...(hasSalesPaidDays ? ['sales_paid_days'] : []),
  ];
  await gatherStatistics(sql, built, report);

  // Built here rather than by the first query after `npm start`: the product
  // then starts on a ready classification, whatever the size.
  report({ phase: 'classify', done: 0, total: 1, label: 'classification', rows: 0 });
  await sql`SELECT siyu.classification_now_version()`;
  // And the segments page's default journey (its start day's classification), likewise.
  await countDefaultJourney(sql);
  // Then what autovacuum would take up in the product's first minutes (seed/statistics.ts).
  await vacuumTheRest(sql);
  report({ phase: 'classify', done: 1, total: 1, label: 'classification', rows: data.customers });
  return counts;
}

async function copyInto(tx: TransactionSql, table: TableName, bytes: Uint8Array): Promise<void> {
  const writable = await tx.unsafe(`COPY siyu.${table} (${TABLE_COLUMNS[table].join(', ')}) FROM STDIN WITH (FREEZE)`).writable();
  await pipeline(Readable.from(slices(bytes, 1 << 20)), writable);
}

function* slices(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/**
 * Runs a whole build of a table made at the end of the load without the
 * table's plain indexes (those of no constraint: a build's ON CONFLICT keeps
 * its key), then builds them again: a sort each instead of one index entry per
 * inserted row. The names and definitions are read from the catalogue.
 */
async function withoutIndexes<T>(tx: TransactionSql, table: string, build: () => Promise<T>): Promise<T> {
  const indexes = await tx<{ name: string; sql: string }[]>`
    SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS sql
    FROM pg_index AS i
    WHERE i.indrelid = ${`siyu.${table}`}::regclass
      AND NOT EXISTS (SELECT 1 FROM pg_constraint AS k WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid)
    ORDER BY 1`;
  for (const i of indexes) await tx.unsafe(`DROP INDEX ${i.name}`);
  const built = await build();
  for (const i of indexes) await tx.unsafe(i.sql);
  return built;
}

interface Rebuild {
  table: string;
  name: string;
  sql: string;
}

/**
 * Drops the foreign keys into and out of the seed's tables, their primary
 * keys, unique and exclusion constraints and their other indexes, and
 * returns what rebuilds them: keys and indexes first, foreign keys last. A
 * key something else relies on (a view grouping by a primary key) stays.
 */
async function dropKeysAndIndexes(tx: TransactionSql): Promise<{ rebuild: Rebuild[] }> {
  const tables = TABLES.map((t) => `siyu.${t}`);
  const constraints = await tx<(Rebuild & { kind: string; drop: string })[]>`
    SELECT c.conrelid::regclass::text AS table, c.conname AS name, c.contype AS kind,
           format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname) AS drop,
           format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) AS sql
    FROM pg_constraint c
    WHERE (c.contype IN ('p', 'u', 'x') AND c.conrelid = ANY(${tables}::regclass[])
           AND NOT EXISTS (
             SELECT 1 FROM pg_depend d
             WHERE d.deptype = 'n'
               AND ((d.refclassid = 'pg_constraint'::regclass AND d.refobjid = c.oid)
                    OR (d.refclassid = 'pg_class'::regclass AND d.refobjid = c.conindid))
               AND NOT (d.classid = 'pg_constraint'::regclass
                        AND EXISTS (SELECT 1 FROM pg_constraint f WHERE f.oid = d.objid AND f.contype = 'f'))))
       OR (c.contype = 'f' AND (c.conrelid = ANY(${tables}::regclass[]) OR c.confrelid = ANY(${tables}::regclass[])))
    ORDER BY c.contype = 'f' DESC, c.conrelid::regclass::text, c.conname`;
  const indexes = await tx<(Rebuild & { drop: string })[]>`
    SELECT i.indrelid::regclass::text AS table, i.indexrelid::regclass::text AS name,
           format('DROP INDEX %s', i.indexrelid::regclass) AS drop, pg_get_indexdef(i.indexrelid) AS sql
    FROM pg_index i
    WHERE i.indrelid = ANY(${tables}::regclass[])
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid)
    ORDER BY 1, 2`;
  for (const c of constraints) await tx.unsafe(c.drop);
  for (const i of indexes) await tx.unsafe(i.drop);
  const foreignKeys = constraints.filter((c) => c.kind === 'f');
  const own = constraints.filter((c) => c.kind !== 'f');
  const strip = ({ table, name, sql }: Rebuild): Rebuild => ({ table: table.replace(/^siyu\./, ''), name, sql });
  return { rebuild: [...own, ...indexes, ...foreignKeys].map(strip) };
}

/** Whether the demo data is there: the settings row every seed writes. */
export async function isSeeded(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM siyu.settings WHERE key = 'as_of'`;
  return (row?.n ?? 0) > 0;
}
