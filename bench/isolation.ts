/**
 * The two isolation phases of `npm run bench` alone (the concurrent users
 * and the noisy neighbour, bench/phases/load.ts), against the product
 * started on an already seeded data directory: for measuring isolation
 * changes without the hour of tile timings.
 *
 *   node --import tsx bench/isolation.ts --data-dir DIR --customers N [--users 50 --duration 60 --think 1000 --runs 5]
 *
 * Prints the two results as JSON; the product's log is .tmp/isolation-product.log.
 * ISOLATION_ONLY=noisy or ISOLATION_ONLY=users runs one of the two; PRODUCT_NODE_OPTIONS is the
 * product's NODE_OPTIONS (a CPU profile: `--cpu-prof --cpu-prof-dir=DIR`). The users' run reports the
 * CPU seconds the product's process and PostgreSQL used during it (cpu-split.ts); PG_STATEMENTS=1 adds
 * the statements that took the database's time (topStatements).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { ROOT_DIR } from '../cube/config.ts';
import { embeddedUrl } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { buildCampaignListQuery } from '../web/src/features/big-screen/campaigns.ts';
import { tilePages, type CubeQuery, type PageContext } from '../web/src/page-loads.ts';
import { BrowserClient } from './http-client.ts';
import { args, customers, password, say } from './options.ts';
import { runConcurrency, runNoisyNeighbour } from './phases/load.ts';
import { embeddedProductOptions, startProduct } from './product.ts';
import { openPage } from './timing.ts';
import { cpuSplit } from './cpu-split.ts';

async function main(): Promise<void> {
  if (!args['data-dir']) throw new Error('--data-dir: a seeded data directory');
  const dataDir = path.resolve(args['data-dir']);
  const logFile = path.join(ROOT_DIR, '.tmp', 'isolation-product.log');
  mkdirSync(path.dirname(logFile), { recursive: true });
  writeFileSync(logFile, '');
  const pgPort = await freePort();
  const product = await startProduct(await embeddedProductOptions(dataDir, pgPort, logFile, {
    DEMO_CUSTOMERS: String(customers), DEMO_PASSWORD: password, LOG_LEVEL: 'info',
    // For a profile of the product alone (e.g. `--cpu-prof --cpu-prof-dir=DIR`), not of this process.
    ...(process.env.PRODUCT_NODE_OPTIONS ? { NODE_OPTIONS: process.env.PRODUCT_NODE_OPTIONS } : {}),
  }));
  const owner = postgres(embeddedUrl(dataDir, pgPort), { max: 2, onnotice: () => {} });
  try {
    say(`product ready in ${Math.round(product.readyMs)} ms`);
    const exec = await BrowserClient.login(product.url, 'exec', password);
    const asOf = ((await exec.get('/api/me')).body as { asOf: string }).asOf.slice(0, 10);
    const campaignRows = (await exec.load(buildCampaignListQuery() as CubeQuery)).rows;
    const [someone] = (await exec.load({ dimensions: ['staff_performance.team', 'staff_performance.employee_id'], order: { 'staff_performance.team': 'asc' }, limit: 1 } as CubeQuery)).rows;
    const [aChannel] = (await exec.load({ dimensions: ['channel_roi.channel'], filters: [{ member: 'channel_roi.channel', operator: 'set' }], order: { 'channel_roi.channel': 'asc' }, limit: 1 } as CubeQuery)).rows;
    const context: PageContext = {
      asOf, campaignRows,
      team: String(someone?.['staff_performance.team']), employeeId: Number(someone?.['staff_performance.employee_id']),
      channel: String(aChannel?.['channel_roi.channel']),
    };
    const pages = tilePages(context);
    // Every page once, so that the rollups the product builds on a first opening are built before the clock starts.
    for (const page of pages) await openPage(exec, page).catch((error: Error) => say(`  ${page.page}: ${error.message}`));
    const only = process.env.ISOLATION_ONLY;
    const noisy = only === 'users' ? null : await runNoisyNeighbour(exec, product.url, pages, asOf);
    // The CPU each side used while the people were at it: the product's process (app server and Cube) and PostgreSQL.
    const statements = process.env.PG_STATEMENTS === '1';
    if (statements) await owner`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`.then(() => owner`SELECT pg_stat_statements_reset()`);
    const cpu = only === 'noisy' ? null : cpuSplit(product.pid, dataDir);
    const concurrency = only === 'noisy' ? null : await runConcurrency(owner, product.url, context);
    const cpuUsed = cpu?.stop() ?? null;
    const top = statements ? await topStatements(owner) : undefined;
    console.log(JSON.stringify({ noisy_neighbour: noisy, concurrency: concurrency && { ...concurrency, cpu: cpuUsed }, statements: top }, null, 2));
  } finally {
    await owner.end({ timeout: 5 });
    await product.stop();
  }
}

/**
 * PG_STATEMENTS=1: the statements that took the database's time during the users' run (pg_stat_statements,
 * which needs `shared_preload_libraries = 'pg_stat_statements'` in the data directory's postgresql.auto.conf).
 */
async function topStatements(owner: postgres.Sql) {
  return owner`
    SELECT calls, round(total_exec_time)::int AS total_ms, round(mean_exec_time::numeric, 1) AS mean_ms, left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 600) AS query
    FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 40`;
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exitCode = 1;
});
