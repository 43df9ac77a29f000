/**
 * The tiles after a new write that the period tables did not reach (issue 19,
 * docs/performance.md "Owned customers, action lists and journeys after a
 * write"): the staff page's owned customers by team and by a team's
 * employees, the actions page's list (its first page with its total) and the
 * segments page's journey flows, as an executive asks them.
 *
 *   node --import tsx bench/preset-rest.ts --data-dir DIR [--runs 7] [--only a,b] [--wait-ms 3000]
 *
 * `--only` names any query of the staff, segments and actions pages
 * (journey_flows, owner_counts, customers_by_aipl_stage, count_birthday_soon…);
 * `--each` writes one order before each query and asks it at once with a
 * new limit (bench/timing.ts `uncached`), as `npm run bench` times a tile
 * after a write: every query then pays what follows a write (the
 * classification's refresh in its refresh key, its own statement).
 *
 * Starts the product on a seeded data directory (as `npm run bench` does);
 * each run writes one paid order today (bench/new-order.ts), waits 3 s (the
 * refresh keys' 2-s check), then asks each query once with `renewQuery`
 * (Cube's cache defeated). Prints p50 / p95 per query with the load average.
 * Figures, not assertions.
 */
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { loadConfig, ROOT_DIR } from '../cube/config.ts';
import { embeddedUrl } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { actions, segments, staff, type CubeQuery, type PageContext } from '../web/src/page-loads.ts';
import { BrowserClient } from './http-client.ts';
import { orderWriter } from './new-order.ts';
import { embeddedProductOptions, startProduct } from './product.ts';

const { values: args } = parseArgs({ options: { 'data-dir': { type: 'string' }, runs: { type: 'string', default: '7' }, only: { type: 'string' }, 'wait-ms': { type: 'string', default: '3000' }, each: { type: 'boolean', default: false } } });
if (!args['data-dir']) throw new Error('--data-dir DIR: a data directory seeded by `DATA_DIR=DIR npm run seed`');
const dataDir = path.resolve(args['data-dir']);
const say = (m: string): void => { process.stderr.write(`[preset-rest ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };
// bench/timing.ts's `uncached` (that module reads `npm run bench`'s options): a new limit, a new cache key.
const uncached = (q: CubeQuery, nonce: number): CubeQuery => ({ ...q, limit: typeof q.limit === 'number' ? q.limit + 1 + nonce : 9_999 - nonce });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

async function main(): Promise<void> {
  const config = loadConfig({ logLevel: 'silent' });
  const pgPort = await freePort();
  const logFile = path.join(ROOT_DIR, '.tmp', 'preset-rest.log');
  mkdirSync(path.dirname(logFile), { recursive: true });
  const product = await startProduct(await embeddedProductOptions(dataDir, pgPort, logFile, { DEMO_PASSWORD: config.demoPassword, LOG_LEVEL: 'info' }));
  const owner = postgres(embeddedUrl(dataDir, pgPort), { max: 2, onnotice: () => {} });
  try {
    const exec = await BrowserClient.login(product.url, 'exec', config.demoPassword);
    const asOf = ((await exec.get('/api/me')).body as { asOf: string }).asOf.slice(0, 10);
    const [someone] = await owner<{ team: string; id: number }[]>`
      SELECT t.name AS team, e.id FROM siyu.employees AS e JOIN siyu.teams AS t ON t.id = e.team_id
      WHERE EXISTS (SELECT 1 FROM siyu.customers AS c WHERE c.owner_employee_id = e.id) ORDER BY t.id, e.id LIMIT 1`;
    const ctx: PageContext = { asOf, campaignRows: [], channel: '', team: someone!.team, employeeId: someone!.id };
    const pick = (queries: Array<{ name: string; query: CubeQuery }>, name: string): CubeQuery => queries.find((q) => q.name === name)!.query;
    const all: Record<string, CubeQuery> = {
      ...Object.fromEntries([...segments(ctx).queries, ...actions().queries].map((q) => [q.name, q.query])),
      owned_by_team: pick(staff(ctx, false).queries, 'owned_by_team'),
      owned_by_employee: pick(staff(ctx, true).queries, 'owned_by_employee'),
      list: pick(actions().queries, 'list'),
      journey_flows: pick(segments(ctx).queries, 'journey_flows'),
      // Diagnosis: the list's page without its total, and its total alone (what Cube runs for `total`).
      list_page_only: { ...pick(actions().queries, 'list'), total: false },
      list_count: pick(actions().queries, 'count_birthday_soon'),
    };
    const only = args.only ? args.only.split(',') : ['owned_by_team', 'owned_by_employee', 'list', 'journey_flows'];
    const times: Record<string, number[]> = Object.fromEntries(only.map((n) => [n, []]));
    // Warm: each asked once (a journey's past day classified, the as-of classification current).
    for (const name of only) await exec.load({ ...all[name]!, renewQuery: true });
    const writer = await orderWriter(owner, null);
    const loads: string[] = [];
    for (let run = 0; run < Number(args.runs); run++) {
      if (!args.each) {
        await writer.write();
        await sleep(Number(args['wait-ms']));
      }
      for (const [i, name] of only.entries()) {
        if (args.each) await writer.write();
        const t = performance.now();
        await exec.load(args.each ? uncached(all[name]!, 100 * run + i) : { ...all[name]!, renewQuery: true });
        times[name]!.push(Math.round(performance.now() - t));
      }
      loads.push(load());
      say(`run ${run + 1}: ${only.map((n) => `${n} ${times[n]!.at(-1)} ms`).join(', ')}; load ${load()}`);
    }
    const figures = Object.fromEntries(only.map((n) => [n, { p50: pct(times[n]!, 50), p95: pct(times[n]!, 95), runs: times[n] }]));
    process.stdout.write(`${JSON.stringify({ data_dir: dataDir, as_of: asOf, figures, loads }, null, 2)}\n`);
  } finally {
    await owner.end();
    await product.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
