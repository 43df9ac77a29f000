/** The web app in a real Chromium against the real server, Cube and PostgreSQL. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../cube/config.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { useTestStack } from '../helpers/stack.ts';

describe('overview page in Chromium', () => {
  const ctx = useTestStack('e2e', { demoCustomers: 2000 });
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(path.join(ROOT_DIR, 'web', 'dist', 'index.html'))) {
      throw new Error('The web app is not built: run `npm run build:web` (npm test does it first).');
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const login = async (page: Page, username: string, password = 'demo'): Promise<void> => {
    await page.goto(`${ctx.stack.url}/`);
    await page.waitForURL(/\/login/);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
  };

  it('refuses a wrong password with a clear message and stays on the login page', async () => {
    const page = await browser.newPage();
    await login(page, 'exec', 'wrong');
    await expect.poll(() => page.textContent('[role=alert]')).toContain('用户名或密码错误');
    expect(page.url()).toContain('/login');
    await page.close();
  });

  it('shows real numbers after logging in as exec, equal to SQL, with the range in the URL', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const consoleErrors: string[] = [];
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await login(page, 'exec');
    await page.waitForSelector('[data-testid="kpi-gmv"] [data-testid="kpi-value"]');
    await page.waitForSelector('[data-testid="chart-gmv-spend-trend"] canvas');

    // Default range 近12个月: the 365 days ending on as-of (2025-11-21 .. 2026-11-20).
    const [expected] = await ctx.db.sql<{ gmv: string; buyers: number; churned: number; bought: number }[]>`
      SELECT (SELECT sum(amount) FROM siyu.orders WHERE status = 'paid'
                AND (ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN DATE '2025-11-21' AND DATE '2026-11-20')::text AS gmv,
             (SELECT count(DISTINCT customer_id)::int FROM siyu.orders WHERE status = 'paid'
                AND (ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN DATE '2025-11-21' AND DATE '2026-11-20') AS buyers,
             (SELECT count(*)::int FROM (SELECT customer_id FROM siyu.orders WHERE status = 'paid'
                AND (ordered_at AT TIME ZONE 'Asia/Shanghai')::date <= DATE '2026-11-20' GROUP BY customer_id
                HAVING max((ordered_at AT TIME ZONE 'Asia/Shanghai')::date) < DATE '2026-11-20' - 120) AS c) AS churned,
             (SELECT count(DISTINCT customer_id)::int FROM siyu.orders WHERE status = 'paid'
                AND (ordered_at AT TIME ZONE 'Asia/Shanghai')::date <= DATE '2026-11-20') AS bought`;
    const gmvText = await page.textContent('[data-testid="kpi-gmv"] [data-testid="kpi-value"]');
    expect(gmvText!.replace(/[¥,\s]/g, '')).toBe(Number(expected!.gmv).toFixed(2));
    const buyersText = await page.textContent('[data-testid="kpi-buyers"] [data-testid="kpi-value"]');
    expect(Number(buyersText!.replace(/,/g, ''))).toBe(expected!.buyers);
    await expect.poll(() => page.textContent('[data-testid="kpi-churn_rate"] [data-testid="kpi-value"]'))
      .toBe(`${((expected!.churned / expected!.bought) * 100).toFixed(1)}%`);
    // Under a year's range the previous period is the year-ago one: one change, 同比.
    expect(await page.textContent('[data-testid="kpi-gmv"]')).toMatch(/同比 [+-]?\d/);
    expect(await page.textContent('[data-testid="kpi-gmv"]')).not.toMatch(/环比/);

    // A different range lands in the URL, and the URL alone restores it.
    await page.getByRole('radio', { name: '近30天' }).click();
    await page.waitForURL(/range=last_30_days/);
    // 环比 and 同比 under a shorter range.
    await expect.poll(() => page.textContent('[data-testid="kpi-gmv"]')).toMatch(/环比 [+-]?\d.*同比 [+-]?\d/);
    const [last30] = await ctx.db.sql<{ gmv: string }[]>`
      SELECT sum(amount)::text AS gmv FROM siyu.orders WHERE status = 'paid'
        AND (ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN DATE '2026-10-22' AND DATE '2026-11-20'`;
    await expect.poll(async () => (await page.textContent('[data-testid="kpi-gmv"] [data-testid="kpi-value"]'))!.replace(/[¥,\s]/g, ''))
      .toBe(Number(last30!.gmv).toFixed(2));
    const shared = await browser.newPage();
    const context = page.context();
    await shared.context().addCookies(await context.cookies());
    await shared.goto(page.url());
    await expect.poll(async () => (await shared.textContent('[data-testid="kpi-gmv"] [data-testid="kpi-value"]').catch(() => ''))?.replace(/[¥,\s]/g, ''))
      .toBe(Number(last30!.gmv).toFixed(2));
    await shared.close();

    // English switch.
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.textContent('h1')).toBe('Overview');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('sends a logged-out person to the login page and back to where they were going', async () => {
    const page = await browser.newPage();
    await page.goto(`${ctx.stack.url}/?range=last_90_days`);
    await page.waitForURL(/\/login\?next=/);
    await page.fill('input[name=username]', 'ops');
    await page.fill('input[name=password]', 'demo');
    await page.click('button[type=submit]');
    await page.waitForURL(/range=last_90_days/);
    await page.waitForSelector('[data-testid="kpi-gmv"] [data-testid="kpi-value"]');
    await page.getByRole('button', { name: /退出登录|Log out/ }).click();
    await page.waitForURL(/\/login/);
    const me = await page.evaluate(async () => (await fetch('/api/me')).status);
    expect(me).toBe(401);
    await page.close();
  });
});
