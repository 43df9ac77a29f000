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
 *   deep page (bench/phases/lists.ts, timePresetDrillList); as exec; then as
 *   the demo manager and staff member (their own slice) and as exec cut by
 *   the first channel: the list, its total, the header and a team role's
 *   remainder queries side by side, as their page asks them.
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
import { listRemainder } from '../web/src/features/customers/page-queries.ts';
import { parseDrill, parsePage } from '../web/src/lib/drill.ts';
import { drillList } from '../web/src/page-loads.ts';
import { BrowserClient } from './http-client.ts';
import { orderWriter } from './new-order.ts';
import { args, runs } from './options.ts';
import { timeDrillList, timePresetDrillList } from './phases/lists.ts';
import { embeddedProductOptions, startProduct } from './product.ts';
import { latency } from './stats.ts';

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

    // A manager's, a staff member's and an executive's channel-cut list of the same preset, as their page asks it: the
    // list (then its attributes), its total, the header and a team role's remainder side by side, each run after a new
    // order. Their total is the named customers plus the anonymised remainder.
    const staff = await BrowserClient.login(product.url, 'staff', 'demo');
    const channel = String((await owner<{ name: string }[]>`SELECT name FROM siyu.channels ORDER BY id LIMIT 1`)[0]!.name);
    const perQuery: Record<string, number[]> = {};
    for (const [label, client, limited, params] of [
      ['manager', manager, true, 'metric=gmv'], ['staff', staff, true, 'metric=gmv'], ['exec_channel', exec, false, `metric=gmv&channel=${encodeURIComponent(channel)}`],
    ] as const) {
      const open = async (page: number): Promise<{ ms: number; total: number; named: number }> => {
        const load = drillList(`${params}${page > 1 ? `&page=${page}` : ''}`, asOf, limited);
        const wanted = load.queries.filter((q) => ['list', 'list_total', 'summary', 'scope_all', 'scope_owned'].includes(q.name));
        const t0 = performance.now();
        const answers = new Map<string, { rows: Array<Record<string, unknown>>; total?: number | null }>();
        await Promise.all(wanted.map(async (named) => {
          const answer = await client.load(named.query);
          answers.set(named.name, answer);
          const next = named.then?.(answer.rows);
          const then = next ? await client.load(next) : null;
          // Each query's own time (and the attributes' after the list), to see where a page's time goes.
          (perQuery[named.name] ??= []).push(answer.ms);
          if (then) (perQuery.attributes ??= []).push(then.ms);
        }));
        const ms = performance.now() - t0;
        const slice = parseDrill(new URLSearchParams(params), asOf);
        // The stored lists' total is its own query (either stored view's buyers); else the list's own total.
        const stored = answers.get('list_total')?.rows[0];
        const named = stored ? Number(stored['sales_drill_periods.buyers'] ?? stored['sales_drill_slices.buyers'] ?? 0) : answers.get('list')!.total ?? 0;
        const rest = listRemainder(slice, parsePage(new URLSearchParams(page > 1 ? `page=${page}` : '')), limited, asOf, {
          summary: answers.get('summary'), list_total: answers.get('list_total'), scope_all: answers.get('scope_all'), scope_owned: answers.get('scope_owned'),
        });
        return { ms, total: named + (rest?.customers ?? 0), named };
      };
      const opened = await open(1);
      const listed = opened.named;
      const deepPage = Math.max(2, Math.floor((listed * 0.8) / 50));
      const first: number[] = [];
      const deep: number[] = [];
      for (const k of Object.keys(perQuery)) delete perQuery[k];
      for (let i = 0; i < runs; i++) {
        for (const [times, page] of [[first, 1], [deep, deepPage]] as const) {
          await writer.write();
          await new Promise((resolve) => setTimeout(resolve, 2500));
          times.push((await open(page)).ms);
        }
      }
      results[`preset_${label}`] = {
        total: opened.total, named: listed, deep_page: deepPage, first_after_write: latency(first), deep_after_write: latency(deep),
        queries_p50: Object.fromEntries(Object.entries(perQuery).map(([k, v]) => [k, latency(v).p50])),
      };
      say(`preset ${label}: ${JSON.stringify(results[`preset_${label}`])}`);
    }
    results.load_average = { mean: load.reduce((a, b) => a + b, 0) / load.length, max: Math.max(...load) };
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await owner.end({ timeout: 5 });
    await product.stop();
  }
}

main().catch((error: unknown) => { console.error(error); process.exitCode = 1; });
