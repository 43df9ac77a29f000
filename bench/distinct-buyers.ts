/**
 * The distinct-buyer tiles before and after the customer-day table (issue 19,
 * docs/performance.md), on a database seeded beforehand:
 *
 *   npm run seed -- --customers 200000   (with DATA_DIR=<dir>)
 *   node --import tsx bench/distinct-buyers.ts --data-dir <dir> [--runs 7] [--inserts 200]
 *
 * 1. The triggers' cost: `--inserts` single-order INSERTs (each its own
 *    statement and commit) with the customer-day triggers, and as many with
 *    them disabled, alternating in blocks of 10; the orders are deleted after.
 * 2. The tiles: the product started as `npm start` runs it (refresh worker
 *    on), logged in as exec and as the demo manager; each run writes one new
 *    paid order (so every cache key on the orders and the customer-day table
 *    changes), waits 2.5 s, then asks each rerouted page query as the pages
 *    ask it now (sales_buyers, buyer_repurchase: the customer-day table) and
 *    as they asked it before (sales_overview, customer_insights: the orders),
 *    in alternating order. With
 *    `--defeat limit` no order is written: each run asks with another row
 *    limit instead (Cube's cache misses; no rollup rebuild runs meanwhile).
 * Prints one JSON document with the figures and the machine's load average.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { ROOT_DIR } from '../cube/config.ts';
import { embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { BrowserClient } from './http-client.ts';
import type { CubeQuery, PageContext } from '../web/src/page-loads.ts';
import { overviewQueries } from '../web/src/features/overview/page-queries.ts';
import { staffQueries } from '../web/src/features/staff/page-queries.ts';
import { dateRangeFor, DEFAULT_COMPARE, DEFAULT_RANGE } from '../web/src/lib/date-range.ts';
import { embeddedProductOptions, startProduct } from './product.ts';
import { latency } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    'data-dir': { type: 'string' }, runs: { type: 'string', default: '7' }, inserts: { type: 'string', default: '200' },
    defeat: { type: 'string', default: 'write' },
  },
});
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const runs = Number(args.runs);
const inserts = Number(args.inserts);
// write: a new order before each run (every cache key changes, the rollups rebuild meanwhile, as in use);
// limit: the query with another row limit (Cube's cache misses, nothing else runs): the query's own cost.
const defeat = args.defeat === 'limit' ? 'limit' : 'write';
const say = (m: string): void => { process.stderr.write(`[distinct-buyers ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };
const load: number[] = [];
const sampler = setInterval(() => load.push(os.loadavg()[0]!), 2000);
sampler.unref();
load.push(os.loadavg()[0]!);

const NEW_ORDER = (sql: postgres.Sql, id: number, asOf: string) => sql`
  INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
  VALUES (${id}, (SELECT min(id) FROM siyu.customers) + ${id % 1000}, (SELECT min(id) FROM siyu.employees) + ${id % 50},
          (SELECT min(id) FROM siyu.channels), NULL, (${asOf}::date + time '11:00') AT TIME ZONE siyu.business_tz(), 99.90, 1, 'core', 'paid')`;

async function triggerCost(pgPort: number): Promise<Record<string, unknown>> {
  const db = await startEmbeddedPostgres(dataDir, pgPort);
  const sql = postgres(embeddedUrl(dataDir, pgPort), { max: 1, onnotice: () => {} });
  try {
    const { first, asOf } = (await sql<{ first: number; asOf: string }[]>`
      SELECT max(id) + 1 AS first, (SELECT value FROM siyu.settings WHERE key = 'as_of') AS "asOf" FROM siyu.orders`)[0]!;
    const timesOn: number[] = [];
    const timesOff: number[] = [];
    let id = first + 10_000;
    for (let block = 0; block < inserts / 10; block++) {
      const on = block % 2 === 0;
      if (!on) await sql`ALTER TABLE siyu.orders DISABLE TRIGGER customer_days_insert`;
      for (let k = 0; k < 10; k++) {
        const t0 = performance.now();
        await NEW_ORDER(sql, id++, asOf);
        (on ? timesOn : timesOff).push(performance.now() - t0);
      }
      if (!on) await sql`ALTER TABLE siyu.orders ENABLE TRIGGER customer_days_insert`;
    }
    // The orders inserted with the trigger off are not in the table: delete all, then rebuild their customers' rows exactly.
    await sql`ALTER TABLE siyu.orders DISABLE TRIGGER customer_days_delete`;
    await sql`DELETE FROM siyu.orders WHERE id >= ${first + 10_000}`;
    await sql`ALTER TABLE siyu.orders ENABLE TRIGGER customer_days_delete`;
    const t0 = performance.now();
    await sql`SELECT siyu.rebuild_customer_days()`;
    const rebuildMs = performance.now() - t0;
    await sql`VACUUM (ANALYZE) siyu.customer_days`;
    return { insert_with_triggers: latency(timesOn), insert_without: latency(timesOff), rebuild_ms: Math.round(rebuildMs), load_average: os.loadavg()[0] };
  } finally {
    await sql.end({ timeout: 5 });
    await db.stop();
  }
}

async function tiles(pgPort: number): Promise<Record<string, unknown>> {
  const product = await startProduct(await embeddedProductOptions(dataDir, pgPort, path.join(ROOT_DIR, '.tmp', 'distinct-buyers.log'), {}, 30 * 60_000));
  const sql = postgres(embeddedUrl(dataDir, pgPort), { max: 1, onnotice: () => {} });
  try {
    const exec = await BrowserClient.login(product.url, 'exec', 'demo');
    const manager = await BrowserClient.login(product.url, 'manager', 'demo');
    const asOf = String(((await exec.get('/api/me')).body as { asOf: string }).asOf).slice(0, 10);
    const [someone] = (await exec.load({ dimensions: ['staff_performance.team', 'staff_performance.employee_id'], order: { 'staff_performance.team': 'asc' }, limit: 1 })).rows;
    const page: PageContext = { asOf, campaignRows: [], channel: '', team: String(someone!['staff_performance.team']), employeeId: Number(someone!['staff_performance.employee_id']) };
    const wanted = ['sales_kpis', 'sales_kpis_mom', 'sales_kpis_yoy', 'sales_by_team', 'sales_by_employee', 'employee_sales', 'repurchase', 'repurchase_mom'];
    // The customer-day table's queries: on a preset the pages now ask the period table (bench/period-sales.ts measures that).
    const range = dateRangeFor(DEFAULT_RANGE, asOf);
    const named = Object.entries({ ...overviewQueries(range, { team: null, channel: null, campaign: null }, DEFAULT_COMPARE), ...staffQueries(range, page.team, page.employeeId) })
      .flatMap(([name, query]) => (query && wanted.includes(name) ? [{ name, query: query as CubeQuery }] : []));
    const before = (q: CubeQuery): CubeQuery =>
      JSON.parse(JSON.stringify(q).replaceAll('sales_buyers.', 'sales_overview.').replaceAll('buyer_repurchase.', 'customer_insights.')) as CubeQuery;
    const cases = [
      ...named.map((q) => ({ name: `exec · ${q.name}`, client: exec, query: q.query })),
      ...named.filter((q) => q.name === 'sales_kpis' || q.name === 'repurchase').map((q) => ({ name: `manager · ${q.name}`, client: manager, query: q.query })),
    ];
    // Warm-up: every rollup and query plan in place once, as on a product that has been up for a while.
    for (const c of cases) { await c.client.load(c.query); await c.client.load(before(c.query)); }
    const times = new Map<string, { after: number[]; before: number[] }>(cases.map((c) => [c.name, { after: [], before: [] }]));
    let next = (await sql<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.orders`)[0]!.next;
    const written: number[] = [];
    for (let run = 0; run < runs; run++) {
      for (const c of cases) {
        if (defeat === 'write') {
          written.push(next);
          await NEW_ORDER(sql, next++, asOf);
          await new Promise((resolve) => setTimeout(resolve, 2500));
        }
        const order = run % 2 === 0 ? (['after', 'before'] as const) : (['before', 'after'] as const);
        for (const which of order) {
          const query = defeat === 'write' ? c.query : { ...c.query, limit: 9_000 - run };
          const answer = await c.client.load(which === 'after' ? query : before(query));
          times.get(c.name)![which].push(answer.ms);
        }
      }
      say(`run ${run + 1}/${runs} done (load ${os.loadavg()[0]!.toFixed(1)})`);
    }
    await sql`DELETE FROM siyu.orders WHERE id = ANY(${written})`;
    return Object.fromEntries([...times].map(([name, t]) => [name, { customer_days: latency(t.after), orders: latency(t.before) }]));
  } finally {
    await sql.end({ timeout: 5 });
    await product.stop();
  }
}

const pgPort = await freePort();
say('trigger cost');
const trigger = inserts > 0 ? await triggerCost(pgPort) : null;
say(JSON.stringify(trigger));
say('tiles');
const tileFigures = await tiles(pgPort);
clearInterval(sampler);
process.stdout.write(`${JSON.stringify({
  data_dir: dataDir, runs, inserts, defeat, trigger, tiles: tileFigures,
  load_average: { mean: Math.round((load.reduce((a, b) => a + b, 0) / load.length) * 10) / 10, max: Math.max(...load) },
}, null, 2)}\n`);
