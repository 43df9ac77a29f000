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

/**
 * The targets. Actuals by hand (paid orders only, up to the end of as-of):
 *  1 乙 2026-06 gmv 400: o1 100 + o2 200 (o3 refunded) = 300 → 0.75.
 *  2 一队 2026-06 gmv 500: 甲 has no June order, 乙 300 → 0.6.
 *  3 丙 2026 gmv 500: o9 60 (Feb) + o10 90 (May) + o6 80 (31 May 23:30 in Shanghai) = 230 → 0.46.
 *  4 乙 2026-Q3 follow_ups 5: the quarter starts after as-of → 0, time progress 0, no forecast.
 *  5 乙 2026-06 follow_ups 4: f1 (1 Jun), f2 (15 Jun) = 2 → 0.5.
 *  6 乙 2026-07 gmv 1000: o11 (5 Jul) is after as-of → 0.
 *  7 二队 campaign:夏促 gmv 40: the campaign's orders by 丙 or 丁 in its window: o5 20 → 0.5.
 *  8 丁 campaign:夏促 participants 4: p2, p3 (王三, 赵四) → 2 → 0.5.
 *  9 丁 2026-06 gmv 100: o5 20 → 0.2.
 */
const TARGETS = [
  [1, '2026-06', 'gmv', 2, null, 400],
  [2, '2026-06', 'gmv', null, 1, 500],
  [3, '2026', 'gmv', 3, null, 500],
  [4, '2026-Q3', 'follow_ups', 2, null, 5],
  [5, '2026-06', 'follow_ups', 2, null, 4],
  [6, '2026-07', 'gmv', 2, null, 1000],
  [7, 'campaign:夏促', 'gmv', null, 2, 40],
  [8, 'campaign:夏促', 'participants', 4, null, 4],
  [9, '2026-06', 'gmv', 4, null, 100],
] as const;

/**
 * Two schemes. June GMV on the achievement rate: from 0.5 10 % of the
 * actual, from 0.7 a fixed 50, from 1.0 20 %; at most 45. 乙 (0.75) reaches
 * the 0.7 tier: 50, capped to 45. 丁 (0.2) reaches none: 0. The team target
 * has no bonus (schemes pay employees).
 * 2026 GMV on the metric itself: from 100, 10 %: 丙's 230 → 23.00.
 */
const SCHEMES = `
  INSERT INTO siyu.bonus_schemes (id, name, period, metric, basis, cap) VALUES
    (1, '六月', '2026-06', 'gmv', 'achievement_rate', 45), (2, '年度', '2026', 'gmv', 'metric', NULL);
  INSERT INTO siyu.bonus_tiers (scheme_id, threshold, rate, amount) VALUES
    (1, 0.5, 0.1, NULL), (1, 0.7, NULL, 50), (1, 1.0, 0.2, NULL), (2, 100, 0.1, NULL);`;

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
      for (const [id, period, metric, employee, team, value] of TARGETS) {
        await db.sql`INSERT INTO siyu.targets (id, period, metric, employee_id, team_id, value, updated_by)
                     VALUES (${id}, ${period}, ${metric}, ${employee}, ${team}, ${value}, 'test')`;
      }
      await db.sql.unsafe(SCHEMES);
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
});
