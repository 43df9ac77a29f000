/**
 * Comparing with a chosen period on the overview, in a real Chromium: 自选时段
 * puts the two days in the URL, and the GMV tile's change is the change
 * against exactly those days, as plain SQL computes it.
 */
import { describe, expect, it } from 'vitest';
import { one } from '../helpers/database.ts';
import { openLoggedIn, useBrowser } from '../helpers/browser.ts';
import { useTestStack } from '../helpers/stack.ts';

describe('compare with a chosen period', () => {
  const ctx = useTestStack('e2e_compare', { demoCustomers: 1500 });
  const chromium = useBrowser();

  it('the GMV tile compares the last 30 days with the chosen days, in the URL', async () => {
    const { page, errors } = await openLoggedIn(chromium.browser, ctx.stack.url, 'exec', { viewport: { width: 1440, height: 900 } });
    await page.goto(`${ctx.stack.url}/?range=last_30_days`);
    await page.click('[data-testid="compare"] [data-compare="custom"]');
    await page.waitForURL((u) => u.searchParams.get('compare') === 'custom');
    await page.fill('[data-testid="compare-from"]', '2025-05-01');
    await page.fill('[data-testid="compare-to"]', '2025-05-30');
    await page.waitForURL((u) => u.searchParams.get('cmp_from') === '2025-05-01' && u.searchParams.get('cmp_to') === '2025-05-30');
    const change = page.locator('[data-testid="kpi-gmv"] [data-testid="kpi-change"][data-kind="custom"]');
    await change.waitFor({ timeout: 60_000 });
    // Only the chosen comparison: no 环比 or 同比 beside it.
    expect(await page.$$('[data-testid="kpi-gmv"] [data-testid="kpi-change"]')).toHaveLength(1);
    expect(await change.getAttribute('title')).toContain('2025-05-01 – 2025-05-30');
    await page.waitForFunction(() => !/—/.test(document.querySelector('[data-testid="kpi-gmv"] [data-testid="kpi-change"]')?.textContent ?? '—'), undefined, { timeout: 60_000 });
    const shown = Number(/([+-]?\d+(?:\.\d)?)%/.exec((await change.textContent())!)![1]);

    const gmv = async (from: string, to: string) => Number(one(await ctx.db.sql<{ gmv: string }[]>`
      SELECT coalesce(sum(amount), 0)::text AS gmv FROM siyu.orders
      WHERE status = 'paid' AND (ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${from}::date AND ${to}::date`).gmv);
    // 近30天 from the data date 2026-11-20: 2026-10-22 to 2026-11-20.
    const [current, chosen] = [await gmv('2026-10-22', '2026-11-20'), await gmv('2025-05-01', '2025-05-30')];
    expect(chosen).toBeGreaterThan(0);
    // The tile shows one decimal: within half a tenth of a point.
    expect(Math.abs(shown - ((current - chosen) / chosen) * 100)).toBeLessThanOrEqual(0.0501);

    // The address opens the same comparison for whoever follows it.
    await page.goto(page.url());
    await page.locator('[data-testid="kpi-gmv"] [data-testid="kpi-change"][data-kind="custom"]').waitFor({ timeout: 60_000 });
    expect(await page.inputValue('[data-testid="compare-from"]')).toBe('2025-05-01');
    expect(errors).toEqual([]);
    await page.close();
  });
});
