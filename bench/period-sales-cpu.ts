/**
 * The period table's write costs (siyu.period_sales, migrations 018 and 024) as the
 * PostgreSQL backend's own CPU seconds (utime + stime from /proc), which the
 * machine's load does not inflate as it does wall time:
 *
 *   node --import tsx bench/period-sales-cpu.ts <a seeded data directory>
 *
 * A whole build, a roll-over to the next as-of day and back, 2 × 100 single-order
 * INSERTs with the maintenance on and with the orders' insert trigger off, and
 * the customer-day and period tables' whole rebuild. The orders written are
 * deleted. Parallel workers are not counted.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import postgres from 'postgres';
import { embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { addDays } from '../web/src/lib/date-range.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node --import tsx bench/period-sales-cpu.ts <a seeded data directory>');
const port = await freePort();
const db = await startEmbeddedPostgres(dir, port);
const sql = postgres(embeddedUrl(dir, port), { max: 1, onnotice: () => {} });
const tick = 100;
const pid = (await sql<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`)[0]!.pid;
// Fields 14 and 15 of /proc/<pid>/stat (utime, stime, in clock ticks), counted after the command name.
const cpu = (): number => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / tick;
};
async function measure(label: string, run: () => Promise<unknown>): Promise<void> {
  const c0 = cpu(); const t0 = performance.now(); const l0 = os.loadavg()[0]!;
  await run();
  process.stdout.write(`${label}: cpu ${(cpu() - c0).toFixed(2)} s, wall ${((performance.now() - t0) / 1000).toFixed(1)} s, load ${l0.toFixed(1)}-${os.loadavg()[0]!.toFixed(1)}\n`);
}
try {
  const { first, asOf } = (await sql<{ first: number; asOf: string }[]>`SELECT max(id) + 1 AS first, (SELECT value FROM siyu.settings WHERE key = 'as_of') AS "asOf" FROM siyu.orders`)[0]!;
  await measure('whole build', () => sql`SELECT siyu.roll_period_sales(true)`);
  await measure('roll-over next day', () => sql`UPDATE siyu.settings SET value = ${addDays(asOf, 1)} WHERE key = 'as_of'`);
  await measure('roll-over back', () => sql`UPDATE siyu.settings SET value = ${asOf} WHERE key = 'as_of'`);
  let id = first + 20_000;
  const insert = (n: number) => async () => {
    for (let k = 0; k < n; k++, id++) {
      await sql`
        INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
        VALUES (${id}, (SELECT min(id) FROM siyu.customers) + ${id % 1000}, (SELECT min(id) FROM siyu.employees) + ${id % 50},
                (SELECT min(id) FROM siyu.channels), NULL, (${asOf}::date + time '11:00') AT TIME ZONE siyu.business_tz(), 99.90, 1, 'core', 'paid')`;
    }
  };
  for (let r = 0; r < 2; r++) {
    await measure('100 inserts, both tables', insert(100));
    await sql`ALTER TABLE siyu.orders DISABLE TRIGGER customer_days_insert`;
    await measure('100 inserts, no insert trigger', insert(100));
    await sql`ALTER TABLE siyu.orders ENABLE TRIGGER customer_days_insert`;
  }
  await sql`ALTER TABLE siyu.orders DISABLE TRIGGER customer_days_delete`;
  await sql`DELETE FROM siyu.orders WHERE id >= ${first + 20_000}`;
  await sql`ALTER TABLE siyu.orders ENABLE TRIGGER customer_days_delete`;
  await measure('rebuild_customer_days', () => sql`SELECT siyu.rebuild_customer_days()`);
  await sql`VACUUM (ANALYZE) siyu.customer_days`;
  await sql`VACUUM (ANALYZE) siyu.period_sales`;
} finally {
  await sql.end({ timeout: 5 });
  await db.stop();
}
