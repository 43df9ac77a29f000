/**
 * The sales paid-day table (migration 038: one row per customer, business day
 * and credited employee with paid orders, their paid orders and amount, and
 * the customer's previous paid day with the same employee, with the same
 * team now and with anyone) stays equal to the paid orders in plain SQL and
 * to a fresh build, through random inserts, refunds, moves and deletes of
 * orders mixed with owner changes and team moves, writers of one customer at
 * once with team moves beside them, a bulk statement and the customer-day
 * table's rebuild; with each row's running paid amount and orders of the
 * customer and their next paid day (migration 046, the custom-range drill list).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../cube/database/migrate.ts';
import { seedDatabase } from '../../../seed/load.ts';
import { createTestDatabase, one, type TestDatabase } from '../../helpers/database.ts';
import { concurrentOrderWriters, random, randomWritesWithMoves } from '../../helpers/order-writes.ts';

type Sql = TestDatabase['sql'];

/** The table's rows in a fixed order, as text. */
async function kept(sql: Sql): Promise<string[]> {
  const rows = await sql<{ r: string }[]>`
    SELECT concat_ws('|', customer_id, day_start, coalesce(employee_id, -1), paid_orders, paid_amount, prev_day, team_prev_day, any_prev_day,
                     running_amount, running_orders, next_day) AS r
    FROM siyu.sales_paid_days ORDER BY customer_id, day_start, employee_id NULLS FIRST`;
  return rows.map((x) => x.r);
}

/**
 * The same rows from the orders themselves (not the customer-day table): the
 * previous days as the latest earlier (day, employee) of the customer at each
 * level, by a correlated max rather than a window.
 */
async function fromOrders(sql: Sql): Promise<string[]> {
  const rows = await sql<{ r: string }[]>`
    WITH d AS (
      SELECT o.customer_id, ((o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date::timestamp AT TIME ZONE 'Asia/Shanghai') AS day_start,
             o.employee_id, e.team_id, count(*) AS n, sum(o.amount) AS amount
      FROM siyu.orders AS o LEFT JOIN siyu.employees AS e ON e.id = o.employee_id
      WHERE o.status = 'paid' GROUP BY 1, 2, 3, 4
    )
    SELECT concat_ws('|', d.customer_id, d.day_start, coalesce(d.employee_id, -1), d.n, d.amount,
      (SELECT max(x.day_start) FROM d AS x WHERE x.customer_id = d.customer_id AND x.employee_id IS NOT DISTINCT FROM d.employee_id AND x.day_start < d.day_start),
      (SELECT max(x.day_start) FROM d AS x WHERE x.customer_id = d.customer_id AND x.team_id IS NOT DISTINCT FROM d.team_id
         AND (x.day_start < d.day_start OR (x.day_start = d.day_start AND coalesce(x.employee_id, -1) < coalesce(d.employee_id, -1)))),
      (SELECT max(x.day_start) FROM d AS x WHERE x.customer_id = d.customer_id
         AND (x.day_start < d.day_start OR (x.day_start = d.day_start AND coalesce(x.employee_id, -1) < coalesce(d.employee_id, -1)))),
      -- Migration 046: the customer's amount and orders through this row, and their next row's day.
      (SELECT sum(x.amount) FROM d AS x WHERE x.customer_id = d.customer_id
         AND (x.day_start < d.day_start OR (x.day_start = d.day_start AND coalesce(x.employee_id, -1) <= coalesce(d.employee_id, -1)))),
      (SELECT sum(x.n) FROM d AS x WHERE x.customer_id = d.customer_id
         AND (x.day_start < d.day_start OR (x.day_start = d.day_start AND coalesce(x.employee_id, -1) <= coalesce(d.employee_id, -1)))),
      (SELECT min(x.day_start) FROM d AS x WHERE x.customer_id = d.customer_id
         AND (x.day_start > d.day_start OR (x.day_start = d.day_start AND coalesce(x.employee_id, -1) > coalesce(d.employee_id, -1))))) AS r
    FROM d ORDER BY d.customer_id, d.day_start, d.employee_id NULLS FIRST`;
  return rows.map((x) => x.r);
}

