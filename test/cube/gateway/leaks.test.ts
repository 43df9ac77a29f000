/**
 * What a logged-in person learns beyond the rows they may see (issue 21),
 * on the real product: load answers carry the rows, the annotation and the
 * person's own query only (and @cubejs-client/core still reads them); a
 * closed member answers exactly as an unknown one; every answer, Fastify's
 * and Node's own errors included, has the product's headers and words;
 * nothing personal is cacheable; no other site can log anyone out, log
 * anyone in or start an export; the export takes rows in the default
 * format only.
 */
import cube from '@cubejs-client/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { one } from '../../helpers/database.ts';
import { Client, useTestStack } from '../../helpers/stack.ts';

const cookieOf = (client: Client): string => (client as unknown as { cookie: string }).cookie;

/** The product's headers and words on an error answer. */
async function expectProductError(label: string, response: Response, status: number): Promise<void> {
  expect(response.status, label).toBe(status);
  for (const [name, value] of [['content-security-policy', "default-src 'self'"], ['x-frame-options', 'DENY'], ['x-content-type-options', 'nosniff'],
    ['referrer-policy', 'same-origin'], ['cache-control', 'no-store']] as const) {
    expect(response.headers.get(name) ?? '', `${label}: ${name}`).toContain(value);
  }
  expect(response.headers.get('content-type'), label).toContain('application/json');
  const body = await response.json() as Record<string, unknown>;
  expect(Object.keys(body), label).toEqual(['error']);
  expect(String(body.error), label).not.toMatch(/FST_|Route |not found$|statusCode|Bad Request|Exceeded|Client Error|Cube|SELECT/);
}

