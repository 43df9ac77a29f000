/**
 * What the daily sales table (siyu.sales_days, migration 042) costs and what
 * it answers, on a seeded data directory (the product need not run):
 *
 *   node --import tsx bench/daily-sales.ts --data-dir <dir> [--runs 5] [--inserts 200] [--product-runs 0]
 *
 * - a whole build (siyu.rebuild_sales_days()), its rows and size;
 * - single-order INSERTs with its triggers on the orders on and off,
 *   alternating in blocks of 10 (every other table's upkeep in both); the
 *   orders written are deleted after and the table built again;
 * - after a new order today, for exec, a manager and a staff member (the
 *   seed's demo accounts), each statement Cube sends for the queries the
 *   orders' rollup by day answered, run `runs` times apart (no Cube cache):
 *   from the table (`sales_daily`) and from the orders (`sales_overview`
 *   without a rollup, what a query the table cannot answer reads); and, for
 *   exec, the SELECT the removed rollup's current-month partition was rebuilt
 *   from after every order (its measures and dimensions by day over this
 *   month; Cube wrapped it in CREATE TABLE … AS and indexed it, not timed);
 * - with `--product-runs N`: the product as `npm start` runs it (refresh
 *   worker on); N times, one paid order today (bench/new-order.ts), then the
 *   overview's 45-day GMV trend (sales_daily) asked as exec every 100 ms
 *   through the app server until it shows the order's amount.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { loadConfig, ROOT_DIR } from '../cube/config.ts';
import { embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { startRollupProbe } from '../cube/tools/rollup-probe.ts';
import { buildGmvTrendQuery } from '../web/src/features/overview/gmv-spend-trend/build-query.ts';
import { addDays } from '../web/src/lib/date-range.ts';
import type { CubeQuery } from '../web/src/page-loads.ts';
import { demoPeople } from './demo-people.ts';
import { BrowserClient } from './http-client.ts';
import { orderWriter } from './new-order.ts';
import { embeddedProductOptions, startProduct } from './product.ts';
import { latency, timeStatement } from './stats.ts';
import { insertCost, timed } from './trigger-cost.ts';

const args = parseArgs({ options: { 'data-dir': { type: 'string' }, runs: { type: 'string', default: '5' }, inserts: { type: 'string', default: '200' }, 'product-runs': { type: 'string', default: '0' } } }).values;
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const runs = Number(args.runs);
const say = (m: string): void => { process.stderr.write(`[daily-sales ${new Date().toISOString().slice(11, 19)}] ${m} (load ${os.loadavg()[0]!.toFixed(1)})\n`); };
const TRIGGERS = ['sales_days_insert', 'sales_days_update', 'sales_days_delete'];

const config = loadConfig();
const port = await freePort();
const db = await startEmbeddedPostgres(dataDir, port);
const sql = postgres(embeddedUrl(dataDir, port), { max: 1, onnotice: () => {} });
const probe = await startRollupProbe({ databaseUrl: embeddedUrl(dataDir, port), modelDir: config.modelDir, timeZone: config.timeZone, preAggregations: false });
const out: Record<string, unknown> = { data_dir: dataDir, runs, load_start: os.loadavg()[0] };
try {
  const { first, asOf } = (await sql<{ first: number; asOf: string }[]>`
    SELECT max(id) + 1 AS first, (SELECT value FROM siyu.settings WHERE key = 'as_of') AS "asOf" FROM siyu.orders`)[0]!;
  const [[built], buildMs] = await timed(() => sql<{ rows: string }[]>`SELECT siyu.rebuild_sales_days() AS rows`);
  await sql`VACUUM (ANALYZE) siyu.sales_days`;
  const [size] = await sql<{ bytes: string; orders: string }[]>`
    SELECT pg_total_relation_size('siyu.sales_days')::text AS bytes, (SELECT count(*) FROM siyu.orders)::text AS orders`;
  out.whole_build = { ms: buildMs, rows: Number(built!.rows), mb: Math.round(Number(size!.bytes) / 1_048_576), orders: Number(size!.orders), load: os.loadavg()[0] };
  say(`whole build ${buildMs} ms, ${built!.rows} rows`);
  const cost = await insertCost(sql, { triggers: TRIGGERS, fromId: first + 10_000, asOf, inserts: Number(args.inserts), on: 'orders' });
  out.insert_with = cost.with;
  out.insert_without = cost.without;
  say(`insert p50 with ${cost.with.p50} ms, without ${cost.without.p50} ms`);
  await sql`DELETE FROM siyu.orders WHERE id >= ${first + 10_000}`;
  await sql`SELECT siyu.rebuild_sales_days()`;
  await sql`VACUUM (ANALYZE) siyu.sales_days`;

  // A new paid order today, as after a write.
  await sql`
    INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
    VALUES (${first}, (SELECT min(id) FROM siyu.customers), (SELECT min(id) FROM siyu.employees), (SELECT min(id) FROM siyu.channels), NULL,
            (${asOf}::date + time '12:00') AT TIME ZONE siyu.business_tz(), 88.80, 1, 'core', 'paid')`;
  const people = await demoPeople(sql);
  const V = 'sales_daily';
  const measures = ['gmv', 'order_count', 'avg_order_value', 'refund_rate', 'per_capita_gmv'].map((m) => `${V}.${m}`);
  const queries: Array<[string, CubeQuery]> = [
    ['GMV trend by day, 45 days', buildGmvTrendQuery([addDays(asOf, -44), asOf], { team: null, channel: null, campaign: null }) as CubeQuery],
    ['every measure by channel, 近12个月', { measures, dimensions: [`${V}.channel`], timeDimensions: [{ dimension: `${V}.order_date`, dateRange: [addDays(asOf, -364), asOf] }] }],
    ['contest GMV by employee, 30 days', { measures: [`${V}.gmv`], dimensions: [`${V}.employee_id`, `${V}.employee`], timeDimensions: [{ dimension: `${V}.order_date`, dateRange: [addDays(asOf, -29), asOf] }] }],
  ];
  const month = `${asOf.slice(0, 7)}-01`;
  const partition: CubeQuery = {
    measures: ['sales_overview.gmv', 'sales_overview.order_count'],
    dimensions: ['sales_overview.category', 'sales_overview.channel', 'sales_overview.channel_type', 'sales_overview.campaign',
      'sales_overview.employee_id', 'sales_overview.employee', 'sales_overview.team_id', 'sales_overview.team'],
    timeDimensions: [{ dimension: 'sales_overview.order_date', granularity: 'day', dateRange: [month, asOf] }],
  };
  const rows: Record<string, unknown> = {};
  for (const p of people) {
    const cases: Array<[string, CubeQuery]> = queries.flatMap(([name, q]) => [
      [`${name}: daily sales table`, q] as [string, CubeQuery],
      [`${name}: raw orders`, JSON.parse(JSON.stringify(q).replaceAll(`${V}.`, 'sales_overview.')) as CubeQuery] as [string, CubeQuery],
    ]);
    if (p.role === 'executive') cases.push(['removed rollup: partition build (SELECT), this month', partition]);
    for (const [name, query] of cases) {
      const [text, params] = await probe.statement(p, query);
      const timed = await timeStatement(sql, text, params, runs);
      rows[`${p.username} · ${name}`] = timed;
      say(`${p.username} · ${name}: ${JSON.stringify(timed.ms)} (${timed.rows} rows)`);
    }
  }
  await sql`DELETE FROM siyu.orders WHERE id = ${first}`;
  out.statements = rows;
  out.load_end = os.loadavg()[0];
} finally {
  await probe.stop();
  await sql.end({ timeout: 5 });
  await db.stop();
}
const productRuns = Number(args['product-runs']);
if (productRuns > 0) {
  const product = await startProduct(await embeddedProductOptions(dataDir, port, path.join(ROOT_DIR, '.tmp', 'daily-sales.log'), {}, 30 * 60_000));
  const owner = postgres(embeddedUrl(dataDir, port), { max: 1, onnotice: () => {} });
  try {
    const exec = await BrowserClient.login(product.url, 'exec', 'demo');
    const asOf = String(((await exec.get('/api/me')).body as { asOf: string }).asOf).slice(0, 10);
    const trend = buildGmvTrendQuery([addDays(asOf, -44), asOf], { team: null, channel: null, campaign: null }) as CubeQuery;
    const gmv = (rows: ReadonlyArray<Record<string, unknown>>): number => rows.reduce((t, r) => t + Number(r['sales_daily.gmv'] ?? 0), 0);
    const writer = await orderWriter(owner, null);
    for (let k = 0; k < 3; k++) await exec.load(trend);
    const seen: number[] = [];
    const written: number[] = [];
    for (let run = 0; run < productRuns; run++) {
      const before = gmv((await exec.load(trend)).rows);
      const t0 = performance.now();
      const order = await writer.write();
      written.push(order.id);
      while (performance.now() - t0 < 60_000) {
        if (gmv((await exec.load(trend)).rows) >= before + order.amount - 0.005) { seen.push(performance.now() - t0); break; }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      say(`run ${run + 1}/${productRuns}: the 45-day trend showed the order after ${Math.round(seen.at(-1) ?? 60_000)} ms`);
      await new Promise((resolve) => setTimeout(resolve, 2500));
    }
    await owner`DELETE FROM siyu.orders WHERE id = ANY(${written})`;
    out.trend_shows_order_ms = { ...latency(seen), missed: productRuns - seen.length, load_end: os.loadavg()[0] };
  } finally {
    await owner.end({ timeout: 5 });
    await product.stop();
  }
}
// Cube's timers would keep the process alive.
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`, () => process.exit(0));
