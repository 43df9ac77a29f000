/**
 * The customer paid-day table (migration 036: one row per customer and
 * business day with a paid order, their previous and next paid day and their
 * owner) stays equal to the paid orders in plain SQL and to a fresh build,
 * through random inserts, refunds, moves and deletes of orders mixed with
 * owner changes and team moves, writers of one customer at once, a bulk
 * statement and the customer-day table's rebuild.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../cube/database/migrate.ts';
import { seedDatabase } from '../../../seed/load.ts';
import { createTestDatabase, one, type TestDatabase } from '../../helpers/database.ts';
import { randomWritesWithMoves } from '../../helpers/order-writes.ts';

type Sql = TestDatabase['sql'];

/** The table's rows in a fixed order, as text. */
async function kept(sql: Sql): Promise<string[]> {
  const rows = await sql<{ r: string }[]>`
    SELECT concat_ws('|', customer_id, day_start, paid_orders, prev_day, next_day, owner_id) AS r
    FROM siyu.customer_paid_days ORDER BY customer_id, day_start`;
  return rows.map((x) => x.r);
}

/** The same rows from the orders themselves (not the customer-day table). */
async function fromOrders(sql: Sql): Promise<string[]> {
  const rows = await sql<{ r: string }[]>`
    SELECT concat_ws('|', d.customer_id, d.day_start, d.n, lag(d.day_start) OVER w, lead(d.day_start) OVER w, c.owner_employee_id) AS r
    FROM (
      SELECT o.customer_id, ((o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date::timestamp AT TIME ZONE 'Asia/Shanghai') AS day_start, count(*) AS n
      FROM siyu.orders AS o WHERE o.status = 'paid' GROUP BY 1, 2
    ) AS d
    JOIN siyu.customers AS c ON c.id = d.customer_id
    WINDOW w AS (PARTITION BY d.customer_id ORDER BY d.day_start)
    ORDER BY d.customer_id, d.day_start`;
  return rows.map((x) => x.r);
}

describe('the customer paid-day table', () => {
  let db: TestDatabase;
  let ids: { customers: number[]; channels: number[]; campaigns: number[]; employees: number[] };
  let teams: number[];
  const next = { id: 0 };

  async function expectExact(label: string): Promise<void> {
    const now = await kept(db.sql);
    expect(now, label).toEqual(await fromOrders(db.sql));
    await db.sql`SELECT siyu.build_customer_paid_days()`;
    expect(await kept(db.sql), `${label}: a build`).toEqual(now);
  }

  beforeAll(async () => {
    db = await createTestDatabase('customer_paid_days');
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
    await expectExact('seeded');
    const before = one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('customer_paid_days') AS v`).v;
    await db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
                 VALUES (${next.id++}, ${ids.customers[0]!}, ${ids.employees[0]!}, ${ids.channels[0]!}, '2026-11-20 09:00+08', 10.00, 1, 'core', 'paid')`;
    expect(one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('customer_paid_days') AS v`).v).not.toBe(before);
  });

  it('stays exact through random order writes, owner changes and team moves', async () => {
    const kinds = await randomWritesWithMoves(db.sql, {
      seed: 36, ids, teams, next, steps: 240,
      check: async (step, kind) => {
        expect(await kept(db.sql), `after step ${step} (${kind})`).toEqual(await fromOrders(db.sql));
      },
    });
    expect(kinds['owner change']).toBeGreaterThan(5);
    expect(kinds['move day']).toBeGreaterThan(3);
    await expectExact('after the random writes');
  }, 240_000);

  it('stays exact when writers change the same customers at once, with owner changes beside them', async () => {
    const base = next.id;
    next.id += 2000;
    const writers = Array.from({ length: 5 }, (_, w) => (async () => {
      for (let k = 0; k < 10; k++) {
        const c = ids.customers[6 + ((w + k) % 4)]!;
        await db.sql.begin(async (tx) => {
          await tx`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
                   VALUES (${base + 10 + w * 100 + k}, ${c}, ${ids.employees[k % 3]!}, ${ids.channels[k % 2]!}, ${`2026-11-${14 + (k % 7)} 10:00+08`}, ${(k + 1) * 1.5}, 1, 'core', 'paid')`;
          if (k % 4 === 3) await tx`UPDATE siyu.orders SET status = 'refunded' WHERE customer_id = ${c} AND id >= ${base} AND id < ${base + 10 + w * 100 + k}`;
          await tx`SELECT pg_sleep(0.01)`;
        });
      }
    })());
    // One customer at a time: their bucket lock is taken after the customer's row, as an order writer's is not.
    const owners = (async () => {
      for (let k = 0; k < 10; k++) {
        await db.sql`UPDATE siyu.customers SET owner_employee_id = ${ids.employees[k % 4]!} WHERE id = ${ids.customers[6 + (k % 4)]!}`;
        await db.sql`SELECT pg_sleep(0.01)`;
      }
    })();
    await Promise.all([...writers, owners]);
    await expectExact('after concurrent writers');
  }, 120_000);

  it('takes a bulk statement and the customer-day table\'s rebuild', async () => {
    // Past 5,000 customers in one statement the whole table is built again (rolled back: made-up customers).
    await db.sql.begin(async (tx) => {
      await tx`INSERT INTO siyu.customer_days
               SELECT g, siyu.local_midnight('2026-11-20'::date), ${ids.channels[0]!}, NULL, NULL, 1, 2.50 FROM generate_series(2000001, 2006000) AS g`;
      expect(one(await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.customer_paid_days WHERE customer_id > 2000000`).n).toBe(6000);
      throw new Error('roll back');
    }).catch((error: Error) => { if (error.message !== 'roll back') throw error; });
    const before = await kept(db.sql);
    await db.sql`SELECT siyu.rebuild_customer_days()`;
    expect(await kept(db.sql)).toEqual(before);
    await expectExact('after the rebuild');
  }, 180_000);
});
