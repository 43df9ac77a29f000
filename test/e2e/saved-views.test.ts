/**
 * Saved views in a real Chromium against the real stack: a manager saves the
 * customer list with its filters from the menu, finds it on /views and copies
 * its share link; a staff member following the link lands on the same page
 * and filters, told whose view it is, and sees only their own customers
 * (counted in SQL), never the manager's team.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { one } from '../helpers/database.ts';
import { openLoggedIn, useBrowser } from '../helpers/browser.ts';
import { useTestStack } from '../helpers/stack.ts';

describe('saved and shared views in Chromium', () => {
  const ctx = useTestStack('e2e_saved_views', { demoCustomers: 1500 });
  const chromium = useBrowser();

  const total = async (page: Page): Promise<number> => {
    await page.waitForSelector('[data-testid="drill-total"][data-total]:not([data-total=""])', { timeout: 90_000 });
    return Number(await page.getAttribute('[data-testid="drill-total"]', 'data-total'));
  };

  it('a manager saves and shares a view; a staff member opening the link sees only their own scope', async () => {
    const { page: manager, errors: managerErrors } = await openLoggedIn(chromium.browser, ctx.stack.url, 'manager', { viewport: { width: 1440, height: 900 } });
    const state = 'metric=customers&lifecycle=&size=20';
    await manager.goto(`${ctx.stack.url}/customers?${state}`);
    const { team_id: teamId } = one(await ctx.db.sql<{ team_id: number }[]>`
      SELECT e.team_id FROM siyu.accounts a JOIN siyu.employees e ON e.id = a.employee_id WHERE a.username = 'manager'`);
    const { n: teamCustomers } = one(await ctx.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM siyu.customers c JOIN siyu.employees e ON e.id = c.owner_employee_id WHERE e.team_id = ${teamId}`);
    expect(await total(manager)).toBe(teamCustomers);

    // Save from the menu, by keyboard: open it, name the view, Enter.
    await manager.focus('[data-testid="views-menu-button"]');
    await manager.keyboard.press('Enter');
    await manager.click('[data-testid="save-view"]');
    await manager.fill('[data-testid="view-name"]', '团队周一视图');
    await manager.keyboard.press('Enter');
    await manager.waitForSelector('[data-testid="views-message"]:has-text("已保存")');
    const { page: savedPage, state: savedState, share_token: token } = one(await ctx.db.sql<{ page: string; state: string; share_token: string }[]>`
      SELECT page, state, share_token FROM siyu.saved_views WHERE username = 'manager' AND name = '团队周一视图'`);
    expect(savedPage).toBe('/customers');
    expect(savedState).toBe(new URLSearchParams(state).toString());
    expect(await manager.locator('[data-testid="saved-view-link"]', { hasText: '团队周一视图' }).count()).toBe(1);
    // A second save under the same name is refused in the page's words.
    await manager.click('[data-testid="save-view"]');
    await manager.fill('[data-testid="view-name"]', '团队周一视图');
    await manager.click('[data-testid="view-save-submit"]');
    await manager.waitForSelector('[data-testid="views-message"]:has-text("已有同名视图")');

    // The manage page lists it with its share link.
    await manager.click('[data-testid="manage-views"]');
    await manager.waitForSelector('[data-testid="saved-view-row"]');
    const link = await manager.inputValue('[data-testid="share-link"]');
    expect(link).toBe(`${ctx.stack.url}/v/${token}`);
    // The refused duplicate is the one failed request (the browser logs its 409).
    expect(managerErrors.filter((e) => !/409 \(Conflict\).*\/api\/views/.test(e))).toEqual([]);

    // The staff member follows the link: same page and filters, their own customers only.
    const { page: staff, errors: staffErrors } = await openLoggedIn(chromium.browser, ctx.stack.url, 'staff', { viewport: { width: 1440, height: 900 } });
    await staff.goto(link);
    await staff.waitForURL((u) => u.pathname === '/customers', { timeout: 30_000 });
    expect(new URL(staff.url()).search).toBe(`?${savedState}`);
    expect(await staff.textContent('[data-testid="shared-view-note"]')).toContain('团队周一视图');
    const { employee_id: staffId } = one(await ctx.db.sql<{ employee_id: number }[]>`SELECT employee_id FROM siyu.accounts WHERE username = 'staff'`);
    const { n: ownCustomers } = one(await ctx.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.customers WHERE owner_employee_id = ${staffId}`);
    const staffTotal = await total(staff);
    expect(staffTotal).toBe(ownCustomers);
    expect(staffTotal).toBeLessThan(teamCustomers);
    // The manager's view is not among the staff member's own.
    await staff.click('[data-testid="views-menu-button"]');
    await staff.waitForSelector('[data-testid="views-menu"] >> text=还没有保存的视图');

    // A link to no view says so.
    await staff.goto(`${ctx.stack.url}/v/AAAAAAAAAAAAAAAAAAAAAA`);
    expect(await (await staff.waitForSelector('[data-testid="shared-view-error"]')).textContent()).toBe('这个视图不存在或已被删除');
    expect(staffErrors.filter((e) => !/404/.test(e))).toEqual([]);

    // Rename and delete on the manage page.
    await manager.click('[data-testid="rename-view"]');
    await manager.fill('[data-testid="rename-input"]', '周一视图');
    await manager.click('[data-testid="rename-submit"]');
    await manager.waitForSelector('[data-testid="saved-view-open"]:has-text("周一视图")');
    expect(await ctx.db.sql`SELECT 1 FROM siyu.saved_views WHERE share_token = ${token} AND name = '周一视图'`).toHaveLength(1);
    manager.once('dialog', (d) => { void d.accept(); });
    await manager.click('[data-testid="delete-view"]');
    await manager.waitForSelector('[data-testid="views-empty"]');
    expect(await ctx.db.sql`SELECT 1 FROM siyu.saved_views WHERE share_token = ${token}`).toHaveLength(0);
    await manager.close();
    await staff.close();
  });
});