describe('the sales paid-day table', () => {
  let db: TestDatabase;
  let ids: { customers: number[]; channels: number[]; campaigns: number[]; employees: number[] };
  let teams: number[];
  const next = { id: 0 };

  async function expectExact(label: string): Promise<void> {
    const now = await kept(db.sql);
    expect(now, label).toEqual(await fromOrders(db.sql));
    await db.sql`SELECT siyu.build_sales_paid_days()`;
    expect(await kept(db.sql), `${label}: a build`).toEqual(now);
  }

  beforeAll(async () => {
    db = await createTestDatabase('sales_paid_days');
    await migrate(db.sql);
    await seedDatabase(db.sql, { customers: 600, seed: 7, asOf: '2026-11-20' });
    const pick = async (table: string): Promise<number[]> =>
      (await db.sql.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} ORDER BY id LIMIT 12`)).map((r) => r.id);
    ids = { customers: await pick('customers'), channels: await pick('channels'), campaigns: await pick('campaigns'), employees: await pick('employees') };
    teams = await pick('teams');
    next.id = one(await db.sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n;
  }, 120_000);
  afterAll(async () => db?.drop());

  it('is built by the seed equal to the orders, and counted as a data table', async () => {
    expect((await kept(db.sql)).length).toBeGreaterThan(600);
    // Some customers bought from two employees of one team on one day: the tie the employee order breaks.
    await expectExact('seeded');
    const before = one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('sales_paid_days') AS v`).v;
    await db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
                 VALUES (${next.id++}, ${ids.customers[0]!}, ${ids.employees[0]!}, ${ids.channels[0]!}, '2026-11-20 09:00+08', 10.00, 1, 'core', 'paid')`;
    expect(one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('sales_paid_days') AS v`).v).not.toBe(before);
  });

  it('stays exact through random order writes, owner changes and team moves', async () => {
    const kinds = await randomWritesWithMoves(db.sql, {
      seed: 38, ids, teams, next, steps: 240,
      check: async (step, kind) => {
        expect(await kept(db.sql), `after step ${step} (${kind})`).toEqual(await fromOrders(db.sql));
      },
    });
    expect(kinds['team move']).toBeGreaterThan(5);
    expect(kinds['move day']).toBeGreaterThan(3);
    await expectExact('after the random writes');
  }, 240_000);

  it('stays exact when writers change the same customers at once, with team moves beside them', async () => {
    const base = next.id;
    next.id += 2000;
    const rnd = random(380);
    const movers = (async () => {
      for (let k = 0; k < 8; k++) {
        await db.sql`UPDATE siyu.employees SET team_id = ${teams[k % 3]!} WHERE id = ${ids.employees[k % 2]!}`;
        await db.sql`SELECT pg_sleep(0.02)`;
      }
    })();
    await Promise.all([concurrentOrderWriters(db.sql, { rnd, ids, base, day: (k) => `2026-11-${14 + (k % 7)} 10:00+08` }), movers]);
    await expectExact('after concurrent writers and team moves');
  }, 180_000);

  it('takes a bulk statement and the customer-day table\'s rebuild', async () => {
    // Past 5,000 customers in one statement the whole table is built again (rolled back: made-up customers).
    await db.sql.begin(async (tx) => {
      await tx`INSERT INTO siyu.customer_days
               SELECT g, siyu.local_midnight('2026-11-20'::date), ${ids.channels[0]!}, NULL, NULL, 1, 2.50 FROM generate_series(2000001, 2006000) AS g`;
      expect(one(await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.sales_paid_days WHERE customer_id > 2000000`).n).toBe(6000);
      throw new Error('roll back');
    }).catch((error: Error) => { if (error.message !== 'roll back') throw error; });
    const before = await kept(db.sql);
    await db.sql`SELECT siyu.rebuild_customer_days()`;
    expect(await kept(db.sql)).toEqual(before);
    await expectExact('after the rebuild');
  }, 180_000);
});
