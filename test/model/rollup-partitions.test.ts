/**
 * The sales rollups are partitioned by month and a write rebuilds only the
 * months it reached (migration 021's day counters in each partition's
 * refresh key): a new order in one month rebuilds that month's partition of
 * `sales_by_day` and no other, a refund of an order in
 * another month rebuilds that one, and the tiles over the whole range equal
 * plain SQL on the orders after each.
 *
 * Which partitions were rebuilt is read from PostgreSQL: Cube writes every
 * build of a partition to a new table (`orders_sales_by_day20260301_…`), so a
 * partition that was rebuilt has a table name it did not have before.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { useTestStack } from '../helpers/stack.ts';

// The hourly rollup is gone (the big-screen reads the hourly sales table, migration 032).
const ROLLUPS = ['orders_sales_by_day'] as const;

/** Per rollup and partition (YYYYMMDD, its first day), the names of its tables. */
type Builds = Map<string, Set<string>>;

describe('rollups rebuild only the months a write reached', () => {
  const ctx = useTestStack('rollup_partitions', { demoCustomers: 1500, config: { refreshWorker: true } });
  let months: string[];

  const builds = async (): Promise<Builds> => {
    const rows = await ctx.db.sql<{ table_name: string }[]>`
      SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'siyu_pre_aggregations' AND table_name ~ '^(orders_sales_by_(day|hour))\\d{8}_'`;
    const out: Builds = new Map();
    for (const { table_name } of rows) {
      const [, rollup, month] = /^(orders_sales_by_(?:day|hour))(\d{8})_/.exec(table_name)!;
      const key = `${rollup} ${month}`;
      out.set(key, (out.get(key) ?? new Set()).add(table_name));
    }
    return out;
  };
  /** The partitions with a table that `before` did not have. */
  const rebuiltSince = (before: Builds, after: Builds): string[] =>
    [...after].filter(([key, names]) => [...names].some((n) => !before.get(key)?.has(n))).map(([key]) => key).sort();
  /** The same, of the sales rollups only. */
  const salesRebuiltSince = (before: Builds, after: Builds): string[] => rebuiltSince(before, after).filter((k) => k.startsWith('orders_'));
  /** Waits until no partition changes for 8 s (the worker checks the keys every 2 s), then returns the builds. */
  const settled = async (): Promise<Builds> => {
    let last = await builds();
    for (let round = 0; round < 15; round++) {
      await new Promise((r) => setTimeout(r, 8_000));
      const now = await builds();
      if (rebuiltSince(last, now).length === 0) return now;
      last = now;
    }
    throw new Error('the rollups kept rebuilding for two minutes');
  };

  /** GMV per month over the whole range, as the product answers it and as plain SQL gives it. */
  const gmvByMonth = async (): Promise<{ product: string[]; sql: string[] }> => {
    const rows = await ctx.api.load({
      measures: ['sales_overview.gmv', 'sales_overview.order_count'],
      timeDimensions: [{ dimension: 'sales_overview.order_date', granularity: 'month', dateRange: [`${months[0]!.slice(0, 4)}-${months[0]!.slice(4, 6)}-01`, '2099-12-31'] }],
    });
    const product = rows.filter((r) => r['sales_overview.order_count'] !== null && Number(r['sales_overview.order_count']) > 0)
      .map((r) => `${String(r['sales_overview.order_date.month']).slice(0, 7)} ${Number(r['sales_overview.gmv']).toFixed(2)} ${r['sales_overview.order_count']}`).sort();
    const sql = (await ctx.db.sql<{ line: string }[]>`
      SELECT month || ' ' || gmv || ' ' || orders AS line FROM (
        SELECT to_char(siyu.local_date(ordered_at), 'YYYY-MM') AS month, sum(amount)::numeric(16, 2) AS gmv, count(*) AS orders
        FROM siyu.paid_orders GROUP BY 1) AS m ORDER BY 1`).map((r) => r.line);
    return { product, sql };
  };

  beforeAll(async () => {
    months = (await ctx.db.sql<{ month: string }[]>`
      SELECT DISTINCT to_char(date_trunc('month', siyu.local_date(ordered_at)), 'YYYYMMDD') AS month FROM siyu.orders ORDER BY 1`).map((r) => r.month);
  });

  it('builds one partition per month of orders, and the tiles over them equal SQL', async () => {
    expect(months.length).toBeGreaterThan(12);
    const expected = ROLLUPS.flatMap((rollup) => months.map((m) => `${rollup} ${m}`)).sort();
    // Every month with orders has its partition; the months built over (definitions/rollup_build_range.sql) run
    // from the year of the first order to the month after next, so a few hold nothing, next month among them.
    const sales = async (): Promise<string[]> => [...(await builds()).keys()].filter((k) => k.startsWith('orders_')).sort();
    await expect.poll(sales, { timeout: 240_000, interval: 2_000 }).toEqual(expect.arrayContaining(expected));
    const now = new Date();
    const nextMonth = `${new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 7).replace('-', '')}01`;
    expect(await sales()).toEqual(expect.arrayContaining(ROLLUPS.map((r) => `${r} ${nextMonth}`)));
    const { product, sql } = await gmvByMonth();
    expect(product).toEqual(sql);
  }, 300_000);

  it('a new order rebuilds its month only; a refund in another month rebuilds that month only', async () => {
    // Two months in the middle of the data, neither the first nor the current one.
    const [newMonth, refundMonth] = [months[Math.floor(months.length / 3)]!, months[Math.floor((2 * months.length) / 3)]!];
    const dayOf = (m: string): string => `${m.slice(0, 4)}-${m.slice(4, 6)}-15`;
    const [{ next } = { next: 0 }] = await ctx.db.sql<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.orders`;
    const [refund] = await ctx.db.sql<{ id: number }[]>`
      SELECT id FROM siyu.paid_orders WHERE to_char(siyu.local_date(ordered_at), 'YYYYMM') = ${refundMonth.slice(0, 6)} ORDER BY id LIMIT 1`;
    let before = await settled();
    try {
      process.stderr.write(`[test] inserting into ${newMonth} at ${new Date().toISOString()}\n`);
      await ctx.db.sql`
        INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
        SELECT ${next}, customer_id, employee_id, channel_id, NULL, (${dayOf(newMonth)}::date + time '10:30') AT TIME ZONE siyu.business_tz(), 1234.56, 1, 'core', 'paid'
        FROM siyu.paid_orders ORDER BY id LIMIT 1`;
      await expect.poll(async () => salesRebuiltSince(before, await builds()), { timeout: 150_000, interval: 1_000 })
        .toEqual(ROLLUPS.map((r) => `${r} ${newMonth}`));
      let after = await settled();
      expect(salesRebuiltSince(before, after)).toEqual(ROLLUPS.map((r) => `${r} ${newMonth}`));
      await expect.poll(async () => { const g = await gmvByMonth(); return g.product.join('\n') === g.sql.join('\n'); }, { timeout: 30_000, interval: 1_000 }).toBe(true);

      before = after;
      await ctx.db.sql`UPDATE siyu.orders SET status = 'refunded' WHERE id = ${refund!.id}`;
      await expect.poll(async () => salesRebuiltSince(before, await builds()), { timeout: 150_000, interval: 1_000 })
        .toEqual(ROLLUPS.map((r) => `${r} ${refundMonth}`));
      after = await settled();
      expect(salesRebuiltSince(before, after)).toEqual(ROLLUPS.map((r) => `${r} ${refundMonth}`));
      await expect.poll(async () => { const g = await gmvByMonth(); return g.product.join('\n') === g.sql.join('\n'); }, { timeout: 30_000, interval: 1_000 }).toBe(true);
    } finally {
      await ctx.db.sql`DELETE FROM siyu.orders WHERE id = ${next}`;
      await ctx.db.sql`UPDATE siyu.orders SET status = 'paid' WHERE id = ${refund!.id}`;
    }
  }, 600_000);

  // The touches rollup is gone (the staff pages read the touches table, migration 045; test/model/touch-days.test.ts).
});
