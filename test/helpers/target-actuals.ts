/**
 * Each target's actual written apart from the model (test/model/target-actuals.test.ts):
 * plain SQL on the raw tables (orders, follow-ups, customers,
 * participations), the window worked out from the period's text, never
 * through siyu.customer_days, siyu.period_bounds or siyu.target_members.
 * The rows of a page query are then these per-target rows summed as the
 * query groups them, within the person's row limits.
 */
import type { Sql } from 'postgres';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';

export interface TargetRow {
  id: number; period: string; metric: string; level: 'team' | 'employee';
  employee_id: number | null; team_id: number; team: string; employee: string | null;
  target: number; actual: number; progress: number; bonus: number;
}

/** Every target with its actual, time progress and bonus, as of the data date, in Asia/Shanghai. */
export const PER_TARGET = `
  WITH asof AS (SELECT ((value::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') AS end_of FROM siyu.settings WHERE key = 'as_of'),
  b AS (
    SELECT t.id, t.period, t.metric, t.value, t.employee_id, coalesce(t.team_id, e.team_id) AS team_id, tm.name AS team, e.name AS employee,
           CASE WHEN t.employee_id IS NULL THEN 'team' ELSE 'employee' END AS level,
           cp.id AS campaign_id,
           coalesce(cp.starts_at, (CASE WHEN t.period ~ '^\\d{4}$' THEN (t.period || '-01-01')::date
                                        WHEN t.period ~ 'Q' THEN make_date(left(t.period, 4)::int, right(t.period, 1)::int * 3 - 2, 1)
                                        ELSE (t.period || '-01')::date END)::timestamp AT TIME ZONE 'Asia/Shanghai') AS s,
           coalesce(cp.ends_at, (CASE WHEN t.period ~ '^\\d{4}$' THEN (t.period || '-01-01')::date + interval '1 year'
                                      WHEN t.period ~ 'Q' THEN make_date(left(t.period, 4)::int, right(t.period, 1)::int * 3 - 2, 1) + interval '3 months'
                                      ELSE (t.period || '-01')::date + interval '1 month' END)::timestamp AT TIME ZONE 'Asia/Shanghai') AS e,
           ARRAY(SELECT x.id FROM siyu.employees x WHERE x.id = t.employee_id OR (t.employee_id IS NULL AND x.team_id = t.team_id)) AS who,
           (SELECT sc.id FROM siyu.bonus_schemes sc WHERE sc.period = t.period AND sc.metric = t.metric AND t.employee_id IS NOT NULL) AS scheme
    FROM siyu.targets t
    LEFT JOIN siyu.employees e ON e.id = t.employee_id
    JOIN siyu.teams tm ON tm.id = coalesce(t.team_id, e.team_id)
    LEFT JOIN siyu.campaigns cp ON t.period = 'campaign:' || cp.name
  ),
  w AS (SELECT b.*, least(b.e, asof.end_of) AS u, asof.end_of FROM b, asof),
  paid AS (SELECT * FROM siyu.orders WHERE status = 'paid'),
  a AS (
    SELECT w.*, coalesce(CASE w.metric
      WHEN 'gmv' THEN (SELECT sum(o.amount) FROM paid o WHERE o.employee_id = ANY (w.who) AND o.ordered_at >= w.s AND o.ordered_at < w.u AND (w.campaign_id IS NULL OR o.campaign_id = w.campaign_id))
      WHEN 'order_count' THEN (SELECT count(*) FROM paid o WHERE o.employee_id = ANY (w.who) AND o.ordered_at >= w.s AND o.ordered_at < w.u AND (w.campaign_id IS NULL OR o.campaign_id = w.campaign_id))
      WHEN 'buyers' THEN (SELECT count(DISTINCT o.customer_id) FROM paid o WHERE o.employee_id = ANY (w.who) AND o.ordered_at >= w.s AND o.ordered_at < w.u AND (w.campaign_id IS NULL OR o.campaign_id = w.campaign_id))
      WHEN 'spend_per_buyer' THEN (SELECT sum(o.amount) / nullif(count(DISTINCT o.customer_id), 0) FROM paid o WHERE o.employee_id = ANY (w.who) AND o.ordered_at >= w.s AND o.ordered_at < w.u AND (w.campaign_id IS NULL OR o.campaign_id = w.campaign_id))
      WHEN 'items_per_buyer' THEN (SELECT sum(o.items)::numeric / nullif(count(DISTINCT o.customer_id), 0) FROM paid o WHERE o.employee_id = ANY (w.who) AND o.ordered_at >= w.s AND o.ordered_at < w.u AND (w.campaign_id IS NULL OR o.campaign_id = w.campaign_id))
      WHEN 'owned_customers' THEN (SELECT count(*) FROM siyu.customers c WHERE c.owner_employee_id = ANY (w.who) AND c.registered_at >= w.s AND c.registered_at < w.u)
      WHEN 'converted_customers' THEN (SELECT count(DISTINCT o.customer_id) FROM paid o JOIN siyu.customers c ON c.id = o.customer_id
                                       WHERE c.owner_employee_id = ANY (w.who) AND o.ordered_at >= w.s AND o.ordered_at < w.u AND (w.campaign_id IS NULL OR o.campaign_id = w.campaign_id))
      WHEN 'follow_ups' THEN (SELECT count(*) FROM siyu.follow_ups f WHERE f.employee_id = ANY (w.who) AND f.occurred_at >= w.s AND f.occurred_at < w.u)
      WHEN 'participants' THEN (SELECT count(DISTINCT p.customer_id) FROM siyu.campaign_participations p WHERE p.employee_id = ANY (w.who) AND p.joined_at >= w.s AND p.joined_at < w.u AND (w.campaign_id IS NULL OR p.campaign_id = w.campaign_id))
      WHEN 'fission_count' THEN (SELECT count(*) FROM siyu.campaign_participations p WHERE p.employee_id = ANY (w.who) AND p.invited_by_customer_id IS NOT NULL AND p.joined_at >= w.s AND p.joined_at < w.u AND (w.campaign_id IS NULL OR p.campaign_id = w.campaign_id))
      WHEN 'converted_count' THEN (SELECT count(DISTINCT p.customer_id) FROM siyu.campaign_participations p WHERE p.employee_id = ANY (w.who) AND p.joined_at >= w.s AND p.joined_at < w.u AND (w.campaign_id IS NULL OR p.campaign_id = w.campaign_id)
                                     AND EXISTS (SELECT 1 FROM paid o WHERE o.customer_id = p.customer_id AND o.campaign_id = p.campaign_id))
    END, 0) AS actual
    FROM w
  )
  SELECT id, period, metric, level, employee_id, team_id, team, employee, value::float8 AS target, actual::float8 AS actual,
         greatest(0, least(1, extract(epoch FROM end_of - s) / extract(epoch FROM e - s)))::float8 AS progress,
         coalesce(siyu.bonus_payout(scheme, actual, actual / value), 0)::float8 AS bonus
  FROM a ORDER BY id`;

