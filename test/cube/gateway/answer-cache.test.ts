/**
 * The app server's kept answers (cube/gateway/answer-cache.ts): what is kept
 * and when it stops standing (unit), and on the real product: a person's
 * repeated tiles are served without Cube, the answer (handed to Cube's
 * gateway in this process, cube/engine/in-process-load.ts) echoes the
 * person's own query, and a write shows in the next answers, equal to plain
 * SQL, for a staff member and an executive.
 */
import { describe, expect, it } from 'vitest';
import { AnswerCache, type AskedUnder } from '../../../cube/gateway/answer-cache.ts';
import type { SecurityContext } from '../../../cube/engine/security-context.ts';
import { overview } from '../../../web/src/page-loads.ts';
import { useTestStack, type Client } from '../../helpers/stack.ts';

const staff: SecurityContext = { username: 'e12', role: 'staff', employeeId: 12, teamId: 3 };
const QUERY = { measures: ['sales_periods.gmv'], filters: [{ member: 'sales_periods.period', operator: 'equals', values: ['2025-11-21..2026-11-20'] }] };

/** Computed by Cube long after any change (its lastRefreshTime): the rule on it has its own test below. */
const FRESH = Number.POSITIVE_INFINITY;

function fakeCache() {
  const world = { now: 0, fingerprint: 'a', epoch: 0, reads: 0 };
  const cache = new AnswerCache({
    fingerprint: async () => { world.reads++; return world.fingerprint; },
    epoch: () => world.epoch, now: () => world.now, pollMs: 500, settleMs: 3_000, maxEntries: 3, maxRows: 100,
  });
  // The first read of the fingerprint starts its clock: nothing is known of the data before it.
  const start = async () => { await cache.lookup('start'); };
  const ask = async (key: string, value: string) => {
    const found = await cache.lookup(key);
    if ('answer' in found) return found.answer.data as string;
    await cache.keep(key, found.asked, { data: value }, FRESH);
    return `asked ${value}`;
  };
  return { world, cache, ask, start };
}

