/**
 * The period tables' roll-over ahead of the as-of date (migration 037,
 * cube/database/roll-ahead.ts): the next day's ranges added one per
 * transaction while order writes, owner changes and team moves go on between
 * the steps, then the as-of date moved. Every one of the five tables then
 * holds exactly the new date's ranges, equal to plain SQL on the facts and
 * to a fresh whole build; by one day, by nine, over a month end and back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../cube/database/migrate.ts';
import { dropPeriodRangesLater, moveAsOf, rollPeriodTablesAhead } from '../../../cube/database/roll-ahead.ts';
import { seedDatabase } from '../../../seed/load.ts';
import { createTestDatabase, one, type TestDatabase } from '../../helpers/database.ts';
import { random, randomOrderWrite } from '../../helpers/order-writes.ts';
import { expectPeriodTablesExact } from '../../helpers/period-tables.ts';

const REGISTRIES = ['sales_periods', 'drill_sales_ranges', 'drill_sales_slice_ranges', 'participant_periods', 'owner_periods'];

describe('the period tables rolled ahead of the as-of date', () => {
  let db: TestDatabase;
  let ids: { customers: number[]; channels: number[]; campaigns: number[]; employees: number[]; teams: number[] };
  const next = { id: 0 };

  beforeAll(async () => {
    db = await createTestDatabase('period_roll_ahead');
    await migrate(db.sql);
    await seedDatabase(db.sql, { customers: 600, seed: 7, asOf: '2026-11-20' });
    const pick = async (table: string): Promise<number[]> =>
      (await db.sql.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} ORDER BY id LIMIT 12`)).map((r) => r.id);
    ids = { customers: await pick('customers'), channels: await pick('channels'), campaigns: await pick('campaigns'),
      employees: await pick('employees'), teams: await pick('teams') };
    next.id = one(await db.sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n;
  }, 180_000);
  afterAll(async () => db?.drop());

  /** Order writes (days on the old and new ranges' edges), owner changes and team moves between the steps. */
  async function someWrites(rnd: () => number, day: string): Promise<void> {
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const back = (n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
    const when = (): string => `${any([day, back(1), back(7), back(29), back(30), back(364), back(365)])} ${any(['00:10', '15:59', '23:50'])}+08`;
    for (let k = 0; k < 3; k++) {
      const roll = rnd();
      if (roll < 0.1) await db.sql`UPDATE siyu.customers SET owner_employee_id = ${any(ids.employees)} WHERE id = ${any(ids.customers)}`;
      else if (roll < 0.15) await db.sql`UPDATE siyu.employees SET team_id = ${any(ids.teams)} WHERE id = ${any(ids.employees.slice(0, 4))}`;
      else await randomOrderWrite(db.sql, { rnd, ids, when, next, bulk: { customers: 6, spacing: '-13 hours' }, bulkDelete: 'customers' });
    }
  }

  async function rollWithWrites(day: string, seed: number): Promise<string[]> {
    const rnd = random(seed);
    const steps: string[] = [];
    // A step is one range of one table in its own transaction; the writes between them the held ranges must follow.
    for (;;) {
      await someWrites(rnd, day);
      const { step } = one(await db.sql<{ step: string | null }[]>`SELECT siyu.roll_ahead_step(${day}::date) AS step`);
      if (!step) return steps;
      steps.push(step);
    }
  }

  it('holds the next day\'s ranges beside today\'s, the settings\' roll-over a no-op until as-of moves', async () => {
    const steps = await rollWithWrites('2026-11-21', 1);
    // A range per step, each once; the sliced drill lists' ranges listed, then counted a chunk of customers per step.
    const listed = steps.filter((s) => !s.includes('chunk'));
    expect(listed.length).toBeGreaterThan(20);
    expect(new Set(listed).size).toBe(listed.length);
    expect(steps.filter((s) => s.includes('chunk')).length).toBe(listed.filter((s) => s.startsWith('drill_sales_slices ')).length);
    for (const registry of REGISTRIES) {
      const missing = await db.sql.unsafe<{ period: string }[]>(`
        SELECT r.period FROM ${registry.includes('drill') ? 'siyu.drill_ranges' : 'siyu.preset_ranges'}('2026-11-21') AS r
        WHERE NOT EXISTS (SELECT 1 FROM siyu.${registry} AS h WHERE h.period = r.period)`);
      expect(missing, registry).toEqual([]);
    }
    // Another setting written meanwhile (the live clock) leaves the held ranges alone.
    const held = one(await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.sales_periods`).n;
    await db.sql`INSERT INTO siyu.settings (key, value) VALUES ('live_clock', '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
    expect(one(await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.sales_periods`).n).toBe(held);
    expect(await rollPeriodTablesAhead(db.sql, '2026-11-21')).toBe(0);
  }, 300_000);

  it('ends exact when as-of moves after it, the writes between the steps included', async () => {
    await db.sql`UPDATE siyu.settings SET value = '2026-11-21' WHERE key = 'as_of'`;
    await expectPeriodTablesExact(db.sql, '2026-11-21', 'rolled ahead by a day');
  }, 300_000);

  it('ends exact by nine days, over a month end, and back, the old ranges\' rows dropped after the move', async () => {
    for (const [day, seed] of [['2026-11-30', 2], ['2026-12-01', 3], ['2026-11-20', 4]] as const) {
      await rollWithWrites(day, seed);
      await moveAsOf(db.sql, day);
      expect(one(await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.period_range_drops`).n).toBe(0);
      await expectPeriodTablesExact(db.sql, day, `rolled ahead to ${day}`);
    }
  }, 600_000);

  it('ends exact when a range is listed again while its old rows still wait to be dropped', async () => {
    await rollWithWrites('2026-11-21', 5);
    await db.sql.begin(async (tx) => {
      await dropPeriodRangesLater(tx);
      await tx`UPDATE siyu.settings SET value = '2026-11-21' WHERE key = 'as_of'`;
    });
    // Not dropped: 2026-11-20's ranges wait, and come back with the move back.
    expect(one(await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.period_range_drops`).n).toBeGreaterThan(10);
    await rollWithWrites('2026-11-20', 6);
    await db.sql`UPDATE siyu.settings SET value = '2026-11-20' WHERE key = 'as_of'`;
    expect(one(await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.period_range_drops`).n).toBe(0);
    await expectPeriodTablesExact(db.sql, '2026-11-20', 'back, over rows waiting to be dropped');
  }, 600_000);
});
