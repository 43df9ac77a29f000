/**
 * A first load of many rows takes the bulk path (write.ts: the table's and
 * the code map's keys and indexes rebuilt once, the customer-day table
 * rebuilt once from the orders): the rows, every key, index and foreign key
 * are there after it, a re-import changes nothing, and a small incremental
 * import afterwards takes the row-by-row path (the customer-day triggers).
 * The customer-day table equals the paid orders summed apart in SQL after
 * each. A COPY the server refuses after its last row is an error, not a hang.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerDayDifferences } from '../helpers/customer-days.ts';
import { returnsDayDifferences } from '../helpers/returns-days.ts';
import { keptCountDifferences } from '../helpers/kept-counts.ts';
import { salesHourDifferences, salesMonthDifferences } from '../helpers/sales-hours.ts';
import { salesDayDifferences } from '../helpers/sales-days.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import type { Progress } from '../../cube/import/run.ts';
import { copyInto } from '../../cube/import/write.ts';
import { count, fingerprint, importFolder, scratchFolder } from './helpers.ts';

const ORDERS = 25_000;
const CUSTOMERS = 5_000;

describe('a large first load', () => {
  let db: TestDatabase;
  const folder = scratchFolder(false);
  beforeAll(async () => {
    db = await createTestDatabase('import_bulk');
    folder.write('teams.csv', 'team_code,name,region\nT1,一组,华东\n');
    folder.write('employees.csv', 'employee_code,name,team_code,role,hired_on\nE1,王静,T1,advisor,2024-01-01\n');
    folder.write('channels.csv', 'channel_code,name,kind,type\nCH1,企微,private,wecom\n');
    const customers = ['customer_code,name,phone,city_tier,source_channel_code,owner_employee_code,registered_at'];
    for (let i = 0; i < CUSTOMERS; i++) customers.push(`C${i},客户${i},139${String(i).padStart(8, '0')},tier1,CH1,E1,2026-01-01 10:00`);
    folder.write('customers.csv', customers.join('\n'));
    const orders = ['order_code,customer_code,employee_code,channel_code,ordered_at,amount,category,status'];
    for (let i = 0; i < ORDERS; i++) orders.push(`O${i},C${i % CUSTOMERS},E1,CH1,2026-0${1 + (i % 9)}-1${i % 10} 10:00,"¥1,${String(i % 1000).padStart(3, '0')}.50",core,${i % 10 ? 'paid' : 'refunded'}`);
    folder.write('orders.csv', orders.join('\n'));
  });
  afterAll(async () => {
    folder.remove();
    await db?.drop();
  });

  it('loads every row and leaves every key, index and foreign key in place; a re-import changes nothing', async () => {
    const indexes = async () => (await db.sql`SELECT indexname FROM pg_indexes WHERE schemaname = 'siyu' AND tablename IN ('orders', 'import_codes') ORDER BY 1`).map((r) => r.indexname);
    const keys = async () => (await db.sql`SELECT conname FROM pg_constraint WHERE conrelid IN ('siyu.orders'::regclass, 'siyu.import_codes'::regclass) ORDER BY 1`).map((r) => r.conname);
    const report = await importFolder(db.sql, folder.dir, { check: true });
    const [indexesBefore, keysBefore] = [await indexes(), await keys()];
    expect(report.entities.orders).toEqual({ rows: ORDERS, inserted: ORDERS, updated: 0, unchanged: 0 });
    const progress: Progress[] = [];
    const loaded = await importFolder(db.sql, folder.dir, { onProgress: (p) => progress.push(p) });
    expect(loaded.result).toBe('imported');
    expect(await count(db.sql, 'orders')).toBe(ORDERS);
    // The customer-day table's rebuild on a line of its own, right after the orders' (not in their rows/s).
    const at = progress.findIndex((p) => p.phase === 'write' && p.entity === 'orders');
    expect(progress.slice(at, at + 2).map((p) => [p.phase, p.entity, p.table ?? null, p.rows])).toEqual([
      ['write', 'orders', null, ORDERS], ['derived', 'orders', 'siyu.customer_days', await count(db.sql, 'customer_days')]]);
    expect(await count(db.sql, 'import_codes')).toBe(ORDERS + CUSTOMERS + 3);
    expect(await indexes()).toEqual(indexesBefore);
    expect(await keys()).toEqual(keysBefore);
    expect(keysBefore).toEqual(expect.arrayContaining(['orders_customer_id_fkey', 'orders_pkey', 'import_codes_pkey']));
    const [sum] = await db.sql`SELECT sum(amount)::text AS s FROM siyu.orders WHERE status = 'paid'`;
    // Σ of ¥1,000.50 + (i mod 1000) over the paid orders (every i not a multiple of 10), summed apart in cents.
    let expected = 0;
    for (let i = 0; i < ORDERS; i++) if (i % 10) expected += 100_050 + (i % 1000) * 100;
    expect(sum!.s).toBe((expected / 100).toFixed(2));
    expect(await count(db.sql, 'customer_days')).toBeGreaterThan(0);
    expect(await customerDayDifferences(db.sql)).toEqual([]);
    expect(await salesHourDifferences(db.sql)).toEqual([]);
    expect(await salesMonthDifferences(db.sql)).toEqual([]);
    expect(await salesDayDifferences(db.sql)).toEqual([]);
    expect(await returnsDayDifferences(db.sql)).toEqual([]);
    expect(await keptCountDifferences(db.sql)).toEqual([]);

    const before = await fingerprint(db.sql);
    await importFolder(db.sql, folder.dir);
    expect(await fingerprint(db.sql)).toEqual(before);

    // The period table rolled once after the rebuild, for the data date the import set (afterCustomerDays): every
    // range is of that date, the table equals a whole roll's, and the settings' own roll is on again.
    const [periods] = await db.sql`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE as_of IS DISTINCT FROM siyu.as_of())::int AS stale, siyu.as_of()::text AS as_of
      FROM siyu.sales_periods`;
    expect(periods).toEqual({ n: expect.any(Number), stale: 0, as_of: '2026-09-19' });
    expect(periods!.n).toBeGreaterThan(0);
    expect(Number(before.period_sales!.split(':')[0])).toBeGreaterThan(0);
    await db.sql`SELECT siyu.roll_period_sales(true)`;
    expect((await fingerprint(db.sql)).period_sales).toBe(before.period_sales);
    const [trigger] = await db.sql`SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'siyu.settings'::regclass AND tgname = 'period_sales_as_of'`;
    expect(trigger!.tgenabled).toBe('O');
  });

  it('keeps the customer-day table exact through an incremental import of refunds, moves and new orders', async () => {
    const next = scratchFolder(false);
    try {
      const orders = ['order_code,customer_code,employee_code,channel_code,ordered_at,amount,category,status'];
      // Existing orders: refunded, paid again, moved to another day, repriced; then new orders, some on those days.
      for (let i = 0; i < 40; i++) {
        orders.push(`O${i},C${i % CUSTOMERS},E1,CH1,2026-0${1 + (i % 9)}-${i % 4 === 2 ? '2' : '1'}${i % 10} 10:00,${i % 4 === 3 ? '7.00' : `"¥1,${String(i % 1000).padStart(3, '0')}.50"`},core,${i % 4 === 1 || i % 10 === 0 ? 'paid' : 'refunded'}`);
      }
      for (let i = ORDERS; i < ORDERS + 60; i++) orders.push(`O${i},C${i % 7},,CH1,2026-0${1 + (i % 9)}-1${i % 10} 23:50,12.30,core,paid`);
      next.write('orders.csv', orders.join('\n'));
      const report = await importFolder(db.sql, next.dir);
      expect(report.result).toBe('imported');
      expect(report.entities.orders).toEqual({ rows: 100, inserted: 60, updated: 30, unchanged: 10 });
      expect(await customerDayDifferences(db.sql)).toEqual([]);
      expect(await salesHourDifferences(db.sql)).toEqual([]);
      expect(await salesMonthDifferences(db.sql)).toEqual([]);
      expect(await salesDayDifferences(db.sql)).toEqual([]);
      expect(await returnsDayDifferences(db.sql)).toEqual([]);
      expect(await keptCountDifferences(db.sql)).toEqual([]);
    } finally {
      next.remove();
    }
  });

  it('keeps it exact through its triggers when an incremental import touches thousands of customers (a lock per customer bucket, not per customer)', async () => {
    const next = scratchFolder(false);
    try {
      // Every customer (more than PostgreSQL's ~4,500 lock slots: a lock per customer failed, `out of shared memory`),
      // fewer than write.ts's rebuild threshold, so the triggers do it: refunds of existing orders and new ones.
      const orders = ['order_code,customer_code,employee_code,channel_code,ordered_at,amount,category,status'];
      for (let i = 100; i < 700; i++) orders.push(`O${i},C${i % CUSTOMERS},E1,CH1,2026-0${1 + (i % 9)}-1${i % 10} 10:00,"¥1,${String(i % 1000).padStart(3, '0')}.50",core,refunded`);
      for (let c = 0; c < CUSTOMERS; c++) orders.push(`N${c},C${c},,CH1,2026-11-2${c % 10} 0${c % 10}:30,${c % 50}.25,premium,paid`);
      next.write('orders.csv', orders.join('\n'));
      const report = await importFolder(db.sql, next.dir);
      expect(report.result).toBe('imported');
      expect(report.entities.orders?.inserted).toBe(CUSTOMERS);
      expect(await customerDayDifferences(db.sql)).toEqual([]);
      expect(await salesHourDifferences(db.sql)).toEqual([]);
      expect(await salesMonthDifferences(db.sql)).toEqual([]);
      expect(await salesDayDifferences(db.sql)).toEqual([]);
      expect(await returnsDayDifferences(db.sql)).toEqual([]);
      expect(await keptCountDifferences(db.sql)).toEqual([]);
      const [triggers] = await db.sql`SELECT count(*)::int AS n FROM pg_trigger WHERE tgrelid = 'siyu.orders'::regclass AND tgname LIKE 'customer_days%' AND tgenabled = 'O'`;
      expect(triggers!.n).toBe(4);
    } finally {
      next.remove();
    }
  });

  it('reports a COPY the server refuses once every row is in (a statement trigger) instead of waiting forever', async () => {
    const refused = db.sql.begin(async (tx) => {
      await tx.unsafe('CREATE TEMP TABLE copied (n int) ON COMMIT DROP');
      await tx.unsafe(`CREATE FUNCTION pg_temp.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused after the rows'; END $$`);
      await tx.unsafe('CREATE TRIGGER refuse AFTER INSERT ON pg_temp.copied FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.refuse()');
      await copyInto(tx, 'pg_temp.copied', ['n'], [[1], [2]]);
    });
    await expect(refused).rejects.toThrow('refused after the rows');
  }, 15_000);
});
