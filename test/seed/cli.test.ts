/** `npm run seed` as a person runs it, against its own database. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../cube/config.ts';
import { TABLES } from '../../seed/tables.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

describe('npm run seed', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('seed_cli');
  });
  afterAll(async () => db.drop());

  const seed = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join('cube', 'main', 'seed-cli.ts'), ...args], {
    cwd: ROOT_DIR, env: { ...process.env, DATABASE_URL: db.url }, encoding: 'utf8', timeout: 120_000,
  });
  const count = async (table: string): Promise<number> =>
    Number((await db.sql.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM siyu.${table}`))[0]!.n);

  it('migrates an empty database and loads the asked size, with progress', async () => {
    const r = seed('--customers', '400', '--seed', '5', '--as-of', '2026-06-30');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/seeded [\d,]+ rows in [\d.]+ s, [\d,]+ rows\/s \(seed 5, as of 2026-06-30\)/);
    for (const step of ['generating the brand', 'loading customers', 'rebuilding keys and indexes', 'analyzing']) expect(r.stderr).toContain(step);
    expect(await count('customers')).toBe(400);
    const [asOf] = await db.sql<{ value: string }[]>`SELECT value FROM siyu.settings WHERE key = 'as_of'`;
    expect(asOf!.value).toBe('2026-06-30');
    // The summary tables' statistics are gathered after the commit, timed beside the load (not in its rows/s), and none
    // is left out: every table the seed filled has the seed's own ANALYZE, and the tables read index-only its VACUUM.
    expect(r.stdout).toMatch(/then gathered the summary tables' statistics \(\d+ tables\) in [\d.]+ s \(after the commit\)/);
    const summaries = ['customer_days', 'customer_paid_days', 'drill_sales', 'drill_sales_slices', 'participant_conversions', 'period_owners',
      'period_participants', 'period_sales', 'sales_hours', 'sales_months', 'sales_paid_days'];
    const unanalyzed = await db.sql<{ t: string }[]>`
      SELECT relname AS t FROM pg_stat_user_tables
      WHERE schemaname = 'siyu' AND relname = ANY (${[...TABLES, ...summaries]}) AND last_analyze IS NULL ORDER BY 1`;
    expect(unanalyzed.map((x) => x.t)).toEqual([]);
    // Those five vacuumed with their statistics, then, after the classification and the default journey, every other
    // table of the schema (autovacuum would otherwise take them up in the product's first minutes): none left.
    const unvacuumed = await db.sql<{ t: string }[]>`
      SELECT relname AS t FROM pg_stat_user_tables WHERE schemaname = 'siyu' AND last_vacuum IS NULL ORDER BY 1`;
    expect(unvacuumed.map((x) => x.t)).toEqual([]);
    const journeyDays = await db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_user_tables WHERE schemaname = 'siyu' AND relname IN ('classification_day_rows', 'journey_counts')
        AND last_vacuum IS NOT NULL`;
    expect(journeyDays[0]!.n).toBe(2);
    // The segments page's default journey (90 days back to as-of) is counted and kept before anyone opens the page.
    const pairs = await db.sql<{ from_day: string; to_day: string }[]>`
      SELECT from_day::text, to_day::text FROM siyu.journey_count_pairs ORDER BY 1`;
    expect(pairs).toEqual([{ from_day: '2026-04-01', to_day: '2026-06-30' }]);
  });

  it('refuses to overwrite data without --reset, and changes nothing', async () => {
    const r = seed('--customers', '100');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('add --reset');
    expect(await count('customers')).toBe(400);
  });

  it('rebuilds with --reset', async () => {
    const r = seed('--customers', '150', '--reset');
    expect(r.status, r.stderr).toBe(0);
    expect(await count('customers')).toBe(150);
  });

  it('explains bad arguments', () => {
    for (const args of [['--customers', 'many'], ['--as-of', 'tomorrow'], ['--seed', '-3'], ['--colour', 'red']]) {
      const r = seed(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('usage: npm run seed');
    }
  });
});
