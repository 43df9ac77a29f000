/**
 * The registrations and touches tables (migrations 044, 045), kept by
 * statement-level triggers on the customers, follow-ups and appointments:
 * during the load their insert triggers are held (each COPY block would
 * otherwise be added into them key by key), and each table is built once,
 * whole, at the end of the load's transaction, as the hourly and monthly
 * sales tables are (seed/load.ts).
 */
import type { TransactionSql } from 'postgres';
import type { SeedProgress } from './load.ts';

const HELD = [['customers', 'registration_days_insert'], ['follow_ups', 'touch_days_insert'], ['appointments', 'touch_days_insert']] as const;

/** Holds the insert triggers of the tables that exist here (a test of an older migration seeds without them); true if any. */
export async function holdKeptCounts(tx: TransactionSql): Promise<boolean> {
  const [has] = await tx<{ ok: boolean }[]>`SELECT to_regclass('siyu.registration_days') IS NOT NULL AND to_regclass('siyu.touch_days') IS NOT NULL AS ok`;
  if (!has!.ok) return false;
  for (const [table, trigger] of HELD) await tx.unsafe(`ALTER TABLE siyu.${table} DISABLE TRIGGER ${trigger}`);
  return true;
}

/** Builds both tables from the loaded rows, each timed on its own, and lets their triggers go. */
export async function buildKeptCounts(tx: TransactionSql, report: (p: SeedProgress) => void): Promise<void> {
  for (const [label, build] of [['registrations', 'rebuild_registration_days'], ['touches', 'rebuild_touch_days']] as const) {
    report({ phase: 'summarize', done: 0, total: 1, label, rows: 0 });
    const [built] = await tx.unsafe<{ rows: string }[]>(`SELECT siyu.${build}() AS rows`);
    report({ phase: 'summarize', done: 1, total: 1, label, rows: Number(built!.rows) });
  }
  for (const [table, trigger] of HELD) await tx.unsafe(`ALTER TABLE siyu.${table} ENABLE TRIGGER ${trigger}`);
}