describe('kept answers (unit)', () => {
  it('keys by the scope the rules rewrite with and the query, never a query that reads the clock', () => {
    const key = (ctx: SecurityContext, query: unknown = QUERY, type?: string) => AnswerCache.key(ctx, query, type);
    expect(key(staff)).toBe(key({ ...staff, username: 'someone else with the same scope' }));
    expect(key(staff)).not.toBe(key({ ...staff, employeeId: 13 }));
    expect(key(staff)).not.toBe(key({ ...staff, teamId: 4 }));
    expect(key(staff)).not.toBe(key({ ...staff, role: 'manager' }));
    expect(key(staff)).not.toBe(key(staff, QUERY, 'multi'));
    expect(key(staff, { ...QUERY, renewQuery: true })).toBeNull();
    expect(key(staff, { measures: ['x.y'], timeDimensions: [{ dimension: 'x.d', dateRange: 'today' }] })).toBeNull();
    expect(key(staff, [QUERY, { measures: ['x.y'], timeDimensions: [{ dimension: 'x.d', compareDateRange: ['last week', ['2026-01-01', '2026-01-02']] }] }])).toBeNull();
    expect(key(staff, { measures: ['x.y'], timeDimensions: [{ dimension: 'x.d', dateRange: ['2026-01-01', '2026-01-31'] }] })).not.toBeNull();
  });

  it('keeps an answer only once the data has stood still for the settling time, then serves it', async () => {
    const { world, ask } = fakeCache();
    expect(await ask('k', '1')).toBe('asked 1');
    world.now = 2_900;
    expect(await ask('k', '1')).toBe('asked 1');
    world.now = 3_100;
    expect(await ask('k', '1')).toBe('asked 1');
    expect(await ask('k', '2')).toBe('1');
  });

  it('stops serving when the data changes, and keeps nothing until it has stood still again', async () => {
    const { world, ask, start } = fakeCache();
    await start();
    world.now = 5_000;
    await ask('k', '1');
    expect(await ask('k', '2')).toBe('1');
    world.fingerprint = 'b';
    // Within the poll interval the previous read stands (Cube's own refresh keys stand 1 s).
    world.now = 5_400;
    expect(await ask('k', '2')).toBe('1');
    world.now = 5_600;
    expect(await ask('k', '2')).toBe('asked 2');
    expect(await ask('k', '2')).toBe('asked 2');
    world.now = 8_700;
    expect(await ask('k', '2')).toBe('asked 2');
    expect(await ask('k', '3')).toBe('2');
  });

  it('stops serving when Cube\'s rollup tables change, and does not keep an answer asked while they changed', async () => {
    const { world, cache, ask, start } = fakeCache();
    await start();
    world.now = 5_000;
    await ask('k', '1');
    expect(await ask('k', '2')).toBe('1');
    world.epoch++;
    expect(await ask('k', '2')).toBe('asked 2');
    const found = await cache.lookup('k');
    expect('answer' in found ? found.answer.data : null).toBe('2');
    const asked = await cache.lookup('other') as { asked: AskedUnder };
    world.epoch++;
    await cache.keep('other', asked.asked, { data: 'from the previous build' }, FRESH);
    expect('asked' in (await cache.lookup('other'))).toBe(true);
  });

  it('does not keep an answer when the data changed while it was asked', async () => {
    const { world, cache, start } = fakeCache();
    await start();
    world.now = 5_000;
    await cache.lookup('k');
    world.now = 10_000;
    const found = await cache.lookup('k') as { asked: AskedUnder };
    world.fingerprint = 'b';
    world.now = 10_600;
    await cache.keep('k', found.asked, { data: 'old' }, FRESH);
    expect('asked' in (await cache.lookup('k'))).toBe(true);
  });

  it('keeps only an answer Cube computed at least the longest statement after the data last changed', async () => {
    const world = { now: 0, wall: 1_000_000, fingerprint: 'a' };
    const cache = new AnswerCache({
      fingerprint: async () => world.fingerprint, epoch: () => 0, now: () => world.now, wallNow: () => world.wall,
      pollMs: 500, settleMs: 3_000, maxStatementMs: 35_000,
    });
    await cache.lookup('start');
    world.now += 60_000;
    world.wall += 60_000;
    const asked = await cache.lookup('k');
    if (!('asked' in asked)) throw new Error('nothing is kept yet');
    // From Cube's cache, stored before the data was first seen as it is (a statement that may have begun before the write).
    await cache.keep('k', asked.asked, { data: 'from before' }, 1_000_000 + 34_999);
    await cache.keep('k', asked.asked, { data: 'unknown' }, null);
    expect(cache.size).toBe(0);
    await cache.keep('k', asked.asked, { data: 'after' }, 1_000_000 + 35_000);
    expect(await cache.lookup('k')).toEqual({ answer: { data: 'after' } });
  });

  it('reads the fingerprint once per poll interval however many ask, and keeps at most maxEntries', async () => {
    const { world, cache, ask, start } = fakeCache();
    await start();
    world.now = 5_000;
    await Promise.all(Array.from({ length: 20 }, (_, i) => ask(`k${i % 5}`, String(i))));
    expect(world.reads).toBe(2);
    expect(cache.size).toBe(3);
  });
});

describe('kept answers (unit): memory', () => {
  it('keeps at most maxRows rows in all, dropping the least recently used, and no answer of more than a tenth of them', async () => {
    const { world, cache, start } = fakeCache();
    await start();
    world.now = 5_000;
    const rows = (n: number) => ({ results: [{ data: Array.from({ length: n }, (_, i) => ({ i })) }] });
    for (const key of ['a', 'b']) {
      const found = await cache.lookup(key) as { asked: AskedUnder };
      await cache.keep(key, found.asked, rows(10), FRESH);
    }
    expect(cache.keptRows).toBe(20);
    const big = await cache.lookup('big') as { asked: AskedUnder };
    await cache.keep('big', big.asked, rows(11), FRESH);
    expect(cache.size).toBe(2);
    expect(cache.keptRows).toBe(20);
    // 'a' used again: 'b' is the least recently used.
    expect('answer' in (await cache.lookup('a'))).toBe(true);
    const c = await cache.lookup('c') as { asked: AskedUnder };
    await cache.keep('c', c.asked, { data: Array.from({ length: 10 }, () => ({})) }, FRESH);
    expect(cache.size).toBe(3);
    expect(cache.keptRows).toBe(30);
    const d = await cache.lookup('d') as { asked: AskedUnder };
    await cache.keep('d', d.asked, rows(5), FRESH);
    expect(cache.size).toBe(3);
    expect('asked' in (await cache.lookup('b'))).toBe(true);
    expect(cache.keptRows).toBe(25);
  });
});

