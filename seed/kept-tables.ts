/**
 * The day tables kept by statement-level triggers on the facts they sum
 * (migrations 042-045, 051): the daily sales table, the team day table, the returns day table, the
 * registrations and the touches tables; and the monthly returns table
 * (migration 048), kept by triggers on the returns day table. During the
 * load their insert triggers are held (each COPY block would otherwise be
 * added into them key by key, every copied row held in a transition table;
 * the monthly table's while the day table is built), and each is built
 * once, whole, from the loaded facts at the end of the load's transaction,
 * timed on its own, as the hourly and monthly sales tables are
 * (seed/load.ts). Only the tables that exist: a test of an older migration
 * seeds a database migrated only up to it.
 */
import type { TransactionSql } from 'postgres';
import type { SeedProgress } from './load.ts';

interface KeptTable {
  table: string;
  label: string;
  build: string;
  /** The facts' insert triggers that keep it. */
  held: ReadonlyArray<readonly [fact: string, trigger: string]>;
}

const KEPT: readonly KeptTable[] = [
  { table: 'sales_days', label: 'daily sales', build: 'rebuild_sales_days', held: [['orders', 'sales_days_insert']] },
  // The team day table (migration 051): the overview's GMV trend by day.
  { table: 'sales_team_days', label: 'team days', build: 'rebuild_sales_team_days', held: [['orders', 'sales_team_days_insert']] },
  {
    table: 'returns_days', label: 'returns days', build: 'rebuild_returns_days',
    held: [['campaign_spend', 'returns_days_insert'], ['orders', 'returns_days_insert'], ['customers', 'returns_days_insert']],
  },
  // The monthly returns table (migration 048), kept by triggers on the returns day table: built after it, from it.
  { table: 'returns_months', label: 'returns months', build: 'rebuild_returns_months', held: [['returns_days', 'returns_months_insert']] },
  { table: 'registration_days', label: 'registrations', build: 'rebuild_registration_days', held: [['customers', 'registration_days_insert']] },
  { table: 'touch_days', label: 'touches', build: 'rebuild_touch_days', held: [['follow_ups', 'touch_days_insert'], ['appointments', 'touch_days_insert']] },
];

/** Holds the insert triggers of the kept tables that exist here; their names, for buildKeptTables and the statistics. */
export async function holdKeptTables(tx: TransactionSql): Promise<string[]> {
  const present: string[] = [];
  for (const kept of KEPT) {
    const [row] = await tx<{ ok: boolean }[]>`SELECT to_regclass(${`siyu.${kept.table}`}) IS NOT NULL AS ok`;
    if (!row!.ok) continue;
    for (const [fact, trigger] of kept.held) await tx.unsafe(`ALTER TABLE siyu.${fact} DISABLE TRIGGER ${trigger}`);
    present.push(kept.table);
  }
  return present;
}

/** Builds each held table from the loaded facts, each timed on its own, and lets its triggers go. */
export async function buildKeptTables(tx: TransactionSql, present: readonly string[], report: (p: SeedProgress) => void): Promise<void> {
  for (const kept of KEPT.filter((k) => present.includes(k.table))) {
    report({ phase: 'summarize', done: 0, total: 1, label: kept.label, rows: 0 });
    const [built] = await tx.unsafe<{ rows: string }[]>(`SELECT siyu.${kept.build}() AS rows`);
    for (const [fact, trigger] of kept.held) await tx.unsafe(`ALTER TABLE siyu.${fact} ENABLE TRIGGER ${trigger}`);
    report({ phase: 'summarize', done: 1, total: 1, label: kept.label, rows: Number(built!.rows) });
  }
}
