/**
 * The targets' metrics (docs/metric-catalogue.md, "Targets, completion and
 * incentives") as plain SQL on the siyu tables, apart from the model: each
 * target's period bounds from its text, its actual from the raw facts of its
 * employee (or its team's employees) up to the end of as-of, the bonus from
 * the tiers read here (not through siyu.bonus_payout). Then summed per slice.
 */
const TZ = 'Asia/Shanghai';

/** Raw facts per metric: the rows a target counts, their moment, employee and campaign, and the aggregate. */
const FACTS: Record<string, { from: string; at: string; campaign: string | null; agg: string }> = {
  gmv: { from: `siyu.orders x WHERE x.status = 'paid'`, at: 'x.ordered_at', campaign: 'x.campaign_id', agg: 'sum(x.amount)' },
  order_count: { from: `siyu.orders x WHERE x.status = 'paid'`, at: 'x.ordered_at', campaign: 'x.campaign_id', agg: 'count(*)' },
  buyers: { from: `siyu.orders x WHERE x.status = 'paid'`, at: 'x.ordered_at', campaign: 'x.campaign_id', agg: 'count(DISTINCT x.customer_id)' },
  follow_ups: { from: 'siyu.follow_ups x WHERE TRUE', at: 'x.occurred_at', campaign: null, agg: 'count(*)' },
  participants: { from: 'siyu.campaign_participations x WHERE TRUE', at: 'x.joined_at', campaign: 'x.campaign_id', agg: 'count(DISTINCT x.customer_id)' },
  fission_count: { from: 'siyu.campaign_participations x WHERE x.invited_by_customer_id IS NOT NULL', at: 'x.joined_at', campaign: 'x.campaign_id', agg: 'count(*)' },
  // A participant who has a paid order carrying that campaign (at any time, as the catalogue's converted_count).
  converted_count: {
    from: `siyu.campaign_participations x WHERE EXISTS (SELECT 1 FROM siyu.orders o WHERE o.status = 'paid' AND o.customer_id = x.customer_id AND o.campaign_id = x.campaign_id)`,
    at: 'x.joined_at', campaign: 'x.campaign_id', agg: 'count(DISTINCT x.customer_id)',
  },
};

const actualOf = (metric: string): string => {
  const f = FACTS[metric]!;
  return `(SELECT coalesce(${f.agg}, 0) FROM ${f.from} AND x.employee_id = ANY (w.who)
            AND ${f.at} >= w.s AND ${f.at} < w.u${f.campaign ? ` AND (w.campaign_id IS NULL OR ${f.campaign} = w.campaign_id)` : ''})`;
};

/** One row per target: its slice columns, value, actual, elapsed share and bonus. */
const PER_TARGET = `
  WITH a AS (SELECT (value::date + 1)::timestamp AT TIME ZONE '${TZ}' AS end_of_as_of FROM siyu.settings WHERE key = 'as_of'),
  b AS (
    SELECT t.*, k.id AS campaign_id, k.name AS campaign_name,
           coalesce(k.starts_at, (CASE WHEN t.period ~ '^\\d{4}$' THEN (t.period || '-01-01')::date
                                       WHEN t.period ~ 'Q' THEN make_date(left(t.period, 4)::int, right(t.period, 1)::int * 3 - 2, 1)
                                       ELSE (t.period || '-01')::date END)::timestamp AT TIME ZONE '${TZ}') AS s,
           coalesce(k.ends_at, (CASE WHEN t.period ~ '^\\d{4}$' THEN (t.period || '-01-01')::date + interval '1 year'
                                     WHEN t.period ~ 'Q' THEN make_date(left(t.period, 4)::int, right(t.period, 1)::int * 3 - 2, 1) + interval '3 months'
                                     ELSE (t.period || '-01')::date + interval '1 month' END)::timestamp AT TIME ZONE '${TZ}') AS e
    FROM siyu.targets t LEFT JOIN siyu.campaigns k ON t.period = 'campaign:' || k.name
  ),
  w AS (
    SELECT b.*, least(b.e, a.end_of_as_of) AS u,
           greatest(0, least(1, extract(epoch FROM a.end_of_as_of - b.s) / extract(epoch FROM b.e - b.s))) AS progress,
           ARRAY(SELECT id FROM siyu.employees WHERE id = b.employee_id OR (b.employee_id IS NULL AND team_id = b.team_id)) AS who,
           (SELECT name FROM siyu.employees WHERE id = b.employee_id) AS employee,
           (SELECT name FROM siyu.teams WHERE id = coalesce(b.team_id, (SELECT team_id FROM siyu.employees WHERE id = b.employee_id))) AS team
    FROM b, a
  ),
  v AS (
    SELECT w.*, CASE w.metric ${Object.keys(FACTS).map((m) => `WHEN '${m}' THEN ${actualOf(m)}`).join(' ')} END AS actual
    FROM w
  )
  SELECT v.*,
         CASE WHEN v.employee_id IS NULL THEN 0 ELSE coalesce((
           SELECT least(coalesce(tier.amount, round(tier.rate * v.actual, 2)), coalesce(s.cap, 'Infinity'))
           FROM siyu.bonus_schemes s JOIN siyu.bonus_tiers tier ON tier.scheme_id = s.id
           WHERE s.period = v.period AND s.metric = v.metric
             AND tier.threshold <= CASE s.basis WHEN 'metric' THEN v.actual ELSE v.actual / v.value END
           ORDER BY tier.threshold DESC LIMIT 1), 0) END AS bonus
  FROM v`;

const KEYS: Record<string, string> = {
  employee: 'p.employee', team: 'p.team', period: 'p.period', target_metric: 'p.metric', campaign: 'p.campaign_name',
};

const VALUES: Record<string, string> = {
  target: 'sum(p.value)',
  achievement_rate: 'sum(p.actual) / NULLIF(sum(p.value), 0)',
  time_progress: 'max(p.progress)',
  forecast_achievement: '(sum(p.actual) / NULLIF(sum(p.value), 0)) / NULLIF(max(p.progress), 0)',
  bonus_earned: 'sum(p.bonus)',
};

export const TARGET_METRICS = Object.keys(VALUES);

export function targetsSql(metric: string, dim: string | null): string {
  const key = dim === null ? `'all'` : KEYS[dim];
  if (!key) throw new Error(`cannot slice targets by ${dim}`);
  return `SELECT ${key} AS k, ${VALUES[metric]} AS v FROM (${PER_TARGET}) p GROUP BY 1`;
}
