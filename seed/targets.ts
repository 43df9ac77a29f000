/**
 * The demo's targets, bonus scheme and contest (migration 015), written in
 * the seed's transaction after the facts: for the as-of month and the one
 * before, every active employee gets a GMV and a follow-up target of 110 %
 * of their previous month (at least a floor, rounded), and every team the
 * sum of its employees' (so the demo's team targets agree with their
 * employees'). Derived from the seeded facts by SQL, so the same options
 * give the same targets.
 *
 * Campaign targets (period `campaign:<name>`): for the campaigns running at
 * as-of and those that ended in the 30 days before, every active employee
 * who promoted the campaign gets a participants, fission, conversions and
 * GMV target on each of them they have some of so far, and each team the
 * sum of its employees'. A campaign's history
 * is not long enough to set them from the past, so each is the employee's
 * run-rate to the campaign's end (actual so far ÷ time progress) over a
 * factor between 0.8 and 1.25 fixed by the employee and campaign ids: the
 * demo shows some employees ahead of 时间进度 and some behind.
 */
import type { TransactionSql } from 'postgres';

/** The tables this step writes; emptied first (the facts' TRUNCATE cascades to targets only). */
const TARGET_TABLES = ['honours', 'contests', 'bonus_tiers', 'bonus_schemes', 'target_changes', 'targets'];

export async function seedTargets(tx: TransactionSql): Promise<void> {
  await tx.unsafe(`TRUNCATE ${TARGET_TABLES.map((t) => `siyu.${t}`).join(', ')} RESTART IDENTITY`);
  // Each employee's GMV and follow-ups of the month before a period are counted in one pass over those two months'
  // orders and follow-ups (not one index scan of a month per employee); the rows keep the order (and so the ids) they
  // had: by kind, employee, this month before the last.
  await tx.unsafe(`
    WITH periods AS (
      SELECT to_char(month, 'YYYY-MM') AS period, month
      FROM (VALUES (date_trunc('month', siyu.as_of())::date),
                   ((date_trunc('month', siyu.as_of()) - interval '1 month')::date)) m (month)
    ),
    month_gmv AS MATERIALIZED (
      SELECT p.period, o.employee_id, sum(o.amount) AS gmv
      FROM periods p
      JOIN siyu.paid_orders o ON o.ordered_at >= siyu.local_midnight((p.month - interval '1 month')::date)
                             AND o.ordered_at < siyu.local_midnight(p.month)
      GROUP BY p.period, o.employee_id
    ),
    month_follow_ups AS MATERIALIZED (
      SELECT p.period, f.employee_id, count(*) AS n
      FROM periods p
      JOIN siyu.follow_ups f ON f.occurred_at >= siyu.local_midnight((p.month - interval '1 month')::date)
                            AND f.occurred_at < siyu.local_midnight(p.month)
      GROUP BY p.period, f.employee_id
    ),
    base AS (
      SELECT p.period, e.id AS employee_id,
             coalesce((SELECT g.gmv FROM month_gmv g WHERE g.period = p.period AND g.employee_id = e.id), 0) AS gmv,
             coalesce((SELECT f.n FROM month_follow_ups f WHERE f.period = p.period AND f.employee_id = e.id), 0) AS follow_ups
      FROM periods p CROSS JOIN siyu.employees e
      WHERE e.active
    )
    INSERT INTO siyu.targets (period, metric, employee_id, value, updated_by, updated_at)
    SELECT period, metric, employee_id, value, 'seed', siyu.local_midnight(siyu.as_of())
    FROM (
      SELECT 1 AS kind, period, 'gmv' AS metric, employee_id, greatest(round(gmv * 1.1 / 1000) * 1000, 5000) AS value
      FROM base
      UNION ALL
      SELECT 2, period, 'follow_ups', employee_id, greatest(round(follow_ups * 1.1), 10)
      FROM base
    ) AS t
    ORDER BY kind, employee_id, period DESC`);
  await tx.unsafe(`
    INSERT INTO siyu.targets (period, metric, team_id, value, updated_by, updated_at)
    SELECT t.period, t.metric, e.team_id, sum(t.value), 'seed', siyu.local_midnight(siyu.as_of())
    FROM siyu.targets t JOIN siyu.employees e ON e.id = t.employee_id
    GROUP BY t.period, t.metric, e.team_id`);
  await seedCampaignTargets(tx);
  await tx.unsafe(`
    INSERT INTO siyu.target_changes (target_id, period, metric, employee_id, team_id, old_value, new_value, changed_by, changed_at, source)
    SELECT id, period, metric, employee_id, team_id, NULL, value, updated_by, updated_at, 'seed'
    FROM siyu.targets ORDER BY id`);
  // 阶梯提成 on the month's GMV: 1 % of it from 80 % of target, 2 % from 100 %, 3 % from 120 %; at most ¥20,000.
  await tx.unsafe(`
    WITH scheme AS (
      INSERT INTO siyu.bonus_schemes (name, period, metric, basis, cap)
      VALUES ('月度GMV阶梯提成 ' || to_char(siyu.as_of(), 'YYYY-MM'), to_char(siyu.as_of(), 'YYYY-MM'), 'gmv', 'achievement_rate', 20000)
      RETURNING id
    )
    INSERT INTO siyu.bonus_tiers (scheme_id, threshold, rate)
    SELECT id, threshold, rate FROM scheme, (VALUES (0.8, 0.01), (1.0, 0.02), (1.2, 0.03)) t (threshold, rate)`);
  await tx.unsafe(`
    INSERT INTO siyu.contests (name, period, metrics, scope, prizes)
    VALUES (to_char(siyu.as_of(), 'FMMM') || '月冲刺赛', to_char(siyu.as_of(), 'YYYY-MM'), ARRAY['gmv', 'buyers'], 'employees',
            ARRAY['¥3000', '¥2000', '¥1000'])`);
}