describe('what an answer gives away', () => {
  const ctx = useTestStack('leaks', { demoCustomers: 1000 });
  let staff: Client;
  let staffId: number;

  beforeAll(async () => {
    staff = await ctx.stack.client('staff');
    staffId = one(await ctx.db.sql<{ employee_id: number }[]>`SELECT employee_id FROM siyu.accounts WHERE username = 'staff'`).employee_id;
  });

  it('answers a load with the rows, the annotation and the query as sent: no scope filter, data source or database type', async () => {
    const query = { measures: ['sales_drill.gmv'], dimensions: ['sales_drill.customer', 'sales_drill.rfm_segment'], limit: 5, total: true };
    const single = await staff.request<Record<string, unknown>>('POST', '/cubejs-api/v1/load', { query });
    expect(single.status).toBe(200);
    expect(Object.keys(single.body).sort()).toEqual(['annotation', 'data', 'query', 'total']);
    expect(single.body.query).toEqual({ ...query, timezone: 'Asia/Shanghai' });
    const multi = await staff.request<{ results: Array<Record<string, unknown>> }>('POST', '/cubejs-api/v1/load', { query, queryType: 'multi' });
    expect(Object.keys(multi.body).sort()).toEqual(['pivotQuery', 'queryType', 'results']);
    for (const body of [single.body, multi.body]) {
      const text = JSON.stringify(body);
      // The limits the server added (the staff member's id on employee_id and owner_id) stay on the server.
      expect(text).not.toMatch(/employee_id|owner_id|dbType|dataSource|postgres|external|usedPreAggregations|transformedQuery|requestId|lastRefreshTime|slowQuery/);
      expect(text).not.toContain(`"${staffId}"`);
    }
    // Cube's own client reads these answers: rows, total, pivots.
    const cubeApi = cube('ignored', { apiUrl: `${ctx.stack.url}/cubejs-api/v1`, headers: { Cookie: cookieOf(staff) }, method: 'POST' });
    const resultSet = await cubeApi.load(query);
    expect(resultSet.rawData()).toEqual(single.body.data);
    expect(resultSet.totalRows()).toBe(single.body.total);
    expect(resultSet.tablePivot().length).toBe((single.body.data as unknown[]).length);
    const byMonth = await cubeApi.load({ measures: ['sales_overview.gmv'], timeDimensions: [{ dimension: 'sales_overview.order_date', granularity: 'month', dateRange: ['2026-01-01', '2026-03-31'] }] });
    expect(byMonth.chartPivot().map((p) => p.x)).toEqual(['2026-01-01T00:00:00.000', '2026-02-01T00:00:00.000', '2026-03-01T00:00:00.000']);
    const compared = await cubeApi.load({ measures: ['sales_overview.gmv'], timeDimensions: [{ dimension: 'sales_overview.order_date', granularity: 'month',
      compareDateRange: [['2026-01-01', '2026-01-31'], ['2026-02-01', '2026-02-28']] }] });
    const parts = compared.decompose();
    expect(parts.length).toBe(2);
    expect(parts.map((p) => (p.query().timeDimensions?.[0]?.dateRange as string[]).map((d) => d.slice(0, 10))))
      .toEqual([['2026-01-01', '2026-01-31'], ['2026-02-01', '2026-02-28']]);
    expect(JSON.stringify(compared.serialize())).not.toMatch(/employee_id|dbType|dataSource/);
  });

  it('answers a member closed to the role exactly as one that does not exist', async () => {
    const closed = ['activity_performance.budget', 'customer_insights.referrer', 'campaign_budgets.budget', 'channel_roi.customer_name', 'orders.gmv'];
    const answer = async (member: string, where: 'measures' | 'dimensions' | 'filter' | 'order'): Promise<string> => {
      const query = where === 'filter' ? { measures: ['sales_overview.gmv'], filters: [{ member, operator: 'set' }] }
        : where === 'order' ? { measures: ['sales_overview.gmv'], order: [[member, 'asc']] }
          : { [where]: [member] };
      const r = await staff.request<{ error: string }>('POST', '/cubejs-api/v1/load', { query });
      return `${r.status} ${r.body.error.replaceAll(member, '<member>')}`;
    };
    for (const member of closed) {
      for (const where of ['measures', 'dimensions', 'filter', 'order'] as const) {
        const unknown = `${member}_nope`;
        expect(await answer(member, where), `${member} in ${where}`).toBe(await answer(unknown, where));
      }
    }
    // And /meta lists none of them.
    const names = (await staff.meta()).cubes.flatMap((c) => [...c.measures, ...c.dimensions].map((m) => m.name));
    for (const member of closed) expect(names).not.toContain(member);
  });

  it("gives framework errors (bad URL, 404, 431, bad JSON, wrong type) the product's headers and words", async () => {
    const url = ctx.stack.url;
    await expectProductError('bad URL', await fetch(`${url}/%c0%ae%c0%ae/x`), 400);
    await expectProductError('bad URL under the API', await fetch(`${url}/api/%c0%ae%c0%ae`), 400);
    await expectProductError('404 of another method', await fetch(`${url}/nowhere`, { method: 'DELETE' }), 404);
    await expectProductError('404 under the API', await fetch(`${url}/api/nowhere`), 404);
    await expectProductError('431', await fetch(`${url}/api/me`, { headers: { 'X-Padding': 'x'.repeat(40_000) } }), 431);
    await expectProductError('bad JSON', await fetch(`${url}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"username":' }), 400);
    await expectProductError('text/plain', await fetch(`${url}/api/login`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' }), 415);
    // Still up.
    expect((await staff.request('GET', '/api/me')).status).toBe(200);
  });

  it('marks every answer with personal or per-person data no-store', async () => {
    const cookie = cookieOf(staff);
    const load = encodeURIComponent(JSON.stringify({ measures: ['sales_overview.gmv'] }));
    for (const path of ['/api/me', '/cubejs-api/v1/meta', `/cubejs-api/v1/load?query=${load}`,
      `/api/peer-comparison?employee=${staffId}&from=2026-01-01&to=2026-11-20`, '/healthz']) {
      const r = await fetch(`${ctx.stack.url}${path}`, { headers: { Cookie: cookie } });
      expect(r.status, path).toBe(200);
      expect(r.headers.get('cache-control'), path).toBe('no-store');
    }
    const posted = await fetch(`${ctx.stack.url}/cubejs-api/v1/load`, { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json' }, body: JSON.stringify({ query: { measures: ['sales_overview.gmv'] } }) });
    expect(posted.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses logout, login and loads from another site, and any state change not sent as JSON', async () => {
    const victim = await ctx.stack.client('staff');
    const cookie = cookieOf(victim);
    const post = (path: string, headers: Record<string, string>, body: string) => fetch(`${ctx.stack.url}${path}`, { method: 'POST', headers: { Cookie: cookie, ...headers }, body });
    // The attack: a text/plain form from another origin.
    await expectProductError('cross-site text/plain logout', await post('/api/logout', { 'Content-Type': 'text/plain', Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' }, 'x'), 403);
    await expectProductError('cross-site JSON logout', await post('/api/logout', { 'Content-Type': 'application/json', Origin: 'https://evil.example' }, '{}'), 403);
    await expectProductError('same-site sibling', await post('/api/logout', { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-site' }, '{}'), 403);
    await expectProductError('opaque origin', await post('/api/logout', { 'Content-Type': 'application/json', Origin: 'null' }, '{}'), 403);
    await expectProductError('form without origin', await post('/api/logout', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'a=b'), 415);
    await expectProductError('text/plain without origin', await post('/api/logout', { 'Content-Type': 'text/plain' }, '{}'), 415);
    await expectProductError('multipart', await post('/api/logout', { 'Content-Type': 'multipart/form-data; boundary=x' }, '--x--'), 415);
    await expectProductError('login from another site', await post('/api/login', { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
      JSON.stringify({ username: 'staff', password: 'demo' })), 403);
    await expectProductError('load from another site', await post('/cubejs-api/v1/load', { 'Content-Type': 'text/plain', Origin: 'https://evil.example' },
      JSON.stringify({ query: { measures: ['sales_overview.gmv'] } })), 403);
    expect((await victim.request('GET', '/api/me')).status).toBe(200);
    // The product's own page: same origin, JSON.
    const own = await post('/api/logout', { 'Content-Type': 'application/json', Origin: ctx.stack.url, 'Sec-Fetch-Site': 'same-origin' }, '{}');
    expect(own.status).toBe(200);
    expect((await victim.request('GET', '/api/me')).status).toBe(401);
  });

  it('exports only as a POST of the own page with the session token, in the default format, and whole', async () => {
    const manager = await ctx.stack.client('manager');
    const { csrfToken } = (await manager.request<{ csrfToken: string }>('GET', '/api/me')).body;
    const { team_id: teamId } = one(await ctx.db.sql<{ team_id: number }[]>`SELECT e.team_id FROM siyu.accounts a JOIN siyu.employees e ON e.id = a.employee_id WHERE a.username = 'manager'`);
    const expected = (await ctx.db.sql<{ id: number }[]>`
      SELECT c.id FROM siyu.customers c JOIN siyu.employees e ON e.id = c.owner_employee_id WHERE e.team_id = ${teamId} ORDER BY c.id`).map((r) => r.id);
    const payload = { query: { dimensions: ['customer_insights.customer'] }, columns: [{ member: 'customer_insights.customer', title: '客户ID' }], filename: 'x' };
    const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => fetch(`${ctx.stack.url}/api/export.csv`, {
      method: 'POST', body: new URLSearchParams(fields).toString(),
      headers: { Cookie: cookieOf(manager), 'Content-Type': 'application/x-www-form-urlencoded', Origin: ctx.stack.url, 'Sec-Fetch-Site': 'same-origin', ...headers },
    });
    const good = { payload: JSON.stringify(payload), csrf: csrfToken };
    await expectProductError('a GET link', await fetch(`${ctx.stack.url}/api/export.csv?payload=${encodeURIComponent(good.payload)}`, { headers: { Cookie: cookieOf(manager) } }), 404);
    await expectProductError('no token', await form({ payload: good.payload }), 403);
    await expectProductError('a wrong token', await form({ ...good, csrf: `${csrfToken.slice(0, -2)}AA` }), 403);
    const other = await ctx.stack.client('manager');
    await expectProductError("another session's token", await form({ ...good, csrf: (await other.request<{ csrfToken: string }>('GET', '/api/me')).body.csrfToken }), 403);
    await expectProductError('another site', await form(good, { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' }), 403);
    for (const responseFormat of ['compact', 'arrow']) {
      await expectProductError(responseFormat, await form({ ...good, payload: JSON.stringify({ ...payload, query: { ...payload.query, responseFormat } }) }), 400);
    }
    const ok = await form(good);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const lines = (await ok.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines.slice(1).map(Number).sort((a, b) => a - b)).toEqual(expected);
  });
});
