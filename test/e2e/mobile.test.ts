/**
 * The pages people open on a phone (inside WeCom), in a real Chromium at
 * 390×844 against the real server, Cube and PostgreSQL: the page never
 * scrolls sideways, the menu opens behind its button and its links navigate,
 * and the menu's tap targets are at least 40 px high.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { one } from '../helpers/database.ts';
import { openLoggedIn, SCREENSHOTS_DIR, useBrowser } from '../helpers/browser.ts';
import { useTestStack } from '../helpers/stack.ts';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** The page's width as the browser lays it out, and each visible menu link's box. */
async function checkPhoneLayout(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // Closed: the menu takes no room, the button is there and big enough to tap.
  expect(await page.isVisible('[data-testid="main-nav"]')).toBe(false);
  const button = page.locator('[data-testid="menu-button"]');
  const buttonBox = (await button.boundingBox())!;
  expect(Math.min(buttonBox.width, buttonBox.height)).toBeGreaterThanOrEqual(40);
  await button.click();
  await page.waitForSelector('[data-testid="main-nav"]', { state: 'visible' });
  expect(await button.getAttribute('aria-expanded')).toBe('true');
  const links = await page.locator('[data-testid="main-nav"] a').all();
  expect(links.length).toBeGreaterThan(3);
  for (const link of links) {
    const box = (await link.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(40);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  }
  // Open, it still fits the screen; the button closes it again.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await button.click();
  await page.waitForSelector('[data-testid="main-nav"]', { state: 'hidden' });
}

describe('the daily pages on a phone', () => {
  const ctx = useTestStack('mobile', { demoCustomers: 1500 });
  const chromium = useBrowser();

  it('staff: overview, own page, today\'s list and a customer 360 fit 390 px, and the menu navigates', async () => {
    const { page, errors } = await openLoggedIn(chromium.browser, ctx.stack.url, 'staff', PHONE);
    const { employee_id: staffId } = one(await ctx.db.sql<{ employee_id: number }[]>`SELECT employee_id FROM siyu.accounts WHERE username = 'staff'`);
    const { id: customerId } = one(await ctx.db.sql<{ id: number }[]>`
      SELECT id FROM siyu.customers WHERE owner_employee_id = ${staffId} ORDER BY id LIMIT 1`);

    const pages: [string, string][] = [
      ['/', '[data-testid="kpi-gmv"] [data-testid="kpi-value"]'],
      [`/staff?employee=${staffId}`, '[data-testid="employee-name"]'],
      ['/actions', '[data-testid="today-row"]'],
      [`/customers/${customerId}`, '[data-testid="c360-timeline"] [data-testid="timeline-item"]'],
    ];
    for (const [to, ready] of pages) {
      await page.goto(`${ctx.stack.url}${to}`);
      await page.waitForSelector(ready, { timeout: 60_000 });
      // Let charts and late panels lay out before measuring the width.
      await page.waitForLoadState('networkidle');
      try {
        await checkPhoneLayout(page);
        // The narrowest phones in use (360 px) fit too.
        await page.setViewportSize({ width: 360, height: 780 });
        await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
        await page.setViewportSize(PHONE.viewport);
      } catch (e) {
        throw new Error(`${to}: ${(e as Error).message}`);
      }
    }

    // A link in the opened menu navigates, and the menu folds away on arrival.
    await page.click('[data-testid="menu-button"]');
    await page.locator('[data-testid="main-nav"] a[href="/actions"]').click();
    await page.waitForURL((u) => u.pathname === '/actions');
    await page.waitForSelector('[data-testid="main-nav"]', { state: 'hidden' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exec: the overview fits 390 px, the menu opens and navigates; screenshot for the README', async () => {
    const { page, errors } = await openLoggedIn(chromium.browser, ctx.stack.url, 'exec', PHONE);
    await page.goto(`${ctx.stack.url}/`);
    await page.waitForSelector('[data-testid="kpi-gmv"] [data-testid="kpi-value"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="chart-gmv-spend-trend"] canvas', { timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: path.join(SCREENSHOTS_DIR, 'overview-mobile.png') });
    await checkPhoneLayout(page);
    await page.click('[data-testid="menu-button"]');
    await page.locator('[data-testid="main-nav"] a[href="/channels"]').click();
    await page.waitForURL((u) => u.pathname === '/channels');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('本周 with 同比 on a phone: the week to the data date against the same dates a year earlier, in the URL', async () => {
    const { page, errors } = await openLoggedIn(chromium.browser, ctx.stack.url, 'exec', PHONE);
    await page.goto(`${ctx.stack.url}/`);
    await page.waitForSelector('[data-testid="kpi-gmv"] [data-testid="kpi-value"]', { timeout: 60_000 });
    await page.getByRole('radio', { name: '本周', exact: true }).click();
    await page.waitForURL(/range=this_week/);
    await page.locator('[data-testid="compare"] [data-compare="yoy"]').click();
    await page.waitForURL(/compare=yoy/);
    // As-of 2026-11-20 is a Friday: 本周 is Monday 16 to Friday 20 November; 同比 the same dates of 2025.
    const gmv = async (from: string, to: string) => Number(one(await ctx.db.sql<{ gmv: string }[]>`
      SELECT coalesce(sum(amount), 0)::text AS gmv FROM siyu.orders WHERE status = 'paid'
        AND (ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${from}::date AND ${to}::date`).gmv);
    const week = await gmv('2026-11-16', '2026-11-20');
    const yearBefore = await gmv('2025-11-16', '2025-11-20');
    expect(yearBefore).toBeGreaterThan(0);
    await expect.poll(async () => (await page.textContent('[data-testid="kpi-gmv"] [data-testid="kpi-value"]'))!.replace(/[¥,\s]/g, ''), { timeout: 60_000 })
      .toBe(week.toFixed(2));
    const change = ((week - yearBefore) / yearBefore) * 100;
    const changes = page.locator('[data-testid="kpi-gmv"] [data-testid="kpi-change"]');
    await expect.poll(() => changes.allTextContents(), { timeout: 60_000 })
      .toEqual([`同比 ${change > 0 ? '+' : ''}${change.toFixed(1)}%`]);
    expect(await changes.first().getAttribute('title')).toBe('对比 2025-11-16 – 2025-11-20');

    // A week's trend goes by day: Monday to Friday, each bar that day's GMV.
    const byDay = await ctx.db.sql<{ day: string; gmv: string }[]>`
      SELECT d::date::text AS day, coalesce((SELECT sum(amount) FROM siyu.orders WHERE status = 'paid'
               AND (ordered_at AT TIME ZONE 'Asia/Shanghai')::date = d::date), 0)::text AS gmv
        FROM generate_series(DATE '2026-11-16', DATE '2026-11-20', INTERVAL '1 day') AS d ORDER BY d`;
    await page.waitForSelector('[data-testid="chart-gmv-spend-trend"] canvas', { timeout: 60_000 });
    const axis = () => page.evaluate(() => {
      const box = document.querySelector('[data-testid="chart-gmv-spend-trend"] .echart') as HTMLElement & { echartsInstance?: any };
      const option = box?.echartsInstance?.getOption();
      return option ? { days: option.xAxis[0].data as string[], gmv: option.series[0].data as number[] } : null;
    });
    await expect.poll(axis, { timeout: 60_000 }).toEqual({
      days: byDay.map((r) => r.day),
      gmv: byDay.map((r) => Number(r.gmv)),
    });

    // 不对比: no change under any tile; the URL alone restores the choice.
    await page.locator('[data-testid="compare"] [data-compare="none"]').click();
    await page.waitForURL(/compare=none/);
    await page.reload();
    await page.waitForSelector('[data-testid="kpi-gmv"] [data-testid="kpi-value"]', { timeout: 60_000 });
    expect(await page.getAttribute('[data-testid="compare"] [data-compare="none"]', 'aria-checked')).toBe('true');
    expect(await page.$('[data-testid="kpi-change"]')).toBeNull();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(errors).toEqual([]);
    await page.close();
  });
});
