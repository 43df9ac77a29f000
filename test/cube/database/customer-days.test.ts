/**
 * The customer-day table (migration 013) stays equal to the paid orders
 * summed per customer, business day, channel, campaign and credited employee,
 * written here as plain SQL, through every kind of write to the orders: single
 * and bulk inserts, refunds, channel, campaign, employee and day moves,
 * amount corrections, single and bulk deletes, a TRUNCATE, and writers of the
 * same customer at the same time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../cube/database/migrate.ts';
import { seedDatabase } from '../../../seed/load.ts';
import { customerDayDifferences } from '../../helpers/customer-days.ts';
import { createTestDatabase, one, type TestDatabase } from '../../helpers/database.ts';
import { concurrentOrderWriters, ORDER_WRITE_KINDS, random, randomOrderWrite } from '../../helpers/order-writes.ts';

const differences = customerDayDifferences;

describe('the customer-day table', () => {
  let db: TestDatabase;
  let ids: { customers: number[]; channels: number[]; campaigns: number[]; employees: number[] };
  const next = { id: 0 };

  beforeAll(async () => {
    db = await createTestDatabase('customer_days');
    await migrate(db.sql);
    await seedDatabase(db.sql, { customers: 600, seed: 5, asOf: '2026-11-20' });
    const pick = async (table: string): Promise<number[]> =>
      (await db.sql.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} ORDER BY id LIMIT 12`)).map((r) => r.id);
    ids = { customers: await pick('customers'), channels: await pick('channels'), campaigns: await pick('campaigns'), employees: await pick('employees') };
    next.id = one(await db.sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n;
  }, 240_000);
  afterAll(async () => db?.drop());

  it('is built by the seed equal to the paid orders, and counted as a data table', async () => {
    expect(one(await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.customer_days`).n).toBeGreaterThan(500);
    expect(await differences(db.sql)).toEqual([]);
    const before = one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('customer_days') AS v`).v;
    await db.sql`INSERT INTO siyu.orders (id, customer_id, channel_id, ordered_at, amount, items, category, status)
                 VALUES (${next.id++}, ${ids.customers[0]!}, ${ids.channels[0]!}, '2026-11-20 09:00+08', 10.00, 1, 'core', 'paid')`;
    expect(one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('customer_days') AS v`).v).not.toBe(before);
  });

  it('stays equal through a random mix of inserts, refunds, moves, corrections and deletes', async () => {
    const rnd = random(19);
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const orNull = <T>(xs: readonly T[]): T | null => (rnd() < 0.3 ? null : any(xs));
    // Days near each other and around midnight in Shanghai, so moves land on keys that already exist.
    const when = (): string => `2026-11-${String(15 + Math.floor(rnd() * 5)).padStart(2, '0')} ${any(['00:10', '09:00', '15:59', '16:01', '23:50'])}+08`;
    const kinds: Record<string, number> = {};
    for (let step = 0; step < 400; step++) {
      const kind = await randomOrderWrite(db.sql, { rnd, ids, when, next, bulk: { customers: 4, spacing: '7 minutes' }, bulkDelete: 'customer' });
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      if (step % 50 === 49) expect(await differences(db.sql), `after step ${step} (${kind})`).toEqual([]);
    }
    expect(Object.keys(kinds).length).toBe(ORDER_WRITE_KINDS);
    expect(await differences(db.sql)).toEqual([]);
  }, 240_000);

  it('stays equal when two writers change the same customer at once', async () => {
    const customer = ids.customers[5]!;
    const [channel, employee] = [ids.channels[1]!, ids.employees[1]!];
    const base = next.id;
    next.id += 1000;
    // Both write the same key (customer, day, channel, employee); the second waits for the first's lock.
    const a = db.sql.begin(async (tx) => {
      await tx`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
               VALUES (${base}, ${customer}, ${employee}, ${channel}, '2026-11-18 10:00+08', 100.00, 1, 'core', 'paid')`;
      await tx`SELECT pg_sleep(0.3)`;
      await tx`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
               VALUES (${base + 1}, ${customer}, ${employee}, ${channel}, '2026-11-18 11:00+08', 50.00, 1, 'core', 'paid')`;
    });
    const b = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await db.sql.begin(async (tx) => {
        await tx`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
                 VALUES (${base + 2}, ${customer}, ${employee}, ${channel}, '2026-11-18 12:00+08', 7.00, 1, 'core', 'paid')`;
      });
    })();
    await Promise.all([a, b]);
    expect(await differences(db.sql)).toEqual([]);

    // Many writers at once on four customers: inserts, refunds, moves and deletes interleaved.
    const rnd = random(7);
    await concurrentOrderWriters(db.sql, { rnd, ids, base, day: (k) => `2026-11-${17 + (k % 3)} 1${k % 10}:00+08` });
    expect(await differences(db.sql)).toEqual([]);
  }, 240_000);

  it('takes a bounded number of locks, whatever a write touches: 100,000 customers in one statement', async () => {
    // A lock per customer held to the commit ran out of PostgreSQL's lock slots (`out of shared memory`)
    // on an import of 50,000 customers' orders; a lock per bucket (customer id modulo 256) cannot.
    let locks = -1;
    // Rolled back: the rows are made up (no such customers), only the locks matter.
    await db.sql.begin(async (tx) => {
      await tx`SELECT siyu.customer_days_add(ARRAY(
                 SELECT ROW(g, '2026-11-20T00:00:00+08:00'::timestamptz, 1, NULL, NULL, 1, 1)::siyu.customer_days
                 FROM generate_series(1000001, 1100000) AS g))`;
      locks = one(await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`).n;
      throw new Error('roll back');
    }).catch((error: Error) => {
      if (error.message !== 'roll back') throw error;
    });
    expect(locks).toBeLessThanOrEqual(256);
    expect(await customerDayDifferences(db.sql)).toEqual([]);
  });

  it('is emptied with the orders and rebuilt equal by siyu.rebuild_customer_days()', async () => {
    await db.sql`DELETE FROM siyu.customer_days WHERE customer_id = ${ids.customers[0]!}`;
    expect(await differences(db.sql)).not.toEqual([]);
    await db.sql`SELECT siyu.rebuild_customer_days()`;
    expect(await differences(db.sql)).toEqual([]);
    await db.sql.begin(async (tx) => {
      await tx`TRUNCATE siyu.orders CASCADE`;
      expect(one(await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.customer_days`).n).toBe(0);
      throw new Error('rollback');
    }).catch((error: unknown) => { if (String(error) !== 'Error: rollback') throw error; });
  });
});
