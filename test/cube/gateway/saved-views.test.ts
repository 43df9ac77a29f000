/**
 * Saved views through the real app server and database: a person keeps,
 * lists, renames and deletes their own views; another person's are as absent
 * as missing ones; a share link gives anyone logged in the page and filters
 * (never data); bad input is refused in the product's words. Stored rows are
 * checked in SQL.
 */
import { describe, expect, it } from 'vitest';
import { MAX_VIEWS_PER_ACCOUNT } from '../../../cube/gateway/saved-views.ts';
import { useTestStack } from '../../helpers/stack.ts';

interface View { id: number; name: string; page: string; state: string; token: string }

describe('saved views API', () => {
  const ctx = useTestStack('saved_views', { demoCustomers: 300 });

  it('keeps a person\'s views: save, list, rename, delete, each in the database', async () => {
    const manager = await ctx.stack.client('manager');
    const saved = await manager.request<View>('POST', '/api/views', { name: '  周一 团队视图 ', page: '/staff', state: '?range=last_7_days&team=T1&lang=en' });
    expect(saved.status).toBe(201);
    // The name is trimmed, the state normalised and without the sharer's language.
    expect(saved.body).toMatchObject({ name: '周一 团队视图', page: '/staff', state: 'range=last_7_days&team=T1' });
    expect(saved.body.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const [row] = await ctx.db.sql<{ username: string; name: string; state: string }[]>`SELECT username, name, state FROM siyu.saved_views WHERE id = ${saved.body.id}`;
    expect(row).toEqual({ username: 'manager', name: '周一 团队视图', state: 'range=last_7_days&team=T1' });

    const second = await manager.request<View>('POST', '/api/views', { name: 'A 渠道', page: '/channels', state: '' });
    expect(second.status).toBe(201);
    const list = await manager.request<{ views: View[] }>('GET', '/api/views');
    expect(list.body.views.map((v) => v.name)).toEqual(['A 渠道', '周一 团队视图']);

    const renamed = await manager.request<View>('PATCH', `/api/views/${saved.body.id}`, { name: '周一视图' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: '周一视图', token: saved.body.token });
    expect(await ctx.db.sql`SELECT 1 FROM siyu.saved_views WHERE name = '周一视图'`).toHaveLength(1);

    expect((await manager.request('DELETE', `/api/views/${second.body.id}`)).status).toBe(204);
    const [{ n }] = await ctx.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.saved_views WHERE username = 'manager'` as unknown as [{ n: number }];
    expect(n).toBe(1);
  });

  it('another person cannot see, rename or delete a view, but can follow its share link', async () => {
    const manager = await ctx.stack.client('manager');
    const staff = await ctx.stack.client('staff');
    const view = (await manager.request<View>('POST', '/api/views', { name: '共享视图', page: '/', state: 'range=this_month&compare=yoy' })).body;
    expect((await staff.request<{ views: View[] }>('GET', '/api/views')).body.views.map((v) => v.id)).not.toContain(view.id);
    const rename = await staff.request<{ error: string }>('PATCH', `/api/views/${view.id}`, { name: 'mine now' });
    expect(rename.status).toBe(404);
    expect(rename.body.error).toBe('No such view among yours.');
    expect((await staff.request('DELETE', `/api/views/${view.id}`)).status).toBe(404);
    expect(await ctx.db.sql`SELECT 1 FROM siyu.saved_views WHERE id = ${view.id} AND name = '共享视图'`).toHaveLength(1);

    const shared = await staff.request<{ name: string; page: string; state: string; sharedBy: string }>('GET', `/api/views/shared/${view.token}`);
    expect(shared.status).toBe(200);
    const [sharer] = await ctx.db.sql<{ display_name: string }[]>`SELECT display_name FROM siyu.accounts WHERE username = 'manager'`;
    // The page and its filters only: no rows, no scope of the sharer's.
    expect(shared.body).toEqual({ name: '共享视图', page: '/', state: 'range=this_month&compare=yoy', sharedBy: sharer!.display_name });
    expect((await staff.request('GET', '/api/views/shared/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await staff.request('GET', '/api/views/shared/x%27%3B--')).status).toBe(404);
  });

  it('refuses bad input with a clear message, and asks for a login', async () => {
    const exec = await ctx.stack.client('exec');
    const bad = async (body: unknown, pattern: RegExp, status = 400) => {
      const r = await exec.request<{ error: string }>('POST', '/api/views', body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.error, JSON.stringify(body)).toMatch(pattern);
      expect(JSON.stringify(r.body)).not.toMatch(/siyu\.|INSERT|at .*\.ts/);
    };
    await bad({ name: '', page: '/', state: '' }, /name of 1 to 60/);
    await bad({ name: '   ', page: '/', state: '' }, /name of 1 to 60/);
    await bad({ name: 'x'.repeat(61), page: '/', state: '' }, /name of 1 to 60/);
    await bad({ name: 'a\u0000b', page: '/', state: '' }, /name of 1 to 60/);
    await bad({ name: 'ok', page: '/admin/secret', state: '' }, /menu's pages/);
    await bad({ name: 'ok', page: 'https://evil.example/', state: '' }, /menu's pages/);
    await bad({ name: 'ok', page: '/', state: 'a='.padEnd(2001, 'x') }, /at most 2000/);
    await bad({ name: 'ok', page: '/', state: 42 }, /query string/);
    await bad([1, 2], /Send \{"name"/);
    expect((await exec.request('POST', '/api/views', { name: '重复', page: '/', state: '' })).status).toBe(201);
    await bad({ name: '重复', page: '/segments', state: '' }, /already have a view with this name/, 409);
    const nonJson = await exec.request('POST', '/api/views', 'name=x', { 'Content-Type': 'text/plain' });
    expect(nonJson.status).toBe(415);
    expect((await exec.request('PATCH', '/api/views/abc', { name: 'x' })).status).toBe(404);
    const anonymous = await fetch(`${ctx.stack.url}/api/views`);
    expect(anonymous.status).toBe(401);
  });

  it(`keeps at most ${MAX_VIEWS_PER_ACCOUNT} views per person`, async () => {
    const ops = await ctx.stack.client('ops');
    for (let i = 0; i < MAX_VIEWS_PER_ACCOUNT; i++) expect((await ops.request('POST', '/api/views', { name: `v${i}`, page: '/', state: '' })).status).toBe(201);
    const over = await ops.request<{ error: string }>('POST', '/api/views', { name: 'one more', page: '/', state: '' });
    expect(over.status).toBe(409);
    expect(over.body.error).toMatch(/delete one first/);
  });
});
