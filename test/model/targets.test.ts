/**
 * Targets and their completion (issue 24) on the hand-made brand
 * (test/fixtures/small-brand.ts, as of 2026-06-30, Asia/Shanghai): target,
 * achievement, time progress, forecast and bonus through the model, each
 * worked out by hand below and checked again by an independent SQL query
 * over the raw tables, under each role's row rules.
 */
import { describe, expect, it } from 'vitest';
import { migrate } from '../../cube/database/migrate.ts';
import { expectValues } from '../helpers/expect-values.ts';
import { useTestStack } from '../helpers/stack.ts';
import { loadDataSet } from '../fixtures/factories.ts';
import { smallBrand } from '../fixtures/small-brand.ts';
import { loadTargets, TARGETS } from '../fixtures/small-brand-targets.ts';

/**
 * Time progress at the end of 30 June (1 July 00:00 in Shanghai): June 30/30
 * = 1; 2026 181/365 (Jan 31 + Feb 28 + Mar 31 + Apr 30 + May 31 + Jun 30);
 * Q3 and July 0; 夏促 (1–20 June) over: 1.
 */
const YEAR = 181 / 365;

/** The same numbers from the raw tables, written apart from the model. */
const INDEPENDENT = `
  WITH b AS (
    SELECT t.id, t.value, t.metric, t.employee_id, t.team_id, t.period,
           CASE WHEN t.period LIKE 'campaign:%' THEN (SELECT starts_at FROM siyu.campaigns WHERE name = substr(t.period, 10))
                ELSE (CASE WHEN t.period ~ '^\\d{4}$' THEN (t.period || '-01-01')::date
                           WHEN t.period ~ 'Q' THEN make_date(left(t.period, 4)::int, right(t.period, 1)::int * 3 - 2, 1)
                           ELSE (t.period || '-01')::date END)::timestamp AT TIME ZONE 'Asia/Shanghai' END AS s,
           CASE WHEN t.period LIKE 'campaign:%' THEN (SELECT ends_at FROM siyu.campaigns WHERE name = substr(t.period, 10))
                ELSE (CASE WHEN t.period ~ '^\\d{4}$' THEN (t.period || '-01-01')::date + interval '1 year'
                           WHEN t.period ~ 'Q' THEN make_date(left(t.period, 4)::int, right(t.period, 1)::int * 3 - 2, 1) + interval '3 months'
                           ELSE (t.period || '-01')::date + interval '1 month' END)::timestamp AT TIME ZONE 'Asia/Shanghai' END AS e,
           (SELECT id FROM siyu.campaigns WHERE t.period = 'campaign:' || name) AS campaign_id
    FROM siyu.targets t
  ), w AS (
    SELECT b.*, least(e, '2026-07-01 00:00:00+08'::timestamptz) AS u,
           ARRAY(SELECT id FROM siyu.employees WHERE id = b.employee_id OR team_id = b.team_id) AS who
    FROM b
  )
  SELECT w.id, w.value::float8 AS target,
         CASE w.metric
           WHEN 'gmv' THEN (SELECT coalesce(sum(amount), 0) FROM siyu.orders o WHERE o.status = 'paid' AND o.employee_id = ANY (w.who)
                              AND o.ordered_at >= w.s AND o.ordered_at < w.u AND (w.campaign_id IS NULL OR o.campaign_id = w.campaign_id))
           WHEN 'follow_ups' THEN (SELECT count(*) FROM siyu.follow_ups f WHERE f.employee_id = ANY (w.who) AND f.occurred_at >= w.s AND f.occurred_at < w.u)
           WHEN 'participants' THEN (SELECT count(DISTINCT customer_id) FROM siyu.campaign_participations p WHERE p.employee_id = ANY (w.who)
                              AND p.joined_at >= w.s AND p.joined_at < w.u AND (w.campaign_id IS NULL OR p.campaign_id = w.campaign_id))
         END::float8 AS actual,
         greatest(0, least(1, extract(epoch FROM '2026-07-01 00:00:00+08'::timestamptz - w.s) / extract(epoch FROM w.e - w.s)))::float8 AS progress
  FROM w ORDER BY w.id`;

