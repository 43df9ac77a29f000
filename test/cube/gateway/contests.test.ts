/**
 * Contest leaderboards through the app server on the hand-made brand (as of
 * 2026-06-30). June, paid orders up to as-of: 乙 300 (o1 100 + o2 200, one
 * buyer 张一), 丁 20 (o5, one buyer 王三); 甲 and 丙 sold nothing in June
 * (o6 is 31 May 23:30 in Shanghai). By team: 一队 300, 二队 20.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../cube/database/migrate.ts';
import { rank } from '../../../cube/gateway/contests.ts';
import { useTestStack, type Client } from '../../helpers/stack.ts';
import { loadDataSet } from '../../fixtures/factories.ts';
import { smallBrand } from '../../fixtures/small-brand.ts';

type Boards = { contests: Array<{ name: string; standings: Array<{ name: string; rank: number; values: Array<number | null>; prize: string | null }> }> };

describe('contest leaderboards', () => {
  const ctx = useTestStack('contests', {
    prepare: async (db) => {
      await migrate(db.sql);
      await loadDataSet(db.sql, smallBrand);
      await db.sql`
        INSERT INTO siyu.contests (id, name, period, metrics, scope, prizes, tie_rule) VALUES
          (1, 'A GMV', '2026-06', ARRAY['gmv', 'buyers'], 'employees', ARRAY['¥300', '¥100'], 'next_metric_then_id'),
          (2, 'B buyers then GMV', '2026-06', ARRAY['buyers', 'gmv'], 'employees', '{}', 'next_metric_then_id'),
          (3, 'C buyers, shared', '2026-06', ARRAY['buyers'], 'employees', '{}', 'shared_rank'),
          (4, 'D buyers, by id', '2026-06', ARRAY['buyers'], 'employees', '{}', 'next_metric_then_id'),
          (5, 'E teams', '2026-06', ARRAY['gmv'], 'teams', '{}', 'next_metric_then_id'),
          (6, 'F May', '2026-05', ARRAY['gmv'], 'employees', '{}', 'next_metric_then_id')`;
      // A June order credited to nobody: in no one's standing.
      await db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
                   VALUES (101, 5, NULL, 1, '2026-06-10 10:00:00+08', 5000.00, 1, 'core', 'paid')`;
    },
  });
  const as: Record<string, Client> = {};
  beforeAll(async () => {
    for (const u of ['ops', 'staff']) as[u] = await ctx.stack.client(u);
  });
  const board = (b: Boards, name: string) => b.contests.find((c) => c.name === name)!.standings.map((s) => [s.name, s.rank, ...s.values, s.prize]);

  it('ranks each running contest by its metrics, ties by the stated rule, with prizes by rank', async () => {
    const r = await as.ops!.request<Boards>('GET', '/api/contests');
    expect(r.status).toBe(200);
    // May's contest is over at as-of: not running.
    expect(r.body.contests.map((c) => c.name)).toEqual(['A GMV', 'B buyers then GMV', 'C buyers, shared', 'D buyers, by id', 'E teams']);
    expect(board(r.body, 'A GMV')).toEqual([['乙', 1, 300, 1, '¥300'], ['丁', 2, 20, 1, '¥100']]);
    // One buyer each: the tie goes to the next metric, GMV.
    expect(board(r.body, 'B buyers then GMV')).toEqual([['乙', 1, 1, 300, null], ['丁', 2, 1, 20, null]]);
    expect(board(r.body, 'C buyers, shared')).toEqual([['乙', 1, 1, null], ['丁', 1, 1, null]]);
    // No next metric: the lower id (乙 2 before 丁 4).
    expect(board(r.body, 'D buyers, by id')).toEqual([['乙', 1, 1, null], ['丁', 2, 1, null]]);
    expect(board(r.body, 'E teams')).toEqual([['一队', 1, 300, null], ['二队', 2, 20, null]]);
    const all = await as.ops!.request<Boards>('GET', '/api/contests?all=1');
    // With all=1 the closed May contest too: 丙 o10 90 (1 May) + o6 80 (31 May 23:30 in Shanghai).
    expect(board(all.body, 'F May')).toEqual([['丙', 1, 170, null]]);
  });

  it('shows staff only their own line', async () => {
    const r = await as.staff!.request<Boards>('GET', '/api/contests');
    expect(board(r.body, 'A GMV')).toEqual([['乙', 1, 300, 1, '¥300']]);
  });

  it('ranks with a missing value last and shares only complete ties', () => {
    const s = [{ id: 3, name: 'c', values: [null, 1] }, { id: 2, name: 'b', values: [5, 1] }, { id: 1, name: 'a', values: [5, 2] }];
    expect(rank(s, 'next_metric_then_id').map((x) => [x.name, x.rank])).toEqual([['a', 1], ['b', 2], ['c', 3]]);
    const t = [{ id: 2, name: 'b', values: [5] }, { id: 1, name: 'a', values: [5] }, { id: 3, name: 'c', values: [4] }];
    expect(rank(t, 'shared_rank').map((x) => [x.name, x.rank])).toEqual([['a', 1], ['b', 1], ['c', 3]]);
  });

  describe('honours', () => {
    type Honours = { closed: boolean; honours: Array<{ metric: string; scope: string; rank: number; name: string; value: number | null }> };
    const lines = (h: Honours) => h.honours.map((x) => [x.metric, x.scope, x.rank, x.name, x.value]);

    it('fixes a closed period\'s honours once: a late order changes nothing', async () => {
      // May up to as-of: 丙 o10 90 (1 May) + o6 80 (31 May 23:30 in Shanghai) = 170, buyers 吴八 and 赵四;
      // follow-ups: 丁 f3 (20 May). Nobody else sold or followed up in May.
      const first = await as.ops!.request<Honours>('GET', '/api/honours?period=2026-05');
      expect(first.body.closed).toBe(true);
      const expected = [
        ['buyers', 'employees', 1, '丙', 2], ['buyers', 'teams', 1, '二队', 2],
        ['follow_ups', 'employees', 1, '丁', 1], ['follow_ups', 'teams', 1, '二队', 1],
        ['gmv', 'employees', 1, '丙', 170], ['gmv', 'teams', 1, '二队', 170],
      ];
      expect(lines(first.body)).toEqual(expected);
      // A late May order for 乙, bigger than 丙's month: the honours stay as fixed.
      await ctx.db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
                       VALUES (100, 1, 2, 1, '2026-05-15 10:00:00+08', 1000.00, 1, 'core', 'paid')`;
      // Once the model sees it (its refresh key is checked every 2 s), 乙 leads May's GMV...
      await expect.poll(async () => {
        const rows = await as.ops!.load({
          measures: ['sales_overview.gmv'], dimensions: ['sales_overview.employee'],
          timeDimensions: [{ dimension: 'sales_overview.order_date', dateRange: ['2026-05-01', '2026-05-31'] }],
        });
        return Number(rows.find((r) => r['sales_overview.employee'] === '乙')?.['sales_overview.gmv'] ?? 0);
      }, { timeout: 30_000, interval: 1000 }).toBe(1000);
      // ...and the fixed honours do not move.
      const again = await as.ops!.request<Honours>('GET', '/api/honours?period=2026-05');
      expect(lines(again.body)).toEqual(expected);
    });

    it('has none for an open period, and shows others\' numbers only to the whole-brand roles', async () => {
      expect((await as.ops!.request<Honours>('GET', '/api/honours?period=2026-Q3')).body).toEqual({ period: '2026-Q3', closed: false, honours: [] });
      const staff = await as.staff!.request<Honours>('GET', '/api/honours?period=2026-05');
      expect(staff.body.honours.every((h) => h.value === null)).toBe(true);
      expect(staff.body.honours.map((h) => h.name)).toContain('丙');
    });
  });
});
