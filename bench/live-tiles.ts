/**
 * What the hourly sales table (siyu.sales_hours, migration 032) costs and
 * gives, on a seeded data directory:
 *
 *   DATA_DIR=<dir> npm run seed -- --customers 200000
 *   node --import tsx bench/live-tiles.ts --data-dir <dir> [--runs 8] [--inserts 200]
 *
 * 1. Database (where the table exists): a whole build
 *    (siyu.rebuild_sales_hours()), its rows and size, and a single-order
 *    INSERT with the table's insert trigger on and off, alternating in
 *    blocks of 10 (every other trigger on in both).
 * 2. The tiles: the product as `npm start` runs it (refresh worker on); each
 *    run writes one paid order as the live writers write one (bench/new-order.ts:
 *    on the data date, in the big-screen's campaign), then asks the
 *    big-screen's live sales queries (with `renewQuery`, as the big-screen
 *    asks for an executive) and the overview's GMV trend (without, as the
 *    overview asks) every 100 ms through the app server until each shows the
 *    order's amount (the leaderboard: until it answers). The queries are the
 *    pages' own (web/src/page-loads.ts), so run from a checkout before
 *    migration 032 the same script measures the orders' rollups.
 * The orders written are deleted at the end.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { ROOT_DIR } from '../cube/config.ts';
import { embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { buildCampaignListQuery } from '../web/src/features/big-screen/campaigns.ts';
import { tilePages, type CubeQuery } from '../web/src/page-loads.ts';
import { BrowserClient } from './http-client.ts';
import { orderWriter } from './new-order.ts';
import { embeddedProductOptions, startProduct } from './product.ts';
import { latency } from './stats.ts';

const args = parseArgs({
  options: { 'data-dir': { type: 'string' }, runs: { type: 'string', default: '8' }, inserts: { type: 'string', default: '200' } },
}).values;
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const runs = Number(args.runs);
const inserts = Number(args.inserts);
const say = (m: string): void => { process.stderr.write(`[live-tiles ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };
const load: number[] = [os.loadavg()[0]!];
const sampler = setInterval(() => load.push(os.loadavg()[0]!), 2000);
sampler.unref();
const GIVE_UP_MS = 60_000;
const POLL_MS = 100;

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await run();
  return [out, Math.round(performance.now() - t0)];
}

async function database(pgPort: number): Promise<Record<string, unknown> | null> {
  const db = await startEmbeddedPostgres(dataDir, pgPort);
  const sql = postgres(embeddedUrl(dataDir, pgPort), { max: 1, onnotice: () => {} });
  try {
    if (!(await sql<{ ok: boolean }[]>`SELECT to_regclass('siyu.sales_hours') IS NOT NULL AS ok`)[0]!.ok) return null;
    const [[built], buildMs] = await timed(() => sql<{ rows: string }[]>`SELECT siyu.rebuild_sales_hours() AS rows`);
    await sql`VACUUM (ANALYZE) siyu.sales_hours`;
    const [size] = await sql<{ bytes: string; orders: string }[]>`
      SELECT pg_total_relation_size('siyu.sales_hours')::text AS bytes, (SELECT count(*) FROM siyu.orders)::text AS orders`;
    say(`whole build ${buildMs} ms, ${built!.rows} rows for ${size!.orders} orders`);
    const [camp] = await sql<{ id: number | null }[]>`SELECT min(id) AS id FROM siyu.campaigns`;
    const writer = await orderWriter(sql, camp!.id);
    const first = (await sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`)[0]!.n;
    const timesOn: number[] = [];
    const timesOff: number[] = [];
    const off: number[] = [];
    for (let block = 0; block < inserts / 10; block++) {
      const on = block % 2 === 0;
      if (!on) await sql`ALTER TABLE siyu.orders DISABLE TRIGGER sales_hours_insert`;
      for (let k = 0; k < 10; k++) {
        const t0 = performance.now();
        const order = await writer.write();
        (on ? timesOn : timesOff).push(performance.now() - t0);
        if (!on) off.push(order.id);
      }
      if (!on) await sql`ALTER TABLE siyu.orders ENABLE TRIGGER sales_hours_insert`;
    }
    // The orders written with the trigger off are not in the table: deleted without its trigger, the others with it.
    await sql`ALTER TABLE siyu.orders DISABLE TRIGGER sales_hours_delete`;
    await sql`DELETE FROM siyu.orders WHERE id = ANY(${off})`;
    await sql`ALTER TABLE siyu.orders ENABLE TRIGGER sales_hours_delete`;
    await sql`DELETE FROM siyu.orders WHERE id >= ${first}`;
    const [drift] = await sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM (
        SELECT siyu.local_hour_start(ordered_at), channel_id, campaign_id, employee_id, count(*)::int, count(*) FILTER (WHERE status = 'paid')::int,
               coalesce(sum(amount) FILTER (WHERE status = 'paid'), 0)::numeric(16, 2)
        FROM siyu.orders WHERE ordered_at >= siyu.local_midnight(siyu.as_of() - 1) GROUP BY 1, 2, 3, 4
        EXCEPT ALL
        SELECT hour_start, channel_id, campaign_id, employee_id, orders, paid_orders, paid_amount FROM siyu.sales_hours
        WHERE hour_start >= siyu.local_midnight(siyu.as_of() - 1)) AS d`;
    return {
      whole_build_ms: buildMs, rows: Number(built!.rows), orders: Number(size!.orders), bytes: Number(size!.bytes),
      insert_with_table: latency(timesOn), insert_without: latency(timesOff), rows_differing_after: drift!.n, load_average: os.loadavg()[0],
    };
  } finally {
    await sql.end({ timeout: 5 });
    await db.stop();
  }
}

const gmv = (rows: ReadonlyArray<Record<string, unknown>>): number =>
  rows.reduce((s, r) => s + Number(Object.entries(r).find(([k]) => k.endsWith('.gmv'))?.[1] ?? 0), 0);

async function tiles(pgPort: number): Promise<Record<string, unknown>> {
  const product = await startProduct(await embeddedProductOptions(dataDir, pgPort, path.join(ROOT_DIR, '.tmp', 'live-tiles.log'), {}, 30 * 60_000));
  const sql = postgres(embeddedUrl(dataDir, pgPort), { max: 1, onnotice: () => {} });
  try {
    const exec = await BrowserClient.login(product.url, 'exec', 'demo');
    const asOf = String(((await exec.get('/api/me')).body as { asOf: string }).asOf).slice(0, 10);
    const [someone] = (await exec.load({ dimensions: ['staff_performance.team', 'staff_performance.employee_id'], order: { 'staff_performance.team': 'asc' }, limit: 1 })).rows;
    const pages = tilePages({
      asOf, campaignRows: (await exec.load(buildCampaignListQuery() as CubeQuery)).rows, channel: '',
      team: String(someone!['staff_performance.team']), employeeId: Number(someone!['staff_performance.employee_id']),
    });
    const pick = (page: string, name: string, renew: boolean) => {
      const q = pages.find((p) => p.page === page)!.queries.find((x) => x.name === name)!.query;
      return { name, query: (renew ? { ...q, renewQuery: true } : q) as CubeQuery, waitsForOrder: name !== 'leaderboard' && name !== 'gmv_by_hour_week_ago' };
    };
    const live = [
      pick('big-screen', 'gmv_by_hour_today', true), pick('big-screen', 'campaign_sales', true), pick('big-screen', 'leaderboard', true),
      pick('overview', 'gmv_trend', false),
    ];
    say(`asks ${live.map((q) => `${q.name} (${(q.query.measures as string[])[0]!.split('.')[0]})`).join(', ')}`);
    const campaign = ((live[1]!.query.filters as Array<{ values: string[] }>)[0]!).values[0]!;
    const [camp] = await sql<{ id: number }[]>`SELECT id FROM siyu.campaigns WHERE name = ${campaign}`;
    const writer = await orderWriter(sql, camp!.id);
    // Warm: every rollup the queries need is built once (the refresh worker builds the others meanwhile).
    for (let k = 0; k < 3; k++) for (const q of live) await exec.load(q.query);
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    const seenMs = new Map(live.map((q) => [q.name, [] as number[]]));
    const firstAnswerMs = new Map(live.map((q) => [q.name, [] as number[]]));
    const written: number[] = [];
    for (let run = 0; run < runs; run++) {
      const before = await Promise.all(live.map(async (q) => gmv((await exec.load(q.query)).rows)));
      const t0 = performance.now();
      const order = await writer.write();
      written.push(order.id);
      await Promise.all(live.map(async (q, k) => {
        let first: number | null = null;
        while (performance.now() - t0 < GIVE_UP_MS) {
          const answer = await exec.load(q.query).catch(() => null);
          first ??= performance.now() - t0;
          if (answer && (!q.waitsForOrder || gmv(answer.rows) >= before[k]! + order.amount - 0.005)) {
            seenMs.get(q.name)!.push(performance.now() - t0);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
        firstAnswerMs.get(q.name)!.push(first ?? GIVE_UP_MS);
      }));
      say(`run ${run + 1}/${runs}: ${live.map((q) => `${q.name} ${Math.round(seenMs.get(q.name)!.at(-1) ?? GIVE_UP_MS)} ms`).join(', ')} (load ${os.loadavg()[0]!.toFixed(1)})`);
      await new Promise((resolve) => setTimeout(resolve, 2500));
    }
    await sql`DELETE FROM siyu.orders WHERE id = ANY(${written})`;
    return Object.fromEntries(live.map((q) => [q.name, {
      view: (q.query.measures as string[])[0]!.split('.')[0], renew: Boolean(q.query.renewQuery),
      shows_order_ms: latency(seenMs.get(q.name)!), missed: runs - seenMs.get(q.name)!.length, first_answer_ms: latency(firstAnswerMs.get(q.name)!),
    }]));
  } finally {
    await sql.end({ timeout: 5 });
    await product.stop();
  }
}

const pgPort = await freePort();
const figures = inserts > 0 ? await database(pgPort) : null;
say(JSON.stringify(figures));
const tileFigures = runs > 0 ? await tiles(pgPort) : null;
clearInterval(sampler);
process.stdout.write(`${JSON.stringify({
  data_dir: dataDir, runs, inserts, database: figures, tiles: tileFigures,
  load_average: { mean: Math.round((load.reduce((a, b) => a + b, 0) / load.length) * 10) / 10, max: Math.max(...load) },
}, null, 2)}\n`);