describe('kept answers on the product', () => {
  const ctx = useTestStack('answer_cache', { demoCustomers: 1500 });

  /** The sum of paid orders in the range, credited to the employee (staff) or all (exec), as plain SQL. */
  async function gmvSql(employeeId: number | null, from: string, to: string): Promise<string> {
    const [row] = await ctx.db.sql<{ v: string }[]>`
      SELECT coalesce(sum(amount), 0)::numeric(14, 2)::text AS v FROM siyu.orders
      WHERE status = 'paid' AND (${employeeId}::int IS NULL OR employee_id = ${employeeId})
        AND (ordered_at AT TIME ZONE siyu.business_tz())::date BETWEEN ${from}::date AND ${to}::date`;
    return row!.v;
  }
  const cents = (v: unknown): string => (v === null || v === undefined ? '0.00' : Number(v).toFixed(2));

  it('serves a person\'s repeated tiles without Cube, and a write shows in the next answers', async () => {
    const { db, stack } = ctx;
    const [setting] = await db.sql<{ value: string }[]>`SELECT value FROM siyu.settings WHERE key = 'as_of'`;
    const asOf = setting!.value.slice(0, 10);
    const [who] = await db.sql<{ username: string; employee_id: number; customer_id: number; channel_id: number }[]>`
      SELECT a.username, a.employee_id, c.id AS customer_id, (SELECT min(id) FROM siyu.channels) AS channel_id
      FROM siyu.accounts AS a JOIN siyu.customers AS c ON c.owner_employee_id = a.employee_id
      WHERE a.role = 'staff' AND a.active ORDER BY a.username, c.id LIMIT 1`;
    const people: Array<{ api: Client; employeeId: number | null }> = [
      { api: await stack.client(who!.username), employeeId: who!.employee_id },
      { api: await stack.client('exec'), employeeId: null },
    ];
    const page = overview({ asOf, campaignRows: [], team: '', employeeId: 0, channel: '' }, true);
    const kpis = page.queries.find((q) => q.name === 'sales_kpis')!.query;
    const period = (kpis.filters as Array<{ values: string[] }>)[0]!.values[0]!.split('..') as [string, string];
    const gmvOf = async (api: Client) => cents((await api.load(kpis))[0]?.['sales_periods.gmv']);

    // Every tile of the overview twice once the data has stood still: the second time from the kept answers. A first
    // load of another query (the tile with another limit) reads the fingerprint; an answer is kept only when Cube
    // computed it the longest statement (35 s) after that (answer-cache.ts), so the page's tiles are first asked then.
    await people[0]!.api.load({ ...kpis, limit: 7 });
    await new Promise((resolve) => setTimeout(resolve, 36_000));
    for (const { api } of people) for (const { query } of page.queries) await api.load(query);
    const before = stack.answerCounts()!;
    for (const { api } of people) for (const { query } of page.queries) await api.load(query);
    const after = stack.answerCounts()!;
    expect(after.hits - before.hits).toBe(2 * page.queries.length);
    for (const { api, employeeId } of people) expect(await gmvOf(api)).toBe(await gmvSql(employeeId, ...period));

    // The answer echoes the query as the person sent it, asked of Cube or kept: never the role's limits Cube's rewrite adds.
    const staffApi = people[0]!.api;
    for (let i = 0; i < 2; i++) {
      const r = await staffApi.request<{ query?: Record<string, unknown> }>('POST', '/cubejs-api/v1/load', { query: kpis });
      expect(r.status).toBe(200);
      expect(r.body.query?.filters).toEqual(kpis.filters);
      expect(JSON.stringify(r.body)).not.toMatch(/employee_id|team_id|owner/);
    }

    // A paid order on the data date, credited to the staff member: both see it, equal to SQL.
    const old = await Promise.all(people.map(({ api }) => gmvOf(api)));
    const [{ next } = { next: 0 }] = await db.sql<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.orders`;
    await db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
      VALUES (${next}, ${who!.customer_id}, ${who!.employee_id}, ${who!.channel_id}, NULL,
              (${asOf}::date + time '10:00') AT TIME ZONE siyu.business_tz(), 123.45, 1, 'core', 'paid')`;
    for (const [i, { api, employeeId }] of people.entries()) {
      const expected = await gmvSql(employeeId, ...period);
      expect(Math.round(Number(expected) * 100) - Math.round(Number(old[i]) * 100)).toBe(12_345);
      await expect.poll(() => gmvOf(api), { timeout: 20_000, interval: 250, message: `${employeeId ? 'staff' : 'exec'} GMV after the write` }).toBe(expected);
    }
  }, 240_000);
});
