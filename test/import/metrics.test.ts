/**
 * The product on imported data, through the real Cube: the core metrics on
 * the sample folder equal independent SQL and the values worked out by hand
 * from the files; after an incremental import (a refund, an owner change,
 * new orders) they move by exactly what the new files say. The first admin
 * is made by create-admin; no demo account exists on imported data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalogue } from '../../cube/tools/metric-catalogue.ts';
import { createAdmin } from '../../cube/gateway/admin-account.ts';
import { cubeRoleName } from '../../cube/database/cube-role.ts';
import { Client } from '../../cube/tools/api-client.ts';
import { offeringView } from '../helpers/offering-view.ts';
import { startTestStack, type MetaResponse, type TestStack } from '../helpers/stack.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { importFolder, SAMPLE, scratchFolder } from './helpers.ts';

const PASSWORD = 'brand-admin-2026';

/** Independent SQL per metric and slice, keyed by the slice's name ('all' for the total). */
const SQL: Record<string, string> = {
  gmv: `SELECT 'all' AS k, sum(amount) AS v FROM siyu.orders WHERE status = 'paid'`,
  gmv_channel: `SELECT ch.name AS k, sum(o.amount) AS v FROM siyu.orders o JOIN siyu.channels ch ON ch.id = o.channel_id WHERE o.status = 'paid' GROUP BY 1`,
  buyers: `SELECT 'all' AS k, count(DISTINCT customer_id) AS v FROM siyu.orders WHERE status = 'paid'`,
  // The overview's buyers tile reads the customer-day table (sales_buyers, migration 013): the import's writes must keep it.
  buyers_tile: `SELECT 'all' AS k, count(DISTINCT customer_id) AS v FROM siyu.orders WHERE status = 'paid'`,
  buyers_channel: `SELECT ch.name AS k, count(DISTINCT o.customer_id) AS v FROM siyu.orders o JOIN siyu.channels ch ON ch.id = o.channel_id WHERE o.status = 'paid' GROUP BY 1`,
  roi_channel: `
    SELECT ch.name AS k,
      coalesce((SELECT sum(o.amount) FROM siyu.orders o WHERE o.channel_id = ch.id AND o.status = 'paid' AND o.campaign_id IS NOT NULL), 0)
      / nullif((SELECT sum(s.amount) FROM siyu.campaign_spend s WHERE s.channel_id = ch.id), 0) AS v
    FROM siyu.channels ch`,
  owned_customers_employee: `SELECT e.name AS k, count(*) AS v FROM siyu.customers c JOIN siyu.employees e ON e.id = c.owner_employee_id GROUP BY 1`,
};

type Values = Record<string, number | null>;

