/**
 * A first load of more orders than one block streams them (stream.ts): each
 * block is COPYed while the next is parsed, and the customer-day table is
 * built from the whole orders table after the orders' line, on a line of its
 * own. A bad row in the last block still leaves nothing written and is
 * reported; the customer-day and period tables after a streamed load equal
 * the paid orders summed apart in SQL and a rebuild from the whole orders
 * table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../cube/database/migrate.ts';
import type { Progress } from '../../cube/import/run.ts';
import { STREAM_BLOCK } from '../../cube/import/stream.ts';
import { customerDayDifferences } from '../helpers/customer-days.ts';
import { returnsDayDifferences } from '../helpers/returns-days.ts';
import { salesHourDifferences, salesMonthDifferences } from '../helpers/sales-hours.ts';
import { salesDayDifferences } from '../helpers/sales-days.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { count, fingerprint, importFolder, scratchFolder } from './helpers.ts';

// Three blocks, the last one short; 300 customers over 15 days, so most customer-day keys have orders in every block.
const ORDERS = 2 * STREAM_BLOCK + 5_000;
const CUSTOMERS = 300;

function order(i: number): string {
  return `O${i},C${i % CUSTOMERS},${i % 11 ? 'E1' : ''},CH${1 + (i % 2)},${i % 7 ? '' : 'A1'},2026-0${1 + (i % 3)}-1${i % 5} ${10 + (i % 12)}:00,`
    + `"¥1,${String(i % 1000).padStart(3, '0')}.${String(i % 100).padStart(2, '0')}",core,${i % 10 ? 'paid' : 'refunded'}`;
}

describe('a streamed first load of orders', () => {
  let db: TestDatabase;
  const folder = scratchFolder(false);
  const header = 'order_code,customer_code,employee_code,channel_code,campaign_code,ordered_at,amount,category,status';
  beforeAll(async () => {
    db = await createTestDatabase('import_stream');
    await migrate(db.sql);
    folder.write('teams.csv', 'team_code,name,region\nT1,一组,华东\n');
    folder.write('employees.csv', 'employee_code,name,team_code,role,hired_on\nE1,王静,T1,advisor,2024-01-01\n');
    folder.write('channels.csv', 'channel_code,name,kind,type\nCH1,企微,private,wecom\nCH2,小程序,private,mini_program\n');
    folder.write('campaigns.csv', 'campaign_code,name,type,starts_at,ends_at\nA1,双十一,promotion,2026-01-01,2026-03-31\n');
    const customers = ['customer_code,name,phone,city_tier,source_channel_code,owner_employee_code,registered_at'];
    for (let i = 0; i < CUSTOMERS; i++) customers.push(`C${i},客户${i},139${String(i).padStart(8, '0')},tier1,CH1,E1,2025-12-01 10:00`);
    folder.write('customers.csv', customers.join('\n'));
  });
  afterAll(async () => {
    folder.remove();
    await db?.drop();
  });

  it('refuses a file whose last block has a bad row, reports it, and writes nothing', async () => {
    const before = await fingerprint(db.sql);
    const lines = [header];
    for (let i = 0; i < ORDERS; i++) lines.push(order(i));
    lines.push(order(ORDERS).replace(`C${ORDERS % CUSTOMERS},`, 'C-nobody,')); // a customer in neither the files nor the database
    lines.push(order(0)); // the first row's key again
    folder.write('orders.csv', lines.join('\n'));
    const report = await importFolder(db.sql, folder.dir);
    expect(report.result).toBe('refused');
    // Line 1 is the header: row i is on line i + 2.
    expect(report.problems.map((p) => [p.file, p.line, p.value]).sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual([
      ['orders.csv', ORDERS + 2, 'C-nobody'],
      ['orders.csv', ORDERS + 3, 'O0'],
    ]);
    expect(await fingerprint(db.sql)).toEqual(before);
    expect(await count(db.sql, 'orders')).toBe(0);
  });

  it('finds a code twice past the first block by the code map\'s key, reports each as the checks do, and writes nothing', async () => {
    const before = await fingerprint(db.sql);
    const lines = [header];
    for (let i = 0; i < ORDERS; i++) lines.push(order(i));
    lines.push(order(STREAM_BLOCK + 50)); // both in the second block: neither in the keys Node checked (the first block's)
    lines.push(order(0).replace(`C0,`, 'C-nobody,')); // a key again that also names an unknown customer: its key alone is reported
    lines.push(order(ORDERS).replace(`C${ORDERS % CUSTOMERS},`, 'C-nobody,'));
    folder.write('orders.csv', lines.join('\n'));
    const report = await importFolder(db.sql, folder.dir);
    expect(report.result).toBe('refused');
    expect(report.problems.map((p) => [p.file, p.line, p.column, p.value])).toEqual([
      ['orders.csv', ORDERS + 2, 'order_code', `O${STREAM_BLOCK + 50}`],
      ['orders.csv', ORDERS + 3, 'order_code', 'O0'],
      ['orders.csv', ORDERS + 4, 'customer_code', 'C-nobody'],
    ]);
    expect(report.problems[0]!.reason.en).toBe(`duplicate key: same as line ${STREAM_BLOCK + 52}`);
    expect(report.problems[1]!.reason.zh).toBe('键重复：与第 2 行相同');
    expect(await fingerprint(db.sql)).toEqual(before);
    expect(await count(db.sql, 'orders')).toBe(0);
  });

  it('still checks every order when a check across files refuses the import first, and reports the problems of both', async () => {
    const before = await fingerprint(db.sql);
    const customers = folder.read('customers.csv');
    // Found by the reference check, in the transaction, after the first block of orders was parsed.
    folder.write('customers.csv', `${customers.toString()}\nC-bad,坏客户,13900099999,tier1,CH1,E-nobody,2025-12-01 10:00\n`);
    const lines = [header];
    for (let i = 0; i < ORDERS; i++) lines.push(order(i));
    lines.push(order(7)); // a key seen in the first block, found in the last
    folder.write('orders.csv', lines.join('\n'));
    try {
      const report = await importFolder(db.sql, folder.dir);
      expect(report.result).toBe('refused');
      expect(report.problems.map((p) => [p.file, p.line, p.value]).sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
        ['customers.csv', CUSTOMERS + 2, 'E-nobody'],
        ['orders.csv', ORDERS + 2, 'O7'],
      ]);
      expect(report.files.find((f) => f.file === 'orders.csv')!.rows).toBe(ORDERS + 1);
      expect(await fingerprint(db.sql)).toEqual(before);
    } finally {
      folder.write('customers.csv', customers);
    }
  });

  it('loads every order, maps every code, and sums the customer days as a rebuild from the whole table does', async () => {
    const lines = [header];
    for (let i = 0; i < ORDERS; i++) lines.push(order(i));
    folder.write('orders.csv', lines.join('\n'));
    const progress: Progress[] = [];
    const report = await importFolder(db.sql, folder.dir, { onProgress: (p) => progress.push(p) });
    expect(report.problems).toEqual([]);
    expect(report.result).toBe('imported');
    expect(report.entities.orders).toEqual({ rows: ORDERS, inserted: ORDERS, updated: 0, unchanged: 0 });
    // The orders' line is their read, checks and write; the customer-day table is built after it, on its own line.
    const at = progress.findIndex((p) => p.phase === 'write' && p.entity === 'orders');
    expect(progress.slice(at, at + 2).map((p) => [p.phase, p.entity, p.table ?? null, p.rows])).toEqual([
      ['write', 'orders', null, ORDERS], ['derived', 'orders', 'siyu.customer_days', await count(db.sql, 'customer_days')]]);
    expect(await count(db.sql, 'orders')).toBe(ORDERS);
    // Codes numbered in file order, each on its order.
    const [codes] = await db.sql`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE c.code <> 'O' || (c.id - 1))::int AS wrong
      FROM siyu.import_codes c JOIN siyu.orders o ON o.id = c.id WHERE c.entity = 'orders'`;
    expect(codes).toEqual({ n: ORDERS, wrong: 0 });
    const [sum] = await db.sql`SELECT sum(amount)::text AS s FROM siyu.orders WHERE status = 'paid'`;
    let cents = 0;
    for (let i = 0; i < ORDERS; i++) if (i % 10) cents += 100_000 + (i % 1000) * 100 + (i % 100);
    expect(sum!.s).toBe((cents / 100).toFixed(2));

    // Keys whose orders fell in several blocks: their sums were merged.
    const [spread] = await db.sql`SELECT max(paid_orders)::int AS most, count(*)::int AS n FROM siyu.customer_days`;
    expect(spread!.most).toBeGreaterThan(3);
    expect(await customerDayDifferences(db.sql)).toEqual([]);
    expect(await salesHourDifferences(db.sql)).toEqual([]);
    expect(await salesMonthDifferences(db.sql)).toEqual([]);
    expect(await salesDayDifferences(db.sql)).toEqual([]);
    expect(await returnsDayDifferences(db.sql)).toEqual([]);
    const keys = await db.sql`SELECT conname FROM pg_constraint WHERE conrelid IN ('siyu.orders'::regclass, 'siyu.customer_days'::regclass) ORDER BY 1`;
    expect(keys.map((k) => k.conname)).toEqual(expect.arrayContaining(['orders_pkey', 'orders_customer_id_fkey', 'customer_days_key']));
    const triggers = await db.sql`SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'siyu.orders'::regclass AND NOT tgisinternal AND tgenabled <> 'O'`;
    expect(triggers).toEqual([]);

    const streamed = await fingerprint(db.sql);
    await db.sql`SELECT siyu.rebuild_customer_days()`;
    const rebuilt = await fingerprint(db.sql);
    expect(streamed.customer_days).toBe(rebuilt.customer_days);
    expect(streamed.period_sales).toBe(rebuilt.period_sales);
    expect(Number(streamed.customer_days!.split(':')[0])).toBe(spread!.n);
  });
});
