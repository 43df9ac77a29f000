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
  // Accounts that may log in: active, and their employee (if any) still active.
  const accountNames = (await owner`
    SELECT account.username FROM siyu.accounts AS account
    LEFT JOIN siyu.employees AS employee ON employee.id = account.employee_id
    WHERE account.active AND (account.employee_id IS NULL OR employee.active)`).map((r) => String(r.username));
  const named = ['exec', 'manager', 'staff', 'ops', 'admin'].filter((a) => accountNames.includes(a));
  const employees = accountNames.filter((a) => /^e\d+$/.test(a)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  const spread = Math.max(0, users - named.length);
  const accounts = [...named, ...Array.from({ length: Math.min(spread, employees.length) }, (_, i) => employees[Math.floor((i * employees.length) / Math.min(spread, employees.length))]!)];
  say(`${users} concurrent users for ${durationMs / 1000} s over ${accounts.length} accounts`);
  const concurrency = await runLoadTest({ baseUrl: productUrl, accounts, password, users, durationMs, thinkMs, context });
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
