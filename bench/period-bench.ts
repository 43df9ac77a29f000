/**
 * What the period tables' benchmarks (period-sales.ts, period-owners.ts,
 * period-participants.ts) share: their options, the load sampler, a
 * database or a product started on the data directory, the tiles' timing
 * loop (a write before each case, then the page query from the period table
 * and as a custom range asks it, in alternating order) and the printed
 * report. Each script keeps what differs: its table's build, roll-over and
 * writes, and its cases.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { ROOT_DIR } from '../cube/config.ts';
import { embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { overviewQueries } from '../web/src/features/overview/page-queries.ts';
import { dateRangeFor, presetPeriodKey, type RangePreset } from '../web/src/lib/date-range.ts';
import type { CubeQuery } from '../web/src/page-loads.ts';
import { BrowserClient } from './http-client.ts';
import { embeddedProductOptions, startProduct } from './product.ts';
import { latency } from './stats.ts';

export interface PeriodBench {
  name: string;
  dataDir: string;
  runs: number;
  inserts: number;
  say: (message: string) => void;
}

/** Reads `--data-dir`, `--runs`, `--inserts`; samples the load average every 2 s until `report`. */
export function periodBench(name: string): PeriodBench {
  const args = parseArgs({
    options: { 'data-dir': { type: 'string' }, runs: { type: 'string', default: '5' }, inserts: { type: 'string', default: '200' } },
  }).values;
  if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
  return {
    name,
    dataDir: path.resolve(args['data-dir']),
    runs: Number(args.runs),
    inserts: Number(args.inserts),
    say: (m) => { process.stderr.write(`[${name} ${new Date().toISOString().slice(11, 19)}] ${m}\n`); },
  };
}

const load: number[] = [os.loadavg()[0]!];
const sampler = setInterval(() => load.push(os.loadavg()[0]!), 2000);
sampler.unref();

/** A paid order today at 11:00, of one of the first 1,000 customers, credited to one of the first 50 employees. */
export const NEW_ORDER = (sql: postgres.Sql, id: number, asOf: string) => sql`
  INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
  VALUES (${id}, (SELECT min(id) FROM siyu.customers) + ${id % 1000}, (SELECT min(id) FROM siyu.employees) + ${id % 50},
          (SELECT min(id) FROM siyu.channels), NULL, (${asOf}::date + time '11:00') AT TIME ZONE siyu.business_tz(), 99.90, 1, 'core', 'paid')`;

export async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await run();
  return [out, Math.round(performance.now() - t0)];
}

/**
 * Each write of `writes` `--inserts` times, one after the other, in blocks
 * of 10 with the table's maintenance on, then off (`pause(false)` switches
 * its triggers off, `pause(true)` back on): p50/p95 per write, on and off.
 */
export async function alternateInserts(bench: PeriodBench, pause: (on: boolean) => Promise<unknown>,
  writes: Record<string, () => Promise<unknown>>): Promise<Record<string, { on: ReturnType<typeof latency>; off: ReturnType<typeof latency> }>> {
  const times = Object.fromEntries(Object.keys(writes).map((k) => [k, { on: [] as number[], off: [] as number[] }]));
  for (let block = 0; block < bench.inserts / 10; block++) {
    const on = block % 2 === 0;
    if (!on) await pause(false);
    for (let k = 0; k < 10; k++) {
      for (const [name, write] of Object.entries(writes)) {
        const t0 = performance.now();
        await write();
        times[name]![on ? 'on' : 'off'].push(performance.now() - t0);
      }
    }
    if (!on) await pause(true);
  }
  return Object.fromEntries(Object.entries(times).map(([k, t]) => [k, { on: latency(t.on), off: latency(t.off) }]));
}

/** The database alone (no product) on the data directory, for the build, roll-over and write costs. */
export async function withDatabase<T>(bench: PeriodBench, pgPort: number, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const db = await startEmbeddedPostgres(bench.dataDir, pgPort);
  const sql = postgres(embeddedUrl(bench.dataDir, pgPort), { max: 1, onnotice: () => {} });
  try {
    return await run(sql);
  } finally {
    await sql.end({ timeout: 5 });
    await db.stop();
  }
}

