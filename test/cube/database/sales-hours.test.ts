/**
 * The hourly sales table (migration 032) stays equal to the orders summed per
 * business hour, channel, campaign and credited employee, written here as
 * plain SQL, through every kind of write to the orders: single and bulk
 * inserts, refunds and their reversal, channel, campaign, employee and time
 * moves, amount corrections, single and bulk deletes, a TRUNCATE, and writers
 * of the same hour and slice at the same time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../cube/database/migrate.ts';
import { seedDatabase } from '../../../seed/load.ts';
import { salesHourDifferences as differences } from '../../helpers/sales-hours.ts';
import { createTestDatabase, one, type TestDatabase } from '../../helpers/database.ts';
import { ORDER_WRITE_KINDS, random, randomOrderWrite } from '../../helpers/order-writes.ts';

describe('the hourly sales table', () => {
  let db: TestDatabase;
  let ids: { customers: number[]; channels: number[]; campaigns: number[]; employees: number[] };
  const next = { id: 0 };

  beforeAll(async () => {
    db = await createTestDatabase('sales_hours');
    await migrate(db.sql);
    await seedDatabase(db.sql, { customers: 600, seed: 5, asOf: '2026-11-20' });
    const pick = async (table: string): Promise<number[]> =>
      (await db.sql.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} ORDER BY id LIMIT 12`)).map((r) => r.id);
    ids = { customers: await pick('customers'), channels: await pick('channels'), campaigns: await pick('campaigns'), employees: await pick('employees') };
    next.id = one(await db.sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n;
  }, 240_000);
  afterAll(async () => db?.drop());

  it('is built by the seed equal to the orders, and counted as a data table', async () => {
    expect(one(await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.sales_hours`).n).toBeGreaterThan(500);
    expect(await differences(db.sql)).toEqual([]);
    const before = one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('sales_hours') AS v`).v;
    await db.sql`INSERT INTO siyu.orders (id, customer_id, channel_id, ordered_at, amount, items, category, status)
                 VALUES (${next.id++}, ${ids.customers[0]!}, ${ids.channels[0]!}, '2026-11-20 09:00+08', 10.00, 1, 'core', 'paid')`;
    expect(one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('sales_hours') AS v`).v).not.toBe(before);
    expect(await differences(db.sql)).toEqual([]);
  });

  it('stays equal through a random mix of inserts, refunds, moves, corrections and deletes', async () => {
    const rnd = random(23);
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    // Hours near each other and around the hour and midnight in Shanghai, so moves land on keys that already exist.
    const when = (): string => `2026-11-${String(17 + Math.floor(rnd() * 4)).padStart(2, '0')} ${any(['00:10', '09:00', '09:59', '10:00', '15:59', '16:01', '23:50'])}+08`;
    const kinds: Record<string, number> = {};
    for (let step = 0; step < 400; step++) {
      const kind = await randomOrderWrite(db.sql, { rnd, ids, when, next, bulk: { customers: 4, spacing: '7 minutes' }, bulkDelete: 'customers' });
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      if (step % 50 === 49) expect(await differences(db.sql), `after step ${step} (${kind})`).toEqual([]);
    }
    expect(Object.keys(kinds).length).toBe(ORDER_WRITE_KINDS);
    expect(await differences(db.sql)).toEqual([]);
  }, 240_000);

  it('stays equal when writers change the same hour and slice at once', async () => {
    const base = next.id;
    next.id += 1000;
    const rnd = random(11);
    // Six writers on two keys of one hour: inserts, refunds, moves between the keys and deletes interleaved.
    const writers = Array.from({ length: 6 }, (_, w) => (async () => {
      for (let k = 0; k < 15; k++) {
        const c = ids.customers[6 + ((w + k) % 4)]!;
        const id = base + 10 + w * 100 + k;
        await db.sql.begin(async (tx) => {
          await tx`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
                   VALUES (${id}, ${c}, ${ids.employees[k % 2]!}, ${ids.channels[0]!}, ${`2026-11-19 10:${String(k * 3).padStart(2, '0')}+08`},
                           ${(k + 1) * 1.5}, 1, 'core', 'paid')`;
          const roll = rnd();
          if (roll < 0.3) await tx`UPDATE siyu.orders SET status = 'refunded' WHERE customer_id = ${c} AND id <> ${id} AND status = 'paid' AND id >= ${base}`;
          else if (roll < 0.6) await tx`UPDATE siyu.orders SET employee_id = ${ids.employees[(k + 1) % 2]!} WHERE customer_id = ${c} AND id >= ${base}`;
          else if (roll < 0.8) await tx`DELETE FROM siyu.orders WHERE customer_id = ${c} AND id >= ${base} AND id < ${id}`;
          await tx`SELECT pg_sleep(0.01)`;
        });
      }
    })());
    await Promise.all(writers);
    expect(await differences(db.sql)).toEqual([]);
  }, 240_000);

  it('is emptied with the orders and rebuilt equal by siyu.rebuild_sales_hours()', async () => {
    await db.sql`DELETE FROM siyu.sales_hours WHERE hour_start = (SELECT min(hour_start) FROM siyu.sales_hours)`;
    expect(await differences(db.sql)).not.toEqual([]);
    await db.sql`SELECT siyu.rebuild_sales_hours()`;
    expect(await differences(db.sql)).toEqual([]);
    await db.sql.begin(async (tx) => {
      await tx`TRUNCATE siyu.orders CASCADE`;
      expect(one(await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.sales_hours`).n).toBe(0);
      throw new Error('rollback');
    }).catch((error: unknown) => { if (String(error) !== 'Error: rollback') throw error; });
  });
});
