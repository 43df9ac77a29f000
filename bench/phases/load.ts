/** Many people at once, and one staff member's heaviest queries beside an executive's. */
import type postgres from 'postgres';
import { BrowserClient } from '../http-client.ts';
import { runLoadTest } from '../load-test.ts';
import { measureNoisyNeighbour } from '../noisy-neighbour.ts';
import type { PageContext, PageLoad } from '../../web/src/page-loads.ts';
import { durationMs, password, runs, say, thinkMs, users } from '../options.ts';
import { ms } from '../stats.ts';
import { uncached } from '../timing.ts';

/** Concurrent people, spread over the demo accounts. */
export async function runConcurrency(owner: postgres.Sql, productUrl: string, context: PageContext) {
  // Accounts that may log in (active, and their employee, if any, still active), by role.
  const rows = await owner`
    SELECT account.username, account.role FROM siyu.accounts AS account
    LEFT JOIN siyu.employees AS employee ON employee.id = account.employee_id
    WHERE account.active AND (account.employee_id IS NULL OR employee.active)
    ORDER BY account.role, account.username`;
  const byRole = new Map<string, string[]>();
  for (const r of rows) byRole.set(String(r.role), [...(byRole.get(String(r.role)) ?? []), String(r.username)]);
  // A brand's people: a few executives and operators, managers, most of them staff; each person their own account while there are enough.
  const mix: Array<[string, number]> = [['executive', 0.1], ['operator', 0.1], ['manager', 0.2], ['staff', 0.6]];
  const present = mix.filter(([role]) => (byRole.get(role)?.length ?? 0) > 0);
  const share = present.reduce((a, [, w]) => a + w, 0);
  const accounts: string[] = [];
  const roles: Record<string, number> = {};
  for (const [k, [role, weight]] of present.entries()) {
    const n = k === present.length - 1 ? users - accounts.length : Math.max(1, Math.round((users * weight) / share));
    const pool = byRole.get(role)!;
    for (let i = 0; i < n && accounts.length < users; i++) accounts.push(pool[Math.floor((i * pool.length) / n) % pool.length]!);
    roles[role] = Math.min(n, users);
  }
  say(`${users} concurrent users for ${durationMs / 1000} s over ${new Set(accounts).size} accounts (${JSON.stringify(roles)})`);
  const accountRoles = Object.fromEntries(rows.map((r) => [String(r.username), String(r.role)]));
  const result = await runLoadTest({ baseUrl: productUrl, accounts, password, users, durationMs, thinkMs, context, roles: accountRoles });
  const concurrency = { ...result, accounts: new Set(accounts).size, roles };
  say(`  page p95 ${ms(concurrency.page.p95)}, request p95 ${ms(concurrency.request.p95)}, ${concurrency.errors} errors of ${concurrency.requests} requests`);
  return concurrency;
}

export async function runNoisyNeighbour(exec: BrowserClient, productUrl: string, pages: readonly PageLoad[], asOf: string) {
  say('one staff member\'s heaviest queries beside an executive\'s fresh query');
  const staff = await BrowserClient.login(productUrl, 'staff', password);
  const staffMeta = (await staff.get('/cubejs-api/v1/meta')).body as { cubes: Array<{ name: string; measures: Array<{ name: string }> }> };
  const bigScreen = pages.find((p) => p.page === 'big-screen');
  const freshQuery = (bigScreen?.queries.find((q) => q.name === 'gmv_by_hour_today') ?? pages[0]!.queries[0]!).query;
  const noisy = await measureNoisyNeighbour({
    heavy: staff, heavyAccount: 'staff', other: exec, otherAccount: 'exec', asOf, runs: Math.max(5, Math.min(runs, 10)), heavyQueries: 5,
    fresh: (i) => uncached(freshQuery, 3000 + i),
    heavyMeasures: staffMeta.cubes.find((c) => c.name === 'sales_overview')?.measures.map((m) => m.name) ?? ['sales_overview.gmv'],
  });
  say(`  alone p50 ${ms(noisy.alone.p50)}, beside p50 ${ms(noisy.beside_heavy.p50)} (+${ms(noisy.added_ms)}, ${noisy.ratio}×); heavy: ${JSON.stringify(noisy.heavy_answers)}`);
  return noisy;
}
