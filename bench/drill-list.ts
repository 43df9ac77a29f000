/**
 * The sales drill list behind the overview's GMV, timed on a seeded data
 * directory with the product as `npm start` runs it (issue 19):
 *
 *   DATA_DIR=<dir> npm run seed -- --customers 200000
 *   node --import tsx bench/drill-list.ts --data-dir <dir> [--runs 5]
 *
 * - custom range: `npm run bench`'s own phase (bench/phases/lists.ts): the
 *   近12个月 start to as-of − n days, the end moving back a day each run so
 *   Cube's cache misses; the first page with its total, and a deep page
 *   (80 % down the list);
 * - preset range (近12个月, as the overview's tile opens it): before each run
 *   one paid order is written, so every cache key on the facts changes (as the
 *   tiles' runs do), then 2.5 s later the first page with its total and the
 *   deep page (bench/phases/lists.ts, timePresetDrillList); as exec, and as
 *   the first team's manager (their team's slice, as their page asks it).
 * Each figure is the page's list queries followed by its attributes query, as
 * the page sends them. The orders written stay in the database.
 */
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { ROOT_DIR } from '../cube/config.ts';
import { embeddedUrl } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { dateRangeFor } from '../web/src/lib/date-range.ts';
import { attributesQuery, customersQueries } from '../web/src/features/customers/page-queries.ts';
import { parseDrill, parsePage } from '../web/src/lib/drill.ts';
import type { CubeQuery, NamedQuery } from '../web/src/page-loads.ts';
import { BrowserClient } from './http-client.ts';
import { orderWriter } from './new-order.ts';
import { args, runs } from './options.ts';
import { timeDrillList, timePresetDrillList } from './phases/lists.ts';
import { embeddedProductOptions, startProduct } from './product.ts';
import { latency } from './stats.ts';
import { loadNamed } from './timing.ts';

if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const say = (m: string): void => { process.stderr.write(`[drill-list ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };
const load: number[] = [os.loadavg()[0]!];
const sampler = setInterval(() => load.push(os.loadavg()[0]!), 2000);
sampler.unref();

async function main(): Promise<void> {
  const pgPort = await freePort();
  const product = await startProduct(await embeddedProductOptions(dataDir, pgPort, path.join(ROOT_DIR, '.tmp', 'drill-list.log'), {}, 30 * 60_000));
  const owner = postgres(embeddedUrl(dataDir, pgPort), { max: 1, onnotice: () => {} });
  try {
    const exec = await BrowserClient.login(product.url, 'exec', 'demo');
    const manager = await BrowserClient.login(product.url, 'manager', 'demo');
    const asOf = String(((await exec.get('/api/me')).body as { asOf: string }).asOf).slice(0, 10);
    const results: Record<string, unknown> = { as_of: asOf };

    const custom = await timeDrillList(exec, asOf, `metric=gmv&from=${dateRangeFor('last_12_months', asOf)![0]}`);
    results.custom = {
      total: custom.total, deep_page: custom.deepPage,
      first_cold: latency(custom.first.cold), first_warm: latency(custom.first.warm), deep_cold: latency(custom.deep.cold), deep_warm: latency(custom.deep.warm),
    };
    say(`custom: ${JSON.stringify(results.custom)}`);

    const writer = await orderWriter(owner, null);
    const preset = await timePresetDrillList(exec, asOf, writer);
    results.preset_exec = { total: preset.total, deep_page: preset.deepPage, first_after_write: latency(preset.first), deep_after_write: latency(preset.deep) };
    say(`preset exec: ${JSON.stringify(results.preset_exec)}`);

    // A manager's list of the same preset: their team's slice (sales_drill with its limits), as their page asks it.
    const slice = parseDrill(new URLSearchParams('metric=gmv'), asOf);
    const managerList = (page: number): NamedQuery => {
      const q = customersQueries(slice, parsePage(new URLSearchParams(page > 1 ? `page=${page}` : '')), true, asOf);
      return { name: 'list', query: q.list as CubeQuery, then: (rows) => attributesQuery(slice, rows) as CubeQuery | null };
    };
    const total = (await manager.load(managerList(1).query)).total ?? 0;
    const deepPage = Math.max(2, Math.floor((total * 0.8) / 50));
    const first: number[] = [];
    const deep: number[] = [];
    for (let i = 0; i < runs; i++) {
      for (const [times, page] of [[first, 1], [deep, deepPage]] as const) {
        await writer.write();
        await new Promise((resolve) => setTimeout(resolve, 2500));
        times.push(await loadNamed(manager, managerList(page)));
      }
    }
    results.preset_manager = { total, deep_page: deepPage, first_after_write: latency(first), deep_after_write: latency(deep) };
    say(`preset manager: ${JSON.stringify(results.preset_manager)}`);
    results.load_average = { mean: load.reduce((a, b) => a + b, 0) / load.length, max: Math.max(...load) };
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await owner.end({ timeout: 5 });
    await product.stop();
  }
}

main().catch((error: unknown) => { console.error(error); process.exitCode = 1; });
