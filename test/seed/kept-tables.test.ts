/**
 * After a seed (its COPY runs with the kept tables' insert triggers held,
 * seed/kept-tables.ts and seed/load.ts), no trigger of the schema is left
 * disabled, and each trigger-kept table of this round (migrations 042-046) is
 * what a fresh build from the loaded facts gives, row for row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../cube/database/migrate.ts';
import { seedDatabase } from '../../seed/load.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

/** Each table with the function that builds it whole from the facts. */
const BUILDS: ReadonlyArray<readonly [table: string, build: string]> = [
  ['sales_days', 'rebuild_sales_days'], ['sales_team_days', 'rebuild_sales_team_days'], ['returns_days', 'rebuild_returns_days'], ['registration_days', 'rebuild_registration_days'],
  ['touch_days', 'rebuild_touch_days'], ['sales_paid_days', 'build_sales_paid_days'],
];

describe('the seed and the kept tables', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('seed_kept');
    await migrate(db.sql);
    await seedDatabase(db.sql, { customers: 600, seed: 7, asOf: '2026-11-20' });
  }, 240_000);
  afterAll(async () => db?.drop());

  it('leaves no trigger of the schema disabled', async () => {
    const held = await db.sql<{ trigger: string }[]>`
      SELECT c.relname || '.' || t.tgname AS trigger FROM pg_trigger AS t
      JOIN pg_class AS c ON c.oid = t.tgrelid JOIN pg_namespace AS n ON n.oid = c.relnamespace
      WHERE n.nspname = 'siyu' AND NOT t.tgisinternal AND t.tgenabled <> 'O' ORDER BY 1`;
    expect(held.map((r) => r.trigger)).toEqual([]);
  });

  it.each(BUILDS)('leaves %s equal to a fresh build', async (table, build) => {
    const rows = async (): Promise<string[]> => (await db.sql.unsafe<{ r: string }[]>(`SELECT (t.*)::text AS r FROM siyu.${table} AS t ORDER BY 1`)).map((x) => x.r);
    const seeded = await rows();
    expect(seeded.length).toBeGreaterThan(100);
    await db.sql.unsafe(`SELECT siyu.${build}()`);
    expect(await rows()).toEqual(seeded);
  });
});
