/**
 * What the returns day table (siyu.returns_days, migration 043) costs and
 * gives, on a seeded data directory:
 *
 *   DATA_DIR=<dir> npm run seed -- --customers 200000
 *   node --import tsx bench/returns-tiles.ts --data-dir <dir> [--runs 6] [--inserts 200]
 *
 * 1. Database (where the table exists): a whole build
 *    (siyu.rebuild_returns_days()), its rows and size, and a single INSERT of
 *    a paid order with a campaign, and of a spend line, with the table's
 *    insert trigger on and off, alternating in blocks of 10 (every other
 *    trigger on in both); the rows written are deleted after.
 * 2. The tiles: the product as `npm start` runs it (refresh worker on); each
 *    run writes one paid order in a campaign as the live writers write one
 *    (bench/new-order.ts), then asks the pages' ROI, spend and CAC tiles
 *    (web/src/page-loads.ts, as the pages ask them: without `renewQuery`)
 *    every 100 ms through the app server: the first answer after the write,
 *    and, for a tile with attributed GMV over the whole brand, when it shows
 *    the order. Run from a checkout before migration 043, the same script
 *    measures the rollups.
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
import { timed } from './trigger-cost.ts';

const args = parseArgs({ options: { 'data-dir': { type: 'string' }, runs: { type: 'string', default: '6' }, inserts: { type: 'string', default: '200' } } }).values;
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const runs = Number(args.runs);
const inserts = Number(args.inserts);
const say = (m: string): void => { process.stderr.write(`[returns-tiles ${new Date().toISOString().slice(11, 19)}] ${m} (load ${os.loadavg()[0]!.toFixed(1)})\n`); };
const load: number[] = [os.loadavg()[0]!];
const sampler = setInterval(() => load.push(os.loadavg()[0]!), 2000);
sampler.unref();
const GIVE_UP_MS = 60_000;
const POLL_MS = 100;
/** The pages' ROI, spend and CAC tiles: [page, query name]. */
const TILES = [['overview', 'roi'], ['overview', 'spend_trend'], ['channels', 'roi_by_channel'], ['channels → a channel', 'roi_by_employee'],
  ['activities', 'gmv_by_campaign'], ['planner', 'monthly_history']] as const;

async function database(pgPort: number): Promise<Record<string, unknown> | null> {
  const db = await startEmbeddedPostgres(dataDir, pgPort);
  const sql = postgres(embeddedUrl(dataDir, pgPort), { max: 1, onnotice: () => {} });
  try {
    if (!(await sql<{ ok: boolean }[]>`SELECT to_regclass('siyu.returns_days') IS NOT NULL AS ok`)[0]!.ok) return null;
    const [[built], buildMs] = await timed(() => sql<{ rows: string }[]>`SELECT siyu.rebuild_returns_days() AS rows`);
    await sql`VACUUM (ANALYZE) siyu.returns_days`;
    const [size] = await sql<{ bytes: string; months: string }[]>`
      SELECT pg_total_relation_size('siyu.returns_days')::text AS bytes,
             (SELECT count(*) FROM siyu.returns_days WHERE day_start >= siyu.local_midnight(siyu.as_of() - 365))::text AS months`;
    say(`whole build ${buildMs} ms, ${built!.rows} rows (${size!.months} in the last 12 months)`);
    const [ids] = await sql<{ order: number; spend: number; camp: number; channel: number; employee: number; customer: number }[]>`
      SELECT (SELECT max(id) + 1 FROM siyu.orders) AS order, (SELECT max(id) + 1 FROM siyu.campaign_spend) AS spend,
             (SELECT min(id) FROM siyu.campaigns) AS camp, (SELECT min(id) FROM siyu.channels) AS channel,
             (SELECT min(id) FROM siyu.employees) AS employee, (SELECT min(id) FROM siyu.customers) AS customer`;
    const cost = async (table: 'orders' | 'campaign_spend', write: (id: number) => Promise<unknown>): Promise<Record<string, unknown>> => {
      const on: number[] = [];
      const off: number[] = [];
      const first = table === 'orders' ? ids!.order : ids!.spend;
      for (let block = 0; block < inserts / 10; block++) {
        const withIt = block % 2 === 0;
        if (!withIt) await sql.unsafe(`ALTER TABLE siyu.${table} DISABLE TRIGGER returns_days_insert`);
        for (let k = 0; k < 10; k++) {
          const t0 = performance.now();
          await write(first + block * 10 + k);
          (withIt ? on : off).push(performance.now() - t0);
        }
        if (!withIt) await sql.unsafe(`ALTER TABLE siyu.${table} ENABLE TRIGGER returns_days_insert`);
      }
      await sql.unsafe(`DELETE FROM siyu.${table} WHERE id >= ${first}`);
      return { with: latency(on), without: latency(off) };
    };
    const orders = await cost('orders', (id) => sql`
      INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
      VALUES (${id}, ${ids!.customer}::int + ${id % 1000}::int, ${ids!.employee}::int + ${id % 50}::int, ${ids!.channel}, ${ids!.camp},
              (siyu.as_of() + time '11:00') AT TIME ZONE siyu.business_tz(), 99.90, 1, 'core', 'paid')`);
    const spend = await cost('campaign_spend', (id) => sql`
      INSERT INTO siyu.campaign_spend (id, campaign_id, channel_id, employee_id, spent_on, amount)
      VALUES (${id}, ${ids!.camp}, ${ids!.channel}, ${ids!.employee}::int + ${id % 50}::int, siyu.as_of(), 12.50)`);
    // The rows written with the trigger off are gone again; the table equals the facts only after a build.
    await sql`SELECT siyu.rebuild_returns_days()`;
    await sql`VACUUM (ANALYZE) siyu.returns_days`;
    return { whole_build_ms: buildMs, rows: Number(built!.rows), rows_last_12_months: Number(size!.months), bytes: Number(size!.bytes),
      order_insert: orders, spend_insert: spend, load_average: os.loadavg()[0] };
  } finally {
    await sql.end({ timeout: 5 });
    await db.stop();
  }
}

