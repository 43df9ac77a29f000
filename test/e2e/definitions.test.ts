/**
 * Definitions at hand, the glossary and navigation by role, in a real
 * Chromium against the real stack: every KPI tile's "?" carries its
 * catalogue definition (shown on hover and on keyboard focus), /glossary
 * lists every catalogue id, a manager's menu holds no page the server
 * refuses, and a page the role may not open says 无权访问.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { readCatalogue } from '../../cube/tools/metric-catalogue.ts';
import { definitionOf, isTermId } from '../../web/src/lib/definitions/index.ts';
import { openLoggedIn, SCREENSHOTS_DIR, useBrowser } from '../helpers/browser.ts';
import { useTestStack } from '../helpers/stack.ts';

const OVERVIEW_TILES = ['gmv', 'buyers', 'spend_per_buyer', 'new_customers', 'repurchase_rate', 'churn_rate', 'ltv', 'roi'];

describe('definitions, glossary and navigation by role in Chromium', () => {
  const ctx = useTestStack('definitions', { demoCustomers: 1500 });
  const chromium = useBrowser();
  const open = (username: string) => openLoggedIn(chromium.browser, ctx.stack.url, username);

  const noSkeletons = (page: Page) => page.waitForFunction(() => document.querySelectorAll('.skeleton').length === 0, undefined, { timeout: 60_000 });

  /** The text a "?" points at through aria-describedby: what a screen reader reads and the tooltip shows. */
  const described = (page: Page, selector: string) => page.$eval(selector, (el) => {
    const id = el.getAttribute('aria-describedby');
    return id ? document.getElementById(id)?.textContent ?? '' : '';
  });

  it('gives every KPI tile a ? with its catalogue definition, shown on hover and on keyboard focus, in Chinese and English', async () => {
    const { page, errors } = await open('exec');
    await page.waitForSelector('[data-testid="kpi-roi"] [data-testid="kpi-value"]');
    const tiles = await page.$$eval('section.kpi', (els) => els.map((el) => el.getAttribute('data-testid')));
    expect(tiles).toEqual(OVERVIEW_TILES.map((id) => `kpi-${id}`));
    for (const id of OVERVIEW_TILES) {
      const help = `[data-testid="kpi-${id}"] [data-testid="metric-help"]`;
      expect(await page.getAttribute(help, 'data-term')).toBe(id);
      const text = await described(page, help);
      expect(isTermId(id)).toBe(true);
      // The definition as written in the catalogue's definitions module, not merely "some text".
      expect(text, id).toContain(definitionOf(id as 'gmv').zh.definition);
    }
    expect(await described(page, '[data-testid="kpi-roi"] [data-testid="metric-help"]')).toContain('不是全部 GMV');

    // Hidden until asked for.
    const tip = '[data-testid="kpi-roi"] [data-testid="metric-help-text"]';
    expect(await page.isVisible(tip)).toBe(false);
    await page.hover('[data-testid="kpi-roi"] [data-testid="metric-help"]');
    await page.waitForSelector(tip, { state: 'visible' });
    // Screenshot for the README: the ROI tile with its definition open.
    // The tiles around it for context: the whole KPI grid, and the tip wherever it falls.
    const gridBox = (await page.$('.kpis').then((e) => e!.boundingBox()))!;
    const tipBox = (await page.$(tip).then((e) => e!.boundingBox()))!;
    await page.evaluate(() => document.fonts.ready);
    const y = Math.max(0, gridBox.y - 12);
    await page.screenshot({
      path: path.join(SCREENSHOTS_DIR, 'metric-help.png'),
      clip: { x: gridBox.x - 12, y, width: gridBox.width + 24, height: Math.max(gridBox.y + gridBox.height, tipBox.y + tipBox.height) + 12 - y },
    });
    await page.mouse.move(0, 0);
    await page.waitForSelector(tip, { state: 'hidden' });

    // Keyboard: Tab from the tile's label onto the "?" shows it; Escape hides it.
    const gmvTip = '[data-testid="kpi-gmv"] [data-testid="metric-help-text"]';
    await page.focus('[data-testid="kpi-gmv"] [data-testid="metric-help"]');
    await page.waitForSelector(gmvTip, { state: 'visible' });
    await page.keyboard.press('Tab');
    await page.waitForSelector(gmvTip, { state: 'hidden' });
    await page.keyboard.press('Shift+Tab');
    await page.waitForSelector(gmvTip, { state: 'visible' });
    await page.keyboard.press('Escape');
    await page.waitForSelector(gmvTip, { state: 'hidden' });

    // English under the switch.
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => described(page, '[data-testid="kpi-roi"] [data-testid="metric-help"]')).toContain('not all GMV');

    // Table columns and chart titles carry theirs too.
    await page.goto(`${ctx.stack.url}/channels`);
    await page.waitForSelector('[data-testid="table-channels"] [data-testid="channel-row"]', { timeout: 60_000 });
    const terms = await page.$$eval('[data-testid="table-channels"] th [data-testid="metric-help"]', (els) => els.map((e) => e.getAttribute('data-term')));
    expect(terms).toEqual(['channel', 'spend', 'attributed_gmv', 'roi', 'cac', 'campaign_conversion_rate']);
    expect(await page.getAttribute('[data-testid="chart-channel-roi"] h2 [data-testid="metric-help"]', 'data-term')).toBe('roi');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lists every metric and dimension of the catalogue on /glossary, with the views the person can query', async () => {
    const catalogue = readCatalogue();
    const { page: execPage } = await open('exec');
    await execPage.goto(`${ctx.stack.url}/glossary`);
    await execPage.waitForSelector('[data-testid="glossary-term"][data-term="roi"]');
    const listed = await execPage.$$eval('[data-testid="glossary-term"]', (els) => els.map((e) => e.getAttribute('data-term')));
    for (const id of [...catalogue.metrics.map((m) => m.id), ...catalogue.dimensions]) expect(listed, id).toContain(id);
    await expect.poll(() => execPage.textContent('[data-term="budget"]')).toContain('campaign_budgets');
    expect(await execPage.textContent('[data-term="roi"]')).toContain(definitionOf('roi').zh.definition);
    await execPage.evaluate(() => document.fonts.ready);
    await execPage.screenshot({ path: path.join(SCREENSHOTS_DIR, 'glossary.png'), clip: { x: 0, y: 0, width: 1366, height: 1100 } });
    await execPage.close();

    // A manager sees the same definitions, but only the views a manager may query: budgets are not among them.
    const { page } = await open('manager');
    const menu = await page.$$eval('nav[aria-label=main] a', (els) => els.map((e) => e.getAttribute('href')));
    expect(menu).toContain('/glossary');
    await page.goto(`${ctx.stack.url}/glossary`);
    await page.waitForSelector('[data-testid="glossary-term"][data-term="gmv"]');
    await expect.poll(() => page.textContent('[data-term="gmv"]')).toContain('sales_overview');
    expect(await page.textContent('[data-term="budget"]')).not.toContain('campaign_budgets');
    await page.close();
  });

  it('shows managers and staff only pages they can use: none answers 403, and a direct URL to another says 无权访问', async () => {
    for (const username of ['manager', 'staff']) {
      const { page, errors } = await open(username);
      const refused: string[] = [];
      page.on('response', (r) => { if (r.status() === 403) refused.push(`${r.status()} ${r.url()}`); });
      const menu = await page.$$eval('nav[aria-label=main] a', (els) => els.map((e) => e.getAttribute('href')!));
      expect(menu, username).not.toContain('/big-screen');
      expect(menu, username).not.toContain('/planner');
      for (const href of menu) {
        await page.goto(`${ctx.stack.url}${href}`);
        await noSkeletons(page);
        await page.waitForTimeout(500);
        expect(await page.$('[data-testid="no-access"]'), `${username} ${href}`).toBeNull();
        expect(await page.$$eval('.state-error', (els) => els.map((e) => e.textContent)), `${username} ${href}`).toEqual([]);
      }
      expect(refused, username).toEqual([]);

      for (const href of ['/big-screen', '/planner']) {
        await page.goto(`${ctx.stack.url}${href}`);
        await page.waitForSelector('[data-testid="no-access"]');
        if (username === 'manager' && href === '/big-screen') await page.screenshot({ path: path.join(SCREENSHOTS_DIR, 'no-access.png'), clip: { x: 0, y: 0, width: 1366, height: 260 } });
        expect(await page.textContent('[data-testid="no-access"]')).toMatch(/^无权访问：(数据大屏|预算规划)/);
        expect(await page.textContent('body')).not.toContain('连接中断');
      }
      expect(refused, username).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('says an unknown employee does not exist, names RFM segments in English, and shows the data day on a past big-screen', async () => {
    const { page } = await open('exec');
    await page.goto(`${ctx.stack.url}/staff?employee=99999`);
    await page.waitForSelector('[data-testid="employee-not-found"]');
    expect(await page.textContent('[data-testid="employee-not-found"]')).toBe('员工 #99999 不存在，或不在你的查看范围内。');
    expect(await page.textContent('body')).not.toContain('peer-comparison');

    // A real employee's card: every tile has its definition too.
    const [employee] = await ctx.db.sql<{ id: number }[]>`SELECT employee_id AS id FROM siyu.orders WHERE status = 'paid' GROUP BY employee_id ORDER BY count(*) DESC LIMIT 1`;
    await page.goto(`${ctx.stack.url}/staff?employee=${employee!.id}`);
    await page.waitForSelector('[data-testid="employee-detail"] section.kpi');
    const cardTiles = await page.$$eval('[data-testid="employee-detail"] section.kpi', (els) => els.map((el) => {
      const help = el.querySelector('[data-testid="metric-help"]');
      const id = help?.getAttribute('aria-describedby');
      return { tile: el.getAttribute('data-testid'), term: help?.getAttribute('data-term'), text: id ? document.getElementById(id)?.textContent ?? '' : '' };
    }));
    expect(cardTiles.length).toBeGreaterThanOrEqual(10);
    for (const c of cardTiles) {
      expect(c.tile).toBe(`kpi-${c.term}`);
      expect(c.text, c.tile!).toContain(definitionOf(c.term as 'gmv').zh.definition);
    }

    // The demo's as-of (2026-11-20) is not today: the screen's "today" is the data day.
    await page.goto(`${ctx.stack.url}/big-screen`);
    await page.waitForSelector('[data-testid="clock"]');
    expect(await page.textContent('[data-testid="clock"]')).toBe('数据日 2026-11-20');
    expect(await page.textContent('[data-testid="tile-gmv-today"] h2')).toContain('数据日 11-20');

    await page.goto(`${ctx.stack.url}/segments?lang=en`);
    await page.waitForSelector('[data-testid="chart-rfm"] [data-testid="segment-cell"]', { timeout: 60_000 });
    const rfm = await page.$$eval('[data-testid="chart-rfm"] [data-testid="segment-cell"]', (els) => els.map((e) => e.textContent ?? ''));
    expect(rfm).toHaveLength(8);
    expect(rfm[0]).toMatch(/^Key value /);
    for (const label of rfm) expect(label).not.toMatch(/[\u4e00-\u9fff]/);
    // The funnels are cumulative and say so.
    expect(await page.textContent('[data-testid="chart-aipl"] h2')).toContain('cumulative');
    await page.close();
  });
});
