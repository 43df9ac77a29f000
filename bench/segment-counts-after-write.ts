/**
 * What one new order costs the segments page's and the action lists' counts
 * (migration 039, docs/performance.md "Classification counts"):
 *
 *   node --import tsx bench/segment-counts-after-write.ts --data-dir DIR [--orders 5]
 *
 * Starts the product on a seeded data directory. First, with nothing else
 * asking, the work per write in PostgreSQL: `--orders` paid orders, each
 * followed by the classification's refresh, timed with the count table's
 * triggers on and off (the difference is what keeping the counts costs a
 * write; the counts are rebuilt after), and the SQL the removed rollups ran
 * after every write (the classification by stage and owner, and the four
 * action lists by owner: each a pass over every customer), timed once. Then,
 * signed in as the executive and a manager, each page's count queries once
 * warm, and after each of `--orders` more orders the first answer of each
 * 2.1 s later (past Cube's refresh keys: the classification's refresh, any
 * rollup rebuild the write caused, the query). Figures,
 * not assertions.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { loadConfig, ROOT_DIR } from '../cube/config.ts';
import { embeddedUrl } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { actions, overview, segments, type PageContext } from '../web/src/page-loads.ts';
import { BrowserClient } from './http-client.ts';
import { orderWriter } from './new-order.ts';
import { embeddedProductOptions, startProduct } from './product.ts';

const { values: args } = parseArgs({ options: { 'data-dir': { type: 'string' }, orders: { type: 'string', default: '5' } } });
if (!args['data-dir']) throw new Error('--data-dir DIR: a data directory seeded by `DATA_DIR=DIR npm run seed -- --customers N`');
const dataDir = path.resolve(args['data-dir']);
const orders = Number(args.orders);
const say = (m: string): void => { process.stderr.write(`[segment-counts ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };
const p = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;

const TRIGGERS = ['classification_counts_insert', 'classification_counts_update', 'classification_counts_delete'];
/** The removed rollups' SQL, as Cube built them: every customer's classification joined to the customer, owner and team, grouped. */
const OLD_ROLLUPS: Record<string, string> = {
  classification: `SELECT f.lifecycle_stage, f.rfm_segment, f.aipl_stage, f.five_a_stage, f.value_quadrant, e.id, e.name, t.id, t.name,
      count(c.id), count(*) FILTER (WHERE f.paid_orders > 0), sum(f.paid_amount), count(*) FILTER (WHERE f.paid_orders > 0 AND f.recency_days > 120)
    FROM siyu.customers AS c LEFT JOIN siyu.classification_now AS f ON f.customer_id = c.id
    LEFT JOIN siyu.employees AS e ON e.id = c.owner_employee_id LEFT JOIN siyu.teams AS t ON t.id = e.team_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
  ...Object.fromEntries(['is_birthday_soon', 'is_booked_not_arrived', 'is_high_value_slipping', 'is_first_order_follow_up'].map((flag) => [
    `action_${flag.slice(3)}`,
    `SELECT e.id, e.name, t.id, t.name, count(c.id)
     FROM siyu.customers AS c LEFT JOIN siyu.classification_now AS f ON f.customer_id = c.id
     LEFT JOIN siyu.employees AS e ON e.id = c.owner_employee_id LEFT JOIN siyu.teams AS t ON t.id = e.team_id
     WHERE f.${flag} GROUP BY 1, 2, 3, 4`])),
};

async function main(): Promise<void> {
  const config = loadConfig({ logLevel: 'silent' });
  const pgPort = await freePort();
  const logFile = path.join(ROOT_DIR, '.tmp', 'segment-counts-after-write.log');
  mkdirSync(path.dirname(logFile), { recursive: true });
  const product = await startProduct(await embeddedProductOptions(dataDir, pgPort, logFile, { DEMO_PASSWORD: config.demoPassword, LOG_LEVEL: 'info' }));
  const owner = postgres(embeddedUrl(dataDir, pgPort), { max: 2, onnotice: () => {} });
  try {
    const writer = await orderWriter(owner, null);
    const refreshMs = async (): Promise<{ ms: number; took: number; kind: string }> => {
      await writer.write();
      const t = performance.now();
      await owner`SELECT siyu.classification_now_version()`;
      const [b] = await owner<{ took_ms: number; kind: string }[]>`SELECT took_ms, kind FROM siyu.classification_builds`;
      return { ms: performance.now() - t, took: b!.took_ms, kind: b!.kind };
    };
    await owner`SELECT siyu.classification_now_version()`;
    const withCounts: number[] = [];
    const without: number[] = [];
    for (let i = 0; i < orders; i++) withCounts.push((await refreshMs()).took);
    for (const t of TRIGGERS) await owner.unsafe(`ALTER TABLE siyu.classification_now DISABLE TRIGGER ${t}`);
    for (let i = 0; i < orders; i++) without.push((await refreshMs()).took);
    for (const t of TRIGGERS) await owner.unsafe(`ALTER TABLE siyu.classification_now ENABLE TRIGGER ${t}`);
    await owner`SELECT siyu.rebuild_classification_counts()`;
    const [{ rows } = { rows: 0 }] = await owner<{ rows: number }[]>`SELECT count(*)::int AS rows FROM siyu.classification_counts`;
    say(`refresh after one order (took_ms): with the count triggers ${withCounts.join(', ')}; without ${without.join(', ')}; ${rows} count rows`);
    const oldRollups: Record<string, number> = {};
    for (const [name, text] of Object.entries(OLD_ROLLUPS)) {
      const t = performance.now();
      await owner.unsafe(text);
      oldRollups[name] = Math.round(performance.now() - t);
    }
    say(`the removed rollups' SQL, once each (ms): ${JSON.stringify(oldRollups)}`);

    const exec = await BrowserClient.login(product.url, 'exec', config.demoPassword);
    const asOf = ((await exec.get('/api/me')).body as { asOf: string }).asOf.slice(0, 10);
    const context: PageContext = { asOf, campaignRows: [], team: '', employeeId: 0, channel: '' };
    // The overview's churn and LTV too: customer_insights, which the removed classification rollup answered by owner.
    const counts = [...segments(context).queries, ...actions().queries, ...overview(context).queries]
      .filter((q) => /^(customers_by_|count_|owner_counts|churn_ltv)/.test(q.name));
    const people = [{ name: 'exec', client: exec }, { name: 'manager', client: await BrowserClient.login(product.url, 'manager', config.demoPassword) }];
    for (const { client } of people) for (const q of counts) await client.load(q.query);
    const times: Record<string, number[]> = {};
    for (let i = 0; i < orders; i++) {
      await writer.write();
      // Past the refresh keys' 2 s: the first answer then waits for the classification's refresh and what follows it.
      await new Promise((r) => setTimeout(r, 2100));
      for (const { name, client } of people) {
        for (const q of counts) {
          const t = performance.now();
          await client.load(q.query);
          (times[`${name} ${q.name === 'churn_ltv' ? 'overview churn_ltv' : 'segment/action counts'}`] ??= []).push(performance.now() - t);
        }
      }
    }
    const result = {
      data_dir: dataDir, orders,
      refresh_took_ms: { with_count_triggers: withCounts, without: without },
      count_rows: rows,
      removed_rollups_sql_ms: oldRollups,
      first_answer_after_write_ms: Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, { p50: Math.round(p(xs, 0.5)), p95: Math.round(p(xs, 0.95)), max: Math.round(Math.max(...xs)), n: xs.length }])),
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
