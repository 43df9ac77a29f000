/**
 * What the customer paid-day table (siyu.customer_paid_days, migration 036)
 * or, with `--table sales_paid_days`, the sales paid-day table (migration 038)
 * costs, on a seeded data directory (the product need not run):
 *
 *   node --import tsx bench/paid-days-cost.ts --data-dir <dir> [--inserts 200] [--table sales_paid_days]
 *
 * A whole build (siyu.build_<table>()), and single-order INSERTs
 * with its triggers on and off, alternating in blocks of 10 (the other
 * summary tables' maintenance in both). The orders written are deleted
 * after, and the table built again.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { insertCost, timed } from './trigger-cost.ts';

const args = parseArgs({ options: { 'data-dir': { type: 'string' }, inserts: { type: 'string', default: '200' }, table: { type: 'string', default: 'customer_paid_days' } } }).values;
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const inserts = Number(args.inserts);
const say = (m: string): void => { process.stderr.write(`[paid-days-cost ${new Date().toISOString().slice(11, 19)}] ${m} (load ${os.loadavg()[0]!.toFixed(1)})\n`); };
if (!['customer_paid_days', 'sales_paid_days'].includes(args.table!)) throw new Error('--table is customer_paid_days or sales_paid_days');
const table = args.table!;
const TRIGGERS = [`${table}_insert`, `${table}_update`, `${table}_delete`];

async function main(): Promise<void> {
  const pgPort = await freePort();
  const db = await startEmbeddedPostgres(dataDir, pgPort);
  const sql = postgres(embeddedUrl(dataDir, pgPort), { max: 1, onnotice: () => {} });
  const out: Record<string, unknown> = {};
  try {
    const { first, asOf } = (await sql<{ first: number; asOf: string }[]>`
      SELECT max(id) + 1 AS first, (SELECT value FROM siyu.settings WHERE key = 'as_of') AS "asOf" FROM siyu.orders`)[0]!;
    const [[built], buildMs] = await timed(() => sql.unsafe<{ rows: string }[]>(`SELECT siyu.build_${table}() AS rows`));
    await sql.unsafe(`VACUUM (ANALYZE) siyu.${table}`);
    const [size] = await sql<{ bytes: string }[]>`SELECT pg_total_relation_size(${`siyu.${table}`})::text AS bytes`;
    out.whole_build = { ms: buildMs, rows: Number(built!.rows), mb: Math.round(Number(size!.bytes) / 1_048_576), load: os.loadavg()[0] };
    say(`whole build ${buildMs} ms, ${built!.rows} rows`);
    const cost = await insertCost(sql, { triggers: TRIGGERS, fromId: first + 10_000, asOf, inserts });
    out.insert_with = cost.with;
    out.insert_without = cost.without;
    say(`insert p50 with ${cost.with.p50} ms, without ${cost.without.p50} ms`);
    // The orders written with its triggers off are missing from it: delete them all, then count it again.
    await sql`DELETE FROM siyu.orders WHERE id >= ${first + 10_000}`;
    await sql.unsafe(`SELECT siyu.build_${table}()`);
    await sql.unsafe(`VACUUM (ANALYZE) siyu.${table}`);
    out.load_average = os.loadavg()[0];
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await sql.end({ timeout: 5 });
    await db.stop();
  }
}

main().catch((error: unknown) => { console.error(error); process.exitCode = 1; });
