/**
 * The users' run's second and third pages alone: each headline number's
 * customer list (the metrics the overview's numbers open) and a customer 360,
 * each query timed after a new order, for an executive, a manager and a staff
 * member, against the product started on an already seeded data directory.
 *
 *   node --import tsx bench/drill-metrics.ts --data-dir DIR --customers N [--runs 3]
 *
 * Every run writes one paid order first (bench/new-order.ts) and changes each
 * query's row limit, so neither Cube's result cache nor its refresh-key
 * window answers. Prints one line per (role, page, query) with p50 / p95 and
 * the page's opening (all its queries at once, six in flight), then the same
 * as JSON. PG_STATEMENTS=1 adds the statements that took the database's time
 * (pg_stat_statements must be in shared_preload_libraries).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { ROOT_DIR } from '../cube/config.ts';
import { embeddedUrl } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { customer360, drillList, type CubeQuery, type PageLoad } from '../web/src/page-loads.ts';
import { BrowserClient } from './http-client.ts';
import { orderWriter } from './new-order.ts';
import { args, customers, password, runs, say } from './options.ts';
import { embeddedProductOptions, startProduct } from './product.ts';
import { latency, ms, type Latency } from './stats.ts';
import { uncached } from './timing.ts';

const METRICS = ['gmv', 'buyers', 'new_customers', 'repurchase_rate', 'churn_rate', 'ltv', 'roi'];

interface Timed { role: string; page: string; query: string; times: Latency }

async function main(): Promise<void> {
  if (!args['data-dir']) throw new Error('--data-dir: a seeded data directory');
  const dataDir = path.resolve(args['data-dir']);
  const logFile = path.join(ROOT_DIR, '.tmp', 'drill-metrics-product.log');
  mkdirSync(path.dirname(logFile), { recursive: true });
  writeFileSync(logFile, '');
  const pgPort = await freePort();
  const product = await startProduct(await embeddedProductOptions(dataDir, pgPort, logFile, { DEMO_CUSTOMERS: String(customers), DEMO_PASSWORD: password, LOG_LEVEL: 'info' }));
  const owner = postgres(embeddedUrl(dataDir, pgPort), { max: 2, onnotice: () => {} });
  const out: Timed[] = [];
  try {
    say(`product ready in ${Math.round(product.readyMs)} ms`);
    const statements = process.env.PG_STATEMENTS === '1';
    if (statements) await owner`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`.then(() => owner`SELECT pg_stat_statements_reset()`);
    const writer = await orderWriter(owner, null);
    const only = process.env.DRILL_ROLES?.split(',') ?? ['exec', 'manager', 'staff'];
    const onlyMetrics = process.env.DRILL_METRICS?.split(',') ?? METRICS;
    let nonce = 0;
    for (const role of only) {
      const client = await BrowserClient.login(product.url, role, password);
      const me = (await client.get('/api/me')).body as { asOf: string; role: string };
      const asOf = me.asOf.slice(0, 10);
      const limited = me.role === 'staff' || me.role === 'manager';
      let firstCustomer: number | null = null;
      const time = async (page: PageLoad, label: string): Promise<Array<Record<string, unknown>> | null> => {
        const perQuery = new Map<string, number[]>();
        const opens: number[] = [];
        let rows: Array<Record<string, unknown>> | null = null;
        for (let i = 0; i < runs; i++) {
          await writer.write();
          const n = ++nonce;
          const t0 = performance.now();
          await Promise.all(page.queries.map(async ({ name, query, then }) => {
            if (name.startsWith('filter_')) return; // the filter bar's lists are kept for the session
            const t = performance.now();
            try {
              const answer = await client.load(uncached(query, n));
              perQuery.set(name, [...(perQuery.get(name) ?? []), answer.ms]);
              if (name === 'list') rows = answer.rows;
              const next = then?.(answer.rows);
              if (next) {
                const more = await client.load(uncached(next as CubeQuery, n));
                perQuery.set(`${name} → attributes`, [...(perQuery.get(`${name} → attributes`) ?? []), more.ms]);
              }
            } catch (error) {
              // An error is timed too (a 503 after 30 s in the queue), and named.
              perQuery.set(`${name} (error)`, [...(perQuery.get(`${name} (error)`) ?? []), performance.now() - t]);
              say(`  ${role} ${label} ${name}: ${(error as Error).message.slice(0, 160)}`);
            }
          }));
          opens.push(performance.now() - t0);
        }
        for (const [query, times] of perQuery) out.push({ role, page: label, query, times: latency(times) });
        out.push({ role, page: label, query: '(open)', times: latency(opens) });
        say(`${role} ${label}: open ${ms(latency(opens).p50)} / ${ms(latency(opens).p95)}; ${[...perQuery].map(([q, t]) => `${q} ${ms(latency(t).p50)}`).join(', ')}`);
        return rows;
      };
      for (const metric of onlyMetrics) {
        const rows = await time(drillList(`metric=${metric}&via=overview`, asOf, limited, me.role === 'staff'), `list ${metric}`);
        const first = (rows as Array<Record<string, unknown>> | null)?.[0];
        const id = first ? Number(Object.entries(first).find(([k]) => k.endsWith('.customer'))?.[1]) : Number.NaN;
        if (firstCustomer === null && Number.isInteger(id) && id > 0) firstCustomer = id;
      }
      if (firstCustomer !== null && process.env.DRILL_360 !== '0') await time(customer360(firstCustomer), '360');
    }
    const top = statements ? await owner`
      SELECT calls, round(total_exec_time)::int AS total_ms, round(mean_exec_time::numeric, 1) AS mean_ms, left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 900) AS query
      FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 40` : undefined;
    console.log(JSON.stringify({ runs, timings: out, statements: top }, null, 2));
  } finally {
    await owner.end({ timeout: 5 });
    await product.stop();
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exitCode = 1;
});
