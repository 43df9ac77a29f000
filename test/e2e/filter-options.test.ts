/**
 * The filter bar's option lists in a real Chromium: asked once per session
 * and shared by every page (web/src/lib/session-answers.ts), never shown to
 * the next person who logs in in the same tab. Counts the Cube loads each
 * page opening sends, as the benchmark's users run reports them per page.
 */
import type { Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildFilterOptionsQuery, type FilterKind } from '../../web/src/lib/filters.ts';
import { openLoggedIn, useBrowser } from '../helpers/browser.ts';
import { useTestStack } from '../helpers/stack.ts';

const KINDS: FilterKind[] = ['team', 'channel', 'campaign'];
const OPTION_MEMBERS = new Map(KINDS.map((k) => [buildFilterOptionsQuery(k).dimensions[0]!, k]));

interface Load { page: string; list: FilterKind | null }
interface Query { dimensions?: string[]; measures?: string[] }

/**
 * Every answered Cube load (a "Continue wait" is not an answer: the client asks
 * again), labelled with the page open when it was sent and which option list it is, if one.
 */
function recordLoads(page: Page): { loads: Load[]; label: { current: string }; inFlight(): number } {
  const loads: Load[] = [];
  const label = { current: 'login' };
  // Only requests sent since the recorder started (one still in flight from before is not this test's).
  const open = new Map<Request, string>();
  page.on('request', (r) => { if (r.url().includes('/cubejs-api/v1/load')) open.set(r, label.current); });
  page.on('requestfailed', (r) => { open.delete(r); });
  page.on('requestfinished', (r) => {
    const sentOn = open.get(r);
    if (sentOn === undefined) return;
    void r.response().then(async (response) => {
      const text = (await response?.text()) ?? '';
      if (!text.includes('Continue wait')) {
        const body = (r.postDataJSON() ?? {}) as { query?: Query | string };
        const query = typeof body.query === 'string' ? JSON.parse(body.query) as Query : body.query;
        const dims = query?.dimensions ?? [];
        const list = dims.length === 1 && !(query?.measures?.length) ? OPTION_MEMBERS.get(dims[0]!) ?? null : null;
        loads.push({ page: sentOn, list });
      }
    }).finally(() => { open.delete(r); });
  });
  return { loads, label, inFlight: () => open.size };
}

/** Waits until no Cube load has been in flight for 1.5 s. */
async function settle(inFlight: () => number): Promise<void> {
  let quietSince = Date.now();
  const deadline = Date.now() + 120_000;
  while (Date.now() - quietSince < 1_500) {
    if (Date.now() > deadline) throw new Error('Cube loads never settled');
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (inFlight() > 0) quietSince = Date.now();
  }
}

async function optionsOf(page: Page, kind: FilterKind): Promise<string[]> {
  return page.$$eval(`[data-testid="filter-${kind}"] option`, (os) => os.map((o) => (o as HTMLOptionElement).value).filter((v) => v !== ''));
}

describe('filter option lists in Chromium', () => {
  const ctx = useTestStack('e2e-filter-options', { demoCustomers: 2000 });
  const chromium = useBrowser();

  it('asks each list once per session across pages, and asks again for the next person', async () => {
    const { page, errors } = await openLoggedIn(chromium.browser, ctx.stack.url, 'exec');
    const rec = recordLoads(page);
    const visit = async (label: string, nav: string | null) => {
      rec.label.current = label;
      // A click on the menu: the app stays loaded (a reload would start a new session store).
      if (nav) await page.click(`[data-testid="main-nav"] a[href="${nav}"]`);
      await page.waitForSelector('[data-testid="filter-bar"]');
      await settle(rec.inFlight);
    };
    // openLoggedIn's overview was already asking before the recorder was on: start again from a clean page.
    await page.reload();
    await visit('overview', null);
    await expect.poll(() => optionsOf(page, 'campaign')).not.toHaveLength(0);
    const execTeams = await optionsOf(page, 'team');
    expect(execTeams.length).toBeGreaterThan(1);
    for (const [label, nav] of [['channels', '/channels'], ['staff', '/staff'], ['overview again', '/'], ['activities', '/activities']] as const) {
      await visit(label, nav);
      // The kept answer is what the next page's filter shows.
      expect(await optionsOf(page, 'team')).toEqual(execTeams);
    }

    const count = (pageLabel: string, lists: boolean | null = null) =>
      rec.loads.filter((l) => l.page === pageLabel && (lists === null || (l.list !== null) === lists)).length;
    const perPage = ['overview', 'channels', 'staff', 'overview again', 'activities']
      .map((p) => `${p}: ${count(p)} loads (${count(p, true)} option lists)`);
    console.log(`[filter-options] exec, Cube loads per page opening: ${perPage.join('; ')}`);
    // Each list once for the whole session: on the first page, none after it.
    expect(rec.loads.filter((l) => l.list !== null).map((l) => `${l.page}:${l.list}`).sort())
      .toEqual(['overview:campaign', 'overview:channel', 'overview:team']);

    // Another person in the same tab: their own lists, asked anew (a manager's teams are their team).
    rec.label.current = 'logout';
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/login/);
    await page.fill('input[name=username]', 'manager');
    await page.fill('input[name=password]', 'demo');
    // The login page sends them back where the last person was (/activities): then the overview, then channels.
    rec.label.current = 'manager landing';
    await page.click('button[type=submit]');
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 60_000 });
    await visit('manager landing', null);
    await visit('manager overview', '/');
    const [team] = await ctx.db.sql<{ name: string }[]>`
      SELECT t.name FROM siyu.accounts a JOIN siyu.employees e ON e.id = a.employee_id JOIN siyu.teams t ON t.id = e.team_id
       WHERE a.username = 'manager'`;
    await expect.poll(() => optionsOf(page, 'team')).toEqual([team!.name]);
    expect(execTeams).toContain(team!.name);
    await visit('manager channels', '/channels');
    expect(await optionsOf(page, 'team')).toEqual([team!.name]);
    const managerLists = rec.loads.filter((l) => l.list !== null && l.page.startsWith('manager'));
    expect(managerLists.map((l) => l.list).sort()).toEqual(['campaign', 'channel', 'team']);
    expect(managerLists.filter((l) => l.page === 'manager channels')).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