/** The campaign targets (see above); run after the month targets, before their changes are logged. */
async function seedCampaignTargets(tx: TransactionSql): Promise<void> {
  await tx.unsafe(`
    WITH chosen AS MATERIALIZED (
      SELECT c.id, c.name, siyu.time_progress('campaign:' || c.name) AS progress
      FROM siyu.campaigns c
      WHERE c.starts_at < siyu.local_midnight(siyu.as_of() + 1)
        AND c.ends_at >= siyu.local_midnight(siyu.as_of() - 30)
    ),
    -- Each promoter's GMV on each chosen campaign in one pass (not one scan of the campaign's orders per promoter).
    campaign_gmv AS MATERIALIZED (
      SELECT o.campaign_id, o.employee_id, sum(o.amount) AS gmv
      FROM siyu.paid_orders o
      WHERE o.campaign_id IN (SELECT id FROM chosen)
        AND o.ordered_at < siyu.local_midnight(siyu.as_of() + 1)
      GROUP BY o.campaign_id, o.employee_id
    ),
    actual AS (
      SELECT c.id AS campaign_id, c.name, c.progress, p.employee_id,
             count(DISTINCT p.customer_id) AS participants,
             count(*) FILTER (WHERE p.invited_by_customer_id IS NOT NULL) AS fission_count,
             count(DISTINCT p.customer_id) FILTER (WHERE EXISTS (
               SELECT 1 FROM siyu.paid_orders o WHERE o.customer_id = p.customer_id AND o.campaign_id = c.id)) AS converted_count,
             coalesce((SELECT g.gmv FROM campaign_gmv g WHERE g.campaign_id = c.id AND g.employee_id = p.employee_id), 0) AS gmv
      FROM chosen c
      JOIN siyu.campaign_participations p ON p.campaign_id = c.id
        AND p.joined_at < siyu.local_midnight(siyu.as_of() + 1)
      JOIN siyu.employees e ON e.id = p.employee_id AND e.active
      WHERE c.progress > 0
      GROUP BY c.id, c.name, c.progress, p.employee_id
    ),
    planned AS (
      SELECT 'campaign:' || name AS period, employee_id, metric, floor_value,
             v / progress / (0.8 + ((employee_id * 7 + campaign_id * 13) % 10) * 0.05) AS run
      FROM actual
      CROSS JOIN LATERAL (VALUES ('participants', participants::numeric, 1),
                                 ('fission_count', fission_count::numeric, 1),
                                 ('converted_count', converted_count::numeric, 1),
                                 ('gmv', gmv, 100)) m (metric, v, floor_value)
      -- No run-rate, no target: an employee with none of a metric yet is not given one on it.
      WHERE v > 0
    )
    INSERT INTO siyu.targets (period, metric, employee_id, value, updated_by, updated_at)
    SELECT period, metric, employee_id,
           greatest(CASE WHEN metric = 'gmv' THEN round(run / 100) * 100 ELSE round(run) END, floor_value),
           'seed', siyu.local_midnight(siyu.as_of())
    FROM planned
    ORDER BY period, employee_id, metric`);
  await tx.unsafe(`
    INSERT INTO siyu.targets (period, metric, team_id, value, updated_by, updated_at)
    SELECT t.period, t.metric, e.team_id, sum(t.value), 'seed', siyu.local_midnight(siyu.as_of())
    FROM siyu.targets t JOIN siyu.employees e ON e.id = t.employee_id
    WHERE t.period LIKE 'campaign:%'
    GROUP BY t.period, t.metric, e.team_id`);
}
