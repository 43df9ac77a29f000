/**
 * The planner's statistics of a seed (seed/load.ts). The loaded tables': inside
 * the load's transaction, right after their keys, so that the summary tables
 * and the targets built from them after are planned on them (a new cluster has
 * none: there the targets' statements took 32–48 s at 1M against 5 s).
 * The summary tables built at the end of that transaction: after its commit, on
 * the pool's connections side by side, the largest first; their statistics, and
 * the VACUUM that makes the pages of those read index-only all-visible, are part
 * of building them, so they are reported as a summary step and timed beside the
 * load as the builds are (issue 19: "build the new tables at the end, as the
 * classification is").
 */
import type { Sql, TransactionSql } from 'postgres';
import type { SeedProgress } from './load.ts';
import { TABLES, type TableName } from './tables.ts';

/** The summarize step that gathers the summary tables' statistics after the commit (`rows`: how many tables). */
export const SUMMARY_STATISTICS = "summary tables' statistics";

/**
 * Written by an INSERT (not COPY FREEZE) and read from an index alone: VACUUM too, so their pages are all-visible. The
 * customer-day table (a year's distinct buyers from its covering key), the drill lists' tables (a page, however deep,
 * from its rank index) and the paid-day tables (a custom range's buyers from their day indexes, migrations 036, 046).
 */
const VACUUMED: ReadonlySet<string> = new Set(['customer_days', 'drill_sales', 'drill_sales_slices', 'customer_paid_days', 'sales_paid_days']);

/** Whether a table of the schema exists (a migration may not have made it yet). */
export async function exists(sql: Sql, table: string): Promise<boolean> {
  return (await sql<{ ok: boolean }[]>`SELECT to_regclass(${`siyu.${table}`}) IS NOT NULL AS ok`)[0]!.ok;
}

async function analyze(sql: Sql, tables: string[]): Promise<void> {
  await Promise.all(tables.map((table) => sql.unsafe(`${VACUUMED.has(table) ? 'VACUUM (ANALYZE)' : 'ANALYZE'} siyu.${table}`)));
}

/**
 * The loaded tables' statistics, in the load's transaction (ANALYZE may run in one; the rows are the transaction's
 * own, written frozen, and sampled as any): the largest first, one after the other on its connection.
 */
export async function analyzeLoaded(tx: TransactionSql, counts: Record<TableName, number>, report: (p: SeedProgress) => void): Promise<void> {
  const order: TableName[] = [...TABLES].sort((a, b) => counts[b] - counts[a]);
  let rowsAnalyzed = 0;
  for (const [k, table] of order.entries()) {
    report({ phase: 'analyze', done: k, total: order.length, label: 'statistics', rows: rowsAnalyzed });
    await tx.unsafe(`ANALYZE siyu.${table}`);
    rowsAnalyzed += counts[table];
  }
  report({ phase: 'analyze', done: order.length, total: order.length, label: 'statistics', rows: rowsAnalyzed });
}

/** The summary tables `built`, after the load's commit, reported as one summary step. */
export async function gatherStatistics(sql: Sql, built: string[], report: (p: SeedProgress) => void): Promise<void> {
  report({ phase: 'summarize', done: 0, total: 1, label: SUMMARY_STATISTICS, rows: 0, afterCommit: true });
  const sizes = new Map((await sql<{ t: string; bytes: string }[]>`
    SELECT c.relname AS t, pg_total_relation_size(c.oid)::text AS bytes FROM pg_class AS c
    WHERE c.relnamespace = 'siyu'::regnamespace AND c.relname = ANY (${built})`).map((r) => [r.t, Number(r.bytes)]));
  await analyze(sql, [...built].sort((a, b) => (sizes.get(b) ?? 0) - (sizes.get(a) ?? 0)));
  report({ phase: 'summarize', done: 1, total: 1, label: SUMMARY_STATISTICS, rows: built.length, afterCommit: true });
}

/**
 * After the classification: a VACUUM of every table of the schema the statistics step did not vacuum (the loaded
 * tables, the other summary tables, the classification's and the default journey's), with ANALYZE only for those not
 * analyzed yet (the classification's and the journey's: the others were analyzed in or just after the load). Autovacuum would otherwise take
 * each of them up in the product's first minutes, beside its first users' queries (in a 1M bench, the journey's and
 * classification's day tables while the drill list was timed). Part of the classification step, outside the load's
 * rate; on the pool's connections side by side, the largest first. Returns how many tables.
 */
export async function vacuumTheRest(sql: Sql): Promise<number> {
  const tables = (await sql<{ t: string; quoted: string; analyzed: boolean }[]>`
    SELECT c.relname AS t, format('%I', c.relname) AS quoted, s.last_analyze IS NOT NULL AS analyzed
    FROM pg_class AS c LEFT JOIN pg_stat_user_tables AS s ON s.relid = c.oid
    WHERE c.relnamespace = 'siyu'::regnamespace AND c.relkind = 'r'
    ORDER BY pg_total_relation_size(c.oid) DESC, c.relname`).filter((r) => !VACUUMED.has(r.t));
  await Promise.all(tables.map((r) => sql.unsafe(`VACUUM ${r.analyzed ? '' : '(ANALYZE) '}siyu.${r.quoted}`)));
  return tables.length;
}
