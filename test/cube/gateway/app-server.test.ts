import jwt from 'jsonwebtoken';
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, useTestStack } from '../../helpers/stack.ts';

describe('app server', () => {
  // An empty database: the stack migrates and seeds demo data itself, as `npm start` does.
  const ctx = useTestStack('app', { demoCustomers: 1500 });
  let exec: Client;

  beforeAll(() => {
    exec = ctx.api;
  });

  const expectCleanError = (body: unknown): void => {
    expect(Object.keys(body as object)).toEqual(['error']);
    const message = (body as { error: string }).error;
    expect(message.length).toBeGreaterThan(0);
    expect(message).not.toMatch(/\bat \w+ \(|\.ts:\d+|SELECT|FROM\s+siyu/);
  };

  it('reports health once ready', async () => {
    const r = await Client.anonymous(ctx.stack.url).request('GET', '/healthz');
    expect(r).toEqual({ status: 200, body: { db: 'ok', cube: 'ok' } });
  });

  it('logs in with the demo password and refuses a wrong one', async () => {
    const anon = Client.anonymous(ctx.stack.url);
    const wrong = await anon.request('POST', '/api/login', { username: 'exec', password: 'nope' });
    expect(wrong.status).toBe(401);
    expectCleanError(wrong.body);
    const unknown = await anon.request('POST', '/api/login', { username: 'nobody', password: 'demo' });
    expect(unknown.status).toBe(401);
    const malformed = await anon.request('POST', '/api/login', '{"username":');
    expect(malformed.status).toBe(400);
    expectCleanError(malformed.body);
    const missing = await anon.request('POST', '/api/login', { username: 'exec' });
    expect(missing.status).toBe(400);
    // The route's schema takes the body as sent, and answers in the product's words.
    const usage = { error: 'Send {"username": "...", "password": "..."}.' };
    expect(await anon.request('POST', '/api/login', { username: 42, password: 'demo' })).toEqual({ status: 400, body: usage });
    expect(await anon.request('POST', '/api/login', { username: 'exec', password: 'x'.repeat(201) })).toEqual({ status: 400, body: usage });
    expect((await anon.request('GET', '/api/me')).status).toBe(401);
  });

  it('describes the logged-in person, with ids taken from the data', async () => {
    expect((await exec.request('GET', '/api/me')).body).toEqual({
      username: 'exec', role: 'executive', employeeId: null, teamId: null, teamName: null, displayName: expect.any(String),
      asOf: '2026-11-20', timeZone: 'Asia/Shanghai', csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const [lead] = await ctx.db.sql<{ id: number; team_id: number; name: string; team: string }[]>`
      SELECT e.id, e.team_id, e.name, t.name AS team FROM siyu.teams t JOIN siyu.employees e ON e.id = t.manager_id ORDER BY t.id LIMIT 1`;
    const manager = await ctx.stack.client('manager');
    // The team's name too: the manager's /staff opens on it.
    expect((await manager.request('GET', '/api/me')).body).toMatchObject({
      username: 'manager', role: 'manager', employeeId: lead!.id, teamId: lead!.team_id, teamName: lead!.team, displayName: lead!.name,
    });
    const [advisor] = await ctx.db.sql<{ id: number; team_id: number }[]>`
      SELECT id, team_id FROM siyu.employees WHERE role = 'advisor' ORDER BY id DESC LIMIT 1`;
    const employee = await ctx.stack.client(`e${advisor!.id}`);
    expect((await employee.request('GET', '/api/me')).body).toMatchObject({ role: 'staff', employeeId: advisor!.id, teamId: advisor!.team_id });
  });

  it('ends the session on logout', async () => {
    const ops = await ctx.stack.client('ops');
    expect((await ops.request('GET', '/api/me')).status).toBe(200);
    expect((await ops.request('POST', '/api/logout', {})).status).toBe(200);
    expect((await ops.request('GET', '/api/me')).status).toBe(401);
    expect((await ops.request('POST', '/cubejs-api/v1/load', { query: { measures: ['sales_overview.gmv'] } })).status).toBe(401);
  });

  it('answers a metric through the proxy with the value an independent SQL query gives', async () => {
    const [expected] = await ctx.db.sql<{ gmv: string }[]>`
      SELECT sum(amount)::text AS gmv FROM siyu.orders WHERE status = 'paid'`;
    const [row] = await exec.load({ measures: ['sales_overview.gmv'] });
    expect(row!['sales_overview.gmv']).toBe(expected!.gmv);
    const viaGet = await exec.request<{ data: Array<Record<string, string>> }>('GET',
      `/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify({ measures: ['sales_overview.gmv'] }))}`);
    expect(viaGet.body.data[0]!['sales_overview.gmv']).toBe(expected!.gmv);
    const multi = await exec.request<{ results: Array<{ data: Array<Record<string, string>> }> }>('POST', '/cubejs-api/v1/load',
      { query: { measures: ['sales_overview.gmv'] }, queryType: 'multi' });
    expect(multi.body.results[0]!.data[0]!['sales_overview.gmv']).toBe(expected!.gmv);
  });

  it('never trusts a token or context sent by the browser', async () => {
    const forged = jwt.sign({ ctx: { username: 'admin', role: 'admin', employeeId: null, teamId: null } }, 'guessed-secret');
    const anon = Client.anonymous(ctx.stack.url);
    const r = await anon.request('POST', '/cubejs-api/v1/load', { query: { measures: ['sales_overview.gmv'] } }, { Authorization: forged });
    expect(r.status).toBe(401);
    // Logged in as exec with a forged admin token: phones stay masked.
    const rows = await exec.request<{ data: Array<Record<string, string>> }>('POST', '/cubejs-api/v1/load',
      { query: { dimensions: ['customer_insights.phone'], limit: 5 } }, { Authorization: forged });
    for (const row of rows.body.data) expect(row['customer_insights.phone']).toMatch(/^1\d{2}\*{4}\d{4}$/);
  });

  it('masks phone numbers for every role but admin, and refuses filtering on them', async () => {
    const query = { dimensions: ['customer_insights.customer', 'customer_insights.phone'], order: { 'customer_insights.customer': 'asc' }, limit: 3 };
    const phones = await ctx.db.sql<{ id: number; phone: string }[]>`SELECT id, phone FROM siyu.customers ORDER BY id LIMIT 3`;
    const masked = await exec.load(query);
    const admin = await ctx.stack.client('admin');
    const full = await admin.load(query);
    phones.forEach((p, i) => {
      expect(full[i]!['customer_insights.phone']).toBe(p.phone);
      expect(masked[i]!['customer_insights.phone']).toBe(`${p.phone.slice(0, 3)}****${p.phone.slice(7)}`);
    });
    const probe = await exec.request('POST', '/cubejs-api/v1/load', {
      query: { measures: ['customer_insights.customers'], filters: [{ member: 'customer_insights.phone', operator: 'equals', values: [phones[0]!.phone] }] },
    });
    expect(probe.status).toBe(403);
    expectCleanError(probe.body);
  });

  it('turns bad queries into clear 400s without stacks or SQL', async () => {
    const cases: unknown[] = [
      { query: 'not json at all' },
      { query: [] },
      { query: { measures: ['sales_overview.gmv'], filters: [{ member: 'sales_overview.customer', operator: 'equals', values: ['abc'] }] } },
      { query: { measures: ['sales_overview.gmv'], timeDimensions: [{ dimension: 'sales_overview.order_date', dateRange: 'gibberish range' }] } },
      { query: { measures: ['sales_overview.gmv'] }, queryType: 'sideways' },
      {},
    ];
    for (const body of cases) {
      const r = await exec.request('POST', '/cubejs-api/v1/load', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expectCleanError(r.body);
    }
    // A member that does not exist is refused like one closed to the role: 403, in the same words.
    for (const member of ['sales_overview.nope', 'nope.gmv']) {
      const r = await exec.request('POST', '/cubejs-api/v1/load', { query: { measures: [member] } });
      expect(r.status, member).toBe(403);
      expectCleanError(r.body);
    }
    const malformed = await exec.request('POST', '/cubejs-api/v1/load', '{"query": {');
    expect(malformed.status).toBe(400);
    expectCleanError(malformed.body);
    expect(await exec.request('POST', '/cubejs-api/v1/load', { queryType: 'multi' })).toEqual({ status: 400, body: { error: 'Send {"query": {...}}.' } });
    expect(await exec.request('GET', '/cubejs-api/v1/load')).toEqual({ status: 400, body: { error: 'The query parameter is missing.' } });
    // Who asks is checked before what is asked.
    expect((await Client.anonymous(ctx.stack.url).request('POST', '/cubejs-api/v1/load', {})).status).toBe(401);
  });

  it('exposes nothing of Cube but load and meta', async () => {
    for (const path of ['/cubejs-api/v1/sql', '/cubejs-api/v1/dry-run', '/cubejs-api/v1/run-scheduled-refresh', '/cubejs-api/graphql']) {
      const r = await exec.request('GET', path);
      expect(r.status, path).toBe(404);
      expectCleanError(r.body);
    }
    const meta = await exec.meta();
    expect(meta.cubes.map((c) => c.name)).toEqual(expect.arrayContaining(['sales_overview', 'customer_insights']));
    expect((await Client.anonymous(ctx.stack.url).request('GET', '/cubejs-api/v1/meta')).status).toBe(401);
  });
});
