/**
 * One person cannot hold the database (issue 19, "Isolation"), against the
 * real PostgreSQL, Cube and app server: the statement timeouts of Cube's
 * role, the per-person queue, renewQuery and the journey-day budget. A query
 * is made slow on purpose by locking the table it reads from another
 * connection, which is what a heavy query does to the others in effect.
 */
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureCubeRole } from '../../../cube/database/cube-role.ts';
import { GuardedPostgresDriver, statementTimeoutFor } from '../../../cube/engine/guarded-driver.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { useTestStack, type Client } from '../../helpers/stack.ts';
import { overview } from '../../../web/src/page-loads.ts';

const QUERY_TIMEOUT_MS = 2000;

describe('isolation', () => {
  const ctx = useTestStack('isolation', {
    demoCustomers: 1500,
    config: { queryTimeoutMs: QUERY_TIMEOUT_MS, admissionLimits: { perPerson: 2, queuePerPerson: 1, journeyDays: 2 } },
  });

  /** Holds an exclusive lock on siyu.customers until the returned function is called. */
  const lockCustomers = async (): Promise<() => Promise<void>> => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => { locked = resolve; });
    const done = ctx.db.sql.begin(async (tx) => {
      await tx`LOCK TABLE siyu.customers IN ACCESS EXCLUSIVE MODE`;
      locked();
      await released;
    });
    await isLocked;
    return async () => {
      release();
      await done;
    };
  };

  const drill = (limit: number): Record<string, unknown> => ({
    measures: ['sales_drill.gmv'], dimensions: ['sales_drill.customer_name'], order: { 'sales_drill.gmv': 'desc' }, limit,
  });
  const post = (client: Client, query: Record<string, unknown>) => client.request<Record<string, unknown>>('POST', '/cubejs-api/v1/load', { query });

  it('sets the statement timeout on Cube\'s role, and its page cost for in-memory tables', async () => {
    const rows = await ctx.db.sql<{ setting: string }[]>`
      SELECT unnest(s.setconfig) AS setting FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
      WHERE r.rolname = current_database() || '_cube_reader'`;
    expect(rows.map((r) => r.setting)).toContain(`statement_timeout=${QUERY_TIMEOUT_MS}`);
    // The owner's customers looked up rather than the whole classification hashed (docs/performance.md, "PostgreSQL's CPU per answer").
    expect(rows.map((r) => r.setting)).toContain('random_page_cost=1.1');
  });

  it('stops a slow page query with a clear 503 and Retry-After, not a 502', async () => {
    const unlock = await lockCustomers();
    try {
      const started = Date.now();
      const r = await post(ctx.api, drill(7));
      const took = Date.now() - started;
      expect(r.status).toBe(503);
      expect(r.body).toEqual({ error: 'The query took too long and was stopped. Narrow the dates or filters, or try again in a minute.' });
      // Stopped by the statement timeout: the lock is held until after the answer.
      expect(took).toBeGreaterThanOrEqual(QUERY_TIMEOUT_MS - 100);
      const again = await fetch(`${ctx.stack.url}/cubejs-api/v1/load`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: (ctx.api as unknown as { cookie: string }).cookie },
        body: JSON.stringify({ query: drill(8) }),
      });
      expect(again.status).toBe(503);
      expect(again.headers.get('retry-after')).toBe('30');
    } finally {
      await unlock();
    }
    // Nothing of it is left running in PostgreSQL.
    // (Polled: on a loaded machine a cancelled backend can take a moment to go idle.)
    await expect.poll(async () => (await ctx.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = current_database() || '_cube_reader' AND state = 'active'`)[0]!.n,
    { timeout: 5_000, interval: 200 }).toBe(0);
  });

  it('queues one person\'s queries behind their own, refuses past the queue, and serves others meanwhile', async () => {
    const staff = await ctx.stack.client('staff');
    const unlock = await lockCustomers();
    let first: Promise<{ status: number }>;
    let second: Promise<{ status: number }>;
    let third: Promise<{ status: number }>;
    try {
      first = post(staff, drill(1));
      second = post(staff, drill(2));
      await new Promise((resolve) => setTimeout(resolve, 200));
      third = post(staff, drill(3));
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Two running (blocked in PostgreSQL), one waiting: the fourth is refused at once.
      const fourth = await post(staff, drill(4));
      expect(fourth.status).toBe(429);
      expect(fourth.body).toEqual({ error: 'You already have 3 queries running or waiting; wait for them to finish before asking for more.' });
      // Another person is answered while staff's query is held.
      const budgets = await post(ctx.api, { measures: ['campaign_budgets.budget'] });
      expect(budgets.status).toBe(200);
      const [sum] = await ctx.db.sql<{ total: string }[]>`SELECT sum(budget)::text AS total FROM siyu.campaigns`;
      expect(Number((budgets.body.data as Array<Record<string, string>>)[0]!['campaign_budgets.budget'])).toBeCloseTo(Number(sum!.total), 2);
    } finally {
      await unlock();
    }
    expect((await first!).status).toBe(200);
    expect((await second!).status).toBe(200);
    expect((await third!).status).toBe(200);
  });

  /** Of staff's two heavy queries (limits 41 and 42), how many are in PostgreSQL, waiting for the lock (anything else there aside). */
  const lockWaiters = async (): Promise<number> => (await ctx.db.sql<{ n: number }[]>`
    SELECT count(DISTINCT substring(query from 'LIMIT (4[12])'))::int AS n FROM pg_stat_activity
    WHERE usename = current_database() || '_cube_reader' AND state = 'active' AND wait_event_type = 'Lock'`)[0]!.n;

  it('runs one heavy query of a person at a time, while their light ones and others\' pass', async () => {
    const staff = await ctx.stack.client('staff');
    // A list with its total is heavy (cube/gateway/query-cost.ts); Cube compiles staff's first query before the clock starts.
    const heavy = (limit: number): Record<string, unknown> => ({ ...drill(limit), total: true });
    const staffLight = { measures: ['sales_overview.order_count'] };
    const execLight = { measures: ['campaign_budgets.budget'] };
    expect((await post(staff, heavy(40))).status).toBe(200);
    expect((await post(staff, staffLight)).status).toBe(200);
    expect((await post(ctx.api, execLight)).status).toBe(200);
    const unlock = await lockCustomers();
    let answers: Array<Promise<{ status: number }>> = [];
    let most = 0;
    try {
      answers = [post(staff, heavy(41)), post(staff, heavy(42))];
      await expect.poll(lockWaiters, { timeout: 1_500, interval: 50 }).toBe(1);
      // staff's second heavy query waits in the app server, though staff may have 2 queries in Cube.
      for (let i = 0; i < 6; i++) {
        most = Math.max(most, await lockWaiters());
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // staff's own light query, and another person's, are answered meanwhile.
      expect((await post(staff, staffLight)).status).toBe(200);
      expect((await post(ctx.api, execLight)).status).toBe(200);
    } finally {
      await unlock();
    }
    expect(most).toBe(1);
    // Each either answered or stopped by the (2-s) statement timeout while the table was locked.
    for (const a of answers) expect([200, 503]).toContain((await a).status);
  });

  it('refuses the heaviest shapes with a 422 in the product\'s words, and admits a page\'s queries for every role', async () => {
    const staff = await ctx.stack.client('staff');
    const r = await post(staff, {
      measures: ['sales_overview.gmv', 'sales_overview.order_count'],
      timeDimensions: [{ dimension: 'sales_overview.order_date', granularity: 'second', dateRange: ['2025-11-21', '2026-11-20'] }],
    });
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ error: '这个查询要按时间分成 31,536,000 段，最多 10,000 段：请缩短日期范围，或按小时、天、月查看。 '
      + 'This query splits time into 31,536,000 buckets, more than the 10,000 allowed: narrow the dates, or use a coarser granularity (hour, day, month).' });
    // Nothing of it reached PostgreSQL.
    const seen = await ctx.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query ILIKE '%second%order_date%' AND pid <> pg_backend_pid()`;
    expect(seen[0]!.n).toBe(0);
    // The overview's own queries (those of the views each role may query) are all answered.
    const page = overview({ asOf: '2026-11-20', campaignRows: [], team: '', employeeId: 0, channel: '' });
    for (const username of ['exec', 'ops', 'manager', 'staff']) {
      const client = await ctx.stack.client(username);
      const meta = (await client.request<{ cubes: Array<{ name: string }> }>('GET', '/cubejs-api/v1/meta')).body;
      const views = new Set(meta.cubes.map((c) => c.name));
      const mine = page.queries.filter((q) => [...(q.query.measures ?? []), ...(q.query.dimensions ?? [])].every((m) => views.has(m.split('.')[0]!)));
      expect(mine.length).toBeGreaterThan(3);
      for (const q of mine) expect([username, q.name, (await post(client, q.query)).status]).toEqual([username, q.name, 200]);
    }
  });

  it('runs more than two people\'s statements at once (Cube\'s driver ran 2 for everyone)', async () => {
    const people = await Promise.all(['exec', 'ops', 'admin', 'manager'].map((u) => ctx.stack.client(u)));
    // Cube compiles each role's first query: done before the clock starts.
    for (const [i, client] of people.entries()) expect((await post(client, drill(30 + i))).status).toBe(200);
    const unlock = await lockCustomers();
    let answers: Array<Promise<{ status: number }>> = [];
    let most = 0;
    try {
      answers = people.map((client, i) => post(client, drill(20 + i)));
      const waiting = async (): Promise<number> => (await ctx.db.sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE usename = current_database() || '_cube_reader' AND state = 'active' AND wait_event_type = 'Lock'`)[0]!.n;
      const until = Date.now() + QUERY_TIMEOUT_MS - 300;
      while (Date.now() < until && most < people.length) {
        most = Math.max(most, await waiting());
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await unlock();
    }
    // All four were in PostgreSQL at once, each waiting for the lock.
    expect(most).toBe(people.length);
    for (const a of answers) expect([200, 503]).toContain((await a).status);
  });

  it('refuses renewQuery for staff and managers, and runs it for executives', async () => {
    const query = { measures: ['sales_overview.gmv'], renewQuery: true };
    for (const username of ['staff', 'manager']) {
      const client = await ctx.stack.client(username);
      const r = await post(client, query);
      expect(r.status).toBe(403);
      expect(r.body).toEqual({ error: 'Your role may not force a query past the cache (renewQuery): the numbers refresh themselves within seconds of a change.' });
    }
    expect((await post(ctx.api, query)).status).toBe(200);
  });

  it('lets one person classify only so many different journey days, others unaffected', async () => {
    const manager = await ctx.stack.client('manager');
    const journey = (from: string, to: string): Record<string, unknown> => ({
      measures: ['journey_flows.customers'],
      filters: [
        { member: 'journey_flows.from_date', operator: 'equals', values: [from] },
        { member: 'journey_flows.to_date', operator: 'equals', values: [to] },
      ],
    });
    expect((await manager.load(journey('2026-10-01', '2026-11-20'))).length).toBe(1);
    const refused = await post(manager, journey('2026-09-01', '2026-11-20'));
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatch(/^You have compared 2 different days in the last 10 minutes/);
    // The cache holds only the days asked for, not the refused one.
    const days = await ctx.db.sql<{ day: string }[]>`SELECT day::text FROM siyu.classification_day_builds ORDER BY day`;
    expect(days.map((d) => d.day)).not.toContain('2026-09-01');
    // The same days again, and another person's new day, are answered.
    expect((await manager.load(journey('2026-10-01', '2026-11-20'))).length).toBe(1);
    expect((await ctx.api.load(journey('2026-09-01', '2026-11-20'))).length).toBe(1);
  });
});

describe('statement timeouts of Cube\'s role, on a direct connection', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('cancels a slow statement of the role, and the driver lets only builds run longer', async () => {
    const db = await createTestDatabase('role_timeout');
    cleanups.push(db.drop);
    // What the role's grants name.
    await db.sql`CREATE SCHEMA IF NOT EXISTS siyu`;
    await db.sql`CREATE TABLE siyu.accounts (id integer)`;
    const url = await ensureCubeRole(db.sql, db.url, 300);
    const direct = postgres(url, { max: 1, onnotice: () => {} });
    cleanups.push(() => direct.end({ timeout: 5 }));
    expect((await direct`SELECT current_setting('statement_timeout') AS t`)[0]!.t).toBe('300ms');
    await expect(direct`SELECT pg_sleep(1)`).rejects.toThrow(/canceling statement due to statement timeout/);
    await direct`SELECT pg_sleep(0.05)`;

    const driver = new GuardedPostgresDriver({ connectionString: url, maxPoolSize: 2, queryTimeoutMs: 300, buildTimeoutMs: 5000 });
    cleanups.push(() => driver.release());
    await expect(driver.query('SELECT pg_sleep(1)', [])).rejects.toThrow(/canceling statement due to statement timeout/);
    // A rollup build may take longer than a page's query.
    await driver.query('CREATE TABLE siyu_pre_aggregations.slow_build AS SELECT 1 AS x FROM pg_sleep(1)', []);
    expect(await driver.query('SELECT x FROM siyu_pre_aggregations.slow_build', [])).toEqual([{ x: 1 }]);
    // But it is bounded too.
    const bounded = new GuardedPostgresDriver({ connectionString: url, maxPoolSize: 1, queryTimeoutMs: 300, buildTimeoutMs: 600 });
    cleanups.push(() => bounded.release());
    await expect(bounded.query('CREATE TABLE siyu_pre_aggregations.runaway AS SELECT 1 AS x FROM pg_sleep(2)', []))
      .rejects.toThrow(/canceling statement due to statement timeout/);
  });

  it('gives the longer timeout to rollup builds and journey days only', () => {
    const t = { queryTimeoutMs: 1, buildTimeoutMs: 2 };
    expect(statementTimeoutFor('CREATE TABLE siyu_pre_aggregations.x AS SELECT 1', t)).toBe(2);
    expect(statementTimeoutFor('  create index i on t (a)', t)).toBe(2);
    expect(statementTimeoutFor('SELECT * FROM siyu.classification_on(to_day.day) AS later', t)).toBe(2);
    expect(statementTimeoutFor('CROSS JOIN LATERAL siyu.journey_pairs(from_day.day, to_day.day) AS pair', t)).toBe(2);
    expect(statementTimeoutFor("SELECT CONCAT_WS('/', siyu.classification_now_version(), siyu.dimensions_version())", t)).toBe(2);
    expect(statementTimeoutFor('SELECT sum(amount) FROM siyu.orders', t)).toBe(1);
    expect(statementTimeoutFor('SELECT 1 -- CREATE TABLE', t)).toBe(1);
  });
});
