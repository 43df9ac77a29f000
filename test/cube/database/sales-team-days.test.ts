/**
 * The team day table (migration 051) stays equal to the orders summed per
 * business day, channel, campaign and their credited employee's team now,
 * written here as plain SQL, through every kind of write to the orders, team
 * moves of their employees (one at a time and several in one statement),
 * writers of the same day and slice at the same time, a team move among
 * them, and a TRUNCATE; and equal to a fresh rebuild
 * (siyu.rebuild_sales_team_days()) after them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../cube/database/migrate.ts';
import { seedDatabase } from '../../../seed/load.ts';
import { salesTeamDayDifferences as differences } from '../../helpers/sales-days.ts';
import { createTestDatabase, one, type TestDatabase } from '../../helpers/database.ts';
import { concurrentOrderWriters, ORDER_WRITE_KINDS, random, randomWritesWithMoves } from '../../helpers/order-writes.ts';

describe('the team day table', () => {
  let db: TestDatabase;
  let ids: { customers: number[]; channels: number[]; campaigns: number[]; employees: number[] };
  let teams: number[];
  const next = { id: 0 };
  const snapshot = async (): Promise<string[]> =>
    (await db.sql<{ r: string }[]>`SELECT (s.*)::text AS r FROM siyu.sales_team_days AS s ORDER BY 1`).map((x) => x.r);

  beforeAll(async () => {
    db = await createTestDatabase('sales_team_days');
    await migrate(db.sql);
    await seedDatabase(db.sql, { customers: 600, seed: 7, asOf: '2026-11-20' });
    const pick = async (table: string): Promise<number[]> =>
      (await db.sql.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} ORDER BY id LIMIT 12`)).map((r) => r.id);
    ids = { customers: await pick('customers'), channels: await pick('channels'), campaigns: await pick('campaigns'), employees: await pick('employees') };
    teams = (await db.sql<{ id: number }[]>`SELECT id FROM siyu.teams ORDER BY id LIMIT 3`).map((r) => r.id);
    next.id = one(await db.sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n;
  }, 240_000);
  afterAll(async () => db?.drop());

  it('is built by the seed equal to the orders, at most channels × campaigns × teams rows a day, and counted as a data table', async () => {
    const [size] = await db.sql<{ rows: number; days: number; orders: number }[]>`
      SELECT (SELECT count(*) FROM siyu.sales_team_days)::int AS rows, (SELECT count(DISTINCT day_start) FROM siyu.sales_team_days)::int AS days,
             (SELECT count(*) FROM siyu.orders)::int AS orders`;
    expect(size!.rows).toBeGreaterThan(100);
    expect(size!.rows).toBeLessThan(size!.orders);
    expect(await differences(db.sql)).toEqual([]);
    const before = one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('sales_team_days') AS v`).v;
    await db.sql`INSERT INTO siyu.orders (id, customer_id, channel_id, employee_id, ordered_at, amount, items, category, status)
                 VALUES (${next.id++}, ${ids.customers[0]!}, ${ids.channels[0]!}, ${ids.employees[0]!}, '2026-11-20 09:00+08', 10.00, 2, 'premium', 'paid')`;
    expect(one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('sales_team_days') AS v`).v).not.toBe(before);
    expect(await differences(db.sql)).toEqual([]);
  });

  it('stays equal through random writes and team moves, and equals a rebuild', async () => {
    const kinds = await randomWritesWithMoves(db.sql, {
      seed: 31, ids, teams, next, steps: 400,
      check: async (step, kind) => expect(await differences(db.sql), `after step ${step} (${kind})`).toEqual([]),
    });
    expect(kinds['team move']).toBeGreaterThan(5);
    expect(Object.keys(kinds).length).toBeGreaterThanOrEqual(ORDER_WRITE_KINDS);
    // Several employees moved by one statement, two of them swapped.
    await db.sql`UPDATE siyu.employees SET team_id = CASE WHEN id = ${ids.employees[0]!} THEN ${teams[1]!}::int WHEN id = ${ids.employees[1]!} THEN ${teams[0]!}::int ELSE ${teams[2]!}::int END
                 WHERE id = ANY (${ids.employees.slice(0, 4)}::int[])`;
    expect(await differences(db.sql)).toEqual([]);
    const kept = await snapshot();
    await db.sql`SELECT siyu.rebuild_sales_team_days()`;
    expect(await snapshot()).toEqual(kept);
  }, 240_000);

  it('stays equal when writers change the same day and slice at once, and an employee of theirs moves team meanwhile', async () => {
    const base = next.id;
    next.id += 1000;
    const [home] = await db.sql<{ team_id: number }[]>`SELECT team_id FROM siyu.employees WHERE id = ${ids.employees[0]!}`;
    const moves = (async () => {
      for (let k = 0; k < 6; k++) {
        await new Promise((resolve) => setTimeout(resolve, 60));
        await db.sql`UPDATE siyu.employees SET team_id = ${teams[k % 3]!} WHERE id = ${ids.employees[k % 2]!}`;
      }
    })();
    await Promise.all([concurrentOrderWriters(db.sql, { rnd: random(13), ids, base, day: (k) => `2026-11-19 ${String(k).padStart(2, '0')}:30+08` }), moves]);
    expect(await differences(db.sql)).toEqual([]);
    await db.sql`UPDATE siyu.employees SET team_id = ${home!.team_id} WHERE id = ${ids.employees[0]!}`;
    expect(await differences(db.sql)).toEqual([]);
  }, 240_000);

  it('is emptied with the orders and rebuilt equal by siyu.rebuild_sales_team_days()', async () => {
    await db.sql`DELETE FROM siyu.sales_team_days WHERE day_start = (SELECT min(day_start) FROM siyu.sales_team_days)`;
    expect(await differences(db.sql)).not.toEqual([]);
    await db.sql`SELECT siyu.rebuild_sales_team_days()`;
    expect(await differences(db.sql)).toEqual([]);
    await db.sql.begin(async (tx) => {
      await tx`TRUNCATE siyu.orders CASCADE`;
      expect(one(await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.sales_team_days`).n).toBe(0);
      throw new Error('rollback');
    }).catch((error: unknown) => { if (String(error) !== 'Error: rollback') throw error; });
  });
});
