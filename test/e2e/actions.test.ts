/**
 * The action lists in a real Chromium against the real server, Cube and
 * PostgreSQL: each list's count, its team and owner filters, the per-owner
 * counts, and the CSV export, checked against plain SQL of the list's rule.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openLoggedIn, SCREENSHOTS_DIR, useBrowser } from '../helpers/browser.ts';
import { useTestStack } from '../helpers/stack.ts';

const SHOTS = SCREENSHOTS_DIR;

describe('action lists in Chromium', () => {
  const ctx = useTestStack('actions', { demoCustomers: 2000 });
  const chromium = useBrowser();

  const open = (username: string) => openLoggedIn(chromium.browser, ctx.stack.url, username);
  const noSkeletons = (page: Page) => page.waitForFunction(() => document.querySelectorAll('.skeleton').length === 0, undefined, { timeout: 60_000 });
  const total = async (page: Page): Promise<number> => {
    await page.waitForSelector('[data-testid="drill-total"][data-total]:not([data-total=""])', { timeout: 60_000 });
    return Number(await page.getAttribute('[data-testid="drill-total"]', 'data-total'));
  };
  /** Waits until the list's total differs from `before` (a filter applied). */
  const totalChangedFrom = async (page: Page, before: number): Promise<number> => {
    await page.waitForFunction((b) => {
      const el = document.querySelector('[data-testid="drill-total"]');
      const v = el?.getAttribute('data-total');
      return v !== null && v !== undefined && v !== '' && Number(v) !== b;
    }, before, { timeout: 60_000 });
    return total(page);
  };
  /** Clicks the export button as a person does (a form POST with the session's token) and reads the downloaded file. */
  const csvLines = async (page: Page): Promise<string[]> => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('[data-testid="export-csv"]')]);
    expect(download.failure ? await download.failure() : null).toBeNull();
    const body = await readFile((await download.path())!);
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [comment, ...lines] = body.subarray(3).toString('utf8').split(/\r?\n/).filter((l) => l !== '');
    // The first line names the list and the data date; then the titles and the rows.
    expect(comment).toMatch(/^# 清单: .*数据日期: \d{4}-\d{2}-\d{2}$/);
    return lines;
  };

  it('exports "booked, not arrived" as CSV with exactly the customers plain SQL finds, owners and reasons on every row', async () => {
    const { page, errors } = await open('exec');
    await page.goto(`${ctx.stack.url}/actions?list=booked_not_arrived`);
    const n = await total(page);
    const [sql] = await ctx.db.sql<{ n: number }[]>`
      SELECT count(DISTINCT a.customer_id)::int AS n
      FROM siyu.appointments a
      WHERE a.arrived_at IS NULL
        AND (SELECT value::date FROM siyu.settings WHERE key = 'as_of')
            - (a.scheduled_for AT TIME ZONE (SELECT value FROM siyu.settings WHERE key = 'time_zone'))::date BETWEEN 1 AND 14`;
    expect(sql!.n).toBeGreaterThan(0);
    expect(n).toBe(sql!.n);
    await noSkeletons(page);
    const rows = await page.$$('[data-testid="drill-row"]');
    expect(rows.length).toBe(Math.min(n, 50));
    for (const row of rows.slice(0, 10)) {
      expect(await row.$eval('[data-testid="owner"]', (el) => el.textContent ?? '')).not.toBe('');
      expect(await row.textContent()).toMatch(/预约 \d{2}-\d{2} 未到店/);
    }
    const lines = await csvLines(page);
    expect(lines[0]).toContain('入选原因');
    expect(lines[0]).toContain('所属员工');
    expect(lines.length - 1).toBe(sql!.n);
    expect(lines.slice(1).join('\n')).not.toMatch(/1[3-9]\d{9}/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exports "first-order follow-up" with the count of plain SQL, and filters by team and by owner', async () => {
    const { page, errors } = await open('exec');
    await page.goto(`${ctx.stack.url}/actions?list=first_order_follow_up`);
    const n = await total(page);
    const [sql] = await ctx.db.sql<{ n: number }[]>`
      WITH s AS (SELECT (SELECT value::date FROM siyu.settings WHERE key = 'as_of') AS as_of,
                        (SELECT value FROM siyu.settings WHERE key = 'time_zone') AS tz),
      paid AS (
        SELECT o.customer_id, o.category, (o.ordered_at AT TIME ZONE s.tz)::date AS day
        FROM siyu.orders o CROSS JOIN s
        WHERE o.status = 'paid' AND (o.ordered_at AT TIME ZONE s.tz)::date <= s.as_of)
      SELECT count(*)::int AS n FROM (
        SELECT customer_id FROM paid CROSS JOIN s GROUP BY customer_id, s.as_of
        HAVING count(*) = 1 AND min(category) = 'traffic' AND s.as_of - min(day) BETWEEN 0 AND 29) x`;
    expect(sql!.n).toBeGreaterThan(0);
    expect(n).toBe(sql!.n);
    const lines = await csvLines(page);
    expect(lines.length - 1).toBe(n);

    // By team: fewer customers, every row of that team.
    const team = await page.$eval('[data-testid="filter-team"] option:nth-child(2)', (o) => (o as HTMLOptionElement).value);
    await page.selectOption('[data-testid="filter-team"]', team);
    const teamTotal = await totalChangedFrom(page, n);
    expect(teamTotal).toBeLessThan(n);
    await noSkeletons(page);
    for (const row of await page.$$('[data-testid="drill-row"]')) expect(await row.textContent()).toContain(team);

    // By owner, from the per-owner counts: the list is that owner's, as many as the count said.
    const first = page.locator('[data-testid="owner-counts"] [data-testid="owner-count"]').first();
    const owner = (await first.textContent())!;
    const waiting = Number((await page.locator('[data-testid="owner-counts"] tbody tr').first().locator('td').nth(2).textContent())!.replace(/,/g, ''));
    await first.click();
    await page.waitForURL((u) => u.searchParams.has('owner'));
    const ownerTotal = await (waiting === teamTotal ? total(page) : totalChangedFrom(page, teamTotal));
    expect(ownerTotal).toBe(waiting);
    await noSkeletons(page);
    for (const cell of await page.$$('[data-testid="drill-row"] [data-testid="owner"]')) expect(await cell.textContent()).toBe(owner);
    const ownerId = Number(new URL(page.url()).searchParams.get('owner'));
    const ownerLines = await csvLines(page);
    expect(ownerLines.length - 1).toBe(waiting);
    const [owned] = await ctx.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.customers WHERE owner_employee_id = ${ownerId}`;
    expect(owned!.n).toBeGreaterThanOrEqual(waiting);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a manager sees only the team\'s customers on every list; the exec\'s slipping list by value at risk; screenshot', async () => {
    const { page, errors } = await open('manager');
    await page.goto(`${ctx.stack.url}/actions?list=high_value_slipping`);
    const managerTotal = await total(page);
    const [me] = await ctx.db.sql<{ team: string }[]>`
      SELECT t.name AS team FROM siyu.accounts a JOIN siyu.employees e ON e.id = a.employee_id JOIN siyu.teams t ON t.id = e.team_id WHERE a.username = 'manager'`;
    await noSkeletons(page);
    for (const row of await page.$$('[data-testid="drill-row"]')) expect(await row.textContent()).toContain(me!.team);
    const exec = await open('exec');
    await exec.page.goto(`${ctx.stack.url}/actions?list=high_value_slipping`);
    expect(managerTotal).toBeLessThan(await total(exec.page));
    await noSkeletons(exec.page);
    // Most value at risk first: the reasons' paid amounts never rise down the page, and the
    // first is the largest paid amount up to as-of among buyers 45–120 days quiet, by SQL.
    const reasons = await exec.page.$$eval('[data-testid="drill-row"]', (rows) => rows.map((r) => r.textContent ?? ''));
    const amounts = reasons.map((text) => Number(/(\d+) 天未购买，累计消费 ¥([\d,]+\.\d{2})/.exec(text)?.[2]?.replace(/,/g, '')));
    expect(amounts.length).toBeGreaterThan(1);
    expect(amounts.every((a, i) => Number.isFinite(a) && (i === 0 || a <= amounts[i - 1]!))).toBe(true);
    const [top] = await ctx.db.sql<{ m: string }[]>`
      WITH s AS (SELECT (SELECT value::date FROM siyu.settings WHERE key = 'as_of') AS as_of,
                        (SELECT value FROM siyu.settings WHERE key = 'time_zone') AS tz),
      buyers AS (
        SELECT o.customer_id, sum(o.amount) AS m, s.as_of - max((o.ordered_at AT TIME ZONE s.tz)::date) AS days
        FROM siyu.orders o CROSS JOIN s
        WHERE o.status = 'paid' AND (o.ordered_at AT TIME ZONE s.tz)::date <= s.as_of GROUP BY o.customer_id, s.as_of)
      SELECT max(m)::text AS m FROM buyers WHERE m > (SELECT avg(m) FROM buyers) AND days BETWEEN 45 AND 120`;
    expect(amounts[0]).toBe(Number(top!.m));
    await exec.page.evaluate(() => document.fonts.ready);
    await exec.page.screenshot({ path: path.join(SHOTS, 'actions.png'), fullPage: true, timeout: 90_000 });
    expect([...errors, ...exec.errors]).toEqual([]);
    await page.close();
    await exec.page.close();
  });
});
