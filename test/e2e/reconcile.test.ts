/**
 * Numbers that agree, in a real Chromium: every overview tile applies each
 * filter or says it does not; a manager's and a staff member's drill lists add
 * up to their tiles (other owners' customers as one anonymised row, checked
 * against plain SQL); ratio lists count both populations; the employee card
 * reads the team table's numbers.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openLoggedIn, SCREENSHOTS_DIR, useBrowser } from '../helpers/browser.ts';
import { PROFILE_SQL } from '../helpers/independent-sql.ts';
import { useTestStack } from '../helpers/stack.ts';

const TZ = 'Asia/Shanghai';
const LAST_90: [string, string] = ['2026-08-23', '2026-11-20'];
const TILES = ['gmv', 'buyers', 'spend_per_buyer', 'new_customers', 'repurchase_rate', 'churn_rate', 'ltv', 'roi'];

/** "¥1,234.56" or "1,234" or "12.5%" → number; "—" → null. */
const num = (text: string | null | undefined): number | null => {
  const t = (text ?? '').replace(/[¥,%\s]/g, '');
  return t === '' || t === '—' ? null : Number(t);
};

describe('numbers that agree, in Chromium', () => {
  const ctx = useTestStack('reconcile', { demoCustomers: 2000 });
  const chromium = useBrowser();
  const open = (username: string) => openLoggedIn(chromium.browser, ctx.stack.url, username);

  const noSkeletons = async (page: Page) => {
    await page.waitForFunction(() => document.querySelectorAll('.skeleton').length === 0, undefined, { timeout: 60_000 });
  };
  const tiles = async (page: Page, query: string) => {
    await page.goto(`${ctx.stack.url}/?${query}`);
    await noSkeletons(page);
    const out: Record<string, { value: string; note: string | null }> = {};
    for (const id of TILES) {
      const tile = page.locator(`[data-testid="kpi-${id}"]`);
      const note = tile.locator('[data-testid="filter-note"]');
      out[id] = { value: (await tile.locator('[data-testid="kpi-value"]').textContent())!, note: (await note.count()) > 0 ? await note.textContent() : null };
    }
    return out;
  };
  /** The list's total once the anonymised part is known too. */
  const total = async (page: Page): Promise<{ total: number; anonymous: number }> => {
    await page.waitForSelector('[data-testid="drill-total"][data-total]:not([data-total=""])', { timeout: 60_000 });
    await noSkeletons(page);
    return {
      total: Number(await page.getAttribute('[data-testid="drill-total"]', 'data-total')),
      anonymous: Number(await page.getAttribute('[data-testid="drill-total"]', 'data-anonymous')),
    };
  };
  const scopeOf = async (username: string) => {
    const [a] = await ctx.db.sql<{ employee_id: number; team_id: number; team: string }[]>`
      SELECT a.employee_id, e.team_id, t.name AS team FROM siyu.accounts a
      JOIN siyu.employees e ON e.id = a.employee_id JOIN siyu.teams t ON t.id = e.team_id WHERE a.username = ${username}`;
    return a!;
  };

  it('with each filter on, every overview tile changes or says on the tile that it does not apply it', async () => {
    const [team] = await ctx.db.sql<{ name: string }[]>`SELECT name FROM siyu.teams ORDER BY id LIMIT 1`;
    const [channel] = await ctx.db.sql<{ name: string }[]>`
      SELECT ch.name FROM siyu.orders o JOIN siyu.channels ch ON ch.id = o.channel_id GROUP BY ch.name ORDER BY count(*) DESC LIMIT 1`;
    const [campaign] = await ctx.db.sql<{ name: string }[]>`
      SELECT c.name FROM siyu.orders o JOIN siyu.campaigns c ON c.id = o.campaign_id
      WHERE (o.ordered_at AT TIME ZONE ${TZ})::date BETWEEN ${LAST_90[0]}::date AND ${LAST_90[1]}::date
      GROUP BY c.name ORDER BY count(*) DESC LIMIT 1`;
    const { page, errors } = await open('exec');
    const base = await tiles(page, 'range=last_90_days');
    for (const id of TILES) expect(base[id]!.value, id).toMatch(/\d/);
    const variants: Array<[string, string]> = [
      ['range', 'range=last_30_days'],
      ['team', `range=last_90_days&team=${encodeURIComponent(team!.name)}`],
      ['channel', `range=last_90_days&channel=${encodeURIComponent(channel!.name)}`],
      ['campaign', `range=last_90_days&campaign=${encodeURIComponent(campaign!.name)}`],
    ];
    const notes: Record<string, string[]> = {};
    const seen: Record<string, Record<string, { value: string; note: string | null }>> = {};
    for (const [filter, query] of variants) {
      const now = await tiles(page, query);
      seen[filter] = now;
      notes[filter] = [];
      for (const id of TILES) {
        const changed = now[id]!.value !== base[id]!.value;
        if (now[id]!.note) notes[filter]!.push(id);
        expect(changed || now[id]!.note !== null, `${id} with ${filter}: ${base[id]!.value} → ${now[id]!.value}, no note`).toBe(true);
      }
    }
    // Only the as-of numbers carry a note (they ignore the range); every other filter is applied.
    for (const filter of ['range', 'team', 'channel', 'campaign']) expect(notes[filter], filter).toEqual(['churn_rate', 'ltv']);
    expect(await page.textContent('[data-testid="kpi-churn_rate"] [data-testid="filter-note"]')).toBe('截至数据日，不受时间范围筛选影响');

    // The campaign's customer numbers, by independent SQL: its participants (new in the range, churn, LTV), its orders (repurchase).
    await ctx.db.sql.unsafe('CREATE SCHEMA IF NOT EXISTS test_expect');
    await ctx.db.sql.unsafe('DROP TABLE IF EXISTS test_expect.profile');
    await ctx.db.sql.unsafe(PROFILE_SQL);
    const [expected] = await ctx.db.sql<{ new_customers: number; churn: string; ltv: string; repurchase: string }[]>`
      WITH took_part AS (
        SELECT DISTINCT cp.customer_id FROM siyu.campaign_participations cp JOIN siyu.campaigns c ON c.id = cp.campaign_id WHERE c.name = ${campaign!.name}
      ), per_buyer AS (
        SELECT o.customer_id, count(*) AS n FROM siyu.orders o JOIN siyu.campaigns c ON c.id = o.campaign_id
        WHERE o.status = 'paid' AND c.name = ${campaign!.name}
          AND (o.ordered_at AT TIME ZONE ${TZ})::date BETWEEN ${LAST_90[0]}::date AND ${LAST_90[1]}::date
        GROUP BY 1
      )
      SELECT
        (SELECT count(*)::int FROM siyu.customers c JOIN took_part t ON t.customer_id = c.id
          WHERE (c.registered_at AT TIME ZONE ${TZ})::date BETWEEN ${LAST_90[0]}::date AND ${LAST_90[1]}::date) AS new_customers,
        (SELECT (count(*) FILTER (WHERE p.f > 0 AND p.r > 120)::numeric / NULLIF(count(*) FILTER (WHERE p.f > 0), 0))::text
          FROM test_expect.profile p JOIN took_part t ON t.customer_id = p.id) AS churn,
        (SELECT (sum(p.m) / NULLIF(count(*) FILTER (WHERE p.f > 0), 0))::text FROM test_expect.profile p JOIN took_part t ON t.customer_id = p.id) AS ltv,
        (SELECT avg(CASE WHEN n >= 2 THEN 1.0 ELSE 0.0 END)::text FROM per_buyer) AS repurchase`;
    const shown = seen.campaign!;
    expect(num(shown.new_customers!.value)).toBe(expected!.new_customers);
    expect(num(shown.churn_rate!.value)).toBeCloseTo(Number(expected!.churn) * 100, 1);
    expect(num(shown.ltv!.value)).toBeCloseTo(Number(expected!.ltv), 2);
    expect(num(shown.repurchase_rate!.value)).toBeCloseTo(Number(expected!.repurchase) * 100, 1);

    // An as-of drill: no date control to look active, and the note says why.
    await page.goto(`${ctx.stack.url}/customers?metric=churn_rate&range=last_90_days&campaign=${encodeURIComponent(campaign!.name)}`);
    await total(page);
    expect(await page.textContent('[data-testid="filter-note"]')).toBe('截至数据日，不受时间范围筛选影响');
    expect(await page.locator('[data-testid="filter-bar"] [role="radiogroup"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('as manager and as staff, a count list totals its tile and a sum list adds up to it, others\' customers anonymised', async () => {
    for (const username of ['manager', 'staff'] as const) {
      const scope = await scopeOf(username);
      const { page, errors } = await open(username);
      const tile = await tiles(page, 'range=last_90_days');
      const buyers = num(tile.buyers!.value)!;
      const gmv = num(tile.gmv!.value)!;

      // Independent SQL: buyers of the orders credited to the scope, and those the scope does not own.
      const credited = username === 'staff' ? ctx.db.sql`o.employee_id = ${scope.employee_id}` : ctx.db.sql`e.team_id = ${scope.team_id}`;
      const owns = username === 'staff' ? ctx.db.sql`c.owner_employee_id = ${scope.employee_id}` : ctx.db.sql`coalesce(oe.team_id, -1) = ${scope.team_id}`;
      const [sql] = await ctx.db.sql<{ buyers: number; others: number; gmv: string; others_gmv: string }[]>`
        SELECT count(DISTINCT o.customer_id)::int AS buyers,
               count(DISTINCT o.customer_id) FILTER (WHERE NOT (${owns}))::int AS others,
               sum(o.amount)::text AS gmv,
               coalesce(sum(o.amount) FILTER (WHERE NOT (${owns})), 0)::text AS others_gmv
        FROM siyu.orders o JOIN siyu.employees e ON e.id = o.employee_id JOIN siyu.customers c ON c.id = o.customer_id
        LEFT JOIN siyu.employees oe ON oe.id = c.owner_employee_id
        WHERE o.status = 'paid' AND ${credited}
          AND (o.ordered_at AT TIME ZONE ${TZ})::date BETWEEN ${LAST_90[0]}::date AND ${LAST_90[1]}::date`;
      expect(buyers).toBe(sql!.buyers);
      expect(gmv).toBeCloseTo(Number(sql!.gmv), 2);
      if (username === 'manager') expect(sql!.others).toBeGreaterThan(0);

      // Count: the list's total (named + anonymised) is the tile.
      await page.click('[data-testid="kpi-buyers"] [data-testid="kpi-drill"]');
      await page.waitForURL(/\/customers\?.*metric=buyers/);
      const count = await total(page);
      expect(count.total, `${username} buyers`).toBe(buyers);
      expect(count.anonymous).toBe(sql!.others);
      if (sql!.others > 0) {
        expect(await page.textContent('[data-testid="drill-anonymous-count"]')).toContain(username === 'staff' ? '其他员工的客户' : '其他团队的客户');
      }

      // Sum: every row's part, the anonymised row's too, adds up to the tile.
      await page.goto(`${ctx.stack.url}/customers?metric=gmv&range=last_90_days&via=overview&size=1000`);
      const sum = await total(page);
      expect(sum.total).toBe(buyers);
      const named = await page.$$eval('[data-testid="drill-row"] [data-testid="part"]', (cells) => cells.map((c) => c.textContent));
      expect(named.length).toBe(sum.total - sum.anonymous);
      let parts = named.reduce((s, c) => s + num(c)!, 0);
      const anonymous = page.locator('[data-testid="drill-row-anonymous"]');
      expect(await anonymous.count()).toBe(sql!.others > 0 ? 1 : 0);
      if (sql!.others > 0) {
        const anonymousPart = num(await anonymous.locator('[data-testid="part"]').textContent())!;
        expect(anonymousPart).toBeCloseTo(Number(sql!.others_gmv), 2);
        parts += anonymousPart;
        // No name, phone, owner or attribute on the anonymised row.
        expect(await anonymous.locator('[data-testid="customer-link"]').count()).toBe(0);
        expect(await anonymous.locator('[data-testid="owner"]').textContent()).toBe('—');
        expect(await anonymous.locator('td').nth(1).textContent()).toBe('—');
      }
      expect(parts).toBeCloseTo(gmv, 2);
      if (username === 'manager') {
        // The README's picture: the header's counts and the last page, which the anonymised row closes.
        const last = Math.ceil((sum.total - sum.anonymous) / 20);
        await page.goto(`${ctx.stack.url}/customers?metric=gmv&range=last_90_days&via=overview&size=20&page=${last}`);
        await page.waitForSelector('[data-testid="drill-row-anonymous"]', { timeout: 60_000 });
        await noSkeletons(page);
        await page.evaluate(() => document.fonts.ready);
        await page.screenshot({ path: path.join(SCREENSHOTS_DIR, 'anonymised-row.png'), fullPage: true, timeout: 90_000 });
        await page.getByRole('button', { name: 'English' }).click();
        await expect.poll(() => page.textContent('[data-testid="anonymous-label"]')).toMatch(/^Customers of other teams \(\d+, identities hidden\)$/);
        expect(await page.textContent('[data-testid="drill-anonymous-count"]')).toMatch(/\d+ of them: Customers of other teams/);
      }
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('as exec, a custom range\'s GMV list (the paid days\' running amounts) totals its tile and adds up to it, ranked as SQL ranks', async () => {
    const range: [string, string] = ['2026-08-01', '2026-10-31'];
    const { page, errors } = await open('exec');
    const tile = await tiles(page, `from=${range[0]}&to=${range[1]}`);
    const [sql] = await ctx.db.sql<{ buyers: number; gmv: string; top: string[] }[]>`
      WITH per AS (
        SELECT o.customer_id, sum(o.amount) AS gmv FROM siyu.orders o
        WHERE o.status = 'paid' AND (o.ordered_at AT TIME ZONE ${TZ})::date BETWEEN ${range[0]}::date AND ${range[1]}::date
        GROUP BY 1)
      SELECT count(*)::int AS buyers, sum(gmv)::text AS gmv,
             (SELECT array_agg(g::text ORDER BY g DESC) FROM (SELECT gmv AS g FROM per ORDER BY gmv DESC, customer_id LIMIT 5) t) AS top
      FROM per`;
    expect(num(tile.buyers!.value)).toBe(sql!.buyers);
    await page.goto(`${ctx.stack.url}/customers?metric=gmv&from=${range[0]}&to=${range[1]}&via=overview&size=1000`);
    const sum = await total(page);
    expect(sum).toEqual({ total: sql!.buyers, anonymous: 0 });
    const parts = (await page.$$eval('[data-testid="drill-row"] [data-testid="part"]', (cells) => cells.map((c) => c.textContent))).map((c) => num(c)!);
    expect(parts.length).toBe(sql!.buyers);
    expect(parts.reduce((a, b) => a + b, 0)).toBeCloseTo(Number(sql!.gmv), 2);
    expect(parts.slice(0, 5)).toEqual(sql!.top.map(Number));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a ratio list opens on its numerator, switches to the denominator, and both counts recount the ratio', async () => {
    const { page, errors } = await open('exec');
    await page.goto(`${ctx.stack.url}/customers?metric=churn_rate&via=overview`);
    const numerator = await total(page);
    const counts = page.locator('[data-testid="drill-ratio-counts"]');
    await page.waitForSelector('[data-testid="drill-ratio-counts"]:not([data-denominator=""]):not([data-numerator=""])', { timeout: 60_000 });
    const n = Number(await counts.getAttribute('data-numerator'));
    const d = Number(await counts.getAttribute('data-denominator'));
    expect(numerator.total).toBe(n);
    const rate = Number(await page.getAttribute('[data-testid="drill-ratio"]', 'data-value'));
    expect(n / d).toBeCloseTo(rate, 4);
    // Every listed customer is in the numerator.
    const flags = await page.$$eval('[data-testid="drill-row"] [data-testid="in-numerator"]', (cells) => cells.map((c) => c.textContent));
    expect(new Set(flags)).toEqual(new Set(['是']));
    await page.click('[data-testid="show-all"]');
    await page.waitForURL((u) => u.searchParams.get('show') === 'all');
    await page.waitForFunction((want) => document.querySelector('[data-testid="drill-total"]')?.getAttribute('data-total') === String(want), d, { timeout: 60_000 });
    // Independent SQL: churned = last paid order more than the threshold before as-of, among customers who bought.
    const [sql] = await ctx.db.sql<{ buyers: number }[]>`SELECT count(DISTINCT customer_id)::int AS buyers FROM siyu.orders
      WHERE status = 'paid' AND (ordered_at AT TIME ZONE ${TZ})::date <= (SELECT value FROM siyu.settings WHERE key = 'as_of')::date`;
    expect(d).toBe(sql!.buyers);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the employee card reads the team table: the same value, the average of its rows and the rank among them', async () => {
    const scope = await scopeOf('manager');
    const { page, errors } = await open('manager');
    // A range, and all time (no range at all, on the table and on the card alike).
    for (const range of ['last_90_days', 'all']) {
      await page.goto(`${ctx.stack.url}/staff?range=${range}&team=${encodeURIComponent(scope.team)}`);
      await page.waitForSelector('[data-testid="table-staff"] [data-testid="employee-row"]', { timeout: 60_000 });
      await noSkeletons(page);
      const table = await page.$$eval('[data-testid="table-staff"] [data-testid="employee-row"]', (rows) => rows.map((r) => ({
        href: r.querySelector('a')!.getAttribute('href')!,
        cells: [...r.querySelectorAll('td')].map((td) => td.textContent),
      })));
      expect(table.length).toBeGreaterThan(1);
      // 转化率 is converted in the range over the customers owned now: never above 100 %.
      for (const row of table) expect(num(row.cells[6]) ?? 0, row.cells[1]!).toBeLessThanOrEqual(100);
      // Table column → card tile: GMV, 客单价, 名下客户, 转化用户, 转化率, 跟进, 到店率.
      const columns: Array<[number, string, number]> = [
        [2, 'gmv', 0.01], [3, 'spend_per_buyer', 0.01], [4, 'owned_customers', 0.5], [5, 'converted_customers', 0.5],
        [6, 'conversion_rate', 0.1], [7, 'follow_ups', 0.5], [8, 'arrival_rate', 0.1],
      ];
      for (const row of table.slice(0, 3)) {
        const employee = new URL(row.href, ctx.stack.url).searchParams.get('employee');
        const [book] = await ctx.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.customers WHERE owner_employee_id = ${Number(employee)}`;
        expect(num(row.cells[4]), `${employee} owned`).toBe(book!.n);
        const asked: string[] = [];
        const listen = (request: { url(): string; postData(): string | null }): void => {
          if (request.url().includes('/cubejs-api/v1/load')) asked.push(decodeURIComponent(request.url()) + (request.postData() ?? ''));
        };
        page.on('request', listen);
        await page.goto(`${ctx.stack.url}/staff?range=${range}&team=${encodeURIComponent(scope.team)}&employee=${employee}`);
        await page.waitForSelector('[data-testid="employee-detail"] .kpi-changes', { timeout: 60_000 });
        await noSkeletons(page);
        page.off('request', listen);
        // The card's numbers are the peer comparison's answer (the same as its averages): the
        // employee's own sales, ROI, new, owned and converted customers are not asked of Cube as well.
        const own = asked.filter((q) => /(sales_buyers|sales_range)\.gmv|channel_roi\.roi|(customer_insights|customer_registrations)\.new_customers|staff_owned\.owned_customers|(staff_converted|converted_periods)\.converted_customers/.test(q)
          && q.includes(`"values":["${employee}"]`));
        expect(own, `${employee}: the card's own queries`).toEqual([]);
        for (const [index, id, tolerance] of columns) {
          const tile = page.locator(`[data-testid="employee-detail"] [data-testid="kpi-${id}"]`);
          const value = num(await tile.locator('[data-testid="kpi-value"]').textContent());
          expect(value, `${employee} ${id}`).toBe(num(row.cells[index]));
          const note = (await tile.locator('.kpi-changes').first().textContent())!;
          const [averageText, rankText] = note.split('·');
          const column = table.map((r) => num(r.cells[index])).filter((v): v is number => v !== null);
          if (column.length === 0) continue;
          const mean = column.reduce((s, v) => s + v, 0) / column.length;
          // The card's average is exact; the table's cells are rounded for display.
          expect(Math.abs(num(averageText!.replace(/^[^\d¥—-]*/, ''))! - mean), `${employee} ${id} average`).toBeLessThanOrEqual(tolerance);
          const [rank, size] = (rankText!.match(/\d+/g) ?? []).map(Number);
          expect(size).toBe(table.length);
          if (value !== null) expect(rank, `${employee} ${id} rank`).toBe(1 + column.filter((v) => v > value + tolerance / 2).length);
        }
      }
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
