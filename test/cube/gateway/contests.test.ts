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
});