/** The product as `npm start` runs it on the data directory, logged in as exec and manager, with its as-of day. */
export async function withProduct<T>(bench: PeriodBench, pgPort: number,
  run: (p: { sql: postgres.Sql; url: string; exec: BrowserClient; manager: BrowserClient; asOf: string }) => Promise<T>): Promise<T> {
  mkdirSync(path.join(ROOT_DIR, '.tmp'), { recursive: true });
  const product = await startProduct(await embeddedProductOptions(bench.dataDir, pgPort, path.join(ROOT_DIR, '.tmp', `${bench.name}.log`), {}, 30 * 60_000));
  const sql = postgres(embeddedUrl(bench.dataDir, pgPort), { max: 1, onnotice: () => {} });
  try {
    const exec = await BrowserClient.login(product.url, 'exec', 'demo');
    const manager = await BrowserClient.login(product.url, 'manager', 'demo');
    const asOf = String(((await exec.get('/api/me')).body as { asOf: string }).asOf).slice(0, 10);
    return await run({ sql, url: product.url, exec, manager, asOf });
  } finally {
    await sql.end({ timeout: 5 });
    await product.stop();
  }
}

/** One tile: the page's query on a preset (the period table) and the same days as a custom range asks them. */
export interface TileCase {
  name: string;
  client: BrowserClient;
  period: CubeQuery;
  days: CubeQuery;
}

/**
 * The two forms of a tile on `asOf`: `pair(preset, build)` builds the page's
 * query with the preset's period key (a period table answers it) and
 * without (as a custom range of the same days asks it); `overview(preset,
 * name)` is that pair for one of the overview's queries, unfiltered.
 */
export function tilePairs(asOf: string) {
  const pair = (preset: RangePreset, build: (period: string | null) => unknown) => {
    const range = dateRangeFor(preset, asOf);
    return { period: build(presetPeriodKey(range, asOf)) as CubeQuery, days: build(null) as CubeQuery };
  };
  const none = { team: null, channel: null, campaign: null };
  const overview = (preset: RangePreset, name: keyof ReturnType<typeof overviewQueries>) =>
    pair(preset, (p) => overviewQueries(dateRangeFor(preset, asOf), none, 'both', null, p === null ? null : asOf)[name]);
  return { pair, overview };
}

/**
 * Warms each case once, then `runs` times: for each case, `write()` (which
 * changes every cache key the case reads), 2.5 s, then both queries, in an
 * order that alternates from run to run. Returns p50/p95 per case, under
 * `labels` (the period table's name first, the fallback's second).
 */
export async function timeCases(bench: PeriodBench, cases: TileCase[], write: () => Promise<void>,
  labels: [string, string]): Promise<Record<string, Record<string, unknown>>> {
  for (const c of cases) { await c.client.load(c.period); await c.client.load(c.days); }
  const times = new Map(cases.map((c) => [c.name, { period: [] as number[], days: [] as number[] }]));
  for (let run = 0; run < bench.runs; run++) {
    for (const c of cases) {
      await write();
      await new Promise((resolve) => setTimeout(resolve, 2500));
      for (const which of run % 2 === 0 ? (['period', 'days'] as const) : (['days', 'period'] as const)) {
        times.get(c.name)![which].push((await c.client.load(c[which])).ms);
      }
    }
    bench.say(`run ${run + 1}/${bench.runs} done (load ${os.loadavg()[0]!.toFixed(1)})`);
  }
  return Object.fromEntries([...times].map(([name, t]) => [name, { [labels[0]]: latency(t.period), [labels[1]]: latency(t.days) }]));
}

/** timeCases with one new paid order (NEW_ORDER) as the write before each case; the orders are deleted after. */
export async function timeCasesAfterOrders(bench: PeriodBench, sql: postgres.Sql, cases: TileCase[], asOf: string,
  labels: [string, string]): Promise<Record<string, Record<string, unknown>>> {
  let next = (await sql<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.orders`)[0]!.next;
  const written: number[] = [];
  const figures = await timeCases(bench, cases, async () => { written.push(next); await NEW_ORDER(sql, next++, asOf); }, labels);
  await sql`DELETE FROM siyu.orders WHERE id = ANY(${written})`;
  return figures;
}

/** Runs the database part (unless `--inserts` is negative), then the tiles (unless `--runs 0`), and prints both as JSON. */
export async function report(bench: PeriodBench,
  database: (pgPort: number) => Promise<Record<string, unknown>>,
  tiles: (pgPort: number) => Promise<Record<string, unknown>>): Promise<void> {
  const pgPort = await freePort();
  const figures = bench.inserts >= 0 ? await database(pgPort) : null;
  bench.say(JSON.stringify(figures));
  const tileFigures = bench.runs > 0 ? await tiles(pgPort) : null;
  clearInterval(sampler);
  process.stdout.write(`${JSON.stringify({
    data_dir: bench.dataDir, runs: bench.runs, inserts: bench.inserts, database: figures, tiles: tileFigures,
    load_average: { mean: Math.round((load.reduce((a, b) => a + b, 0) / load.length) * 10) / 10, max: Math.max(...load) },
  }, null, 2)}\n`);
}
