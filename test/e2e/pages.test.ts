/**
 * The pages with drill-down in a real Chromium against the real server, Cube
 * and PostgreSQL: every page renders, the drill path works by clicking, and a
 * list opened from a number agrees with that number and with plain SQL.
 * Screenshots of every page go to docs/screenshots/.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openLoggedIn, SCREENSHOTS_DIR, useBrowser } from '../helpers/browser.ts';
import { useTestStack } from '../helpers/stack.ts';

const SHOTS = SCREENSHOTS_DIR;
const TZ = 'Asia/Shanghai';
const LAST_30: [string, string] = ['2026-10-22', '2026-11-20'];
const LAST_90: [string, string] = ['2026-08-23', '2026-11-20'];

/** "¥1,234.56" or "1,234" or "12.5%" → number. */
const num = (text: string | null): number => Number((text ?? '').replace(/[¥,%\s]/g, ''));

describe('pages with drill-down in Chromium', () => {
  const ctx = useTestStack('pages', { demoCustomers: 2000 });
  const chromium = useBrowser();

  const open = (username: string) => openLoggedIn(chromium.browser, ctx.stack.url, username);

  const charts = async (page: Page, names: string[]) => {
    for (const name of names) await page.waitForSelector(`[data-testid="chart-${name}"] canvas`, { timeout: 60_000 });
  };
  const noSkeletons = async (page: Page) => {
    await page.waitForFunction(() => document.querySelectorAll('.skeleton').length === 0, undefined, { timeout: 60_000 });
  };
  const shot = async (page: Page, name: string) => {
    await noSkeletons(page);
    await page.evaluate(() => document.fonts.ready);
    await page.waitForTimeout(600); // chart animations
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true, timeout: 90_000 });
  };
  const total = async (page: Page): Promise<number> => {
    const ready = page.waitForSelector('[data-testid="drill-total"][data-total]:not([data-total=""])', { timeout: 60_000 });
    // A list that failed says why; report that instead of a bare timeout.
    const failed = page.waitForSelector('.state-error', { timeout: 60_000 }).then(async (el) => {
      throw new Error(`the list failed on ${page.url()}: ${await el.textContent()}`);
    }, () => undefined);
    await Promise.race([ready, failed.then(() => ready)]);
    return Number(await page.getAttribute('[data-testid="drill-total"]', 'data-total'));
  };
  const rows = async (page: Page) => {
    await noSkeletons(page);
    return page.$$('[data-testid="drill-row"]');
  };

  it('renders every page with its charts and no console error, as exec, manager and staff', async () => {
    for (const username of ['exec', 'manager', 'staff']) {
      const { page, errors } = await open(username);
      const visit = async (url: string, chartNames: string[], screenshot?: string) => {
        await page.goto(`${ctx.stack.url}${url}`);
        await charts(page, chartNames);
        await noSkeletons(page);
        if (screenshot && username === 'exec') await shot(page, screenshot);
      };
      await visit('/', ['gmv-spend-trend'], 'overview');
      for (const id of ['gmv', 'buyers', 'spend_per_buyer', 'new_customers', 'repurchase_rate', 'churn_rate', 'ltv', 'roi']) {
        expect(await page.textContent(`[data-testid="kpi-${id}"] [data-testid="kpi-value"]`)).toMatch(/\d/);
      }
      await visit('/channels', ['channel-roi'], 'channels');
      // A manager lands on the own team's employees (no one-bar leaderboard); the others on the leaderboard.
      if (username === 'manager') {
        await page.goto(`${ctx.stack.url}/staff`);
        await page.waitForSelector('[data-testid="table-staff"] [data-testid="employee-row"]', { timeout: 60_000 });
        await noSkeletons(page);
      } else await visit('/staff', ['team-leaderboard'], 'staff');
      await visit('/segments', ['rfm', 'lifecycle', 'aipl', 'five-a', 'journey'], 'segments');
      expect(await page.$$('[data-testid="chart-value-quadrant"] [data-testid="segment-cell"]')).toHaveLength(4);
      await visit('/activities', ['campaign-gmv'], 'activities');
      await visit('/customers?metric=customers', []);
      // The total first: before the list starts loading there is no skeleton to wait out.
      expect(await total(page)).toBeGreaterThan(0);
      expect((await rows(page)).length).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('drills overview KPI → channel → employee → customer list → customer 360 by clicking, and back', async () => {
    const { page, errors } = await open('exec');
    await page.goto(`${ctx.stack.url}/?range=last_90_days`);
    await page.click('[data-testid="kpi-roi"] [data-testid="kpi-breakdown"]');
    await page.waitForURL(/\/channels\?range=last_90_days/);

    // The first channel of the table, then its first credited employee.
    const channelLink = page.locator('[data-testid="table-channels"] [data-testid="channel-row"] a').first();
    const channel = (await channelLink.textContent())!;
    await channelLink.click();
    await page.waitForURL((u) => u.searchParams.get('channel') === channel);
    const employeeRow = page.locator('[data-testid="table-employees"] [data-testid="employee-row"]').first();
    await employeeRow.waitFor({ timeout: 60_000 });
    const employee = (await employeeRow.locator('td').first().textContent())!;
    const employeeGmv = num(await employeeRow.locator('td').nth(2).textContent());
    await employeeRow.locator('td').first().locator('a').click();
    await page.waitForURL(/\/customers\?/);
    expect(new URL(page.url()).searchParams.get('employee')).toBe(employee);

    // The list: the customers behind that employee's attributed GMV in the channel; parts add up.
    const n = await total(page);
    const listed = await rows(page);
    expect(listed.length).toBe(n);
    let sum = 0;
    for (const row of listed) sum += num(await (await row.$('[data-testid="part"]'))!.textContent());
    expect(sum).toBeCloseTo(employeeGmv, 2);
    const [sql] = await ctx.db.sql<{ gmv: string; buyers: number }[]>`
      SELECT coalesce(sum(o.amount), 0)::text AS gmv, count(DISTINCT o.customer_id)::int AS buyers
      FROM siyu.orders o JOIN siyu.channels ch ON ch.id = o.channel_id JOIN siyu.employees e ON e.id = o.employee_id
      WHERE o.status = 'paid' AND o.campaign_id IS NOT NULL AND ch.name = ${channel} AND e.name = ${employee}
        AND (o.ordered_at AT TIME ZONE ${TZ})::date BETWEEN ${LAST_90[0]}::date AND ${LAST_90[1]}::date`;
    expect(sum).toBeCloseTo(Number(sql!.gmv), 2);
    expect(n).toBe(sql!.buyers);
    expect(await page.textContent('[data-testid="drill-row"] [data-testid="owner"]')).toMatch(/\S/);
    expect(await page.textContent('[data-testid="breadcrumbs"]')).toContain(channel);
    await shot(page, 'customers');

    // One customer's 360.
    const customerName = (await page.locator('[data-testid="customer-link"]').first().textContent())!;
    await page.locator('[data-testid="customer-link"]').first().click();
    await page.waitForURL(/\/customers\/\d+/);
    await expect.poll(() => page.textContent('[data-testid="customer-name"]').catch(() => ''), { timeout: 60_000 }).toContain(customerName);
    await page.waitForSelector('[data-testid="timeline-item"][data-kind="order"]', { timeout: 60_000 });
    expect(await page.textContent('[data-testid="c360-owner"] [data-testid="owner"]')).toMatch(/\S/);
    await shot(page, 'customer-360');

    // The browser's back button returns to the same list.
    await page.goBack();
    await page.waitForURL((u) => u.pathname === '/customers' && u.searchParams.get('employee') === employee);
    expect(await total(page)).toBe(n);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a count: the new customers list holds as many customers as the KPI says, and as SQL counts', async () => {
    const { page, errors } = await open('exec');
    await page.goto(`${ctx.stack.url}/?range=last_30_days`);
    const value = page.locator('[data-testid="kpi-new_customers"] [data-testid="kpi-value"]');
    await value.waitFor({ timeout: 60_000 });
    const kpi = num(await value.textContent());
    await value.click();
    await page.waitForURL(/metric=new_customers/);
    const n = await total(page);
    const [sql] = await ctx.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM siyu.customers
      WHERE (registered_at AT TIME ZONE ${TZ})::date BETWEEN ${LAST_30[0]}::date AND ${LAST_30[1]}::date`;
    expect(n).toBe(kpi);
    expect(n).toBe(sql!.n);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a sum: the GMV list parts add up to the GMV KPI and to SQL', async () => {
    const { page, errors } = await open('exec');
    await page.goto(`${ctx.stack.url}/?range=last_30_days`);
    const value = page.locator('[data-testid="kpi-gmv"] [data-testid="kpi-value"]');
    await value.waitFor({ timeout: 60_000 });
    const kpi = num(await value.textContent());
    await value.click();
    await page.waitForURL(/metric=gmv/);
    await page.goto(`${page.url()}&size=1000`);
    const n = await total(page);
    const listed = await rows(page);
    expect(listed.length).toBe(n);
    let sum = 0;
    for (const row of listed) sum += num(await (await row.$('[data-testid="part"]'))!.textContent());
    const [sql] = await ctx.db.sql<{ gmv: string; buyers: number }[]>`
      SELECT sum(amount)::text AS gmv, count(DISTINCT customer_id)::int AS buyers FROM siyu.orders
      WHERE status = 'paid' AND (ordered_at AT TIME ZONE ${TZ})::date BETWEEN ${LAST_30[0]}::date AND ${LAST_30[1]}::date`;
    expect(sum).toBeCloseTo(kpi, 2);
    expect(sum).toBeCloseTo(Number(sql!.gmv), 2);
    expect(n).toBe(sql!.buyers);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a ratio: the repurchase list opens on the repeat buyers, switches to all buyers, and the flagged ones recount the rate', async () => {
    const { page, errors } = await open('exec');
    await page.goto(`${ctx.stack.url}/?range=last_90_days`);
    const value = page.locator('[data-testid="kpi-repurchase_rate"] [data-testid="kpi-value"]');
    await value.waitFor({ timeout: 60_000 });
    const kpi = num(await value.textContent());
    await value.click();
    await page.waitForURL(/metric=repurchase_rate/);
    await page.goto(`${page.url()}&size=1000`);
    const repeatBuyers = await total(page);
    // The total comes from the tile's own period row and can be on screen before the rows and their attributes.
    await rows(page);
    expect(new Set(await page.$$eval('[data-testid="drill-row"] [data-testid="in-numerator"]', (cells) => cells.map((c) => c.textContent)))).toEqual(new Set(['是']));
    await page.click('[data-testid="show-all"]');
    await page.waitForURL((u) => u.searchParams.get('show') === 'all');
    await page.waitForFunction((before) => document.querySelector('[data-testid="drill-total"]')?.getAttribute('data-total') !== String(before), repeatBuyers, { timeout: 60_000 });
    const n = await total(page);
    const listed = await rows(page);
    expect(listed.length).toBe(n);
    const flags = await page.$$eval('[data-testid="drill-row"] [data-testid="in-numerator"]', (cells) => cells.map((c) => c.textContent));
    const repeaters = flags.filter((f) => f === '是').length;
    expect(flags.length).toBe(n);
    expect((repeaters / n) * 100).toBeCloseTo(kpi, 1);
    const [sql] = await ctx.db.sql<{ buyers: number; repeaters: number }[]>`
      SELECT count(*)::int AS buyers, count(*) FILTER (WHERE orders >= 2)::int AS repeaters FROM (
        SELECT customer_id, count(*) AS orders FROM siyu.orders
        WHERE status = 'paid' AND (ordered_at AT TIME ZONE ${TZ})::date BETWEEN ${LAST_90[0]}::date AND ${LAST_90[1]}::date
        GROUP BY customer_id) AS b`;
    expect(n).toBe(sql!.buyers);
    expect(repeaters).toBe(sql!.repeaters);
    expect(repeatBuyers).toBe(sql!.repeaters);
    expect(await page.getAttribute('[data-testid="drill-ratio-counts"]', 'data-numerator')).toBe(String(sql!.repeaters));
    expect(await page.getAttribute('[data-testid="drill-ratio-counts"]', 'data-denominator')).toBe(String(sql!.buyers));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a segment cell: the list holds exactly the customers the cell counts', async () => {
    const { page, errors } = await open('exec');
    await page.goto(`${ctx.stack.url}/segments`);
    const cell = page.locator('[data-testid="segment-cell"][data-segment="rfm_segment"][data-value="重要价值"]');
    await cell.waitFor({ timeout: 60_000 });
    const count = Number(await cell.getAttribute('data-count'));
    await cell.click();
    await page.waitForURL(/metric=segment/);
    expect(await total(page)).toBe(count);
    expect(count).toBeGreaterThan(0);
    // And a value-quadrant cell, straight from the matrix.
    await page.goBack();
    const koc = page.locator('[data-testid="chart-value-quadrant"] [data-testid="segment-cell"][data-value="koc"]');
    await koc.waitFor({ timeout: 60_000 });
    const kocCount = Number(await koc.getAttribute('data-count'));
    await koc.click();
    await page.waitForURL(/value=koc/);
    expect(await total(page)).toBe(kocCount);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a journey flow: clicking a Sankey flow opens exactly the customers who moved, with their owners', async () => {
    const { page, errors } = await open('exec');
    await page.goto(`${ctx.stack.url}/segments`);
    await page.waitForSelector('[data-testid="chart-journey"] canvas', { timeout: 60_000 });
    const cells = await page.$$eval('[data-testid="journey-cell"]', (els) => els.map((e) => ({
      from: e.getAttribute('data-from')!, to: e.getAttribute('data-to')!, count: Number(e.getAttribute('data-count')),
    })));
    // The biggest move between two different stages.
    const move = cells.filter((c) => c.from !== c.to).sort((a, b) => b.count - a.count)[0]!;
    expect(move.count).toBeGreaterThan(0);
    await page.locator('[data-testid="chart-journey"] canvas').scrollIntoViewIfNeeded();
    // The middle of that flow's band on the canvas, from the chart's own layout.
    const point = await page.evaluate(({ from, to }) => {
      const box = document.querySelector('[data-testid="chart-journey"] .echart') as HTMLElement & { echartsInstance?: any };
      const chart = box.echartsInstance;
      const series = chart.getModel().getSeriesByIndex(0);
      const graph = series.getGraph();
      let edge: any;
      graph.eachEdge((e: any) => {
        if (e.node1.id === `from:${from}` && e.node2.id === `to:${to}`) edge = e;
      });
      const a = edge.node1.getLayout();
      const b = edge.node2.getLayout();
      const l = edge.getLayout();
      const rect = chart.getDom().getBoundingClientRect();
      const view = series.layoutInfo;
      return {
        x: rect.left + view.x + (a.x + a.dx + b.x) / 2,
        y: rect.top + view.y + (a.y + l.sy + b.y + l.ty + l.dy) / 2,
      };
    }, move);
    await page.mouse.click(point.x, point.y);
    await page.waitForURL(/metric=journey/);
    const url = new URL(page.url());
    expect([url.searchParams.get('from_stage'), url.searchParams.get('to_stage')]).toEqual([move.from, move.to]);
    expect(await total(page)).toBe(move.count);
    // Each mover is listed with an owner column (the owner's name where the customer has one).
    const owners = await page.$$eval('[data-testid="drill-row"] [data-testid="owner"]', (els) => els.length);
    expect(owners).toBe(Math.min(move.count, 50));
    await shot(page, 'journey-movers');
    // A matrix cell opens the same list.
    await page.goBack();
    const cell = page.locator(`[data-testid="journey-cell"][data-from="${move.from}"][data-to="${move.to}"]`);
    await cell.waitFor({ timeout: 60_000 });
    await cell.click();
    await page.waitForURL(/metric=journey/);
    expect(await total(page)).toBe(move.count);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a staff drill: team → employee page → owned customers, the list as long as the number', async () => {
    const { page, errors } = await open('manager');
    // The manager lands on the own team: the team is put in the URL.
    await page.goto(`${ctx.stack.url}/staff?range=all`);
    await page.waitForURL(/team=/);
    expect(await page.$('[data-testid="table-teams"]')).toBeNull();
    const employee = page.locator('[data-testid="table-staff"] [data-testid="employee-row"] a').first();
    await employee.waitFor({ timeout: 60_000 });
    await shot(page, 'staff-team');
    await employee.click();
    await page.waitForURL(/employee=\d+/);
    const owned = page.locator('[data-testid="kpi-owned_customers"] [data-testid="kpi-value"]');
    await owned.waitFor({ timeout: 60_000 });
    await noSkeletons(page);
    await shot(page, 'staff-employee');
    const kpi = num(await owned.textContent());
    const employeeId = Number(new URL(page.url()).searchParams.get('employee'));
    await owned.click();
    await page.waitForURL(/metric=owned_customers/);
    const n = await total(page);
    const [sql] = await ctx.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.customers WHERE owner_employee_id = ${employeeId}`;
    expect(n).toBe(kpi);
    expect(n).toBe(sql!.n);
    await shot(page, 'staff-drill');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('narrower scopes show fewer rows: staff < manager < executive', async () => {
    const counts: Record<string, number> = {};
    for (const username of ['exec', 'manager', 'staff']) {
      const { page } = await open(username);
      await page.goto(`${ctx.stack.url}/customers?metric=customers`);
      counts[username] = await total(page);
      await page.close();
    }
    const [sql] = await ctx.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.customers`;
    expect(counts.exec).toBe(sql!.n);
    expect(counts.manager).toBeGreaterThan(0);
    expect(counts.manager).toBeLessThan(counts.exec!);
    expect(counts.staff).toBeGreaterThan(0);
    expect(counts.staff).toBeLessThan(counts.manager!);
  });

  it('exports the whole list as CSV, not just the page', async () => {
    const { page } = await open('exec');
    await page.goto(`${ctx.stack.url}/customers?metric=new_customers&range=last_90_days&size=20`);
    const n = await total(page);
    // The button posts a form with the session's token; the answer is a download, the page stays.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('[data-testid="export-csv"]')]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    expect(page.url()).toContain('/customers?');
    const body = await readFile((await download.path())!);
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [comment, ...lines] = body.subarray(3).toString('utf8').split(/\r?\n/).filter((l) => l !== '');
    expect(comment).toMatch(/^# 指标: .*数据日期: \d{4}-\d{2}-\d{2}$/);
    expect(download.suggestedFilename()).toMatch(/_asof-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(lines[0]).toContain('客户姓名');
    expect(lines.length - 1).toBe(n);
    expect(n).toBeGreaterThan(20);
    expect(body.toString('utf8')).not.toMatch(/1[3-9]\d{9}/);
    await page.close();
  });
});
