/**
 * /admin/import in a real Chromium, on a brand's imported data (the sample
 * folder, the admin made by create-admin): a file with a bad row is reported
 * row by row and cannot be confirmed; good files are checked, confirmed and
 * written (checked in the database); the history says who, when, what and
 * the result. Only an admin may import.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../cube/gateway/admin-account.ts';
import { hashPassword } from '../../cube/gateway/passwords.ts';
import { Client } from '../../cube/tools/api-client.ts';
import { useBrowser } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { encodeGbk, importFolder, SAMPLE } from '../import/helpers.ts';

const PASSWORD = 'brand-admin-2026';
const HEADER = '订单号,客户编号,业绩员工,渠道编码,活动编码,下单时间,金额,件数,品类,状态';

describe('/admin/import in Chromium', () => {
  const chromium = useBrowser();
  let db: TestDatabase;
  let stack: TestStack;
  beforeAll(async () => {
    db = await createTestDatabase('admin_import');
    await importFolder(db.sql, SAMPLE);
    await createAdmin(db.sql, 'boss', PASSWORD);
    await db.sql`INSERT INTO siyu.accounts (username, role, display_name, password_hash) VALUES ('ops2', 'operator', '运营', ${await hashPassword(PASSWORD)})`;
    stack = await startTestStack(db.url);
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  const login = async (): Promise<{ page: Page; errors: string[] }> => {
    const page = await chromium.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(`${stack.url}/login`);
    await page.fill('input[name=username]', 'boss');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 60_000 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    return { page, errors };
  };
  const cells = (page: Page, table: string) => page.$$eval(`[data-testid="${table}"] tbody tr`, (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));

  it('reports a bad row in a table and refuses to confirm; checks, confirms and writes good files; shows the history', async () => {
    const { page, errors } = await login();
    await page.click('a[href="/admin/import"]');
    await page.waitForSelector('[data-testid="import-history"]');
    expect((await cells(page, 'import-history'))[0]).toEqual([expect.any(String), 'test (cli)', expect.stringContaining('订单.csv'), expect.stringContaining('订单 14/0/0'), '已导入']);

    await page.setInputFiles('[data-testid="import-files"]', [
      { name: '订单.csv', mimeType: 'text/csv', buffer: encodeGbk(`${HEADER}\nO900,C0001,E002,CH01,,2026-11-21 10:00,"-￥10.00",1,核心款,已支付\n`) },
    ]);
    await page.waitForSelector('[data-testid="import-result"][data-result="refused"]');
    expect(await cells(page, 'import-problems')).toEqual([['订单.csv', '2', '金额', '-￥10.00', '金额不能为负数']]);
    expect(await page.isDisabled('[data-testid="import-confirm"]')).toBe(true);

    await page.setInputFiles('[data-testid="import-files"]', [
      { name: '订单.csv', mimeType: 'text/csv', buffer: encodeGbk(`${HEADER}\nO901,C0003,E003,CH02,,2026-11-21 10:00,"￥1,234.50",1,核心款,已支付\n`) },
      { name: 'readme.txt', mimeType: 'text/plain', buffer: Buffer.from('x') },
    ]);
    await page.waitForSelector('[data-testid="import-result"][data-result="checked"]');
    expect(await cells(page, 'import-files-table')).toEqual([['订单.csv', '订单', 'GB18030', '1']]);
    expect(await cells(page, 'import-entities')).toEqual([['订单', '1', '1', '0', '0']]);
    expect((await cells(page, 'import-warnings'))[0]!.slice(0, 1)).toEqual(['readme.txt']);
    expect(await db.sql`SELECT 1 FROM siyu.import_codes WHERE code = 'O901'`).toHaveLength(0);

    await page.click('[data-testid="import-confirm"]');
    await page.waitForSelector('[data-testid="import-result"][data-result="imported"]');
    expect(await page.textContent('[data-testid="import-result"]')).toBe('导入完成，数据日期 2026-11-21');
    const [order] = await db.sql`SELECT o.amount::text, o.ordered_at FROM siyu.orders o JOIN siyu.import_codes i ON i.entity = 'orders' AND i.id = o.id WHERE i.code = 'O901'`;
    expect(order).toEqual({ amount: '1234.50', ordered_at: new Date('2026-11-21T02:00:00Z') });
    await page.waitForFunction(() => document.querySelector('[data-testid="import-history"] tbody tr td:nth-child(2)')?.textContent === 'boss (web)');
    const history = await cells(page, 'import-history');
    expect(history.slice(0, 3).map((r) => [r[1], r[4]])).toEqual([['boss (web)', '已导入'], ['boss (web)', '仅检查'], ['boss (web)', '已拒绝 (1)']]);

    // The same report in English.
    await page.click('.topbar-right button:text("English")');
    await page.waitForSelector('h1:text("Import data")');
    expect(await page.textContent('[data-testid="import-result"]')).toBe('Imported; data date 2026-11-21');
    expect(history.length).toBeGreaterThanOrEqual(4);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses an account that is not an admin, with a clear message', async () => {
    const ops = await Client.login(stack.url, 'ops2', PASSWORD);
    const r = await ops.request('POST', '/api/admin/import', { files: [{ name: 'orders.csv', content: '' }], check: true });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error: 'Only an administrator may import data.' });
  });
});
