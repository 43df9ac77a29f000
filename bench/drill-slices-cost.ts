/**
 * What the sliced drill lists' table (siyu.drill_sales_slices, migrations 033
 * and 061) adds to a single-order INSERT carrying a campaign (so its
 * attributed part and partial indexes are written too), on a seeded data
 * directory (the product need not run):
 *
 *   node --import tsx bench/drill-slices-cost.ts --data-dir <dir> [--port 54471] [--inserts 200] [--build]
 *
 * Orders written one at a time with its customer-day triggers on and off,
 * alternating in blocks of 10 (every other table's upkeep in both), p50 and
 * p95; then deleted with its triggers on, which recounts every customer they
 * touched (so the table is exact again without a rebuild). `--build`: a whole
 * build first (siyu.roll_drill_sales_slices(true)), timed, and the table's size.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { insertCost, timed } from './trigger-cost.ts';

const args = parseArgs({ options: { 'data-dir': { type: 'string' }, port: { type: 'string' }, inserts: { type: 'string', default: '200' }, build: { type: 'boolean', default: false } } }).values;
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const say = (m: string): void => { process.stderr.write(`[drill-slices-cost ${new Date().toISOString().slice(11, 19)}] ${m} (load ${os.loadavg()[0]!.toFixed(1)})\n`); };
const TRIGGERS = ['drill_sales_slices_insert', 'drill_sales_slices_update', 'drill_sales_slices_delete'];

async function main(): Promise<void> {
  const pgPort = args.port ? Number(args.port) : await freePort();
  const db = await startEmbeddedPostgres(dataDir, pgPort);
  const sql = postgres(embeddedUrl(dataDir, pgPort), { max: 1, onnotice: () => {} });
  const out: Record<string, unknown> = {};
  try {
    const { first, asOf, campaign } = (await sql<{ first: number; asOf: string; campaign: number }[]>`
      SELECT max(id) + 1 AS first, (SELECT value FROM siyu.settings WHERE key = 'as_of') AS "asOf",
             (SELECT min(id) FROM siyu.campaigns) AS campaign FROM siyu.orders`)[0]!;
    if (args.build) {
      const [[built], buildMs] = await timed(() => sql<{ rows: string }[]>`SELECT siyu.roll_drill_sales_slices(true) AS rows`);
      out.whole_build = { ms: buildMs, rows: Number(built!.rows), load: os.loadavg()[0] };
      say(`whole build ${buildMs} ms, ${built!.rows} rows`);
      await sql`VACUUM (ANALYZE) siyu.drill_sales_slices`;
    }
    const sizes = await sql<{ name: string; mb: string }[]>`
      SELECT c.relname AS name, round(pg_relation_size(c.oid) / 1048576.0, 1)::text AS mb
      FROM pg_class AS c WHERE c.relname LIKE 'drill_sales_slices%' AND c.relnamespace = 'siyu'::regnamespace ORDER BY 1`;
    out.sizes_mb = Object.fromEntries(sizes.map((s) => [s.name, Number(s.mb)]));
    const cost = await insertCost(sql, { triggers: TRIGGERS, fromId: first + 10_000, asOf, inserts: Number(args.inserts), campaignId: campaign });
    out.insert_with = cost.with;
    out.insert_without = cost.without;
    say(`insert with a campaign p50 with ${cost.with.p50} ms, without ${cost.without.p50} ms`);
    // With its triggers on: every customer the orders touched is recounted.
    await sql`DELETE FROM siyu.orders WHERE id >= ${first + 10_000}`;
    out.load_average = os.loadavg()[0];
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await sql.end({ timeout: 5 });
    await db.stop();
  }
}

main().catch((error: unknown) => { console.error(error); process.exitCode = 1; });
