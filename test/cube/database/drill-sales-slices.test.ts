/**
 * The sliced drill lists' table (migration 033: per preset range, slice and
 * customer, with the customer's owner and owner's team) stays equal to the
 * paid orders counted in plain SQL and to a fresh build (with the part
 * carrying a campaign, migration 061), through random
 * inserts, refunds, moves and deletes of orders mixed with owner changes and
 * team moves, writers of one customer at once, a bulk statement, the
 * customer-day table's rebuild and the as-of date moving.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../cube/database/migrate.ts';
import { seedDatabase } from '../../../seed/load.ts';
import { createTestDatabase, one, type TestDatabase } from '../../helpers/database.ts';
import { drillRanges } from '../../helpers/drill-sales.ts';
import { drillSlicesDifferences, drillSlicesRows } from '../../helpers/drill-sales-slices.ts';
import { randomWritesWithMoves } from '../../helpers/order-writes.ts';

describe('the sliced drill lists\' table', () => {
  let db: TestDatabase;
  let ids: { customers: number[]; channels: number[]; campaigns: number[]; employees: number[] };
  let teams: number[];
  const next = { id: 0 };
  let asOf = '2026-11-20';

  /** Equal to the orders, and to what a build from scratch gives. */
  async function expectExact(label: string): Promise<void> {
    expect(await drillSlicesDifferences(db.sql, asOf), label).toEqual([]);
    const kept = await drillSlicesRows(db.sql);
    await db.sql`SELECT siyu.roll_drill_sales_slices(true)`;
    expect(await drillSlicesRows(db.sql), `${label}: a rebuild`).toEqual(kept);
  }

  beforeAll(async () => {
    db = await createTestDatabase('drill_sales_slices');
    await migrate(db.sql);
    await seedDatabase(db.sql, { customers: 600, seed: 5, asOf });
    const pick = async (table: string): Promise<number[]> =>
      (await db.sql.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} ORDER BY id LIMIT 12`)).map((r) => r.id);
    ids = { customers: await pick('customers'), channels: await pick('channels'), campaigns: await pick('campaigns'), employees: await pick('employees') };
    teams = await pick('teams');
    next.id = one(await db.sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n;
  }, 240_000);
  afterAll(async () => db?.drop());

  it('is built by the seed equal to the orders, every slice present, and counted as a data table', async () => {
    const slices = await db.sql<{ slice: string }[]>`SELECT DISTINCT slice FROM siyu.drill_sales_slices ORDER BY 1`;
    expect(slices.map((s) => s.slice)).toEqual(['campaign', 'channel', 'team', 'team,employee']);
    const periods = await db.sql<{ period: string }[]>`SELECT period FROM siyu.drill_sales_slice_ranges`;
    expect(periods.map((p) => p.period).sort()).toEqual([...drillRanges(asOf).keys()].sort());
    await expectExact('seeded');
    const before = one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('drill_sales_slices') AS v`).v;
    await db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
                 VALUES (${next.id++}, ${ids.customers[0]!}, ${ids.employees[0]!}, ${ids.channels[0]!}, '2026-11-20 09:00+08', 10.00, 1, 'core', 'paid')`;
    expect(one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('drill_sales_slices') AS v`).v).not.toBe(before);
  });

  it('is filled in place by migration 061 on a table built before it', async () => {
    // The migration's fill (its statements between the lock and the indexes) over rows whose attributed part is zero,
    // as on a database built before it; rolled back.
    const text = readFileSync(new URL('../../../cube/database/migrations/061_drill_slices_attributed.sql', import.meta.url), 'utf8');
    const fill = text.slice(text.indexOf('-- The rows held now'), text.indexOf('-- Per slice a list needs'));
    expect(fill).toContain('UPDATE siyu.drill_sales_slices AS d');
      expect(fill).toContain('CREATE TEMPORARY TABLE');
    await db.sql.begin(async (tx) => {
      await tx`UPDATE siyu.drill_sales_slices SET attributed_orders = 0, attributed_amount = 0`;
      await tx.unsafe(fill);
      expect(await drillSlicesDifferences(tx as never, asOf), 'filled by the migration').toEqual([]);
      throw new Error('roll back');
    }).catch((error: Error) => { if (error.message !== 'roll back') throw error; });
  });

  it('keeps the attributed part when an order only moves to or from a campaign (migration 061)', async () => {
    const counts = one(await db.sql<{ slices: number; rows: number }[]>`
      SELECT count(DISTINCT slice)::int AS slices, count(*)::int AS rows FROM siyu.drill_sales_slices WHERE attributed_orders > 0 AND slice <> 'campaign'`);
    expect(counts.slices, 'the team, employee and channel rows carry attributed orders').toBe(3);
    // The paid orders and amount of every row stay; only the part carrying a campaign moves.
    const [c, id] = [ids.customers[4]!, next.id++];
    await db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
                 VALUES (${id}, ${c}, ${ids.employees[1]!}, ${ids.channels[1]!}, NULL, '2026-11-18 10:00+08', 77.70, 1, 'core', 'paid')`;
    for (const campaign of [ids.campaigns[0]!, ids.campaigns[1]!, null, ids.campaigns[2]!]) {
      await db.sql`UPDATE siyu.orders SET campaign_id = ${campaign} WHERE id = ${id}`;
      expect(await drillSlicesDifferences(db.sql, asOf), `campaign ${campaign}`).toEqual([]);
    }
    await db.sql.begin(async (tx) => {
      await tx`UPDATE siyu.orders SET campaign_id = NULL WHERE id = ${id}`;
      await tx`UPDATE siyu.orders SET status = 'refunded' WHERE id = ${id}`;
      await tx`UPDATE siyu.orders SET status = 'paid', campaign_id = ${ids.campaigns[3]!} WHERE id = ${id}`;
    });
    await expectExact('after the campaign moves');
    // One statement moving customer days to a campaign (the paid sums of the team, employee and channel rows unchanged). Rolled back.
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
      const kept = await drillSlicesRows(tx as never);
      await tx`SELECT siyu.roll_drill_sales_slices(true)`;
      expect(await drillSlicesRows(tx as never), 'a statement moving customer days to a campaign').toEqual(kept);
      throw new Error('roll back');
    }).catch((error: Error) => { if (error.message !== 'roll back') throw error; });
  });

  it('stays exact through random order writes, owner changes and team moves', async () => {
    const kinds = await randomWritesWithMoves(db.sql, {
      seed: 33, ids, teams, next, steps: 240,
      check: async (step, kind) => {
        expect(await drillSlicesDifferences(db.sql, asOf), `after step ${step} (${kind})`).toEqual([]);
      },
    });
    expect(kinds['owner change']).toBeGreaterThan(5);
    expect(kinds['team move']).toBeGreaterThan(5);
    await expectExact('after the random writes');
  }, 240_000);

  it('stays exact when writers change the same customers at once, with owner changes and team moves between rounds', async () => {
    // Owner changes and team moves between the rounds here; beside the order writers, with one lock order since
    // migration 037 (they deadlocked before it), in period-lock-order.test.ts.
    for (let round = 0; round < 3; round++) {
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
      await Promise.all(writers);
      await db.sql`UPDATE siyu.customers SET owner_employee_id = ${ids.employees[round]!} WHERE id = ANY (${ids.customers.slice(6, 10)}::int[])`;
      await db.sql`UPDATE siyu.employees SET team_id = ${teams[round % teams.length]!} WHERE id = ${ids.employees[round]!}`;
    }
    await expectExact('after concurrent writers');
  }, 240_000);

  it('rolls over to a new as-of date\'s ranges, takes a bulk statement and the customer-day table\'s rebuild', async () => {
    for (const day of ['2026-11-21', '2026-12-01', '2026-11-20']) {
      asOf = day;
      await db.sql`UPDATE siyu.settings SET value = ${day} WHERE key = 'as_of'`;
      expect(await drillSlicesDifferences(db.sql, asOf), `as of ${day}`).toEqual([]);
    }
    // Past 5,000 customers in one statement the whole table is counted again (rolled back: made-up rows).
    await db.sql.begin(async (tx) => {
      await tx`INSERT INTO siyu.customer_days
               SELECT g, siyu.local_midnight(${asOf}::date), ${ids.channels[0]!}, NULL, NULL, 1, 2.50 FROM generate_series(2000001, 2006000) AS g`;
      throw new Error('roll back');
    }).catch((error: Error) => { if (error.message !== 'roll back') throw error; });
    const kept = await drillSlicesRows(db.sql);
    await db.sql`SELECT siyu.rebuild_customer_days()`;
    expect(await drillSlicesRows(db.sql)).toEqual(kept);
    await expectExact('after the rebuild');
  }, 240_000);
});
