/**
 * What the owner period table (siyu.period_owners, migration 027: the
 * repurchase rate and the staff pages' converted customers on a preset
 * range) costs and gives, on a seeded data directory:
 *
 *   DATA_DIR=<dir> npm run seed -- --customers 200000
 *   node --import tsx bench/period-owners.ts --data-dir <dir> [--runs 5] [--inserts 200]
 *
 * 1. Database: a whole build (siyu.rebuild_period_owners()), a roll-over to
 *    the next as-of day and back (this table's alone: period_sales' settings
 *    trigger off meanwhile, then rolled by itself), and a single-order INSERT
 *    with every trigger on and with this table's insert trigger off,
 *    alternating in blocks of 10.
 * 2. The tiles: the product as `npm start` runs it; before each case one
 *    paid order is written (every cache key on the orders and the tables kept
 *    from them changes), 2.5 s later the page query is asked from the owner
 *    period table (repurchase_periods, converted_periods) and as it is asked
 *    for a custom range (buyer_repurchase, staff_converted: the customer-day
 *    table), in alternating order.
 * The data directory is left as it was (the orders written are deleted).
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { ROOT_DIR } from '../cube/config.ts';
import { embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { overviewQueries } from '../web/src/features/overview/page-queries.ts';
import { buildEmployeeConvertedQuery } from '../web/src/features/staff/employee-detail/build-query.ts';
import { buildStaffConvertedQuery } from '../web/src/features/staff/team-leaderboard/build-query.ts';
import { addDays, dateRangeFor, presetPeriodKey, type RangePreset } from '../web/src/lib/date-range.ts';
import type { CubeQuery } from '../web/src/page-loads.ts';
import { BrowserClient } from './http-client.ts';
import { embeddedProductOptions, startProduct } from './product.ts';
import { latency } from './stats.ts';

const args = parseArgs({
  options: { 'data-dir': { type: 'string' }, runs: { type: 'string', default: '5' }, inserts: { type: 'string', default: '200' } },
}).values;
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const runs = Number(args.runs);
const inserts = Number(args.inserts);
const say = (m: string): void => { process.stderr.write(`[period-owners ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };
const load: number[] = [os.loadavg()[0]!];
const sampler = setInterval(() => load.push(os.loadavg()[0]!), 2000);
sampler.unref();

const NEW_ORDER = (sql: postgres.Sql, id: number, asOf: string) => sql`
  INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
  VALUES (${id}, (SELECT min(id) FROM siyu.customers) + ${id % 1000}, (SELECT min(id) FROM siyu.employees) + ${id % 50},
          (SELECT min(id) FROM siyu.channels), NULL, (${asOf}::date + time '11:00') AT TIME ZONE siyu.business_tz(), 99.90, 1, 'core', 'paid')`;

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await run();
  return [out, Math.round(performance.now() - t0)];
}

async function database(pgPort: number): Promise<Record<string, unknown>> {
  const db = await startEmbeddedPostgres(dataDir, pgPort);
  const sql = postgres(embeddedUrl(dataDir, pgPort), { max: 1, onnotice: () => {} });
  try {
    const { first, asOf } = (await sql<{ first: number; asOf: string }[]>`
      SELECT max(id) + 1 AS first, (SELECT value FROM siyu.settings WHERE key = 'as_of') AS "asOf" FROM siyu.orders`)[0]!;
    const [[built], buildMs] = await timed(() => sql<{ rows: string }[]>`SELECT siyu.rebuild_period_owners() AS rows`);
    const [size] = await sql<{ periods: number; bytes: string }[]>`
      SELECT (SELECT count(*)::int FROM siyu.owner_periods) AS periods, pg_total_relation_size('siyu.period_owners')::text AS bytes`;
    say(`whole build ${buildMs} ms, ${built!.rows} rows`);
    // This table's roll-over alone: period_sales' trigger off, that table rolled by itself after.
    const roll = async (day: string): Promise<number> => {
      await sql`ALTER TABLE siyu.settings DISABLE TRIGGER period_sales_as_of`;
      const [, ms] = await timed(() => sql`UPDATE siyu.settings SET value = ${day} WHERE key = 'as_of'`);
      await sql`ALTER TABLE siyu.settings ENABLE TRIGGER period_sales_as_of`;
      await sql`SELECT siyu.roll_period_sales()`;
      return ms;
    };
    const nextMs = await roll(addDays(asOf, 1));
    const backMs = await roll(asOf);
    say(`roll-over ${nextMs} ms, back ${backMs} ms`);
    const timesOn: number[] = [];
    const timesOff: number[] = [];
    let id = first + 10_000;
    for (let block = 0; block < inserts / 10; block++) {
      const on = block % 2 === 0;
      if (!on) await sql`ALTER TABLE siyu.orders DISABLE TRIGGER period_owners_insert`;
      for (let k = 0; k < 10; k++) {
        const t0 = performance.now();
        await NEW_ORDER(sql, id++, asOf);
        (on ? timesOn : timesOff).push(performance.now() - t0);
      }
      if (!on) await sql`ALTER TABLE siyu.orders ENABLE TRIGGER period_owners_insert`;
    }
    // The orders inserted with this table's trigger off are not in it: delete all, then rebuild it.
    await sql`DELETE FROM siyu.orders WHERE id >= ${first + 10_000}`;
    await sql`SELECT siyu.rebuild_period_owners()`;
    await sql`VACUUM (ANALYZE) siyu.period_owners`;
    return {
      whole_build_ms: buildMs, rows: Number(built!.rows), periods: size!.periods, bytes: Number(size!.bytes),
      roll_over_next_day_ms: nextMs, roll_over_back_ms: backMs,
      insert_with_all_tables: latency(timesOn), insert_without_period_owners: latency(timesOff), load_average: os.loadavg()[0],
    };
  } finally {
    await sql.end({ timeout: 5 });
    await db.stop();
  }
}

async function tiles(pgPort: number): Promise<Record<string, unknown>> {
  mkdirSync(path.join(ROOT_DIR, '.tmp'), { recursive: true });
  const product = await startProduct(await embeddedProductOptions(dataDir, pgPort, path.join(ROOT_DIR, '.tmp', 'period-owners.log'), {}, 30 * 60_000));
  const sql = postgres(embeddedUrl(dataDir, pgPort), { max: 1, onnotice: () => {} });
  try {
    const exec = await BrowserClient.login(product.url, 'exec', 'demo');
    const manager = await BrowserClient.login(product.url, 'manager', 'demo');
    const staff = await BrowserClient.login(product.url, 'staff', 'demo');
    const me = (await staff.get('/api/me')).body as { asOf: string };
    const asOf = String(me.asOf).slice(0, 10);
    const [someone] = (await exec.load({ dimensions: ['staff_performance.team'], order: { 'staff_performance.team': 'asc' }, limit: 1 })).rows;
    const team = String(someone!['staff_performance.team']);
    const [staffRow] = await sql<{ id: number }[]>`SELECT employee_id AS id FROM siyu.accounts WHERE username = 'staff'`;
    const none = { team: null, channel: null, campaign: null };
    // Each case: the page's query on a preset (owner period table) and the same range as a custom range asks it (customer-day table).
    const pair = (preset: RangePreset, build: (period: string | null) => unknown) => {
      const range = dateRangeFor(preset, asOf);
      return { period: build(presetPeriodKey(range, asOf)) as CubeQuery, days: build(null) as CubeQuery };
    };
    const rate = (preset: RangePreset, which: 'repurchase' | 'repurchase_yoy') => pair(preset, (p) => {
      const q = overviewQueries(dateRangeFor(preset, asOf), none, 'both', null, p === null ? null : asOf);
      return q[which];
    });
    const year = dateRangeFor('last_12_months', asOf);
    const cases = [
      { name: 'exec · overview repurchase, 近12个月', client: exec, ...rate('last_12_months', 'repurchase') },
      { name: 'exec · overview repurchase, 近12个月 同比', client: exec, ...rate('last_12_months', 'repurchase_yoy') },
      { name: 'exec · overview repurchase, 近30天', client: exec, ...rate('last_30_days', 'repurchase') },
      { name: 'manager · overview repurchase, 近12个月', client: manager, ...rate('last_12_months', 'repurchase') },
      { name: 'staff · overview repurchase, 近12个月', client: staff, ...rate('last_12_months', 'repurchase') },
      { name: 'exec · staff converted by team, 近12个月', client: exec, ...pair('last_12_months', (p) => buildStaffConvertedQuery('team', year, null, p)) },
      { name: 'exec · staff converted by a team\'s employees, 近12个月', client: exec, ...pair('last_12_months', (p) => buildStaffConvertedQuery('employee', year, team, p)) },
      { name: 'staff · one employee\'s converted, 近12个月', client: staff, ...pair('last_12_months', (p) => buildEmployeeConvertedQuery(staffRow!.id, year, p)) },
    ];
    for (const c of cases) { await c.client.load(c.period); await c.client.load(c.days); }
    const times = new Map(cases.map((c) => [c.name, { period: [] as number[], days: [] as number[] }]));
    let next = (await sql<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.orders`)[0]!.next;
    const written: number[] = [];
    for (let run = 0; run < runs; run++) {
      for (const c of cases) {
        written.push(next);
        await NEW_ORDER(sql, next++, asOf);
        await new Promise((resolve) => setTimeout(resolve, 2500));
        for (const which of run % 2 === 0 ? (['period', 'days'] as const) : (['days', 'period'] as const)) {
          times.get(c.name)![which].push((await c.client.load(c[which])).ms);
        }
      }
      say(`run ${run + 1}/${runs} done (load ${os.loadavg()[0]!.toFixed(1)})`);
    }
    await sql`DELETE FROM siyu.orders WHERE id = ANY(${written})`;
    return Object.fromEntries([...times].map(([name, t]) => [name, { period_table: latency(t.period), customer_days: latency(t.days) }]));
  } finally {
    await sql.end({ timeout: 5 });
    await product.stop();
  }
}

const pgPort = await freePort();
const figures = inserts >= 0 ? await database(pgPort) : null;
say(JSON.stringify(figures));
const tileFigures = runs > 0 ? await tiles(pgPort) : null;
clearInterval(sampler);
process.stdout.write(`${JSON.stringify({
  data_dir: dataDir, runs, inserts, database: figures, tiles: tileFigures,
  load_average: { mean: Math.round((load.reduce((a, b) => a + b, 0) / load.length) * 10) / 10, max: Math.max(...load) },
}, null, 2)}\n`);
