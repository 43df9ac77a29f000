/**
 * The drill lists' table (migration 029) stays equal to the paid orders
 * counted in plain SQL per preset range and customer (with their attributed
 * part, migration 058), and to a fresh build,
 * through single and bulk inserts, refunds, channel, employee, campaign and
 * day moves, deletes, writers of one customer at once, a truncate, and the
 * as-of date moving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../cube/database/migrate.ts';
import { seedDatabase } from '../../../seed/load.ts';
import { createTestDatabase, one, type TestDatabase } from '../../helpers/database.ts';
import { drillRanges, drillSalesDifferences, drillSalesRows } from '../../helpers/drill-sales.ts';
import { ORDER_WRITE_KINDS, random, randomOrderWrite } from '../../helpers/order-writes.ts';

describe('the drill lists\' table', () => {
  let db: TestDatabase;
  let ids: { customers: number[]; channels: number[]; campaigns: number[]; employees: number[] };
  const next = { id: 0 };
  let asOf = '2026-11-20';

  /** Equal to the orders, and to what a build from scratch gives. */
  async function expectExact(label: string): Promise<void> {
    expect(await drillSalesDifferences(db.sql, asOf), label).toEqual([]);
    const kept = await drillSalesRows(db.sql);
    await db.sql`SELECT siyu.roll_drill_sales(true)`;
    expect(await drillSalesRows(db.sql), `${label}: a rebuild`).toEqual(kept);
  }

  beforeAll(async () => {
    db = await createTestDatabase('drill_sales');
    await migrate(db.sql);
    await seedDatabase(db.sql, { customers: 600, seed: 5, asOf });
    const pick = async (table: string): Promise<number[]> =>
      (await db.sql.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} ORDER BY id LIMIT 12`)).map((r) => r.id);
    ids = { customers: await pick('customers'), channels: await pick('channels'), campaigns: await pick('campaigns'), employees: await pick('employees') };
    next.id = one(await db.sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n;
  }, 240_000);
  afterAll(async () => db?.drop());

  it('holds the presets\' own ranges date-range.ts gives, for any as-of date', async () => {
    for (const day of ['2026-11-20', '2026-12-31', '2027-01-01', '2024-02-29', '2025-03-01', '2026-11-23', '2026-11-22']) {
      const rows = await db.sql<{ period: string; first: string | null; last: string | null }[]>`
        SELECT period, first_day::text AS first, last_day::text AS last FROM siyu.drill_ranges(${day}::date)`;
      const expected = [...drillRanges(day)].map(([k, r]) => `${k} ${r?.[0] ?? null} ${r?.[1] ?? null}`).sort();
      expect(rows.map((r) => `${r.period} ${r.first} ${r.last}`).sort(), day).toEqual(expected);
    }
  });

  it('is built by the seed equal to the orders, and counted as a data table', async () => {
    expect(one(await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.drill_sales`).n).toBeGreaterThan(500);
    await expectExact('seeded');
    const before = one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('drill_sales') AS v`).v;
    await db.sql`INSERT INTO siyu.orders (id, customer_id, channel_id, ordered_at, amount, items, category, status)
                 VALUES (${next.id++}, ${ids.customers[0]!}, ${ids.channels[0]!}, '2026-11-20 09:00+08', 10.00, 1, 'core', 'paid')`;
    expect(one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('drill_sales') AS v`).v).not.toBe(before);
  });

  it('stays exact through a random mix of inserts, refunds, moves and deletes', async () => {
    const rnd = random(29);
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    // Days on the edges of the ranges (today, yesterday, a week, a month, a year ago) and around midnight in Shanghai.
    const when = (): string => `${any(['2026-11-20', '2026-11-19', '2026-11-16', '2026-11-15', '2026-11-01', '2026-10-31', '2026-10-21', '2025-11-20', '2025-11-21', '2026-11-21'])} ${any(['00:10', '09:00', '15:59', '16:01', '23:50'])}+08`;
    const kinds: Record<string, number> = {};
    for (let step = 0; step < 300; step++) {
      const kind = await randomOrderWrite(db.sql, { rnd, ids, when, next, bulk: { customers: 8, spacing: '-11 hours' }, bulkDelete: 'customers' });
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      if (step % 50 === 49) expect(await drillSalesDifferences(db.sql, asOf), `after step ${step} (${kind})`).toEqual([]);
    }
    expect(Object.keys(kinds).length).toBe(ORDER_WRITE_KINDS);
    await expectExact('after the random writes');
  }, 240_000);

  it('keeps the attributed part when an order only moves to or from a campaign (migration 058)', async () => {
    // The paid orders and amount of the customer's ranges do not change; only the part carrying a campaign does.
    const [c, id] = [ids.customers[5]!, next.id++];
    await db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
                 VALUES (${id}, ${c}, ${ids.employees[0]!}, ${ids.channels[0]!}, NULL, '2026-11-19 10:00+08', 66.60, 1, 'core', 'paid')`;
    for (const campaign of [ids.campaigns[0]!, ids.campaigns[1]!, null]) {
      await db.sql`UPDATE siyu.orders SET campaign_id = ${campaign} WHERE id = ${id}`;
      expect(await drillSalesDifferences(db.sql, asOf), `campaign ${campaign}`).toEqual([]);
    }
    await db.sql.begin(async (tx) => {
      await tx`UPDATE siyu.orders SET campaign_id = ${ids.campaigns[2]!} WHERE id = ${id}`;
      await tx`UPDATE siyu.orders SET status = 'refunded' WHERE id = ${id}`;
      await tx`UPDATE siyu.orders SET status = 'paid' WHERE id = ${id}`;
    });
    await expectExact('after the campaign moves');
    // One statement moving customer days to a campaign (paid sums unchanged per range): the part still follows. Rolled back.
    await db.sql.begin(async (tx) => {
      const moved = await tx`
        UPDATE siyu.customer_days AS cd SET campaign_id = ${ids.campaigns[3]!}
        WHERE cd.ctid = ANY (ARRAY(
          SELECT d.ctid FROM siyu.customer_days AS d
          WHERE d.campaign_id IS NULL AND d.day_start >= siyu.local_midnight('2026-11-01')
            AND NOT EXISTS (SELECT 1 FROM siyu.customer_days AS o WHERE o.customer_id = d.customer_id AND o.day_start = d.day_start
                              AND o.channel_id = d.channel_id AND o.employee_id IS NOT DISTINCT FROM d.employee_id AND o.campaign_id IS NOT NULL)
          ORDER BY d.customer_id LIMIT 5))`;
      expect(moved.count).toBe(5);
      const kept = await drillSalesRows(tx as never);
      await tx`SELECT siyu.roll_drill_sales(true)`;
      expect(await drillSalesRows(tx as never), 'a statement moving customer days to a campaign').toEqual(kept);
      throw new Error('roll back');
    }).catch((error: Error) => { if (error.message !== 'roll back') throw error; });
  });

  it('stays exact when writers change the same customers at once', async () => {
    const base = next.id;
    next.id += 2000;
    const rnd = random(7);
    const writers = Array.from({ length: 6 }, (_, w) => (async () => {
      for (let k = 0; k < 15; k++) {
        const c = ids.customers[6 + ((w + k) % 4)]!;
        const id = base + 10 + w * 100 + k;
        const day = `2026-11-${14 + (k % 7)} 1${k % 10}:00+08`;
        await db.sql.begin(async (tx) => {
          await tx`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
                   VALUES (${id}, ${c}, ${ids.employees[k % 2]!}, ${ids.channels[k % 2]!}, ${day}, ${(k + 1) * 1.5}, 1, 'core', 'paid')`;
          const roll = rnd();
          if (roll < 0.3) await tx`UPDATE siyu.orders SET status = 'refunded' WHERE customer_id = ${c} AND id <> ${id} AND status = 'paid' AND id >= ${base}`;
          else if (roll < 0.6) await tx`UPDATE siyu.orders SET channel_id = ${ids.channels[2]!}, employee_id = NULL WHERE customer_id = ${c} AND id >= ${base}`;
          else if (roll < 0.8) await tx`DELETE FROM siyu.orders WHERE customer_id = ${c} AND id >= ${base} AND id < ${id}`;
          await tx`SELECT pg_sleep(0.01)`;
        });
      }
    })());
    await Promise.all(writers);
    await expectExact('after concurrent writers');
  }, 240_000);

  it('rolls over to the ranges of a new as-of date, keeping the ranges still offered', async () => {
    const lastMonth = '2026-10-01..2026-10-31';
    const kept = await db.sql<{ row: string }[]>`SELECT (d.*)::text AS row FROM siyu.drill_sales AS d WHERE period IN (${lastMonth}, 'all') ORDER BY 1`;
    for (const day of ['2026-11-21', '2026-11-30', '2026-12-01', '2026-11-20']) {
      asOf = day;
      await db.sql`UPDATE siyu.settings SET value = ${day} WHERE key = 'as_of'`;
      expect(await drillSalesDifferences(db.sql, asOf), `as of ${day}`).toEqual([]);
      const periods = await db.sql<{ period: string }[]>`SELECT period FROM siyu.drill_sales_ranges`;
      expect(periods.map((p) => p.period).sort()).toEqual([...drillRanges(day).keys()].sort());
      if (day === '2026-11-21') {
        const after = await db.sql<{ row: string }[]>`SELECT (d.*)::text AS row FROM siyu.drill_sales AS d WHERE period IN (${lastMonth}, 'all') ORDER BY 1`;
        expect(after).toEqual(kept);
      }
    }
    await db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
                 VALUES (${next.id++}, ${ids.customers[1]!}, ${ids.employees[2]!}, ${ids.channels[0]!}, '2026-11-20 09:00+08', 88.00, 1, 'core', 'paid')`;
    await expectExact('a write after the roll-over');
  }, 240_000);

  // 12,000 made-up customers: more than the slices' trigger recounts one by
  // one (5,000), so both its whole rebuild and drill_sales' summed statement
  // run. Each customer day writes a drill_sales row per range it falls in
  // (ten for the as-of day), about 25 us each here: 60,000 took 31 s on a
  // quiet machine and over 240 s in a loaded CI run, with nothing more proven.
  it('takes a statement of 12,000 customer days as any other', async () => {
    const today = `${asOf}..${asOf}`;
    const count = async (tx: typeof db.sql): Promise<number> =>
      one(await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.drill_sales WHERE period = ${today}`).n;
    const before = await count(db.sql);
    // Rolled back: made-up customers, only this table's answer matters.
    await db.sql.begin(async (tx) => {
      await tx`INSERT INTO siyu.customer_days
               SELECT g, siyu.local_midnight(${asOf}::date), ${ids.channels[0]!}, NULL, NULL, 1, 2.50 FROM generate_series(2000001, 2012000) AS g`;
      expect(await count(tx as never)).toBe(before + 12000);
      await tx`UPDATE siyu.customer_days SET paid_orders = 0, paid_amount = 0 WHERE customer_id > 2000000`;
      expect(await count(tx as never)).toBe(before);
      throw new Error('roll back');
    }).catch((error: Error) => { if (error.message !== 'roll back') throw error; });
    await expectExact('after the rolled-back bulk statement');
  }, 240_000);

  it('is emptied with the orders and built again by the customer-day table\'s rebuild', async () => {
    const kept = await drillSalesRows(db.sql);
    await db.sql.begin(async (tx) => {
      await tx`TRUNCATE siyu.orders CASCADE`;
      expect(one(await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.drill_sales`).n).toBe(0);
      throw new Error('roll back');
    }).catch((error: Error) => { if (error.message !== 'roll back') throw error; });
    // Through its triggers: the whole table's insert, as an import's bulk path writes it.
    await db.sql`SELECT siyu.rebuild_customer_days()`;
    expect(await drillSalesRows(db.sql)).toEqual(kept);
    await expectExact('after the rebuild');
  }, 240_000);
});
