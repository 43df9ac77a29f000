/**
 * What one new order costs the journey flows (issue 19: a past journey day
 * should survive writes that cannot change it):
 *
 *   node --import tsx bench/journey-after-write.ts --data-dir DIR [--orders 1]
 *
 * Starts the product on a seeded data directory (as `npm run bench` does),
 * has the segments page's default journey (the last quarter up to as-of) and
 * a past one (both days before as-of) classified, waits until the as-of
 * classification is current, then writes one paid order today
 * (bench/new-order.ts) and times each journey query once its refresh key
 * has seen the write (3 s), with Cube's cache defeated (`renewQuery`), and
 * which of its days were built again. Then a backdated order (on the past
 * window's end day) and the same again. Figures, not assertions; the load
 * average is printed beside each.
 */
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { loadConfig, ROOT_DIR } from '../cube/config.ts';
import { embeddedUrl } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { addDays } from '../web/src/lib/date-range.ts';
import { buildJourneyQuery } from '../web/src/features/segments/journey-flows/build-query.ts';
import { BrowserClient } from './http-client.ts';
import { orderWriter } from './new-order.ts';
import { embeddedProductOptions, startProduct } from './product.ts';

const { values: args } = parseArgs({ options: { 'data-dir': { type: 'string' }, orders: { type: 'string', default: '1' } } });
if (!args['data-dir']) throw new Error('--data-dir DIR: a data directory seeded by `npm run bench -- --data-dir DIR` or `DATA_DIR=DIR npm run seed`');
const dataDir = path.resolve(args['data-dir']);
const say = (m: string): void => { process.stderr.write(`[journey ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const config = loadConfig({ logLevel: 'silent' });
  const pgPort = await freePort();
  const logFile = path.join(ROOT_DIR, '.tmp', 'journey-after-write.log');
  mkdirSync(path.dirname(logFile), { recursive: true });
  const product = await startProduct(await embeddedProductOptions(dataDir, pgPort, logFile, { DEMO_PASSWORD: config.demoPassword, LOG_LEVEL: 'info' }));
  const owner = postgres(embeddedUrl(dataDir, pgPort), { max: 2, onnotice: () => {} });
  const figures: Array<Record<string, unknown>> = [];
  try {
    const exec = await BrowserClient.login(product.url, 'exec', config.demoPassword);
    const asOf = ((await exec.get('/api/me')).body as { asOf: string }).asOf.slice(0, 10);
    const windows = { default: [addDays(asOf, -90), asOf], past: [addDays(asOf, -120), addDays(asOf, -30)] } as const;
    const journey = async (name: keyof typeof windows, renew: boolean): Promise<number> => {
      const [fromDate, toDate] = windows[name];
      const t = performance.now();
      await exec.load({ ...buildJourneyQuery({ family: 'lifecycle_stage', fromDate, toDate }, { team: null, channel: null }), ...(renew ? { renewQuery: true } : {}) });
      return Math.round(performance.now() - t);
    };
    const builds = async (): Promise<Record<string, string>> => Object.fromEntries((await owner<{ day: string; built: string }[]>`
      SELECT day::text, built_at::text || ' ' || took_ms || ' ms' AS built FROM siyu.classification_day_builds ORDER BY day`).map((r) => [r.day, r.built]));
    const asOfCurrent = async (): Promise<void> => {
      const t = performance.now();
      await owner`SELECT siyu.classification_now_version()`;
      const [b] = await owner<{ took_ms: number }[]>`SELECT took_ms FROM siyu.classification_builds`;
      say(`as-of classification current in ${Math.round(performance.now() - t)} ms (last build ${b?.took_ms} ms), load ${load()}`);
    };
    say(`ready in ${Math.round(product.readyMs)} ms; as-of ${asOf}`);
    await asOfCurrent();
    for (const name of ['default', 'past'] as const) say(`${name} journey, first ask: ${await journey(name, true)} ms, load ${load()}`);
    const writer = await orderWriter(owner, null);
    const step = async (label: string, write: () => Promise<unknown>): Promise<void> => {
      const before = await builds();
      await write();
      const written = performance.now();
      // Cube re-reads a refresh key at most every 2 s (`every: 2 second`): the query after that sees the write.
      await sleep(3000);
      for (const name of ['default', 'past'] as const) {
        const loadBefore = load();
        const took = await journey(name, true);
        const after = await builds();
        const rebuilt = windows[name].filter((d) => d !== asOf && before[d] !== after[d]);
        figures.push({ write: label, journey: name, days: windows[name].join('..'), ms: took, rebuilt_days: rebuilt, load_before: loadBefore, load_after: load() });
        say(`${label}: ${name} journey ${took} ms, days classified again: ${rebuilt.join(', ') || 'none'}, load ${load()}`);
      }
      // The as-of day is the materialized classification: the write is on it once it is rebuilt (by the refresh
      // worker, or by this call when no one is building it), and the next journey query reads the new build.
      // Its version changes only when its rows do (migration 026): up to date is the facts' version it was built from.
      while (!(await owner<{ ok: boolean }[]>`
        SELECT siyu.classification_now_version() IS NOT NULL AND (SELECT facts_version FROM siyu.classification_builds) = siyu.classification_version() AS ok`)[0]!.ok) await sleep(500);
      const asOfMs = Math.round(performance.now() - written);
      const loadBefore = load();
      const took = await journey('default', true);
      figures.push({ write: label, journey: 'default, as-of rebuilt', as_of_rebuilt_after_write_ms: asOfMs, ms: took, load_before: loadBefore, load_after: load() });
      say(`${label}: as-of classification rebuilt ${asOfMs} ms after the write; default journey then ${took} ms, load ${load()}`);
    };
    for (let i = 0; i < Number(args.orders); i++) await step('new order today', () => writer.write());
    await step(`order backdated to ${windows.past[1]}`, () => owner`
      INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
      SELECT (SELECT max(id) + 1 FROM siyu.orders), c.id, c.owner_employee_id, (SELECT min(id) FROM siyu.channels), NULL,
             siyu.local_midnight(${windows.past[1]}::date) + interval '12 hours', 321.50, 1, 'core', 'paid'
      FROM siyu.customers AS c WHERE siyu.local_date(c.registered_at) <= ${windows.past[1]}::date ORDER BY c.id LIMIT 1`);
    process.stdout.write(`${JSON.stringify({ data_dir: dataDir, as_of: asOf, figures }, null, 2)}\n`);
  } finally {
    await owner.end();
    await product.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
