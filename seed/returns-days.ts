/**
 * The returns day table (migration 043) at the seed's end: its insert
 * triggers on the three facts it sums (campaign spend, orders, customers)
 * would hold every copied row in a transition table, so the load runs without
 * them and the table is built once from the loaded facts, in the same
 * transaction, then its statistics taken. Only where the table exists: a test
 * of an older migration seeds a database migrated only up to it.
 */
import type { TransactionSql } from 'postgres';
import type { SeedProgress } from './load.ts';

const FACTS = ['campaign_spend', 'orders', 'customers'] as const;

/** Turns the insert triggers off for the load; whether the table exists. */
export async function holdReturnsDays(tx: TransactionSql): Promise<boolean> {
  const [row] = await tx<{ ok: boolean }[]>`SELECT to_regclass('siyu.returns_days') IS NOT NULL AS ok`;
  if (!row!.ok) return false;
  for (const t of FACTS) await tx.unsafe(`ALTER TABLE siyu.${t} DISABLE TRIGGER returns_days_insert`);
  return true;
}

/** Builds the table from the loaded facts and turns the triggers back on. */
export async function buildReturnsDays(tx: TransactionSql, report: (p: SeedProgress) => void): Promise<void> {
  report({ phase: 'summarize', done: 0, total: 1, label: 'returns days', rows: 0 });
  const [summary] = await tx<{ rows: string }[]>`SELECT siyu.rebuild_returns_days() AS rows`;
  for (const t of FACTS) await tx.unsafe(`ALTER TABLE siyu.${t} ENABLE TRIGGER returns_days_insert`);
  await tx`ANALYZE siyu.returns_days`;
  report({ phase: 'summarize', done: 1, total: 1, label: 'returns days', rows: Number(summary!.rows) });
}