describe('catalogue metrics on imported data, through Cube', () => {
  const catalogue = readCatalogue();
  // The stack helper logs in as the demo exec; imported data has no demo accounts.
  const ctx = {} as { db: TestDatabase; stack: TestStack };
  let api: Client;
  let meta: MetaResponse;
  beforeAll(async () => {
    ctx.db = await createTestDatabase('import_metrics');
    const report = await importFolder(ctx.db.sql, SAMPLE);
    if (report.result !== 'imported') throw new Error(JSON.stringify(report.problems));
    await createAdmin(ctx.db.sql, 'boss', PASSWORD);
    ctx.stack = await startTestStack(ctx.db.url);
    api = await ctx.stack.client('boss', PASSWORD);
    meta = await api.meta();
  });
  afterAll(async () => {
    await ctx.stack?.stop();
    await ctx.db?.drop();
  });

  const cube = async (metric: string, dim: string | null): Promise<Values> => {
    const offering = offeringView(meta, catalogue.metrics.find((m) => m.id === metric)!)!;
    const member = dim ? offering.member(dim) : null;
    const rows = await api.load({ measures: [offering.measure], dimensions: member ? [member] : [], limit: 1000 });
    return Object.fromEntries(rows.map((r) => [member ? String(r[member]) : 'all', r[offering.measure] === null ? null : Number(r[offering.measure])]));
  };
  const sql = async (key: string): Promise<Values> => Object.fromEntries((await ctx.db.sql.unsafe<{ k: string; v: string | null }[]>(SQL[key]!))
    .filter((r) => r.v !== null || key === 'roi_channel').map((r) => [r.k, r.v === null ? null : Number(r.v)]));
  const close = (a: Values, b: Values): void => {
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    for (const k of Object.keys(b)) {
      if (b[k] === null) expect(a[k] ?? null, k).toBeNull();
      else expect(a[k], k).toBeCloseTo(b[k]!, 6);
    }
  };
  const all = async (): Promise<Record<string, Values>> => ({
    gmv: await cube('gmv', null), gmv_channel: await cube('gmv', 'channel'),
    buyers: await cube('buyers', null), buyers_channel: await cube('buyers', 'channel'),
    buyers_tile: Object.fromEntries((await api.load({ measures: ['sales_buyers.buyers'] })).map((r) => ['all', Number(r['sales_buyers.buyers'])])),
    roi_channel: await cube('roi', 'channel'), owned_customers_employee: await cube('owned_customers', 'employee'),
  });

  it('demo accounts do not exist on imported data; the admin made by create-admin logs in', async () => {
    await expect(Client.login(ctx.stack.url, 'exec', 'demo')).rejects.toThrow();
    await expect(Client.login(ctx.stack.url, 'admin', 'demo')).rejects.toThrow();
    const [me] = await ctx.db.sql`SELECT count(*)::int AS n FROM siyu.accounts`;
    expect(me!.n).toBe(1);
    // Cube's read-only role reads the data, not who imported what.
    const [{ db } = { db: '' }] = await ctx.db.sql<{ db: string }[]>`SELECT current_database() AS db`;
    const [privileges] = await ctx.db.sql`
      SELECT has_table_privilege(${cubeRoleName(db)}, 'siyu.import_runs', 'SELECT') AS runs,
             has_table_privilege(${cubeRoleName(db)}, 'siyu.import_codes', 'SELECT') AS codes,
             has_table_privilege(${cubeRoleName(db)}, 'siyu.orders', 'SELECT') AS orders`;
    expect(privileges).toEqual({ runs: false, codes: false, orders: true });
  });

  it('GMV, buyers, ROI by channel and owned customers by employee equal independent SQL and the hand-worked values', async () => {
    const got = await all();
    for (const key of Object.keys(SQL)) close(got[key]!, await sql(key));
    // By hand from 订单.csv and spend.csv: the twelve paid orders; the nine customers with one;
    // CH01 attributed 1,299 + 2,599 + 1,099 over spend 1,500.50 + 800 + 2,400.
    expect(got.gmv!.all).toBeCloseTo(12621.8, 6);
    expect(got.buyers!.all).toBe(9);
    expect(got.roi_channel!['企业微信1对1']).toBeCloseTo(4997 / 4700.5, 6);
    expect(got.roi_channel!['抖音直播间']).toBeCloseTo(4379 / 12000, 6);
    expect(got.owned_customers_employee).toEqual({ 李娜: 3, 张伟: 3, 刘洋: 3 });
  });

  it('an incremental import (a refund, an owner change, new orders) moves exactly the expected metrics', async () => {
    const before = await all();
    const folder = scratchFolder(false);
    try {
      folder.write('订单.csv', [
        'order_code,customer_code,employee_code,channel_code,campaign_code,ordered_at,amount,items,category,status',
        'O202611001,C0001,E002,CH01,A2026-11,2026-11-11 00:05,"2,599.00",2,premium,refunded', // a refund
        'O202611020,C0007,E003,CH02,,2026-11-21 09:00,¥300.00,1,core,paid', //                      C0007's second order
        'O202611021,C0003,E003,CH04,A2026-11,2026-11-21 10:00,¥1000,1,core,paid', //                 C0003's first paid order
      ].join('\n'));
      folder.write('客户.csv', '客户编号,姓名,手机号,性别,城市等级,来源渠道编码,归属员工工号,注册时间\nC0007,何帆,15800138007,男,四线及以下,CH02,E003,2026-09-09 16:20\n');
      const report = await importFolder(ctx.db.sql, folder.dir);
      expect(report.problems).toEqual([]);
      expect(report.entities.orders).toEqual({ rows: 3, inserted: 2, updated: 1, unchanged: 0 });
      expect(report.entities.customers).toEqual({ rows: 1, inserted: 0, updated: 1, unchanged: 0 });
    } finally {
      folder.remove();
    }
    const expected = {
      gmv: before.gmv!.all! - 2599 + 300 + 1000,
      buyers: before.buyers!.all! + 1, // C0003 buys; C0001 still has paid orders
      roiCh01: (4997 - 2599) / 4700.5,
      roiCh04: (498 + 1000) / 600,
    };
    // The rollups follow their refresh keys (siyu.data_changes): asked again until the new build answers.
    // Each within the freshness promise (a key checked every few seconds): 30 s at most here.
    const matches = async (got: Record<string, Values>): Promise<boolean> => {
      for (const key of Object.keys(SQL)) {
        try {
          close(got[key]!, await sql(key));
        } catch {
          return false;
        }
      }
      return true;
    };
    let after = await all();
    for (let i = 0; i < 30 && !(await matches(after)); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      after = await all();
    }
    for (const key of Object.keys(SQL)) close(after[key]!, await sql(key));
    expect(after.gmv!.all).toBeCloseTo(expected.gmv, 6);
    expect(after.buyers!.all).toBe(expected.buyers);
    expect(after.roi_channel!['企业微信1对1']).toBeCloseTo(expected.roiCh01, 6);
    expect(after.roi_channel!['老带新']).toBeCloseTo(expected.roiCh04, 6);
    expect(after.roi_channel!['抖音直播间']).toBeCloseTo(before.roi_channel!['抖音直播间']!, 6);
    expect(after.gmv_channel!['小程序商城']).toBeCloseTo(before.gmv_channel!['小程序商城']! + 300, 6);
    expect(after.gmv_channel!['抖音直播间']).toBeCloseTo(before.gmv_channel!['抖音直播间']!, 6);
    expect(after.owned_customers_employee).toEqual({ 李娜: 3, 张伟: 4, 刘洋: 3 });
  });
});
