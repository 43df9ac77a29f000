/**
 * The daily sales table (migration 042) stays equal to the orders summed per
 * business day, channel, campaign, credited employee and category, written
 * here as plain SQL, through every kind of write to the orders: single and
 * bulk inserts, refunds and their reversal, channel, campaign, employee,
 * category and time moves, amount and item corrections, single and bulk
 * deletes, a TRUNCATE, and writers of the same day and slice at the same time;
 * and equal to a fresh rebuild (siyu.rebuild_sales_days()) after them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../cube/database/migrate.ts';
import { seedDatabase } from '../../../seed/load.ts';
import { salesDayDifferences as differences } from '../../helpers/sales-days.ts';
import { createTestDatabase, one, type TestDatabase } from '../../helpers/database.ts';
import { concurrentOrderWriters, ORDER_WRITE_KINDS, random, randomOrderWrite } from '../../helpers/order-writes.ts';

describe('the daily sales table', () => {
  let db: TestDatabase;
  let ids: { customers: number[]; channels: number[]; campaigns: number[]; employees: number[] };
  const next = { id: 0 };
  const snapshot = async (): Promise<string[]> =>
    (await db.sql<{ r: string }[]>`SELECT (s.*)::text AS r FROM siyu.sales_days AS s ORDER BY 1`).map((x) => x.r);

  beforeAll(async () => {
    db = await createTestDatabase('sales_days');
    await migrate(db.sql);
    await seedDatabase(db.sql, { customers: 600, seed: 7, asOf: '2026-11-20' });
    const pick = async (table: string): Promise<number[]> =>
      (await db.sql.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} ORDER BY id LIMIT 12`)).map((r) => r.id);
    ids = { customers: await pick('customers'), channels: await pick('channels'), campaigns: await pick('campaigns'), employees: await pick('employees') };
    next.id = one(await db.sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n;
  }, 240_000);
  afterAll(async () => db?.drop());

  it('is built by the seed equal to the orders, and counted as a data table', async () => {
    expect(one(await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.sales_days`).n).toBeGreaterThan(500);
    expect(await differences(db.sql)).toEqual([]);
    const before = one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('sales_days') AS v`).v;
    await db.sql`INSERT INTO siyu.orders (id, customer_id, channel_id, ordered_at, amount, items, category, status)
                 VALUES (${next.id++}, ${ids.customers[0]!}, ${ids.channels[0]!}, '2026-11-20 09:00+08', 10.00, 2, 'premium', 'paid')`;
    expect(one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('sales_days') AS v`).v).not.toBe(before);
    expect(await differences(db.sql)).toEqual([]);
  });

  it('stays equal through a random mix of inserts, refunds, moves, corrections and deletes, and equals a rebuild', async () => {
    const rnd = random(29);
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    // Days near each other and around midnight in Shanghai (16:00 UTC), so moves land on keys that already exist.
    const when = (): string => `2026-11-${String(17 + Math.floor(rnd() * 4)).padStart(2, '0')} ${any(['00:00', '00:10', '09:00', '15:59', '16:01', '23:59:59'])}+08`;
    const kinds: Record<string, number> = {};
    for (let step = 0; step < 400; step++) {
      let kind: string;
      if (rnd() < 0.08) {
        // A category move (the only key column randomOrderWrite leaves alone), of one order or a customer's all.
        kind = 'move category';
        await db.sql`UPDATE siyu.orders SET category = ${any(['traffic', 'core', 'premium'])}
                     WHERE customer_id = ${any(ids.customers.slice(0, 4))} AND (${rnd() < 0.5} OR id = (SELECT max(id) FROM siyu.orders WHERE customer_id = ${ids.customers[0]!}))`;
      } else {
        kind = await randomOrderWrite(db.sql, { rnd, ids, when, next, bulk: { customers: 4, spacing: '7 hours' }, bulkDelete: 'customers' });
      }
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      if (step % 50 === 49) expect(await differences(db.sql), `after step ${step} (${kind})`).toEqual([]);
    }
    expect(Object.keys(kinds).length).toBe(ORDER_WRITE_KINDS + 1);
    expect(await differences(db.sql)).toEqual([]);
    const kept = await snapshot();
    await db.sql`SELECT siyu.rebuild_sales_days()`;
    expect(await snapshot()).toEqual(kept);
  }, 240_000);

  it('stays equal when writers change the same day and slice at once', async () => {
    const base = next.id;
    next.id += 1000;
    await concurrentOrderWriters(db.sql, { rnd: random(13), ids, base, day: (k) => `2026-11-19 ${String(k).padStart(2, '0')}:30+08` });
    expect(await differences(db.sql)).toEqual([]);
  }, 240_000);

  it('is emptied with the orders and rebuilt equal by siyu.rebuild_sales_days()', async () => {
    await db.sql`DELETE FROM siyu.sales_days WHERE day_start = (SELECT min(day_start) FROM siyu.sales_days)`;
    expect(await differences(db.sql)).not.toEqual([]);
    await db.sql`SELECT siyu.rebuild_sales_days()`;
    expect(await differences(db.sql)).toEqual([]);
    await db.sql.begin(async (tx) => {
      await tx`TRUNCATE siyu.orders CASCADE`;
      expect(one(await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.sales_days`).n).toBe(0);
      throw new Error('rollback');
    }).catch((error: unknown) => { if (String(error) !== 'Error: rollback') throw error; });
  });
});
