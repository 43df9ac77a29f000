/**
 * A streamed orders file cut in two (stream.ts, SPLIT): the part after its
 * middle is parsed and checked on another thread (stream-part.ts). The rows
 * keep their lines (quoted cells with line breaks before the cut move them
 * off the row numbers), a bad row in the second part refuses the import
 * with its file, line and column and nothing is written, a key in both
 * parts is found as a duplicate, and a good file loads every order with its
 * code in file order and the customer days a rebuild would sum.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../cube/database/migrate.ts';
import { SPLIT, STREAM_BLOCK } from '../../cube/import/stream.ts';
import { customerDayDifferences } from '../helpers/customer-days.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { count, fingerprint, importFolder, scratchFolder } from './helpers.ts';

// The first block, then about two blocks each side of the cut.
const ORDERS = 5 * STREAM_BLOCK;
const CUSTOMERS = 300;
const header = 'order_code,customer_code,employee_code,channel_code,ordered_at,amount,category,status,note';

function order(i: number): string {
  // An unknown column (a warning), quoted with a line break in every 997th row: lines are not rows.
  const note = i % 997 === 0 ? `"备注, ""第一行""\n第二行 ${i}"` : '';
  return `O${i},C${i % CUSTOMERS},${i % 11 ? 'E1' : ''},CH${1 + (i % 2)},2026-0${1 + (i % 3)}-1${i % 5} ${10 + (i % 12)}:00,`
    + `"¥1,${String(i % 1000).padStart(3, '0')}.${String(i % 100).padStart(2, '0')}",core,${i % 10 ? 'paid' : 'refunded'},${note}`;
}

/** The file's text and the line each row starts on. */
function ordersFile(rows: string[]): { text: string; lines: number[] } {
  const lines: number[] = [];
  let line = 2;
  for (const r of rows) {
    lines.push(line);
    line += r.split('\n').length;
  }
  return { text: [header, ...rows].join('\n'), lines };
}

describe('a streamed first load of orders on two threads', () => {
  let db: TestDatabase;
  const folder = scratchFolder(false);
  const before = { ...SPLIT };
  beforeAll(async () => {
    SPLIT.rows = STREAM_BLOCK;
    db = await createTestDatabase('import_split');
    await migrate(db.sql);
    folder.write('teams.csv', 'team_code,name,region\nT1,一组,华东\n');
    folder.write('employees.csv', 'employee_code,name,team_code,role,hired_on\nE1,王静,T1,advisor,2024-01-01\n');
    folder.write('channels.csv', 'channel_code,name,kind,type\nCH1,企微,private,wecom\nCH2,小程序,private,mini_program\n');
    const customers = ['customer_code,name,phone,city_tier,source_channel_code,owner_employee_code,registered_at'];
    for (let i = 0; i < CUSTOMERS; i++) customers.push(`C${i},客户${i},139${String(i).padStart(8, '0')},tier1,CH1,E1,2025-12-01 10:00`);
    folder.write('customers.csv', customers.join('\n'));
  });
  afterAll(async () => {
    Object.assign(SPLIT, before);
    folder.remove();
    await db?.drop();
  });

  it('refuses a bad row of the second part with its line and column, and writes nothing', async () => {
    const start = await fingerprint(db.sql);
    const rows = Array.from({ length: ORDERS }, (_, i) => order(i));
    const bad = ORDERS - 2_003;
    rows[bad] = rows[bad]!.replace('"¥1,', '"¥x1,'); // a malformed amount
    rows[ORDERS - 7] = rows[ORDERS - 7]!.replace(`,C${(ORDERS - 7) % CUSTOMERS},`, ',C-nobody,'); // a customer in neither the files nor the database
    const { text, lines } = ordersFile(rows);
    folder.write('orders.csv', text);
    const parts = SPLIT.parts;
    const report = await importFolder(db.sql, folder.dir);
    expect(SPLIT.parts).toBe(parts + 1);
    expect(report.result).toBe('refused');
    expect(report.problems.map((p) => [p.file, p.line, p.column, p.value])).toEqual([
      ['orders.csv', lines[bad], 'amount', rows[bad]!.split('"')[1]],
      ['orders.csv', lines[ORDERS - 7], 'customer_code', 'C-nobody'],
    ]);
    expect(lines[bad]).toBeGreaterThan(bad + 2); // the notes' line breaks before it
    expect(report.files.find((f) => f.file === 'orders.csv')!.rows).toBe(ORDERS);
    expect(await fingerprint(db.sql)).toEqual(start);
    expect(await count(db.sql, 'orders')).toBe(0);
  });

  it('finds a code of the first part again in the second as a duplicate, with both lines', async () => {
    const start = await fingerprint(db.sql);
    const rows = Array.from({ length: ORDERS }, (_, i) => order(i));
    rows[ORDERS - 5] = order(STREAM_BLOCK + 10).replace(/,[^,]*$/, ','); // a code of the first part's second block
    const { text, lines } = ordersFile(rows);
    folder.write('orders.csv', text);
    const report = await importFolder(db.sql, folder.dir);
    expect(report.result).toBe('refused');
    expect(report.problems.map((p) => [p.line, p.column, p.value, p.reason.en])).toEqual([
      [lines[ORDERS - 5], 'order_code', `O${STREAM_BLOCK + 10}`, `duplicate key: same as line ${lines[STREAM_BLOCK + 10]}`],
    ]);
    expect(await fingerprint(db.sql)).toEqual(start);
  });

  it('loads every order with its code in file order and the customer days a rebuild sums', async () => {
    const rows = Array.from({ length: ORDERS }, (_, i) => order(i));
    folder.write('orders.csv', ordersFile(rows).text);
    const parts = SPLIT.parts;
    const report = await importFolder(db.sql, folder.dir);
    expect(SPLIT.parts).toBe(parts + 1);
    expect(report.problems).toEqual([]);
    expect(report.result).toBe('imported');
    expect(report.entities.orders).toEqual({ rows: ORDERS, inserted: ORDERS, updated: 0, unchanged: 0 });
    const [codes] = await db.sql`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE c.code <> 'O' || (c.id - 1))::int AS wrong,
             count(*) FILTER (WHERE o.customer_id IS NULL)::int AS orphans
      FROM siyu.import_codes c JOIN siyu.orders o ON o.id = c.id WHERE c.entity = 'orders'`;
    expect(codes).toEqual({ n: ORDERS, wrong: 0, orphans: 0 });
    const [sum] = await db.sql`SELECT sum(amount)::text AS s FROM siyu.orders WHERE status = 'paid'`;
    let cents = 0;
    for (let i = 0; i < ORDERS; i++) if (i % 10) cents += 100_000 + (i % 1000) * 100 + (i % 100);
    expect(sum!.s).toBe((cents / 100).toFixed(2));
    expect(await customerDayDifferences(db.sql)).toEqual([]);
  });
});
