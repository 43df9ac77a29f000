/**
 * What one new order costs the rollups, and how soon the screens show it:
 *
 *   node --import tsx bench/rebuild-per-write.ts --data-dir DIR [--orders 5] [--settle 20]
 *
 * Starts the product on a seeded data directory (as `npm run bench` does),
 * waits until the refresh worker has built every rollup and stopped building
 * for `--settle` seconds, then writes `--orders` paid orders one after the
 * other (bench/new-order.ts: today, in the big-screen's campaign) and follows
 * each to the big-screen and the overview (bench/phases/freshness.ts). Then,
 * once the worker is quiet again, it counts the rollup tables built since the
 * first order and the rows written into them: the rebuild work the orders
 * caused (issue 19: O(change), not O(history)). Figures, not assertions.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { loadConfig, ROOT_DIR } from '../cube/config.ts';
import { embeddedUrl } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { buildCampaignListQuery, pickCampaign, toCampaignOptions } from '../web/src/features/big-screen/campaigns.ts';
import { tilePages, type CubeQuery, type PageContext } from '../web/src/page-loads.ts';
import { BrowserClient } from './http-client.ts';
import { orderWriter } from './new-order.ts';
import { embeddedProductOptions, startProduct } from './product.ts';
import { ms } from './stats.ts';

const { values: args } = parseArgs({
  options: { 'data-dir': { type: 'string' }, orders: { type: 'string', default: '5' }, settle: { type: 'string', default: '20' } },
});
if (!args['data-dir']) throw new Error('--data-dir DIR: a data directory seeded by `npm run bench -- --data-dir DIR` or `DATA_DIR=DIR npm run seed`');
const dataDir = path.resolve(args['data-dir']);
const orders = Number(args.orders);
const settleMs = Number(args.settle) * 1000;
// The freshness phase logs through bench/options.ts, which reads `npm run bench`'s flags at import: it is imported once these are read.
process.argv.splice(2);
const { measureFreshness } = await import('./phases/freshness.ts');
const say = (m: string): void => { process.stderr.write(`[rebuild ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };

type Tables = Map<string, number>;

async function main(): Promise<void> {
  const config = loadConfig({ logLevel: 'silent' });
  const pgPort = await freePort();
  const logFile = path.join(ROOT_DIR, '.tmp', 'rebuild-per-write.log');
  mkdirSync(path.dirname(logFile), { recursive: true });
  const product = await startProduct(await embeddedProductOptions(dataDir, pgPort, logFile, { DEMO_PASSWORD: config.demoPassword, LOG_LEVEL: 'info' }));
  const owner = postgres(embeddedUrl(dataDir, pgPort), { max: 2, onnotice: () => {} });
  try {
    const tables = async (): Promise<Tables> => new Map((await owner<{ name: string; oid: number }[]>`
      SELECT c.relname AS name, c.oid::int AS oid FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
      WHERE n.nspname = 'siyu_pre_aggregations' AND c.relkind = 'r'`).map((r) => [r.name, r.oid]));
    /** Until no rollup table appears for `settleMs`. */
    const quiet = async (): Promise<Tables> => {
      let last = await tables();
      for (let stableFor = 0; stableFor < settleMs; stableFor += 2000) {
        await new Promise((r) => setTimeout(r, 2000));
        const now = await tables();
        if ([...now.keys()].some((t) => !last.has(t))) stableFor = -2000;
        last = now;
      }
      return last;
    };
    const exec = await BrowserClient.login(product.url, 'exec', config.demoPassword);
    const me = (await exec.get('/api/me')).body as { asOf: string };
    const asOf = me.asOf.slice(0, 10);
    const campaignRows = (await exec.load(buildCampaignListQuery() as CubeQuery)).rows;
    const context: PageContext = { asOf, campaignRows, team: '', employeeId: 0, channel: '' };
    const pages = tilePages(context);
    // The big-screen's and the overview's queries once, so the worker and Cube's cache know them.
    for (const q of [...pages.find((p) => p.page === 'big-screen')!.queries, ...pages.find((p) => p.page === 'overview')!.queries]) {
      await exec.load(q.query).catch(() => undefined);
    }
    say(`ready in ${ms(product.readyMs)}; waiting until no rollup is built for ${settleMs / 1000} s`);
    const before = await quiet();
    const campaign = pickCampaign(toCampaignOptions(campaignRows), asOf, null)!;
    const [campaignRow] = await owner<{ id: number }[]>`SELECT id FROM siyu.campaigns WHERE name = ${campaign.name}`;
    const writer = await orderWriter(owner, campaignRow?.id ?? null);
    const t0 = performance.now();
    const freshness = await measureFreshness(exec, writer, pages, orders);
    const after = await quiet();
    const quietAfterMs = performance.now() - t0 - settleMs;
    const built = [...after.keys()].filter((t) => !before.has(t)).sort();
    let rows = 0;
    const perRollup = new Map<string, { tables: number; rows: number }>();
    for (const t of built) {
      const [{ n } = { n: 0 }] = await owner<{ n: number }[]>`SELECT count(*)::int AS n FROM ${owner('siyu_pre_aggregations')}.${owner(t)}`;
      rows += n;
      const rollup = t.replace(/(\d{8})?_[a-z0-9]+_[a-z0-9]+_[a-z0-9]+$/, '');
      const entry = perRollup.get(rollup) ?? { tables: 0, rows: 0 };
      perRollup.set(rollup, { tables: entry.tables + 1, rows: entry.rows + n });
    }
    const [{ orders: total } = { orders: 0 }] = await owner<{ orders: number }[]>`SELECT count(*)::int AS orders FROM siyu.orders`;
    const result = {
      data_dir: dataDir, orders_in_database: total, orders_written: orders,
      big_screen_ms: freshness.big_screen, overview_ms: freshness.overview, missed: freshness.missed,
      rollup_tables_built: built.length, rollup_rows_written: rows, rows_per_order: Math.round(rows / orders),
      until_quiet_s: Math.round(quietAfterMs / 100) / 10,
      per_rollup: Object.fromEntries(perRollup),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await owner.end();
    await product.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