describe('targets and completion on the hand-made brand', () => {
  const ctx = useTestStack('targets', {
    prepare: async (db) => {
      await migrate(db.sql);
      await loadDataSet(db.sql, smallBrand);
      await loadTargets(db.sql);
    },
  });

  const byTarget = async (as?: 'manager' | 'staff') =>
    (as ? await ctx.stack.client(as) : ctx.api).load({
      measures: ['target', 'actual', 'achievement_rate', 'time_progress', 'forecast_achievement', 'bonus_earned'].map((m) => `target_completion.${m}`),
      dimensions: ['target_completion.id'],
      order: { 'target_completion.id': 'asc' },
    });

  it('achievement, time progress, forecast and bonus per target, as worked out by hand', async () => {
    const rows = await byTarget();
    const id = 'target_completion.id';
    expectValues(rows, id, 'target_completion.actual', { 1: 300, 2: 300, 3: 230, 4: 0, 5: 2, 6: 0, 7: 20, 8: 2, 9: 20 });
    expectValues(rows, id, 'target_completion.achievement_rate', { 1: 0.75, 2: 0.6, 3: 0.46, 4: 0, 5: 0.5, 6: 0, 7: 0.5, 8: 0.5, 9: 0.2 });
    expectValues(rows, id, 'target_completion.time_progress', { 1: 1, 2: 1, 3: YEAR, 4: 0, 5: 1, 6: 0, 7: 1, 8: 1, 9: 1 });
    expectValues(rows, id, 'target_completion.forecast_achievement', { 1: 0.75, 2: 0.6, 3: 0.46 / YEAR, 4: null, 5: 0.5, 6: null, 7: 0.5, 8: 0.5, 9: 0.2 });
    expectValues(rows, id, 'target_completion.bonus_earned', { 1: 45, 2: 0, 3: 23, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0 });
  });

  it('agrees with an independent SQL query over the raw tables', async () => {
    const rows = await byTarget();
    const sql = await ctx.db.sql.unsafe<{ id: number; target: number; actual: number; progress: number }[]>(INDEPENDENT);
    expect(sql).toHaveLength(TARGETS.length);
    for (const r of sql) {
      const row = rows.find((x) => Number(x['target_completion.id']) === r.id)!;
      expect(Number(row['target_completion.target']), `target ${r.id}`).toBeCloseTo(r.target, 6);
      expect(Number(row['target_completion.actual']), `actual ${r.id}`).toBeCloseTo(r.actual, 6);
      expect(Number(row['target_completion.time_progress']), `progress ${r.id}`).toBeCloseTo(r.progress, 6);
    }
  });

  it('keeps the row rules: staff their own targets, a manager the team and its employees', async () => {
    // `staff` is 乙 (employee 2); `manager` leads 一队 (甲 and 乙, and the team's own target 2).
    const staff = await byTarget('staff');
    expect(staff.map((r) => Number(r['target_completion.id']))).toEqual([1, 4, 5, 6]);
    const manager = await byTarget('manager');
    expect(manager.map((r) => Number(r['target_completion.id']))).toEqual([1, 2, 4, 5, 6]);
    expectValues(manager, 'target_completion.id', 'target_completion.achievement_rate', { 1: 0.75, 2: 0.6, 4: 0, 5: 0.5, 6: 0 });
  });

  it('sums a team: the targets of one metric and period add up, and so do their actuals', async () => {
    // June GMV: 乙 400 + 一队 500 + 丁 100 = 1000; actuals 300 + 300 + 20 = 620.
    const rows = await ctx.api.load({
      measures: ['target_completion.target', 'target_completion.actual', 'target_completion.achievement_rate'],
      dimensions: ['target_completion.period', 'target_completion.target_metric'],
      filters: [{ member: 'target_completion.period', operator: 'equals', values: ['2026-06'] }],
    });
    const gmv = rows.find((r) => r['target_completion.target_metric'] === 'gmv')!;
    expect(Number(gmv['target_completion.target'])).toBe(1000);
    expect(Number(gmv['target_completion.actual'])).toBe(620);
    expect(Number(gmv['target_completion.achievement_rate'])).toBeCloseTo(0.62, 6);
  });

  it('a running campaign: time progress from its own start to its end, achievement by team, as by hand and by independent SQL', async () => {
    // 夏促 runs 1 June 00:00 to 10 July 00:00 (Shanghai) for this test: at the end of 30 June 30 of its 39 days are gone.
    // GMV targets by team: 二队 40 (target 7; 丁's o5 20 → 0.5) and 一队 400 (乙's o1 100, o3 refunded; 甲 none → 0.25).
    const progress = 30 / 39;
    await ctx.db.sql`UPDATE siyu.campaigns SET ends_at = '2026-07-10 00:00:00+08' WHERE name = '夏促'`;
    await ctx.db.sql`INSERT INTO siyu.targets (id, period, metric, team_id, value, updated_by) VALUES (10, 'campaign:夏促', 'gmv', 1, 400, 'test')`;
    try {
      const byTeam = async (as?: 'manager') => (as ? await ctx.stack.client(as) : ctx.api).load({
        measures: ['target', 'actual', 'achievement_rate', 'time_progress', 'forecast_achievement'].map((m) => `target_completion.${m}`),
        dimensions: ['target_completion.team'],
        filters: [
          { member: 'target_completion.period', operator: 'equals', values: ['campaign:夏促'] },
          { member: 'target_completion.target_metric', operator: 'equals', values: ['gmv'] },
          { member: 'target_completion.level', operator: 'equals', values: ['team'] },
        ],
        order: { 'target_completion.team': 'asc' },
      });
      // Cube's cache follows the campaign's new end within its refresh key (2 s).
      await expect.poll(async () => (await byTeam()).map((r) => Number(r['target_completion.time_progress'])), { timeout: 20_000, interval: 500 })
        .toEqual([progress, progress].map((p) => expect.closeTo(p, 9)));
      const rows = await byTeam();
      const team = 'target_completion.team';
      expectValues(rows, team, 'target_completion.achievement_rate', { 一队: 0.25, 二队: 0.5 });
      expectValues(rows, team, 'target_completion.forecast_achievement', { 一队: 0.25 / progress, 二队: 0.5 / progress });

      const sql = await ctx.db.sql<{ team: string; rate: number; progress: number }[]>`
        SELECT tm.name AS team,
               ((SELECT coalesce(sum(o.amount), 0) FROM siyu.orders o JOIN siyu.employees e ON e.id = o.employee_id
                 WHERE o.status = 'paid' AND e.team_id = t.team_id AND o.campaign_id = c.id
                   AND o.ordered_at >= c.starts_at AND o.ordered_at < least(c.ends_at, '2026-07-01 00:00:00+08')) / t.value)::float8 AS rate,
               (extract(epoch FROM least(c.ends_at, '2026-07-01 00:00:00+08') - c.starts_at) / extract(epoch FROM c.ends_at - c.starts_at))::float8 AS progress
        FROM siyu.targets t JOIN siyu.teams tm ON tm.id = t.team_id JOIN siyu.campaigns c ON t.period = 'campaign:' || c.name
        WHERE t.metric = 'gmv' AND c.name = '夏促' ORDER BY tm.name`;
      expect(sql.map((r) => r.team)).toEqual(rows.map((r) => r[team]));
      for (const r of sql) {
        const row = rows.find((x) => x[team] === r.team)!;
        expect(Number(row['target_completion.achievement_rate']), r.team).toBeCloseTo(r.rate, 9);
        expect(Number(row['target_completion.time_progress']), r.team).toBeCloseTo(r.progress, 9);
      }
      // The manager of 一队 sees the team's own row only.
      expect((await byTeam('manager')).map((r) => r[team])).toEqual(['一队']);
    } finally {
      await ctx.db.sql`DELETE FROM siyu.targets WHERE id = 10`;
      await ctx.db.sql`UPDATE siyu.campaigns SET ends_at = '2026-06-20 23:59:59+08' WHERE name = '夏促'`;
    }
  });
});
