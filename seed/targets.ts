/**
 * The demo's targets, bonus scheme and contest (migration 015), written in
 * the seed's transaction after the facts: for the as-of month and the one
 * before, every active employee gets a GMV and a follow-up target of 110 %
 * of their previous month (at least a floor, rounded), and every team the
 * sum of its employees' (so the demo's team targets agree with their
 * employees'). Derived from the seeded facts by SQL, so the same options
 * give the same targets.
 */
import type { TransactionSql } from 'postgres';

/** The tables this step writes; emptied first (the facts' TRUNCATE cascades to targets only). */
const TARGET_TABLES = ['honours', 'contests', 'bonus_tiers', 'bonus_schemes', 'target_changes', 'targets'];

export async function seedTargets(tx: TransactionSql): Promise<void> {
  await tx.unsafe(`TRUNCATE ${TARGET_TABLES.map((t) => `siyu.${t}`).join(', ')} RESTART IDENTITY`);
  await tx.unsafe(`
    WITH periods AS (
      SELECT to_char(month, 'YYYY-MM') AS period, month
      FROM (VALUES (date_trunc('month', siyu.as_of())::date),
                   ((date_trunc('month', siyu.as_of()) - interval '1 month')::date)) m (month)
    ),
    base AS (
      SELECT p.period, e.id AS employee_id,
             (SELECT coalesce(sum(o.amount), 0) FROM siyu.paid_orders o
              WHERE o.employee_id = e.id
                AND o.ordered_at >= siyu.local_midnight((p.month - interval '1 month')::date)
                AND o.ordered_at < siyu.local_midnight(p.month)) AS gmv,
             (SELECT count(*) FROM siyu.follow_ups f
              WHERE f.employee_id = e.id
                AND f.occurred_at >= siyu.local_midnight((p.month - interval '1 month')::date)
                AND f.occurred_at < siyu.local_midnight(p.month)) AS follow_ups
      FROM periods p CROSS JOIN siyu.employees e
      WHERE e.active
    )
    INSERT INTO siyu.targets (period, metric, employee_id, value, updated_by, updated_at)
    SELECT period, 'gmv', employee_id, greatest(round(gmv * 1.1 / 1000) * 1000, 5000), 'seed', siyu.local_midnight(siyu.as_of())
    FROM base
    UNION ALL
    SELECT period, 'follow_ups', employee_id, greatest(round(follow_ups * 1.1), 10), 'seed', siyu.local_midnight(siyu.as_of())
    FROM base`);
  await tx.unsafe(`
    INSERT INTO siyu.targets (period, metric, team_id, value, updated_by, updated_at)
    SELECT t.period, t.metric, e.team_id, sum(t.value), 'seed', siyu.local_midnight(siyu.as_of())
    FROM siyu.targets t JOIN siyu.employees e ON e.id = t.employee_id
    GROUP BY t.period, t.metric, e.team_id`);
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