const gmv = (rows: ReadonlyArray<Record<string, unknown>>): number =>
  rows.reduce((s, r) => s + Number(Object.entries(r).find(([k]) => k.endsWith('.attributed_gmv'))?.[1] ?? 0), 0);

async function tiles(pgPort: number): Promise<Record<string, unknown>> {
  const product = await startProduct(await embeddedProductOptions(dataDir, pgPort, path.join(ROOT_DIR, '.tmp', 'returns-tiles.log'), {}, 30 * 60_000));
  const sql = postgres(embeddedUrl(dataDir, pgPort), { max: 1, onnotice: () => {} });
  try {
    const exec = await BrowserClient.login(product.url, 'exec', 'demo');
    const asOf = String(((await exec.get('/api/me')).body as { asOf: string }).asOf).slice(0, 10);
    const [channel] = (await exec.load({ dimensions: ['channel_roi.channel'], filters: [{ member: 'channel_roi.channel', operator: 'set' }], order: { 'channel_roi.channel': 'asc' }, limit: 1 })).rows;
    const [camp] = await sql<{ id: number }[]>`SELECT min(id) AS id FROM siyu.campaigns`;
    const pages = tilePages({ asOf, campaignRows: (await exec.load(buildCampaignListQuery() as CubeQuery)).rows, channel: String(channel!['channel_roi.channel']), team: '', employeeId: 0 });
    const asked = TILES.map(([page, name]) => {
      const query = pages.find((p) => p.page === page)!.queries.find((q) => q.name === name)!.query;
      // Over the whole brand, the order's amount shows in its attributed GMV (roi_by_employee is one channel's).
      return { name, query, waitsForOrder: JSON.stringify(query).includes('attributed_gmv') && name !== 'roi_by_employee' && name !== 'monthly_history' };
    });
    const writer = await orderWriter(sql, camp!.id);
    for (let k = 0; k < 3; k++) for (const q of asked) await exec.load(q.query);
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    const seenMs = new Map(asked.map((q) => [q.name, [] as number[]]));
    const firstMs = new Map(asked.map((q) => [q.name, [] as number[]]));
    const written: number[] = [];
    for (let run = 0; run < runs; run++) {
      const before = await Promise.all(asked.map(async (q) => gmv((await exec.load(q.query)).rows)));
      const t0 = performance.now();
      const order = await writer.write();
      written.push(order.id);
      await Promise.all(asked.map(async (q, k) => {
        let first: number | null = null;
        while (performance.now() - t0 < GIVE_UP_MS) {
          const t1 = performance.now();
          const answer = await exec.load(q.query).catch(() => null);
          first ??= performance.now() - t1;
          if (answer && (!q.waitsForOrder || gmv(answer.rows) >= before[k]! + order.amount - 0.005)) {
            seenMs.get(q.name)!.push(performance.now() - t0);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
        firstMs.get(q.name)!.push(first ?? GIVE_UP_MS);
      }));
      say(`run ${run + 1}/${runs}: ${asked.map((q) => `${q.name} ${Math.round(firstMs.get(q.name)!.at(-1)!)} ms`).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 2500));
    }
    await sql`DELETE FROM siyu.orders WHERE id = ANY(${written})`;
    return Object.fromEntries(asked.map((q) => [q.name, {
      first_answer_ms: latency(firstMs.get(q.name)!), ...(q.waitsForOrder ? { shows_order_ms: latency(seenMs.get(q.name)!) } : {}),
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
