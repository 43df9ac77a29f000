/**
 * A staff member's day on a phone, in a real Chromium against the real
 * server, Cube and PostgreSQL: log in and land on today's list, reveal the
 * number of the first customer, record the call, and see the customer leave
 * the list and the follow-up written once.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { one } from '../helpers/database.ts';
import { openLoggedIn, SCREENSHOTS_DIR, useBrowser } from '../helpers/browser.ts';
import { useTestStack } from '../helpers/stack.ts';

describe("today's list on a phone", () => {
  const ctx = useTestStack('today', { demoCustomers: 1500 });
  const chromium = useBrowser();

  it('staff land on today\'s list at 390×844, reveal a number, record the call, and the customer leaves the list', async () => {
    const { page, errors } = await openLoggedIn(chromium.browser, ctx.stack.url, 'staff', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    // The start page: login without a destination lands staff on today's list.
    expect(new URL(page.url()).pathname).toBe('/actions');
    await page.waitForSelector('[data-testid="today-row"]', { timeout: 60_000 });
    const { employee_id: staffId } = one(await ctx.db.sql<{ employee_id: number }[]>`SELECT employee_id FROM siyu.accounts WHERE username = 'staff'`);

    // No sideways scroll of the page on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const total = Number(await page.getAttribute('[data-testid="today-total"]', 'data-total'));
    expect(total).toBe((await page.$$('[data-testid="today-row"]')).length);

    const first = page.locator('[data-testid="today-row"]').first();
    const customer = Number(await first.getAttribute('data-customer'));
    const { phone, owner } = one(await ctx.db.sql<{ phone: string; owner: number }[]>`
      SELECT phone, owner_employee_id AS owner FROM siyu.customers WHERE id = ${customer}`);
    expect(owner).toBe(staffId);
    expect(await first.locator('[data-testid="masked-phone"]').textContent()).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    expect(await first.textContent()).toMatch(/建议：/);
    const reveal = first.locator('[data-testid="reveal-phone"]');
    expect((await reveal.boundingBox())!.height).toBeGreaterThanOrEqual(40);
    await reveal.click();
    await first.locator('[data-testid="full-phone"]').waitFor({ timeout: 30_000 });
    expect(await first.locator('[data-testid="full-phone"]').textContent()).toBe(phone);
    expect(await first.locator('[data-testid="full-phone"]').getAttribute('href')).toBe(`tel:${phone}`);
    const audit = await ctx.db.sql`SELECT username, customer_id FROM siyu.audit_log WHERE action = 'reveal_phone'`;
    expect(audit).toEqual([{ username: 'staff', customer_id: customer }]);

    await first.locator('[data-testid="record-contact"]').click();
    await first.locator('[data-testid="channel-call"]').click();
    await first.locator('[data-testid="contact-outcome"]').selectOption('booked');
    await first.locator('[data-testid="contact-note"]').fill('周六下午到店');
    await page.screenshot({ path: path.join(SCREENSHOTS_DIR, 'today-mobile.png') });
    // A double click on save: one follow-up.
    await first.locator('[data-testid="contact-save"]').dblclick();
    await page.waitForSelector(`[data-testid="today-row"][data-customer="${customer}"]`, { state: 'detached', timeout: 30_000 });
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="today-total"]')?.getAttribute('data-total')) === n, total - 1, { timeout: 30_000 });
    const written = await ctx.db.sql`
      SELECT employee_id, kind, outcome, note, recorded_by FROM siyu.follow_ups WHERE customer_id = ${customer} AND recorded_by IS NOT NULL`;
    expect(written).toEqual([{ employee_id: staffId, kind: 'call', outcome: 'booked', note: '周六下午到店', recorded_by: 'staff' }]);

    // After a reload the customer stays off the list: the server excludes whoever was contacted today.
    await page.reload();
    await page.waitForSelector('[data-testid="today-row"]', { timeout: 60_000 });
    expect(await page.$(`[data-testid="today-row"][data-customer="${customer}"]`)).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows a manager the team's list with the backlog per owner, and no reveal or record buttons", async () => {
    const { page, errors } = await openLoggedIn(chromium.browser, ctx.stack.url, 'manager', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.goto(`${ctx.stack.url}/actions`);
    await page.waitForSelector('[data-testid="today-row"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="today-backlog"] li');
    expect(await page.$('[data-testid="reveal-phone"]')).toBeNull();
    expect(await page.$('[data-testid="record-contact"]')).toBeNull();
    const backlog = await page.$$eval('[data-testid="today-backlog"] li span', (els) => els.map((e) => Number((e.textContent ?? '').replace(/,/g, ''))));
    expect(backlog.reduce((s, n) => s + n, 0)).toBe((await page.$$('[data-testid="today-row"]')).length);
    expect(errors).toEqual([]);
    await page.close();
  });
});
