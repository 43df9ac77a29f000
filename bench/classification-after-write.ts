/**
 * What one write costs the as-of classification (issue 19: the classification
 * incremental, migration 026):
 *
 *   node --import tsx bench/classification-after-write.ts --data-dir DIR [--writes 5]
 *
 * Starts only the embedded PostgreSQL of a seeded data directory, applies
 * the migrations, brings siyu.classification_now up to date, then per round
 * writes one paid order today (bench/new-order.ts, as the product's writers
 * do) and times siyu.classification_now_version() (the refresh the refresh
 * worker's key check triggers), then the same after a follow-up, an event
 * and a new referred customer, and after an as-of roll-over (a whole
 * rebuild). Prints each with the build's kind and the rows it changed, and
 * the load average. Figures, not assertions.
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { migrate } from '../cube/database/migrate.ts';
import { freePort } from '../cube/ports.ts';
import { orderWriter } from './new-order.ts';

const { values: args } = parseArgs({ options: { 'data-dir': { type: 'string' }, writes: { type: 'string', default: '5' } } });
if (!args['data-dir']) throw new Error('--data-dir DIR: a data directory seeded by `DATA_DIR=DIR npm run seed -- --customers N`');
const dataDir = path.resolve(args['data-dir']);
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const port = await freePort();
  const database = await startEmbeddedPostgres(dataDir, port);
  const sql = postgres(embeddedUrl(dataDir, port), { max: 1, onnotice: () => {} });
  try {
    const applied = await migrate(sql);
    if (applied.length > 0) process.stdout.write(`migrated: ${applied.join(', ')}\n`);
    const refresh = async (what: string): Promise<void> => {
      const t = performance.now();
      await sql`SELECT siyu.classification_now_version()`;
      const ms = Math.round(performance.now() - t);
      const [b] = await sql<Record<string, unknown>[]>`SELECT * FROM siyu.classification_builds`;
      const detail = 'kind' in (b ?? {}) ? ` (${String(b!.kind)}, ${String(b!.customers ?? 'all')} customers, ${String(b!.rows_changed)} rows changed)` : '';
      process.stdout.write(`${what}: ${ms} ms${detail}; load ${load()}\n`);
    };
    await refresh('first call (brings it up to date)');
    await refresh('second call (nothing written)');
    const orders = await orderWriter(sql, null);
    const rounds = Number(args.writes);
    for (let i = 0; i < rounds; i++) {
      await orders.write();
      await refresh(`new order today #${i + 1}`);
    }
    const [someone] = await sql<{ id: number; employee: number | null; channel: number }[]>`
      SELECT id, owner_employee_id AS employee, source_channel_id AS channel FROM siyu.customers WHERE owner_employee_id IS NOT NULL ORDER BY id LIMIT 1 OFFSET 777`;
    const today = sql`(siyu.as_of() + time '12:00') AT TIME ZONE siyu.business_tz()`;
    await sql`INSERT INTO siyu.follow_ups (id, customer_id, employee_id, kind, occurred_at)
      VALUES ((SELECT max(id) + 1 FROM siyu.follow_ups), ${someone!.id}, ${someone!.employee}, 'call', ${today})`;
    await refresh('a follow-up today');
    await sql`INSERT INTO siyu.events (id, customer_id, type, channel_id, occurred_at)
      VALUES ((SELECT max(id) + 1 FROM siyu.events), ${someone!.id}, 'share', ${someone!.channel}, ${today})`;
    await refresh('a share event today');
    await sql`INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, registered_at, member_level, referred_by_customer_id)
      SELECT max(id) + 1, '新客', '139' || lpad((max(id) + 1)::text, 8, '0'), 'female', 'tier2', ${someone!.channel}, ${today}, 'normal', ${someone!.id}
      FROM siyu.customers`;
    await refresh('a new referred customer today');
    // What reaches every customer: the next day's roll-over (every recency and birthday moves), then back.
    const [{ asOf }] = await sql<[{ asOf: string }]>`SELECT siyu.as_of()::text AS "asOf"`;
    await sql`UPDATE siyu.settings SET value = (${asOf}::date + 1)::text WHERE key = 'as_of'`;
    await refresh('as-of rolled over to the next day');
    await sql`UPDATE siyu.settings SET value = ${asOf} WHERE key = 'as_of'`;
    await refresh('as-of back');
  } finally {
    await sql.end();
    await database.stop();
  }
}

await main();
