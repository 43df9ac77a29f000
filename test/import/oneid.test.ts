/**
 * OneID: customer codes naming the same person (the same unionid or phone)
 * become one customer with a report of the merge, in one folder and across
 * imports; the same name alone never merges. And `npm run import` as a
 * person runs it: progress with rows/s, exit codes, English under LANG=en.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../cube/config.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { count, fingerprint, importFolder, scratchFolder } from './helpers.ts';

const BRAND = {
  'teams.csv': 'team_code,name,region\nT1,一组,华东\n',
  'employees.csv': 'employee_code,name,team_code,role,hired_on\nE1,王静,T1,lead,2024-01-01\n',
  'channels.csv': 'channel_code,name,kind,type\nCH1,企微,private,wecom\n',
};

describe('OneID', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('oneid');
  });
  afterAll(async () => db?.drop());
  const ids = async (): Promise<Record<string, number>> => Object.fromEntries((await db.sql<{ code: string; id: number }[]>`
    SELECT code, id::int FROM siyu.import_codes WHERE entity = 'customers'`).map((r) => [r.code, r.id]));

  it('merges two codes with one unionid, and a third with the same phone; never on the name alone', async () => {
    const folder = scratchFolder(false);
    try {
      for (const [name, text] of Object.entries(BRAND)) folder.write(name, text);
      folder.write('customers.csv', [
        'customer_code,name,phone,city_tier,source_channel_code,owner_employee_code,registered_at',
        'K1,张三,13800000001,tier1,CH1,E1,2026-01-01 10:00',
        'K2,张三丰,13800000002,tier1,CH1,E1,2026-02-01 10:00', // unionid as K1
        'K3,张三,13800000003,tier2,CH1,E1,2026-03-01 10:00', //   same name as K1 only
        'K4,小张,+86 138 0000 0001,tier1,CH1,,2026-04-01 10:00', // phone as K1
      ].join('\n'));
      folder.write('identities.csv', 'customer_code,system,external_id\nK1,unionid,oU-1\nK2,unionid,oU-1\nK2,member,M2\nK3,unionid,oU-3\n');
      folder.write('orders.csv', [
        'order_code,customer_code,channel_code,ordered_at,amount,category,status',
        'O1,K1,CH1,2026-05-01 10:00,100,core,paid',
        'O2,K2,CH1,2026-05-02 10:00,200,core,paid',
        'O3,K3,CH1,2026-05-03 10:00,300,core,paid',
        'O4,K4,CH1,2026-05-04 10:00,400,core,paid',
      ].join('\n'));
      const report = await importFolder(db.sql, folder.dir);
      expect(report.problems).toEqual([]);
      expect(report.merges.map((m) => [m.code, m.into, m.via, m.value])).toEqual(expect.arrayContaining([
        ['K4', 'K1', 'phone', '13800000001'],
        ['K2', 'K1', 'unionid', 'oU-1'],
      ]));
      expect(report.merges).toHaveLength(2);
      expect(report.merges.find((m) => m.code === 'K2')!.reason.zh).toBe('客户 K2 与 K1 是同一人（相同的unionid：oU-1），已合并为一位客户');
      const id = await ids();
      expect(id.K2).toBe(id.K1);
      expect(id.K4).toBe(id.K1);
      expect(id.K3).not.toBe(id.K1);
      // One row per person, written from the first code's line; K3 keeps its own.
      const customers = await db.sql`SELECT id, name, phone FROM siyu.customers ORDER BY id`;
      expect(customers.map((c) => [c.id, c.name, c.phone])).toEqual([[id.K1, '张三', '13800000001'], [id.K3, '张三', '13800000003']]);
      const byCustomer = await db.sql`SELECT customer_id, sum(amount)::text AS gmv, count(*)::int AS n FROM siyu.orders GROUP BY 1 ORDER BY 1`;
      expect(byCustomer.map((r) => [r.customer_id, r.gmv, r.n])).toEqual([[id.K1, '700.00', 3], [id.K3, '300.00', 1]]);
      const identities = await db.sql`SELECT system, external_id, customer_id FROM siyu.customer_identities ORDER BY external_id`;
      expect(identities.map((r) => [r.system, r.external_id, r.customer_id])).toEqual([['member', 'M2', id.K1], ['unionid', 'oU-1', id.K1], ['unionid', 'oU-3', id.K3]]);

      // The same folder again: nothing changes, nothing is merged again.
      const before = await fingerprint(db.sql);
      const again = await importFolder(db.sql, folder.dir);
      expect(again.merges).toEqual([]);
      expect(await fingerprint(db.sql)).toEqual(before);
    } finally {
      folder.remove();
    }
  });

  it('a new code with the unionid of a customer already imported joins that customer', async () => {
    const folder = scratchFolder(false);
    try {
      folder.write('customers.csv', 'customer_code,name,phone,city_tier,source_channel_code,registered_at\nK9,Zhang San,13900000009,tier1,CH1,2026-06-01 10:00\n');
      folder.write('identities.csv', 'customer_code,system,external_id\nK9,unionid,oU-3\n');
      folder.write('orders.csv', 'order_code,customer_code,channel_code,ordered_at,amount,category,status\nO9,K9,CH1,2026-06-02 10:00,50,traffic,paid\n');
      const report = await importFolder(db.sql, folder.dir);
      expect(report.problems).toEqual([]);
      expect(report.merges.map((m) => [m.code, m.into, m.via])).toEqual([['K9', 'K3', 'unionid']]);
      const id = await ids();
      expect(id.K9).toBe(id.K3);
      // The customer keeps the row of the code it was first imported under.
      expect(await count(db.sql, 'customers')).toBe(2);
      const [k3] = await db.sql`SELECT name, phone FROM siyu.customers WHERE id = ${id.K3!}`;
      expect(k3).toEqual({ name: '张三', phone: '13800000003' });
      const [o9] = await db.sql`SELECT customer_id FROM siyu.orders WHERE id = (SELECT id FROM siyu.import_codes WHERE entity = 'orders' AND code = 'O9')`;
      expect(o9!.customer_id).toBe(id.K3);
    } finally {
      folder.remove();
    }
  });

  it('npm run import: progress with rows/s, exit 1 with every problem in English under LANG=en, nothing written', async () => {
    const folder = scratchFolder(false);
    try {
      folder.write('orders.csv', 'order_code,customer_code,channel_code,ordered_at,amount,category,status\nO20,K1,CH1,2026-06-03 10:00,-5,core,paid\nO21,K1,CH1,2026-06-03 10:00,5,core,shipped\n');
      const before = await fingerprint(db.sql);
      const run = (lang: string) => spawnSync(process.execPath, ['--import', 'tsx', path.join('cube', 'main', 'import-cli.ts'), folder.dir], {
        cwd: ROOT_DIR, env: { ...process.env, DATABASE_URL: db.url, LANG: lang, LC_ALL: '' }, encoding: 'utf8', timeout: 120_000,
      });
      const en = run('en_US.UTF-8');
      expect(en.status).toBe(1);
      expect(en.stdout).toMatch(/read orders\.csv \(orders\): 2 rows, [\d.]+ s, [\d,]+ rows\/s/);
      expect(en.stderr).toContain('2 problems: nothing was written');
      expect(en.stderr).toContain('orders.csv, line 2, column amount: value "-5" a negative amount is refused');
      expect(en.stderr).toContain('orders.csv, line 3, column status: value "shipped" not an accepted value');
      const zh = run('zh_CN.UTF-8');
      expect(zh.status).toBe(1);
      expect(zh.stderr).toContain('orders.csv, 行号 2, 列 amount: 值 "-5" 金额不能为负数');
      expect(await fingerprint(db.sql)).toEqual(before);

      folder.write('orders.csv', 'order_code,customer_code,channel_code,ordered_at,amount,category,status\nO20,K1,CH1,2026-06-03 10:00,5,core,paid\n');
      const ok = run('C.UTF-8');
      expect(ok.status, ok.stderr).toBe(0);
      // The write line's rate is over the file's whole processing: its read and checks, the checks across files, its write.
      const read = /读取 orders\.csv \(订单\): 1 行, ([\d.]+) s, [\d,]+ 行\/秒/.exec(ok.stdout);
      const wrote = /写入 orders\.csv \(订单\): 1 行, ([\d.]+) s; 读取\+检查\+写入 ([\d.]+) s, ([\d,]+) 行\/秒/.exec(ok.stdout);
      expect(read, ok.stdout).not.toBeNull();
      expect(wrote, ok.stdout).not.toBeNull();
      const total = Number(wrote![2]);
      expect(total).toBeGreaterThanOrEqual(Number(read![1]) + Number(wrote![1]) - 0.011);
      // The seconds are printed rounded: the rate (of 1 row) lies within what the unrounded total allows, itself rounded to a whole row.
      const half = 0.5 * 10 ** -(wrote![2]!.split('.')[1]?.length ?? 0);
      const rate = Number(wrote![3]!.replace(/,/g, ''));
      expect(rate).toBeGreaterThanOrEqual(1 / (total + half) - 1);
      if (total - half > 0) expect(rate).toBeLessThanOrEqual(1 / (total - half) + 1);
      expect(ok.stdout).toContain('订单');
      expect(ok.stdout).toMatch(/新增 1, 更新 0, 未变 0/);
    } finally {
      folder.remove();
    }
  });
});
