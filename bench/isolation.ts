/**
 * The two isolation phases of `npm run bench` alone (the concurrent users
 * and the noisy neighbour, bench/phases/load.ts), against the product
 * started on an already seeded data directory: for measuring isolation
 * changes without the hour of tile timings.
 *
 *   node --import tsx bench/isolation.ts --data-dir DIR --customers N [--users 50 --duration 60 --think 1000 --runs 5]
 *
 * Prints the two results as JSON; the product's log is .tmp/isolation-product.log.
 * ISOLATION_ONLY=noisy or ISOLATION_ONLY=users runs one of the two.
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

async function main(): Promise<void> {
  if (!args['data-dir']) throw new Error('--data-dir: a seeded data directory');
  const dataDir = path.resolve(args['data-dir']);
  const logFile = path.join(ROOT_DIR, '.tmp', 'isolation-product.log');
  mkdirSync(path.dirname(logFile), { recursive: true });
  writeFileSync(logFile, '');
  const pgPort = await freePort();
  const product = await startProduct(await embeddedProductOptions(dataDir, pgPort, logFile, {
    DEMO_CUSTOMERS: String(customers), DEMO_PASSWORD: password, LOG_LEVEL: 'info',
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
    const concurrency = only === 'noisy' ? null : await runConcurrency(owner, product.url, context);
    console.log(JSON.stringify({ noisy_neighbour: noisy, concurrency }, null, 2));
  } finally {
    await owner.end({ timeout: 5 });
    await product.stop();
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exitCode = 1;
});
