/**
 * Layout on a laptop and on paper, in a real Chromium: at 1440×900 no column
 * of a /staff table is hidden behind a horizontal scroll (as the executive,
 * on the leaderboard and a team's employees, and as a manager, who lands on
 * their own team's employees); printed (print media at A4's width) the
 * overview and the employee page have no navigation and nothing wider than
 * the paper.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { one } from '../helpers/database.ts';
import { openLoggedIn, useBrowser } from '../helpers/browser.ts';
import { useTestStack } from '../helpers/stack.ts';

/** A4 is 210 mm wide: 794 CSS pixels at 96 per inch; the page's printable width is that less 2 × 12 mm of margin. */
const A4_WIDTH = Math.round((210 / 25.4) * 96);

describe('tables at 1440 px and print', () => {
  const ctx = useTestStack('e2e_layout', { demoCustomers: 1500 });
  const chromium = useBrowser();

  const loaded = async (page: Page, selector: string) => {
    await page.waitForSelector(`${selector} tbody tr`, { timeout: 90_000 });
    await page.waitForFunction(() => document.querySelectorAll('.skeleton').length === 0, undefined, { timeout: 90_000 });
  };
  /** Each table's columns against its scroll box: none overflows, every header's right edge inside the box. */
  const hiddenColumns = (page: Page) => page.$$eval('.table-wrap', (wraps) => wraps.flatMap((wrap) => {
    const box = wrap.getBoundingClientRect();
    const overflow = wrap.scrollWidth - wrap.clientWidth;
    return [...wrap.querySelectorAll('thead th')]
      .filter((th) => overflow > 1 || th.getBoundingClientRect().right > box.right + 1)
      .map((th) => th.textContent?.trim() ?? '');
  }));

  it('at 1440×900 every column of the /staff tables is in view', async () => {
    const { page, errors } = await openLoggedIn(chromium.browser, ctx.stack.url, 'exec', { viewport: { width: 1440, height: 900 } });
    await page.goto(`${ctx.stack.url}/staff`);
    await loaded(page, '[data-testid="table-teams"]');
    expect(await hiddenColumns(page)).toEqual([]);
    const headers = await page.$$eval('[data-testid="table-teams"] thead th', (ths) => ths.map((th) => th.textContent ?? ''));
    expect(headers.some((h) => h.includes('跟进次数'))).toBe(true);
    expect(headers.some((h) => h.includes('到店率'))).toBe(true);

    const team = await page.$eval('[data-testid="table-teams"] tbody tr a', (a) => a.textContent ?? '');
    await page.goto(`${ctx.stack.url}/staff?team=${encodeURIComponent(team)}`);
    await loaded(page, '[data-testid="table-staff"]');
    expect(await hiddenColumns(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a manager lands on their own team\'s employees, no one-bar team chart, every column in view', async () => {
    const { page, errors } = await openLoggedIn(chromium.browser, ctx.stack.url, 'manager', { viewport: { width: 1440, height: 900 } });
    const { name } = one(await ctx.db.sql<{ name: string }[]>`
      SELECT t.name FROM siyu.accounts a JOIN siyu.employees e ON e.id = a.employee_id JOIN siyu.teams t ON t.id = e.team_id WHERE a.username = 'manager'`);
    await page.goto(`${ctx.stack.url}/staff`);
    await page.waitForURL((u) => u.searchParams.get('team') === name, { timeout: 30_000 });
    await loaded(page, '[data-testid="table-staff"]');
    expect(await page.$('[data-testid="chart-team-leaderboard"]')).toBeNull();
    const rows = await page.$$eval('[data-testid="table-staff"] tbody tr', (trs) => trs.length);
    const { n } = one(await ctx.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM siyu.employees e JOIN siyu.teams t ON t.id = e.team_id WHERE t.name = ${name}`);
    expect(rows).toBeGreaterThan(1);
    expect(rows).toBeLessThanOrEqual(n);
    expect(await hiddenColumns(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('prints the overview and the employee page on A4: no navigation, nothing wider than the paper', async () => {
    const { page, errors } = await openLoggedIn(chromium.browser, ctx.stack.url, 'exec', { viewport: { width: 1440, height: 900 } });
    const { id: employee } = one(await ctx.db.sql<{ id: number }[]>`
      SELECT e.id FROM siyu.employees e WHERE EXISTS (SELECT 1 FROM siyu.orders o WHERE o.employee_id = e.id) ORDER BY e.id LIMIT 1`);
    for (const [path, ready] of [['/', '[data-testid="kpi-gmv"], .kpi'], [`/staff?employee=${employee}`, '[data-testid="employee-name"]']] as const) {
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.emulateMedia({ media: 'screen' });
      await page.goto(`${ctx.stack.url}${path}`);
      await page.waitForSelector(ready, { timeout: 90_000 });
      await page.waitForFunction(() => document.querySelectorAll('.skeleton').length === 0, undefined, { timeout: 90_000 });
      expect(await page.isVisible('[data-testid="main-nav"]'), path).toBe(true);

      await page.emulateMedia({ media: 'print' });
      await page.setViewportSize({ width: A4_WIDTH, height: 1123 });
      await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
      await page.waitForTimeout(300);
      expect(await page.isVisible('[data-testid="main-nav"]'), path).toBe(false);
      expect(await page.isVisible('.topbar'), path).toBe(false);
      expect(await page.isVisible('[data-testid="filter-bar"]'), path).toBe(false);
      // Whatever reaches past the paper, named, so a failure says what.
      const past = await page.$$eval('body *', (els, width) => els
        .filter((el) => el.getBoundingClientRect().right > width + 1 && el.getClientRects().length > 0)
        .slice(0, 5).map((el) => `${el.tagName}.${String(el.className)} ${Math.round(el.getBoundingClientRect().right)}`), A4_WIDTH);
      expect(past, path).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(A4_WIDTH);
      const wide = await page.$$eval('.echart canvas, .panel, .kpi', (els, width) => els
        .map((el) => ({ cls: el.className || el.tagName, right: el.getBoundingClientRect().right }))
        .filter((e) => e.right > width), A4_WIDTH);
      expect(wide, path).toEqual([]);
      // The overview's trend chart is printed (the employee page has tables only).
      if (path === '/') expect(await page.$$eval('.echart canvas', (cs) => cs.length), path).toBeGreaterThan(0);
      // Chromium's own print of the page at A4 succeeds.
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
