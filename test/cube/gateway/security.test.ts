/**
 * The app server against hostile input, on the real product: each attempt is
 * a 4xx with a clear message in the product's words, the server stays up and
 * the next normal query answers. Also accounts and sessions, headers, the CSV
 * export, own-versus-team, and Cube's least-privileged database role.
 */
import jwt from 'jsonwebtoken';
import postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import { cubeRoleName } from '../../../cube/database/cube-role.ts';
import { one } from '../../helpers/database.ts';
import { Client, useTestStack } from '../../helpers/stack.ts';

const expectClean = (label: string, body: unknown): void => {
  expect(Object.keys(body as object), label).toEqual(['error']);
  const message = (body as { error: string }).error;
  expect(message.length, label).toBeGreaterThan(0);
  // No stack, SQL, Cube wording, address or phone number.
  expect(message, label).not.toMatch(/\bat \w+ \(|\.ts:\d+|SELECT|FROM\s|siyu\.|127\.0\.0\.1|ECONN|Cube|postgres|1[3-9]\d{9}/i);
};

describe('security of the app server', () => {
  const ctx = useTestStack('security', { demoCustomers: 1500, config: { sessionRefreshMs: 200 } });
  let exec: Client;
  let staffId: number;

  beforeAll(async () => {
    exec = ctx.api;
    const [row] = await ctx.db.sql<{ employee_id: number }[]>`SELECT employee_id FROM siyu.accounts WHERE username = 'staff'`;
    staffId = row!.employee_id;
  });

  const stillUp = async (): Promise<void> => {
    const [row] = await exec.load({ measures: ['sales_overview.order_count'] });
    expect(Number(row!['sales_overview.order_count'])).toBeGreaterThan(0);
  };

  it('answers hostile load requests with clear 4xx and stays up', async () => {
    const staff = await ctx.stack.client('staff');
    // Written as text: JSON.stringify itself runs out of stack at this depth.
    const leaf = JSON.stringify({ member: 'sales_overview.channel', operator: 'equals', values: ['x'] });
    const deep = `{"query":{"measures":["sales_overview.gmv"],"filters":[${'{"and":['.repeat(3000)}${leaf}${']}'.repeat(3000)}]}}`;
    const cases: Array<[string, unknown, number]> = [
      ['time zone with a quote', { query: { measures: ['sales_overview.gmv'], timezone: "Asia/Shanghai' || pg_read_file('/etc/passwd') || '" } }, 400],
      ['another time zone', { query: { measures: ['sales_overview.gmv'], timezone: 'UTC' } }, 400],
      ['SQL in a value', { query: { measures: ['sales_overview.gmv'], filters: [{ member: 'sales_overview.channel', operator: 'equals', values: ["x') OR 1=1 --"] }] } }, 200],
      ['SQL in a member', { query: { measures: ['sales_overview.gmv) FROM siyu.accounts --'] } }, 400],
      ['a cube member', { query: { measures: ['orders.gmv'] } }, 403],
      ['a view closed to the role', { query: { measures: ['campaign_budgets.budget'] } }, 403],
      ['phone with a granularity', { query: { dimensions: ['customer_insights.phone.day'] } }, 400],
      ['phone in the order', { query: { dimensions: ['customer_insights.phone'], order: [['customer_insights.phone', 'asc']] } }, 403],
      ['phone in a deep filter', { query: { measures: ['customer_insights.customers'], filters: [{ or: [{ and: [{ member: 'customer_insights.phone', operator: 'startsWith', values: ['138'] }] }] }] } }, 403],
      ['a context in the body', { query: { measures: ['sales_overview.gmv'] }, securityContext: { role: 'admin' } }, 200],
      ['a context in the query', { query: { measures: ['sales_overview.gmv'], securityContext: { role: 'admin' } } }, 400],
      ['an unknown response format', { query: { measures: ['sales_overview.gmv'], responseFormat: 'arrow' } }, 400],
      ['an unknown query type', { query: { measures: ['sales_overview.gmv'] }, queryType: 'blendingQuery' }, 400],
      ['ungrouped', { query: { dimensions: ['sales_overview.channel'], ungrouped: true } }, 400],
      ['10,000 members', { query: { measures: Array.from({ length: 10_000 }, () => 'sales_overview.gmv') } }, 400],
      ['3,000-deep filters', deep, 400],
      ['a negative limit', { query: { measures: ['sales_overview.gmv'], limit: -1 } }, 400],
      ['a huge limit (lowered, not refused)', { query: { measures: ['sales_overview.gmv'], limit: 1_000_000_000 } }, 200],
      ['a huge offset', { query: { measures: ['sales_overview.gmv'], offset: 1e12 } }, 400],
      ['a text in a number filter', { query: { measures: ['sales_overview.gmv'], filters: [{ member: 'sales_overview.customer', operator: 'equals', values: ['abc'] }] } }, 400],
    ];
    for (const [label, body, status] of cases) {
      const r = await staff.request('POST', '/cubejs-api/v1/load', body);
      expect(r.status, label).toBe(status);
      if (status !== 200) expectClean(label, r.body);
    }
    for (const [label, raw, status] of [['malformed JSON', '{"query": {', 400], ['a 10 MB body', JSON.stringify({ query: { measures: ['sales_overview.gmv'] }, pad: 'x'.repeat(10_000_000) }), 413]] as const) {
      const r = await staff.request('POST', '/cubejs-api/v1/load', raw);
      expect(r.status, label).toBe(status);
      expectClean(label, r.body);
    }
    const cubeMember = await staff.request<{ error: string }>('POST', '/cubejs-api/v1/load', { query: { measures: ['orders.gmv'] } });
    expect(cubeMember.body.error).toBe('orders.gmv is not a measure you can query: use the members listed in /meta.');
    await stillUp();
  });

  it('masks phones for every response format and in every error text', async () => {
    const phones = new Set((await ctx.db.sql<{ phone: string }[]>`SELECT phone FROM siyu.customers`).map((r) => r.phone));
    for (const responseFormat of ['default', 'compact']) {
      for (const queryType of [undefined, 'multi']) {
        const r = await exec.request('POST', '/cubejs-api/v1/load', {
          query: { dimensions: ['customer_insights.phone', 'customer_insights.customer'], limit: 200, responseFormat }, queryType,
        });
        expect(r.status).toBe(200);
        const text = JSON.stringify(r.body);
        expect([...text.matchAll(/1[3-9]\d{9}/g)].filter((m) => phones.has(m[0]))).toEqual([]);
        expect(text).toMatch(/1\d{2}\*{4}\d{4}/);
      }
    }
    // The phone as a number in a filter of its own view cannot be asked for; in a sum or order neither.
    const viaMeasureFilter = await exec.request('POST', '/cubejs-api/v1/load', {
      query: { dimensions: ['sales_overview.phone'], filters: [{ member: 'sales_overview.phone', operator: 'contains', values: ['1'] }] },
    });
    expect(viaMeasureFilter.status).toBe(403);
  });

  it('refuses forged and expired cookies and any token sent by the browser', async () => {
    for (const cookie of ['siyu_session=forged', `siyu_session=${'A'.repeat(43)}`, 'siyu_session=']) {
      const r = await Client.anonymous(ctx.stack.url).request('GET', '/api/me', undefined, { Cookie: cookie });
      expect(r.status, cookie).toBe(401);
    }
    const forged = jwt.sign({ ctx: { username: 'admin', role: 'admin', employeeId: null, teamId: null } }, 'guess');
    const anon = await Client.anonymous(ctx.stack.url).request('POST', '/cubejs-api/v1/load', { query: { measures: ['sales_overview.gmv'] } },
      { Authorization: `Bearer ${forged}`, 'x-security-context': '{"role":"admin"}' });
    expect(anon.status).toBe(401);
    const viaQueryString = await exec.request<{ data: Array<Record<string, string>> }>('GET',
      `/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify({ dimensions: ['customer_insights.phone'], limit: 3 }))}&securityContext=${encodeURIComponent('{"role":"admin"}')}&authorization=${forged}`);
    for (const row of viaQueryString.body.data) expect(row['customer_insights.phone']).toMatch(/^1\d{2}\*{4}\d{4}$/);
  });

  it('rotates the session at login and ends every session of a deactivated employee', async () => {
    const first = await ctx.stack.client('staff');
    const cookieBefore = (first as unknown as { cookie: string }).cookie;
    const again = await first.request('POST', '/api/login', { username: 'staff', password: 'demo' });
    expect(again.status).toBe(200);
    const cookieAfter = (first as unknown as { cookie: string }).cookie;
    expect(cookieAfter).not.toBe(cookieBefore);
    const old = await Client.anonymous(ctx.stack.url).request('GET', '/api/me', undefined, { Cookie: cookieBefore });
    expect(old.status).toBe(401);

    const other = await ctx.stack.client('staff');
    await ctx.db.sql`UPDATE siyu.employees SET active = false WHERE id = ${staffId}`;
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect((await first.request('GET', '/api/me')).status).toBe(401);
      expect((await other.request('GET', '/api/me')).status).toBe(401);
      const login = await Client.anonymous(ctx.stack.url).request('POST', '/api/login', { username: 'staff', password: 'demo' });
      expect(login.status).toBe(401);
    } finally {
      await ctx.db.sql`UPDATE siyu.employees SET active = true WHERE id = ${staffId}`;
    }
  });

  it('reads role and team fresh: a move to another team applies to the next query', async () => {
    const staff = await ctx.stack.client('staff');
    const { team_id: before } = one(await ctx.db.sql<{ team_id: number }[]>`SELECT team_id FROM siyu.employees WHERE id = ${staffId}`);
    const { id: otherTeam } = one(await ctx.db.sql<{ id: number }[]>`SELECT id FROM siyu.teams WHERE id <> ${before} ORDER BY id LIMIT 1`);
    await ctx.db.sql`UPDATE siyu.employees SET team_id = ${otherTeam} WHERE id = ${staffId}`;
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect((await staff.request<{ teamId: number }>('GET', '/api/me')).body.teamId).toBe(otherTeam);
    } finally {
      await ctx.db.sql`UPDATE siyu.employees SET team_id = ${before} WHERE id = ${staffId}`;
    }
  });

  it('limits failed logins per account with a clear 429, and keeps accounts hashed with scrypt', async () => {
    const anon = Client.anonymous(ctx.stack.url);
    for (let i = 0; i < 5; i++) expect((await anon.request('POST', '/api/login', { username: 'ops', password: `wrong${i}` })).status).toBe(401);
    const blocked = await anon.request('POST', '/api/login', { username: 'ops', password: 'demo' });
    expect(blocked.status).toBe(429);
    expectClean('429', blocked.body);
    expect((await anon.request('POST', '/api/login', { username: 'admin', password: 'demo' })).status).toBe(200);
    const hashes = await ctx.db.sql<{ password_hash: string }[]>`SELECT password_hash FROM siyu.accounts`;
    expect(hashes.length).toBeGreaterThan(5);
    for (const { password_hash } of hashes) expect(password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(new Set(hashes.map((h) => h.password_hash)).size).toBe(hashes.length);
  });

  it('sends security headers, and forbids framing', async () => {
    for (const path of ['/', '/api/me', '/big-screen']) {
      const r = await fetch(`${ctx.stack.url}${path}`);
      expect(r.headers.get('content-security-policy'), path).toContain("default-src 'self'");
      expect(r.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(r.headers.get('x-frame-options'), path).toBe('DENY');
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(r.headers.get('referrer-policy'), path).toBe('same-origin');
    }
  });

  it('exports a whole list as CSV with a BOM, scoped and masked like the screen', async () => {
    const manager = await ctx.stack.client('manager');
    const { team_id: teamId } = one(await ctx.db.sql<{ team_id: number }[]>`SELECT team_id FROM siyu.accounts a JOIN siyu.employees e ON e.id = a.employee_id WHERE a.username = 'manager'`);
    const expected = await ctx.db.sql<{ id: number }[]>`
      SELECT c.id FROM siyu.customers c JOIN siyu.employees e ON e.id = c.owner_employee_id WHERE e.team_id = ${teamId} ORDER BY c.id`;
    const payload = {
      query: { dimensions: ['customer_insights.customer', 'customer_insights.customer_name', 'customer_insights.phone'] },
      columns: [{ member: 'customer_insights.customer', title: '客户ID' }, { member: 'customer_insights.phone', title: '手机号' }],
      filename: '客户_团队',
    };
    const cookie = (manager as unknown as { cookie: string }).cookie;
    const { csrfToken } = (await manager.request<{ csrfToken: string }>('GET', '/api/me')).body;
    const exportCsv = (p: unknown) => fetch(`${ctx.stack.url}/api/export.csv`, {
      method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json' }, body: JSON.stringify({ payload: p, csrf: csrfToken }),
    });
    const r = await exportCsv(payload);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/csv');
    expect(r.headers.get('content-disposition')).toContain(encodeURIComponent('客户_团队.csv'));
    const bytes = new Uint8Array(await r.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1).trim().split('\r\n');
    expect(lines[0]).toBe('客户ID,手机号');
    expect(lines.slice(1).map((l) => Number(l.split(',')[0])).sort((a, b) => a - b)).toEqual(expected.map((e) => e.id));
    for (const line of lines.slice(1)) expect(line.split(',')[1]).toMatch(/^1\d{2}\*{4}\d{4}$/);
    const stray = await exportCsv({ ...payload, columns: [{ member: 'customer_insights.ltv', title: 'x' }] });
    expect(stray.status).toBe(400);
  });

  it("shows a staff member their KPIs beside the team's average and their rank, from aggregates only", async () => {
    const staff = await ctx.stack.client('staff');
    const from = '2026-01-01';
    const to = '2026-11-20';
    const r = await staff.request<{ teamSize: number; metrics: Array<{ id: string; value: string | null; teamAverage: string | null; rank: number | null }> }>(
      'GET', `/api/peer-comparison?employee=${staffId}&from=${from}&to=${to}`);
    expect(r.status).toBe(200);
    const gmvRows = await ctx.db.sql<{ id: number; gmv: string }[]>`
      SELECT e.id, coalesce(sum(o.amount) FILTER (WHERE o.status = 'paid'
        AND (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${from} AND ${to}), 0)::text AS gmv
      FROM siyu.employees e LEFT JOIN siyu.orders o ON o.employee_id = e.id
      WHERE e.team_id = (SELECT team_id FROM siyu.employees WHERE id = ${staffId})
      GROUP BY e.id`;
    const [avg] = await ctx.db.sql<{ a: string }[]>`SELECT avg(x)::text AS a FROM unnest(${gmvRows.map((g) => g.gmv)}::numeric[]) AS x`;
    const own = gmvRows.find((g) => g.id === staffId)!;
    const gmv = r.body.metrics.find((m) => m.id === 'gmv')!;
    expect(r.body.teamSize).toBe(gmvRows.length);
    expect(Number(gmv.value)).toBeCloseTo(Number(own.gmv), 2);
    expect(Number(gmv.teamAverage)).toBeCloseTo(Number(avg!.a), 2);
    expect(gmv.rank).toBe(1 + gmvRows.filter((g) => Number(g.gmv) > Number(own.gmv)).length);
    // Meant (docs/security.md, "The peer comparison"): the average times the team size is the team's total.
    const teamTotal = gmvRows.reduce((t, g) => t + Number(g.gmv), 0);
    expect(Number(gmv.teamAverage) * r.body.teamSize).toBeCloseTo(teamTotal, 1);
    // A colleague's page is not theirs to see.
    const [colleague] = await ctx.db.sql<{ id: number }[]>`SELECT id FROM siyu.employees WHERE id <> ${staffId} LIMIT 1`;
    expect((await staff.request('GET', `/api/peer-comparison?employee=${colleague!.id}&from=${from}&to=${to}`)).status).toBe(404);
    expect((await staff.request('GET', `/api/peer-comparison?employee=${staffId}&from=bad&to=${to}`)).status).toBe(400);
  });

  it('gives Cube a database role that reads the data, not the accounts, and cannot read files', async () => {
    const [row0] = await ctx.db.sql<{ db: string }[]>`SELECT current_database() AS db`;
    const role = cubeRoleName(row0!.db);
    // The role's password is random per start; a known one is set here to log in as it.
    await ctx.db.sql.unsafe(`ALTER ROLE ${role} PASSWORD 'test-only'`);
    const url = new URL(ctx.db.url);
    url.username = role;
    url.password = 'test-only';
    const reader = postgres(url.toString(), { max: 1, onnotice: () => {} });
    try {
      const [row] = await reader<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.orders`;
      expect(row!.n).toBeGreaterThan(0);
      await expect(reader`SELECT * FROM siyu.accounts`).rejects.toThrow(/permission denied/);
      await expect(reader`SELECT pg_read_file('/etc/hostname')`).rejects.toThrow(/permission denied/);
      await expect(reader`DELETE FROM siyu.orders`).rejects.toThrow(/permission denied/);
      await expect(reader`CREATE TABLE siyu.x (a int)`).rejects.toThrow(/permission denied/);
      const [attrs] = await reader<{ rolsuper: boolean; rolcreaterole: boolean }[]>`SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user`;
      expect(attrs).toEqual({ rolsuper: false, rolcreaterole: false });
    } finally {
      await reader.end();
    }
  });
});
