/**
 * The budget planner in a real Chromium on the demo data: a plan for a
 * budget, a constraint that moves the allocation, a what-if, the back-test,
 * the plan in the URL and as CSV. Screenshot to docs/screenshots/planner.png.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openLoggedIn, SCREENSHOTS_DIR, useBrowser } from '../helpers/browser.ts';
import { useTestStack } from '../helpers/stack.ts';

const SHOTS = SCREENSHOTS_DIR;

describe('budget planner in Chromium', () => {
  // The default demo's size: with 2,000 customers a campaign wins a handful of orders per channel and
  // the back-test measures Poisson noise (MAPE above 500 %), not the curves.
  const ctx = useTestStack('planner', { demoCustomers: 20_000 });
  const chromium = useBrowser();

  const open = () => openLoggedIn(chromium.browser, ctx.stack.url, 'ops', { acceptDownloads: true });
  /** Planned spend per channel, as the table shows it. */
  const planned = async (page: Page): Promise<Map<string, number>> => {
    await page.waitForSelector('[data-testid="plan-row"]', { timeout: 90_000 });
    const cells = await page.$$eval('[data-testid="planned-spend"] span[data-channel]', (els) => els.map((e) => [e.getAttribute('data-channel')!, Number(e.getAttribute('data-value'))] as const));
    return new Map(cells);
  };
  const kpi = async (page: Page, id: string) => Number(await page.getAttribute(`[data-testid="kpi-${id}"] [data-testid="kpi-value"]`, 'data-value'));
  /** The default budget is the last comparable campaign's spend: within what the history has seen. */
  const budgetOf = async (page: Page) => Number(await page.inputValue('[data-testid="planner-budget"]'));
  const sum = (m: Map<string, number>) => [...m.values()].reduce((s, v) => s + v, 0);

  it('plans a budget over the channels with enough history, and a tighter maximum moves the allocation', async () => {
    const { page, errors } = await open();
    await page.goto(`${ctx.stack.url}/planner`);
    const before = await planned(page);
    const BUDGET = await budgetOf(page);
    expect(BUDGET).toBeGreaterThan(0);
    expect(before.size).toBeGreaterThanOrEqual(5);
    expect(await page.isVisible('[data-testid="plan-status"]')).toBe(false);
    // The whole budget is placed (rounding of each channel to a yuan aside).
    expect(Math.abs(sum(before) - BUDGET)).toBeLessThanOrEqual(before.size);
    for (const chart of ['planner-split', 'planner-marginal', 'planner-curve']) {
      await page.waitForSelector(`[data-testid="chart-${chart}"] canvas`, { timeout: 60_000 });
    }
    expect(await kpi(page, 'expected_gmv')).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid="kpi-expected_gmv"]')).toMatch(/80% 区间/);

    // The channel with the most money gets a maximum of half of it.
    const [top, topSpend] = [...before].sort((a, b) => b[1] - a[1])[0]!;
    const cap = Math.round(topSpend / 2);
    const max = page.locator(`[data-testid="max-${top}"]`);
    await max.fill(String(cap));
    await max.press('Enter');
    await page.waitForURL((u) => u.searchParams.getAll('bound').some((b) => b.startsWith(`${top}|`)));
    await page.waitForFunction(([channel, value]) => {
      const el = document.querySelector(`[data-testid="planned-spend"] span[data-channel="${channel}"]`);
      return el !== null && Number(el.getAttribute('data-value')) <= Number(value) + 1;
    }, [top, String(cap)] as const, { timeout: 30_000 });
    const after = await planned(page);
    expect(after.get(top)!).toBeLessThanOrEqual(cap + 1);
    // The money moved to other channels: the total stays the budget, some other channel got more.
    expect(Math.abs(sum(after) - BUDGET)).toBeLessThanOrEqual(after.size);
    expect([...after].some(([c, v]) => c !== top && v > before.get(c)! + 1)).toBe(true);

    // Target ROI at least cost: the plan spends only while its ROI stays at the target or above.
    await page.selectOption('[data-testid="planner-objective"]', 'target_roi');
    const target = page.locator('[data-testid="planner-target"]');
    await target.fill('5');
    await target.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('objective') === 'target_roi' && u.searchParams.get('target') === '5');
    await page.waitForSelector('[data-testid="plan-status"]');
    const roi = await kpi(page, 'expected_roi');
    expect(roi).toBeGreaterThanOrEqual(5);
    expect(roi).toBeLessThan(5.2);
    expect(await kpi(page, 'planned_spend')).toBeLessThan(BUDGET);
    await page.selectOption('[data-testid="planner-objective"]', 'gmv');
    await page.waitForURL((u) => u.searchParams.get('objective') === 'gmv');

    // The same URL in a fresh page gives the same plan: the plan is shareable.
    const again = await open();
    await again.page.goto(page.url());
    expect(await planned(again.page)).toEqual(after);
    await again.page.close();
    expect([...errors, ...again.errors]).toEqual([]);
    await page.close();
  });

  it('what-if moves the totals; the back-test shows MAPE and R²; the plan exports as CSV; screenshot', async () => {
    const { page, errors } = await open();
    await page.goto(`${ctx.stack.url}/planner?objective=gmv`);
    const plan = await planned(page);
    const gmvBefore = await kpi(page, 'expected_gmv');
    const [channel, spend] = [...plan].sort((a, b) => b[1] - a[1])[0]!;
    // Slide the biggest channel to a quarter of its plan.
    await page.$eval(`[data-testid="whatif-${channel}"]`, (el, value) => {
      const input = el as HTMLInputElement;
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, String(Math.round(spend / 4)));
    await page.waitForSelector('[data-testid="whatif-note"]');
    expect(new URL(page.url()).searchParams.get('whatif')).toMatch(new RegExp(`^${channel}\\|\\d+$`));
    const gmvAfter = await kpi(page, 'expected_gmv');
    expect(gmvAfter).toBeLessThan(gmvBefore);
    // Only that channel moved: the planned total fell by what the slider took away.
    expect(await kpi(page, 'planned_spend')).toBeCloseTo(sum(plan) - spend + Math.round(spend / 4), -2);
    const spent = Number((await page.getAttribute(`[data-testid="planned-spend"] span[data-channel="${channel}"]`, 'data-value'))!);
    expect(Math.abs(spent - spend / 4)).toBeLessThan(spend / 50);

    // Back-test numbers on the page.
    const mape = Number(await page.getAttribute('[data-testid="backtest-mape"]', 'data-value'));
    const r2 = Number(await page.getAttribute('[data-testid="backtest-r2"]', 'data-value'));
    // The default demo (20,000 customers, seed 42, cut-off 170 days before as-of) reaches MAPE 19.5 % and R² 0.87.
    expect(mape).toBeGreaterThan(0);
    expect(mape).toBeLessThan(0.3);
    expect(r2).toBeGreaterThan(0.7);
    console.log(`demo back-test (20,000 customers): MAPE ${(mape * 100).toFixed(1)} %, R² ${r2.toFixed(2)}`);

    // The plan as CSV: a header, a row per planned channel, a total.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-plan"]')]);
    const file = readFileSync((await download.path())!);
    expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = file.subarray(3).toString('utf8').split(/\r?\n/).filter((l) => l !== '');
    expect(lines).toHaveLength(plan.size + 2);
    expect(lines[0]).toContain('渠道');
    expect(lines.at(-1)).toMatch(/^合计,/);

    await page.goto(`${ctx.stack.url}/planner?objective=gmv`);
    await planned(page);
    for (const chart of ['planner-split', 'planner-marginal', 'planner-curve']) await page.waitForSelector(`[data-testid="chart-${chart}"] canvas`);
    await page.waitForFunction(() => document.querySelectorAll('.skeleton').length === 0, undefined, { timeout: 60_000 });
    await page.evaluate(() => document.fonts.ready);
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(SHOTS, 'planner.png'), fullPage: true, timeout: 90_000 });
    expect(errors).toEqual([]);
    await page.close();
  });
});
