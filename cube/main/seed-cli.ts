/**
 * `npm run seed -- --customers N [--seed S] [--as-of YYYY-MM-DD] [--reset]`
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { withDatabase } from '../database/connect.ts';
import { isSeeded, seedDatabase, type SeedProgress } from '../../seed/load.ts';
import { migrate } from '../database/migrate.ts';
import { progressBar } from '../../seed/progress.ts';

const USAGE = 'usage: npm run seed -- --customers N [--seed S] [--as-of YYYY-MM-DD] [--reset]';

class UsageError extends Error {}

const STEP: Record<SeedProgress['phase'], string> = {
  generate: 'generating the brand',
  load: 'loading customers',
  index: 'rebuilding keys and indexes',
  summarize: 'building the customer-day table',
  finish: 'committing',
  analyze: 'analyzing',
  classify: 'classifying customers',
};

function fail(message: string): never {
  process.stderr.write(`seed: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const config = loadConfig();
  let args;
  try {
    args = parseArgs({
      options: {
        customers: { type: 'string' },
        seed: { type: 'string' },
        'as-of': { type: 'string' },
        reset: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    fail((error as Error).message);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const customers = Number(args.customers ?? config.demoCustomers);
  if (!Number.isInteger(customers) || customers < 1 || customers > 10_000_000) fail('--customers must be a whole number from 1 to 10,000,000');
  const seed = Number(args.seed ?? config.demoSeed);
  if (!Number.isInteger(seed) || seed < 0) fail('--seed must be a whole number ≥ 0');
  const asOf = args['as-of'] ?? config.demoAsOf;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf))) fail('--as-of must be a date YYYY-MM-DD');

  await withDatabase(config, async (sql) => {
    // --reset replaces the data inside the load's own transaction (no DROP first),
    // so a failed or interrupted reset leaves the old data in place.
    await migrate(sql);
    if (!args.reset && (await isSeeded(sql))) {
      // Thrown, not exited, so the embedded cluster started for this command stops.
      throw new UsageError('the database already holds data; add --reset to replace it');
    }
    const bar = progressBar();
    const started = performance.now();
    let classifyFrom: number | null = null;
    // Each summary table built at the end of the load (the customer-day table, the participant conversions).
    const summaries = new Map<string, { from: number; ms: number; rows: number; afterCommit: boolean }>();
    const counts = await seedDatabase(sql, {
      customers, seed, asOf, timeZone: config.timeZone,
      onProgress: (p) => {
        if (p.phase === 'classify' && classifyFrom === null) classifyFrom = performance.now();
        if (p.phase === 'summarize' && p.done === 0) summaries.set(p.label, { from: performance.now(), ms: 0, rows: 0, afterCommit: p.afterCommit === true });
        const summary = summaries.get(p.label);
        if (p.phase === 'summarize' && p.done === 1 && summary) Object.assign(summary, { ms: performance.now() - summary.from, rows: p.rows });
        bar(p.phase === 'summarize' ? `${p.afterCommit ? 'gathering' : 'building'} the ${p.label}` : STEP[p.phase], p.done, p.total, p.rows,
          p.generated === undefined ? undefined : `generated ${Math.round((100 * p.generated) / customers)}%`);
      },
    });
    const done = performance.now();
    // The tables built from the loaded facts at the end (issue 19: "as the
    // classification is") are timed beside the load, not inside its rows/s.
    const summaryMs = [...summaries.values()].reduce((sum, x) => sum + x.ms, 0);
    const seconds = ((classifyFrom ?? done) - started - summaryMs) / 1000;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    process.stdout.write(`seeded ${total.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s, ${Math.round(total / seconds).toLocaleString('en-US')} rows/s (seed ${seed}, as of ${asOf}); `
      + `classified the customers in ${((done - (classifyFrom ?? done)) / 1000).toFixed(1)} s\n`
      + [...summaries].map(([label, summary]) => (summary.afterCommit
        ? `  then gathered the ${label} (${summary.rows} tables) in ${(summary.ms / 1000).toFixed(1)} s (after the commit)\n`
        : `  then built the ${label}, ${summary.rows.toLocaleString('en-US')} rows, in ${(summary.ms / 1000).toFixed(1)} s (same transaction)\n`)).join(''));
    for (const [table, n] of Object.entries(counts)) process.stdout.write(`  ${table.padEnd(24)} ${n.toLocaleString('en-US')}\n`);
  });
}

main().catch((error: Error) => {
  if (error instanceof UsageError) fail(error.message);
  process.stderr.write(`seed failed: ${error.message}\nNothing was changed: the load runs in one transaction.\n`);
  process.exit(1);
});
