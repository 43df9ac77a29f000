/**
 * What the custom-range drill list's lifetime index (siyu.sales_paid_days_lifetime_idx, migration 063: each customer's
 * last paid-day row by running amount, the threshold walk's candidates) costs a single-order INSERT, on a seeded data
 * directory (the product need not run):
 *
 *   node --import tsx bench/walk-index-cost.ts --data-dir <dir> [--inserts 200]
 *
 * Orders written one at a time with every trigger on, in alternating blocks of 10 with the index present and dropped
 * (created again after each block without it). The orders written are deleted after (their customers recounted by the
 * same triggers), and the index is left in place.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { latency } from './stats.ts';

const args = parseArgs({ options: { 'data-dir': { type: 'string' }, inserts: { type: 'string', default: '200' } } }).values;
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const inserts = Number(args.inserts);
const say = (m: string): void => { process.stderr.write(`[walk-index-cost ${new Date().toISOString().slice(11, 19)}] ${m} (load ${os.loadavg()[0]!.toFixed(1)})\n`); };
const INDEX = `CREATE INDEX IF NOT EXISTS sales_paid_days_lifetime_idx ON siyu.sales_paid_days (running_amount DESC, customer_id) WHERE next_day IS NULL`;

async function main(): Promise<void> {
  const pgPort = await freePort();
  const db = await startEmbeddedPostgres(dataDir, pgPort);
  const sql = postgres(embeddedUrl(dataDir, pgPort), { max: 1, onnotice: () => {} });
  const loads: number[] = [os.loadavg()[0]!];
  try {
    const { first, asOf } = (await sql<{ first: number; asOf: string }[]>`
      SELECT max(id) + 1 AS first, (SELECT value FROM siyu.settings WHERE key = 'as_of') AS "asOf" FROM siyu.orders`)[0]!;
    const on: number[] = [];
    const off: number[] = [];
    let id = first + 10_000;
    for (let block = 0; block < inserts / 10; block++) {
      const withIt = block % 2 === 0;
      if (!withIt) await sql.unsafe('DROP INDEX siyu.sales_paid_days_lifetime_idx');
      for (let k = 0; k < 10; k++) {
        const t0 = performance.now();
        await sql`
          INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
          VALUES (${id}, (SELECT min(id) FROM siyu.customers) + ${(id * 7919) % 100_000}, (SELECT min(id) FROM siyu.employees) + ${id % 50},
                  (SELECT min(id) FROM siyu.channels), NULL, (${asOf}::date + time '11:00') AT TIME ZONE siyu.business_tz(), 99.90, 1, 'core', 'paid')`;
        id++;
        (withIt ? on : off).push(performance.now() - t0);
      }
      if (!withIt) await sql.unsafe(INDEX);
      loads.push(os.loadavg()[0]!);
    }
    await sql.unsafe(INDEX);
    const out = { insert_with_index: latency(on), insert_without_index: latency(off), load: { mean: loads.reduce((a, b) => a + b, 0) / loads.length, max: Math.max(...loads) } };
    say(`insert p50 with ${out.insert_with_index.p50} ms, without ${out.insert_without_index.p50} ms`);
    await sql`DELETE FROM siyu.orders WHERE id >= ${first + 10_000}`;
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await sql.end({ timeout: 5 });
    await db.stop();
  }
}

main().catch((error: unknown) => { console.error(error); process.exitCode = 1; });
