/**
 * The owner period table (migration 027: buyers and repeat buyers per preset
 * range and slice, cut by the customer's owner and owner's team) stays equal
 * to the paid orders counted in plain SQL, and to a fresh rebuild, through
 * random order writes, owner changes, an owner moved to another team, writers
 * of one customer at once, the as-of date moving, and the customer-day
 * table's whole rebuild.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../cube/database/migrate.ts';
import { seedDatabase } from '../../../seed/load.ts';
import { createTestDatabase, one, type TestDatabase } from '../../helpers/database.ts';
import { ORDER_WRITE_KINDS, random, randomOrderWrite } from '../../helpers/order-writes.ts';
import { periodOwnersDifferences, periodOwnersRows } from '../../helpers/period-owners.ts';
import { presetRanges } from '../../helpers/period-sales.ts';

describe('the owner period table', () => {
  let db: TestDatabase;
  let ids: { customers: number[]; channels: number[]; campaigns: number[]; employees: number[]; teams: number[] };
  const next = { id: 0 };
  let asOf = '2026-11-20';

  /** Equal to the orders, and to what a rebuild from scratch gives. */
  async function expectExact(label: string): Promise<void> {
    expect(await periodOwnersDifferences(db.sql, asOf), label).toEqual([]);
    const kept = await periodOwnersRows(db.sql);
    await db.sql`SELECT siyu.rebuild_period_owners()`;
    expect(await periodOwnersRows(db.sql), `${label}: a rebuild`).toEqual(kept);
  }

  /** One customer of the first four (the ones the order writes meet on) given to another owner, or none, or back. */
  async function randomOwnerChange(rnd: () => number): Promise<string> {
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const roll = rnd();
    if (roll < 0.5) {
      await db.sql`UPDATE siyu.customers SET owner_employee_id = ${any(ids.employees)} WHERE id = ${any(ids.customers.slice(0, 4))}`;
      return 'owner change';
    }
    if (roll < 0.7) {
      await db.sql`UPDATE siyu.customers SET owner_employee_id = NULL WHERE id = ${any(ids.customers.slice(0, 4))}`;
      return 'owner removed';
    }
    // Several customers in one statement, each to another of three owners.
    await db.sql`UPDATE siyu.customers SET owner_employee_id = (${ids.employees}::int[])[1 + (id + ${Math.floor(rnd() * 3)}) % 3]
                 WHERE id = ANY (${ids.customers.slice(0, 8)}::int[])`;
    return 'bulk owner change';
  }

  async function retryDeadlock(run: () => Promise<unknown>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await run();
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '40P01' || attempt >= 10) throw error;
        deadlocks++;
      }
    }
  }
  let deadlocks = 0;

  beforeAll(async () => {
    db = await createTestDatabase('period_owners');
    await migrate(db.sql);
    await seedDatabase(db.sql, { customers: 600, seed: 5, asOf });
    const pick = async (table: string, where = ''): Promise<number[]> =>
      (await db.sql.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} ${where} ORDER BY id LIMIT 12`)).map((r) => r.id);
    ids = {
      // Customers with paid orders (so moving them moves rows) and owners.
      customers: await pick('customers', 'WHERE id IN (SELECT customer_id FROM siyu.orders WHERE status = \'paid\') AND owner_employee_id IS NOT NULL'),
      channels: await pick('channels'), campaigns: await pick('campaigns'), employees: await pick('employees'), teams: await pick('teams'),
    };
    next.id = one(await db.sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n;
  }, 240_000);
  afterAll(async () => db?.drop());

  it('is built by the seed equal to the orders, and counted as a data table', async () => {
    expect(one(await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.period_owners`).n).toBeGreaterThan(1000);
    expect(one(await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.period_owners WHERE repeat_buyers > 0`).n).toBeGreaterThan(100);
    await expectExact('seeded');
    const before = one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('period_owners') AS v`).v;
    await db.sql`INSERT INTO siyu.orders (id, customer_id, channel_id, ordered_at, amount, items, category, status)
                 VALUES (${next.id++}, ${ids.customers[0]!}, ${ids.channels[0]!}, '2026-11-20 09:00+08', 10.00, 1, 'core', 'paid')`;
    expect(one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('period_owners') AS v`).v).not.toBe(before);
  });

  it('stays exact through a random mix of order writes and owner changes', async () => {
    const rnd = random(27);
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    // Days on the edges of the ranges and around midnight in Shanghai.
    const when = (): string => `${any(['2026-11-20', '2026-11-19', '2026-11-16', '2026-11-15', '2026-11-01', '2026-10-31', '2026-10-21', '2025-11-20', '2025-11-21', '2026-11-21'])} ${any(['00:10', '09:00', '15:59', '16:01', '23:50'])}+08`;
    const kinds: Record<string, number> = {};
    for (let step = 0; step < 300; step++) {
      const kind = rnd() < 0.15 ? await randomOwnerChange(rnd)
        : await randomOrderWrite(db.sql, { rnd, ids, when, next, bulk: { customers: 8, spacing: '-11 hours' }, bulkDelete: 'customers' });
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      if (step % 50 === 49) expect(await periodOwnersDifferences(db.sql, asOf), `after step ${step} (${kind})`).toEqual([]);
    }
    expect(Object.keys(kinds).length).toBe(ORDER_WRITE_KINDS + 3);
    await expectExact('after the random writes');
  }, 240_000);

  it('stays exact when order writers and owner changes meet on the same customers', async () => {
    const base = next.id;
    next.id += 2000;
    const rnd = random(8);
    const writers = Array.from({ length: 6 }, (_, w) => (async () => {
      for (let k = 0; k < 12; k++) {
        const c = ids.customers[4 + ((w + k) % 4)]!;
        const id = base + 10 + w * 100 + k;
        const day = `2026-11-${14 + (k % 7)} 1${k % 10}:00+08`;
        // Two transactions of several statements that update the same stored rows (a brand's, a team's) in
        // different statements can deadlock, as they can on the period and day-counter tables before this one:
        // PostgreSQL aborts one, and its writer tries again, as a writer must.
        await retryDeadlock(() => db.sql.begin(async (tx) => {
          if (w === 5) {
            await tx`UPDATE siyu.customers SET owner_employee_id = ${ids.employees[k % 3]!} WHERE id = ${c}`;
          } else {
            await tx`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
                     VALUES (${id}, ${c}, ${ids.employees[k % 2]!}, ${ids.channels[k % 2]!}, ${day}, ${(k + 1) * 1.5}, 1, 'core', 'paid')`;
            const roll = rnd();
            if (roll < 0.3) await tx`UPDATE siyu.orders SET status = 'refunded' WHERE customer_id = ${c} AND id <> ${id} AND status = 'paid' AND id >= ${base}`;
            else if (roll < 0.5) await tx`DELETE FROM siyu.orders WHERE customer_id = ${c} AND id >= ${base} AND id < ${id}`;
          }
          await tx`SELECT pg_sleep(0.01)`;
        }));
      }
    })());
    await Promise.all(writers);
    await expectExact(`after concurrent writers (${deadlocks} deadlocks retried)`);
  }, 240_000);

  it('follows an owner moved to another team', async () => {
    const [owner] = await db.sql<{ id: number; team_id: number }[]>`
      SELECT e.id, e.team_id FROM siyu.employees AS e JOIN siyu.customers AS c ON c.owner_employee_id = e.id
      JOIN siyu.orders AS o ON o.customer_id = c.id GROUP BY e.id ORDER BY count(*) DESC LIMIT 1`;
    const other = ids.teams.find((t) => t !== owner!.team_id)!;
    await db.sql`UPDATE siyu.employees SET team_id = ${other} WHERE id = ${owner!.id}`;
    await expectExact('after a team move');
    await db.sql`UPDATE siyu.employees SET team_id = ${owner!.team_id} WHERE id IN (${owner!.id}, ${ids.employees[0]!})`;
    await expectExact('after moving back');
  }, 240_000);

  it('rolls over to the ranges of a new as-of date, keeping the ranges still offered', async () => {
    const lastMonth = '2026-10-01..2026-10-31';
    const kept = await db.sql<{ row: string }[]>`SELECT (p.*)::text AS row FROM siyu.period_owners AS p WHERE period = ${lastMonth} ORDER BY 1`;
    for (const day of ['2026-11-21', '2026-11-30', '2026-12-01']) {
      asOf = day;
      await db.sql`UPDATE siyu.settings SET value = ${day} WHERE key = 'as_of'`;
      expect(await periodOwnersDifferences(db.sql, asOf), `as of ${day}`).toEqual([]);
      const periods = await db.sql<{ period: string }[]>`SELECT DISTINCT period FROM siyu.owner_periods`;
      expect(periods.map((p) => p.period).sort()).toEqual([...presetRanges(day).keys()].sort());
      if (day === '2026-11-21') {
        const after = await db.sql<{ row: string }[]>`SELECT (p.*)::text AS row FROM siyu.period_owners AS p WHERE period = ${lastMonth} ORDER BY 1`;
        expect(after).toEqual(kept);
      }
    }
    await db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
                 VALUES (${next.id++}, ${ids.customers[1]!}, ${ids.employees[2]!}, ${ids.channels[0]!}, '2026-12-01 09:00+08', 88.00, 1, 'core', 'paid')`;
    await expectExact('a write after the roll-over');
  }, 240_000);

  it('is rebuilt with the customer-day table, emptied with the orders', async () => {
    const kept = await periodOwnersRows(db.sql);
    await db.sql`SELECT siyu.rebuild_customer_days()`;
    expect(await periodOwnersRows(db.sql)).toEqual(kept);
    await db.sql.begin(async (tx) => {
      await tx`TRUNCATE siyu.orders CASCADE`;
      expect(one(await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.period_owners`).n).toBe(0);
      throw new Error('rollback');
    }).catch((error: unknown) => { if (String(error) !== 'Error: rollback') throw error; });
  }, 240_000);
});
