/**
 * The period table (migration 018) stays equal to the paid orders counted in
 * plain SQL over the presets' ranges of web/src/lib/date-range.ts, and to a
 * fresh rebuild, through single and bulk inserts, refunds, channel, employee,
 * campaign and day moves, deletes, statements touching many customers,
 * writers of one customer at once, an employee moved to another team, and
 * the as-of date moving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../cube/database/migrate.ts';
import { seedDatabase } from '../../../seed/load.ts';
import { createTestDatabase, one, type TestDatabase } from '../../helpers/database.ts';
import { concurrentOrderWriters, ORDER_WRITE_KINDS, random, randomOrderWrite } from '../../helpers/order-writes.ts';
import { periodSalesDifferences, periodSalesRows, presetRanges } from '../../helpers/period-sales.ts';

describe('the period table', () => {
  let db: TestDatabase;
  let ids: { customers: number[]; channels: number[]; campaigns: number[]; employees: number[]; teams: number[] };
  const next = { id: 0 };
  let asOf = '2026-11-20';

  /** Equal to the orders, and to what a rebuild from scratch gives. */
  async function expectExact(label: string): Promise<void> {
    expect(await periodSalesDifferences(db.sql, asOf), label).toEqual([]);
    const kept = await periodSalesRows(db.sql);
    await db.sql`SELECT siyu.roll_period_sales(true)`;
    expect(await periodSalesRows(db.sql), `${label}: a rebuild`).toEqual(kept);
  }

  beforeAll(async () => {
    db = await createTestDatabase('period_sales');
    await migrate(db.sql);
    await seedDatabase(db.sql, { customers: 600, seed: 5, asOf });
    const pick = async (table: string): Promise<number[]> =>
      (await db.sql.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} ORDER BY id LIMIT 12`)).map((r) => r.id);
    ids = { customers: await pick('customers'), channels: await pick('channels'), campaigns: await pick('campaigns'), employees: await pick('employees'), teams: await pick('teams') };
    next.id = one(await db.sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n;
  }, 240_000);
  afterAll(async () => db?.drop());

  it('holds the ranges date-range.ts gives the presets and their comparisons, for any as-of date', async () => {
    for (const day of ['2026-11-20', '2026-12-31', '2027-01-01', '2024-02-29', '2025-03-01', '2026-03-31', '2026-11-23', '2026-11-22', '2028-03-01']) {
      const rows = await db.sql<{ period: string; first: string | null; last: string | null }[]>`
        SELECT period, first_day::text AS first, last_day::text AS last FROM siyu.preset_ranges(${day}::date)`;
      const expected = [...presetRanges(day)].map(([k, r]) => `${k} ${r?.[0] ?? null} ${r?.[1] ?? null}`).sort();
      expect(rows.map((r) => `${r.period} ${r.first} ${r.last}`).sort(), day).toEqual(expected);
    }
  });

  it('is built by the seed equal to the orders, and counted as a data table', async () => {
    expect(one(await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.period_sales`).n).toBeGreaterThan(1000);
    await expectExact('seeded');
    const before = one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('period_sales') AS v`).v;
    await db.sql`INSERT INTO siyu.orders (id, customer_id, channel_id, ordered_at, amount, items, category, status)
                 VALUES (${next.id++}, ${ids.customers[0]!}, ${ids.channels[0]!}, '2026-11-20 09:00+08', 10.00, 1, 'core', 'paid')`;
    expect(one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('period_sales') AS v`).v).not.toBe(before);
  });

  it('stays exact through a random mix of inserts, refunds, moves and deletes', async () => {
    const rnd = random(19);
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const orNull = <T>(xs: readonly T[]): T | null => (rnd() < 0.3 ? null : any(xs));
    // Days on the edges of the ranges (today, yesterday, a week, a month, a year ago) and around midnight in Shanghai.
    const when = (): string => `${any(['2026-11-20', '2026-11-19', '2026-11-16', '2026-11-15', '2026-11-01', '2026-10-31', '2026-10-21', '2025-11-20', '2025-11-21', '2026-11-21'])} ${any(['00:10', '09:00', '15:59', '16:01', '23:50'])}+08`;
    const kinds: Record<string, number> = {};
    for (let step = 0; step < 300; step++) {
      const kind = await randomOrderWrite(db.sql, { rnd, ids, when, next, bulk: { customers: 8, spacing: '-11 hours' }, bulkDelete: 'customers' });
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      if (step % 100 === 99) expect(await periodSalesDifferences(db.sql, asOf), `after step ${step} (${kind})`).toEqual([]);
    }
    expect(Object.keys(kinds).length).toBe(ORDER_WRITE_KINDS);
    await expectExact('after the random writes');
  }, 240_000);

  it('stays exact when writers change the same customers at once', async () => {
    const base = next.id;
    next.id += 2000;
    const rnd = random(7);
    await concurrentOrderWriters(db.sql, { rnd, ids, base, day: (k) => `2026-11-${14 + (k % 7)} 1${k % 10}:00+08` });
    await expectExact('after concurrent writers');
  }, 240_000);

  it('follows an employee moved to another team', async () => {
    const [employee] = await db.sql<{ id: number; team_id: number }[]>`
      SELECT e.id, e.team_id FROM siyu.employees AS e JOIN siyu.orders AS o ON o.employee_id = e.id
      GROUP BY e.id ORDER BY count(*) DESC LIMIT 1`;
    const other = ids.teams.find((t) => t !== employee!.team_id)!;
    await db.sql`UPDATE siyu.employees SET team_id = ${other} WHERE id = ${employee!.id}`;
    await expectExact('after a team move');
    await db.sql`UPDATE siyu.employees SET team_id = ${employee!.team_id} WHERE id IN (${employee!.id}, ${ids.employees[0]!})`;
    await expectExact('after moving back');
  }, 240_000);

  it('rolls over to the ranges of a new as-of date, keeping the ranges still offered', async () => {
    const lastMonth = '2026-10-01..2026-10-31';
    const kept = await db.sql<{ row: string }[]>`SELECT (p.*)::text AS row FROM siyu.period_sales AS p WHERE period = ${lastMonth} ORDER BY 1`;
    for (const day of ['2026-11-21', '2026-11-30', '2026-12-01']) {
      asOf = day;
      await db.sql`UPDATE siyu.settings SET value = ${day} WHERE key = 'as_of'`;
      expect(await periodSalesDifferences(db.sql, asOf), `as of ${day}`).toEqual([]);
      const periods = await db.sql<{ period: string }[]>`SELECT DISTINCT period FROM siyu.sales_periods`;
      expect(periods.map((p) => p.period).sort()).toEqual([...presetRanges(day).keys()].sort());
      if (day === '2026-11-21') {
        const after = await db.sql<{ row: string }[]>`SELECT (p.*)::text AS row FROM siyu.period_sales AS p WHERE period = ${lastMonth} ORDER BY 1`;
        expect(after).toEqual(kept);
      }
    }
    await db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
                 VALUES (${next.id++}, ${ids.customers[1]!}, ${ids.employees[2]!}, ${ids.channels[0]!}, '2026-12-01 09:00+08', 88.00, 1, 'core', 'paid')`;
    await expectExact('a write after the roll-over');
  }, 240_000);

  it('counts every range afresh after a statement touching more than 5,000 customers', async () => {
    const today = `${asOf}..${asOf}`;
    const before = (await db.sql<{ buyers: number }[]>`SELECT buyers FROM siyu.period_sales WHERE period = ${today} AND slice = 'brand'`)[0]?.buyers ?? 0;
    // Rolled back: made-up customers, only the period table's answer matters.
    await db.sql.begin(async (tx) => {
      await tx`SELECT siyu.customer_days_add(ARRAY(
                 SELECT ROW(g, siyu.local_midnight(${asOf}::date), ${ids.channels[0]!}, NULL, NULL, 1, 1)::siyu.customer_days
                 FROM generate_series(2000001, 2006000) AS g))`;
      expect((await tx<{ buyers: number }[]>`SELECT buyers FROM siyu.period_sales WHERE period = ${today} AND slice = 'brand'`)[0]!.buyers).toBe(before + 6000);
      throw new Error('roll back');
    }).catch((error: Error) => { if (error.message !== 'roll back') throw error; });
    await expectExact('after the rolled-back bulk statement');
  }, 240_000);

  it('is emptied with the orders', async () => {
    await db.sql.begin(async (tx) => {
      await tx`TRUNCATE siyu.orders CASCADE`;
      expect(one(await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.period_sales`).n).toBe(0);
      throw new Error('rollback');
    }).catch((error: unknown) => { if (String(error) !== 'Error: rollback') throw error; });
  });
});
