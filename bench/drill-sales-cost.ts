/**
 * What the drill lists' table (siyu.drill_sales, migration 029) costs, on a
 * seeded data directory (the product need not run):
 *
 *   node --import tsx bench/drill-sales-cost.ts --data-dir <dir> [--inserts 200]
 *
 * A whole build (siyu.roll_drill_sales(true)), a roll-over to the next as-of
 * day and back (the period table's roll-over runs with it, from its own
 * trigger: timed apart with its trigger off), and single-order INSERTs with
 * its triggers on and off, alternating in blocks of 10 (the customer-day and
 * period tables' maintenance in both). The orders written are deleted after.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { addDays } from '../web/src/lib/date-range.ts';
import { insertCost, timed } from './trigger-cost.ts';

const args = parseArgs({ options: { 'data-dir': { type: 'string' }, inserts: { type: 'string', default: '200' } } }).values;
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const inserts = Number(args.inserts);
const say = (m: string): void => { process.stderr.write(`[drill-sales-cost ${new Date().toISOString().slice(11, 19)}] ${m} (load ${os.loadavg()[0]!.toFixed(1)})\n`); };
const TRIGGERS = ['drill_sales_insert', 'drill_sales_update', 'drill_sales_delete'];

async function main(): Promise<void> {
  const pgPort = await freePort();
  const db = await startEmbeddedPostgres(dataDir, pgPort);
  const sql = postgres(embeddedUrl(dataDir, pgPort), { max: 1, onnotice: () => {} });
  const out: Record<string, unknown> = {};
  try {
    const { first, asOf } = (await sql<{ first: number; asOf: string }[]>`
      SELECT max(id) + 1 AS first, (SELECT value FROM siyu.settings WHERE key = 'as_of') AS "asOf" FROM siyu.orders`)[0]!;
    const [[built], buildMs] = await timed(() => sql<{ rows: string }[]>`SELECT siyu.roll_drill_sales(true) AS rows`);
    const [size] = await sql<{ bytes: string }[]>`SELECT pg_total_relation_size('siyu.drill_sales')::text AS bytes`;
    out.whole_build = { ms: buildMs, rows: Number(built!.rows), mb: Math.round(Number(size!.bytes) / 1_048_576), load: os.loadavg()[0] };
    say(`whole build ${buildMs} ms, ${built!.rows} rows`);
    // The roll-over alone: the period table's trigger off meanwhile.
    await sql`ALTER TABLE siyu.settings DISABLE TRIGGER period_sales_as_of`;
    const [, nextMs] = await timed(() => sql`UPDATE siyu.settings SET value = ${addDays(asOf, 1)} WHERE key = 'as_of'`);
    const [, backMs] = await timed(() => sql`UPDATE siyu.settings SET value = ${asOf} WHERE key = 'as_of'`);
    await sql`ALTER TABLE siyu.settings ENABLE TRIGGER period_sales_as_of`;
    out.roll_over = { next_day_ms: nextMs, back_ms: backMs, load: os.loadavg()[0] };
    say(`roll-over ${nextMs} ms, back ${backMs} ms`);
    const cost = await insertCost(sql, { triggers: TRIGGERS, fromId: first + 10_000, asOf, inserts });
    out.insert_with = cost.with;
    out.insert_without = cost.without;
    say(`insert p50 with ${cost.with.p50} ms, without ${cost.without.p50} ms`);
    // The orders written with its triggers off are missing from it: delete them all, then count it again.
    await sql`DELETE FROM siyu.orders WHERE id >= ${first + 10_000}`;
    await sql`SELECT siyu.roll_drill_sales(true)`;
    await sql`VACUUM (ANALYZE) siyu.drill_sales`;
    out.load_average = os.loadavg()[0];
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await sql.end({ timeout: 5 });
    await db.stop();
  }
}

main().catch((error: unknown) => { console.error(error); process.exitCode = 1; });