export async function perTarget(sql: Sql): Promise<TargetRow[]> {
  return sql.unsafe<TargetRow[]>(PER_TARGET);
}

/** The targets a person sees (cube/engine/access-rules.ts, target_completion: staff their own, a manager the team's). */
export function visible(rows: readonly TargetRow[], who: SecurityContext): TargetRow[] {
  if (who.role === 'staff') return rows.filter((r) => r.employee_id === who.employeeId);
  if (who.role === 'manager') return rows.filter((r) => r.team_id === who.teamId);
  return [...rows];
}

type Filter = { member: string; operator: string; values: string[] };
const V = 'target_completion.';
const COLUMN: Record<string, (r: TargetRow) => unknown> = {
  id: (r) => r.id, period: (r) => r.period, target_metric: (r) => r.metric, level: (r) => r.level,
  employee_id: (r) => r.employee_id, team_id: (r) => r.team_id, team: (r) => r.team, employee: (r) => r.employee,
};

/** A page query's rows from the per-target rows: its filters (equals), its groups, its measures. */
export function answer(rows: readonly TargetRow[], query: CubeQuery): Array<Record<string, unknown>> {
  const dims = ((query.dimensions ?? []) as string[]).map((d) => d.slice(V.length));
  const kept = rows.filter((r) => ((query.filters ?? []) as Filter[]).every((f) =>
    f.operator === 'equals' && f.values.includes(String(COLUMN[f.member.slice(V.length)]!(r)))));
  const groups = new Map<string, TargetRow[]>();
  for (const r of kept) {
    const key = JSON.stringify(dims.map((d) => COLUMN[d]!(r)));
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((g) => {
    const target = g.reduce((s, r) => s + r.target, 0);
    const actual = g.reduce((s, r) => s + r.actual, 0);
    const progress = Math.max(...g.map((r) => r.progress));
    const achievement = target === 0 ? null : actual / target;
    const out: Record<string, unknown> = {
      target, actual, achievement_rate: achievement, time_progress: progress,
      forecast_achievement: achievement === null || progress === 0 ? null : achievement / progress,
      bonus_earned: g.reduce((s, r) => s + r.bonus, 0),
    };
    for (const d of dims) out[d] = COLUMN[d]!(g[0]!);
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [`${V}${k}`, v]));
  });
}

/** Rows as comparable text: the query's members, numbers to 9 significant digits. */
export function comparable(rows: ReadonlyArray<Record<string, unknown>>, members: readonly string[]): string[] {
  return rows.map((row) => JSON.stringify(members.map((m) => {
    const v = row[m];
    if (v === null || v === undefined) return null;
    if (typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(v))) return Number(Number(v).toPrecision(9));
    return String(v);
  }))).sort();
}
