/**
 * Every metric of the catalogue written as plain SQL on the siyu tables, not
 * derived from the model (stacked facts are joined per slice instead,
 * classifications are recomputed with correlated subqueries and windows).
 * The demo-metrics test compares Cube with these; the access test runs them
 * on tables narrowed to one person's scope.
 */
import { expect } from 'vitest';
import { TIME_DIMENSION_IDS } from './offering-view.ts';
import { TARGET_METRICS, targetsSql } from './independent-targets-sql.ts';

const TZ = 'Asia/Shanghai';
export const RANGE: [string, string] = ['2025-12-01', '2026-11-20'];
const local = (column: string) => `(${column} AT TIME ZONE '${TZ}')::date`;
const inRange = (dateExpr: string) => `${dateExpr} BETWEEN DATE '${RANGE[0]}' AND DATE '${RANGE[1]}'`;

type Slice = { key: string; where: string };

/**
 * The one way a dimension id slices a query: the total for `null`; for a
 * time dimension, the month of `day` (a local date) within RANGE; otherwise
 * the key expression the family gives for that id.
 */
function slice(dim: string | null, keys: Record<string, string>, day?: string): Slice {
  if (dim === null) return { key: `'all'`, where: 'TRUE' };
  if (TIME_DIMENSION_IDS.has(dim)) {
    if (!day) throw new Error(`no calendar to slice by ${dim}`);
    return { key: `to_char(${day}, 'YYYY-MM')`, where: inRange(day) };
  }
  const key = keys[dim];
  if (!key) throw new Error(`cannot slice by ${dim}`);
  return { key, where: 'TRUE' };
}

const salesSlice = (dim: string | null): Slice => slice(dim, {
  channel: 'ch.name', employee: 'e.name', team: 't.name', campaign: 'k.name', category: 'o.category', customer: 'o.customer_id::text',
}, local('o.ordered_at'));

const SALES_FROM = `siyu.orders o
  LEFT JOIN siyu.employees e ON e.id = o.employee_id
  LEFT JOIN siyu.teams t ON t.id = e.team_id
  LEFT JOIN siyu.channels ch ON ch.id = o.channel_id
  LEFT JOIN siyu.campaigns k ON k.id = o.campaign_id`;

const SALES_AGG: Record<string, string> = {
  gmv: `sum(o.amount) FILTER (WHERE o.status = 'paid')`,
  order_count: `count(*) FILTER (WHERE o.status = 'paid')`,
  buyers: `count(DISTINCT o.customer_id) FILTER (WHERE o.status = 'paid')`,
  avg_order_value: `sum(o.amount) FILTER (WHERE o.status = 'paid') / NULLIF(count(*) FILTER (WHERE o.status = 'paid'), 0)`,
  spend_per_buyer: `sum(o.amount) FILTER (WHERE o.status = 'paid') / NULLIF(count(DISTINCT o.customer_id) FILTER (WHERE o.status = 'paid'), 0)`,
  items_per_buyer: `sum(o.items) FILTER (WHERE o.status = 'paid')::numeric / NULLIF(count(DISTINCT o.customer_id) FILTER (WHERE o.status = 'paid'), 0)`,
  refund_rate: `avg(CASE WHEN o.status = 'refunded' THEN 1.0 ELSE 0.0 END)`,
  per_capita_gmv: `sum(o.amount) FILTER (WHERE o.status = 'paid') / NULLIF(count(DISTINCT o.employee_id) FILTER (WHERE o.status = 'paid'), 0)`,
};

function salesSql(metric: string, dim: string | null): string {
  const s = salesSlice(dim);
  return `SELECT ${s.key} AS k, ${SALES_AGG[metric]} AS v FROM ${SALES_FROM} WHERE ${s.where} GROUP BY 1`;
}

/** Spend, attributed sales and acquisitions aggregated separately per slice, then joined. */
function returnsSql(metric: string, dim: string | null): string {
  const key = (fact: 'spend' | 'order' | 'customer'): Slice => {
    const channel = { spend: 's.channel_id', order: 'o.channel_id', customer: 'c.source_channel_id' }[fact];
    const campaign = { spend: 's.campaign_id', order: 'o.campaign_id', customer: 'NULL::int' }[fact];
    const employee = { spend: 's.employee_id', order: 'o.employee_id', customer: 'NULL::int' }[fact];
    const day = { spend: 's.spent_on', order: local('o.ordered_at'), customer: local('c.registered_at') }[fact];
    return slice(dim, {
      channel: `(SELECT name FROM siyu.channels WHERE id = ${channel})`,
      campaign: `(SELECT name FROM siyu.campaigns WHERE id = ${campaign})`,
      employee: `(SELECT name FROM siyu.employees WHERE id = ${employee})`,
    }, day);
  };
  const s = key('spend');
  const o = key('order');
  const c = key('customer');
  const value = {
    spend: 'coalesce(sp.v, 0)',
    attributed_gmv: 'coalesce(ga.v, 0)',
    roi: 'coalesce(ga.v, 0) / NULLIF(coalesce(sp.v, 0), 0)',
    cac: 'coalesce(sp.v, 0) / NULLIF(coalesce(nc.v, 0), 0)',
  }[metric];
  return `
    WITH sp AS (SELECT ${s.key} AS k, sum(s.amount) AS v FROM siyu.campaign_spend s WHERE ${s.where} GROUP BY 1),
         ga AS (SELECT ${o.key} AS k, sum(o.amount) AS v FROM siyu.orders o
                WHERE o.status = 'paid' AND o.campaign_id IS NOT NULL AND ${o.where} GROUP BY 1),
         nc AS (SELECT ${c.key} AS k, count(*) AS v FROM siyu.customers c WHERE ${c.where} GROUP BY 1),
         keys AS (SELECT k FROM sp UNION SELECT k FROM ga UNION SELECT k FROM nc)
    SELECT keys.k, ${value} AS v
    FROM keys
    LEFT JOIN sp ON sp.k IS NOT DISTINCT FROM keys.k
    LEFT JOIN ga ON ga.k IS NOT DISTINCT FROM keys.k
    LEFT JOIN nc ON nc.k IS NOT DISTINCT FROM keys.k`;
}

function activitySql(metric: string, dim: string | null): string {
  if (metric === 'budget' || metric === 'budget_used') {
    const value = metric === 'budget' ? 'sum(k.budget)'
      : `sum((SELECT coalesce(sum(s.amount), 0) FROM siyu.campaign_spend s WHERE s.campaign_id = k.id
              AND s.spent_on <= (SELECT value::date FROM siyu.settings WHERE key = 'as_of'))) / NULLIF(sum(k.budget), 0)`;
    return `SELECT ${dim === 'campaign' ? 'k.name' : `'all'`} AS k, ${value} AS v FROM siyu.campaigns k
            WHERE EXISTS (SELECT 1 FROM siyu.campaign_participations p WHERE p.campaign_id = k.id) GROUP BY 1`;
  }
  const s = slice(dim, { campaign: 'k.name', channel: 'ch.name', employee: 'e.name' }, local('p.joined_at'));
  const value = {
    participants: 'count(DISTINCT p.customer_id)',
    fission_count: 'count(*) FILTER (WHERE p.invited_by_customer_id IS NOT NULL)',
    converted_count: 'count(DISTINCT p.customer_id) FILTER (WHERE b.customer_id IS NOT NULL)',
    campaign_conversion_rate: 'count(DISTINCT p.customer_id) FILTER (WHERE b.customer_id IS NOT NULL)::numeric / count(DISTINCT p.customer_id)',
  }[metric];
  return `
    SELECT ${s.key} AS k, ${value} AS v
    FROM siyu.campaign_participations p
    JOIN siyu.campaigns k ON k.id = p.campaign_id
    JOIN siyu.channels ch ON ch.id = p.channel_id
    LEFT JOIN siyu.employees e ON e.id = p.employee_id
    LEFT JOIN (SELECT DISTINCT campaign_id, customer_id FROM siyu.orders WHERE status = 'paid' AND campaign_id IS NOT NULL) b
      ON b.campaign_id = p.campaign_id AND b.customer_id = p.customer_id
    WHERE ${s.where}
    GROUP BY 1`;
}

/**
 * Per-customer classification as of a day, into a new table: customers
 * registered by that day, facts on or before it.
 */
export function profileSql(table: string, asOf: string): string {
  return `
  CREATE TABLE ${table} AS
  WITH asof AS (SELECT ${asOf}::date AS d),
  per AS (
    SELECT c.id, c.owner_employee_id, c.source_channel_id, c.member_level, c.city_tier, c.registered_at, c.referred_by_customer_id,
           coalesce(po.f, 0) AS f, coalesce(po.m, 0) AS m, a.d - po.last_day AS r, a.d - po.first_day AS age,
           EXISTS (SELECT 1 FROM siyu.events e WHERE e.customer_id = c.id AND ${local('e.occurred_at')} <= a.d
                   AND e.type IN ('view', 'like', 'comment', 'share', 'consult', 'booking')) AS engaged,
           EXISTS (SELECT 1 FROM siyu.events e WHERE e.customer_id = c.id AND ${local('e.occurred_at')} <= a.d
                   AND e.type IN ('consult', 'booking')) AS asked,
           EXISTS (SELECT 1 FROM siyu.events e WHERE e.customer_id = c.id AND ${local('e.occurred_at')} <= a.d
                   AND e.type IN ('view', 'like', 'comment')) AS appealed,
           EXISTS (SELECT 1 FROM siyu.events e WHERE e.customer_id = c.id AND ${local('e.occurred_at')} <= a.d AND e.type = 'share')
             OR EXISTS (SELECT 1 FROM siyu.customers x WHERE x.referred_by_customer_id = c.id AND ${local('x.registered_at')} <= a.d) AS advocates
    FROM siyu.customers c
    CROSS JOIN asof a
    LEFT JOIN LATERAL (
      SELECT count(*) AS f, sum(o.amount) AS m, max(${local('o.ordered_at')}) AS last_day, min(${local('o.ordered_at')}) AS first_day
      FROM siyu.orders o WHERE o.customer_id = c.id AND o.status = 'paid' AND ${local('o.ordered_at')} <= a.d
    ) po ON TRUE
    WHERE ${local('c.registered_at')} <= a.d
  )
  SELECT per.*,
    CASE WHEN f = 0 THEN 'prospect' WHEN age <= 30 THEN 'new' WHEN r <= 60 THEN 'active' WHEN r <= 120 THEN 'sleeping' ELSE 'churned' END AS lifecycle_stage,
    CASE WHEN f > 0 THEN
      (CASE WHEN m > avg(m) FILTER (WHERE f > 0) OVER () THEN '重要' ELSE '一般' END) ||
      (CASE WHEN r < avg(r) FILTER (WHERE f > 0) OVER ()
            THEN (CASE WHEN f > avg(f) FILTER (WHERE f > 0) OVER () THEN '价值' ELSE '发展' END)
            ELSE (CASE WHEN f > avg(f) FILTER (WHERE f > 0) OVER () THEN '保持' ELSE '挽留' END) END)
    END AS rfm_segment,
    CASE WHEN f >= 2 THEN 'L' WHEN f = 1 THEN 'P' WHEN engaged THEN 'I' ELSE 'A' END AS aipl_stage,
    CASE WHEN f >= 1 AND advocates THEN 'advocate' WHEN f >= 1 THEN 'act' WHEN asked THEN 'ask' WHEN appealed THEN 'appeal' ELSE 'aware' END AS five_a_stage
  FROM per`;
}

/** The classification as of the data's as-of, recomputed once into test_expect.profile (see beforeAll). */
export const PROFILE_SQL = profileSql('test_expect.profile', "(SELECT value FROM siyu.settings WHERE key = 'as_of')");

function customerSql(metric: string, dim: string | null): string {
  const s = slice(dim, {
    owner: 'ow.name', team: 'ot.name', source_channel: 'sc.name', lifecycle_stage: 'p.lifecycle_stage', rfm_segment: 'p.rfm_segment',
    aipl_stage: 'p.aipl_stage', five_a_stage: 'p.five_a_stage', member_level: 'p.member_level', city_tier: 'p.city_tier',
  }, local('p.registered_at'));
  const value = {
    customers: 'count(*)',
    new_customers: 'count(*)',
    referral_rate: 'count(p.referred_by_customer_id)::numeric / count(*)',
    ltv: 'sum(p.m) / NULLIF(count(*) FILTER (WHERE p.f > 0), 0)',
    churn_rate: 'count(*) FILTER (WHERE p.f > 0 AND p.r > 120)::numeric / NULLIF(count(*) FILTER (WHERE p.f > 0), 0)',
  }[metric];
  return `
    SELECT ${s.key} AS k, ${value} AS v
    FROM test_expect.profile p
    LEFT JOIN siyu.employees ow ON ow.id = p.owner_employee_id
    LEFT JOIN siyu.teams ot ON ot.id = ow.team_id
    LEFT JOIN siyu.channels sc ON sc.id = p.source_channel_id
    WHERE ${s.where}
    GROUP BY 1`;
}

function repurchaseSql(dim: string | null): string {
  const s = slice(dim, { owner: 'ow.name', team: 'ot.name', channel: 'ch.name' }, local('o.ordered_at'));
  return `
    WITH per_buyer AS (
      SELECT ${s.key} AS k, o.customer_id, count(*) AS n
      FROM siyu.orders o
      JOIN siyu.customers c ON c.id = o.customer_id
      LEFT JOIN siyu.employees ow ON ow.id = c.owner_employee_id
      LEFT JOIN siyu.teams ot ON ot.id = ow.team_id
      JOIN siyu.channels ch ON ch.id = o.channel_id
      WHERE o.status = 'paid' AND ${s.where}
      GROUP BY 1, 2
    )
    SELECT k, avg(CASE WHEN n >= 2 THEN 1.0 ELSE 0.0 END) AS v FROM per_buyer GROUP BY k`;
}

function staffSql(metric: string, dim: string | null): string {
  const by = (employeeColumn: string, time?: string): Slice => slice(dim, {
    employee: `(SELECT name FROM siyu.employees WHERE id = ${employeeColumn})`,
    team: `(SELECT t.name FROM siyu.employees e JOIN siyu.teams t ON t.id = e.team_id WHERE e.id = ${employeeColumn})`,
  }, time ? local(time) : undefined);
  switch (metric) {
    case 'owned_customers': {
      const s = by('c.owner_employee_id');
      return `SELECT ${s.key} AS k, count(*) AS v FROM siyu.customers c WHERE c.owner_employee_id IS NOT NULL GROUP BY 1`;
    }
    case 'converted_customers': {
      const s = by('c.owner_employee_id', 'o.ordered_at');
      return `SELECT ${s.key} AS k, count(DISTINCT o.customer_id) AS v
              FROM siyu.orders o JOIN siyu.customers c ON c.id = o.customer_id
              WHERE o.status = 'paid' AND c.owner_employee_id IS NOT NULL AND ${s.where} GROUP BY 1`;
    }
    case 'follow_ups': {
      const s = by('f.employee_id', 'f.occurred_at');
      return `SELECT ${s.key} AS k, count(*) AS v FROM siyu.follow_ups f WHERE ${s.where} GROUP BY 1`;
    }
    default: {
      const s = by('a.employee_id', 'a.booked_at');
      const value = { bookings: 'count(*)', arrivals: 'count(a.arrived_at)', arrival_rate: 'count(a.arrived_at)::numeric / count(*)' }[metric];
      return `SELECT ${s.key} AS k, ${value} AS v FROM siyu.appointments a WHERE ${s.where} GROUP BY 1`;
    }
  }
}

export function independentSql(metric: string, dim: string | null): string {
  if (metric in SALES_AGG) return salesSql(metric, dim);
  if (['spend', 'attributed_gmv', 'roi', 'cac'].includes(metric)) return returnsSql(metric, dim);
  if (['participants', 'fission_count', 'converted_count', 'campaign_conversion_rate', 'budget', 'budget_used'].includes(metric)) return activitySql(metric, dim);
  if (metric === 'repurchase_rate') return repurchaseSql(dim);
  if (TARGET_METRICS.includes(metric)) return targetsSql(metric, dim);
  if (['customers', 'new_customers', 'referral_rate', 'ltv', 'churn_rate'].includes(metric)) return customerSql(metric, dim);
  return staffSql(metric, dim);
}

export type Values = Map<string, number | null>;
export const norm = (k: unknown): string => (k === null || k === undefined ? '∅' : /^\d{4}-\d{2}-01T00:00:00\.000$/.test(String(k)) ? String(k).slice(0, 7) : String(k));
export const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Equal slice by slice. A slice only one side has must be empty on the other
 * (0 or null): stacked views show a staff member with zero follow-ups, SQL on
 * follow_ups alone does not list them.
 */
export function compare(label: string, cube: Values, sql: Values): void {
  for (const k of new Set([...cube.keys(), ...sql.keys()])) {
    const a = cube.get(k) ?? null;
    const b = sql.get(k) ?? null;
    if (!cube.has(k) || !sql.has(k)) {
      const present = cube.has(k) ? a : b;
      expect(present === null || present === 0, `${label} [${k}] only on ${cube.has(k) ? 'Cube' : 'SQL'} side: ${present}`).toBe(true);
      continue;
    }
    if (a === null || b === null) {
      expect(a, `${label} [${k}]`).toBe(b);
      continue;
    }
    expect(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${label} [${k}]: Cube ${a}, SQL ${b}`).toBe(true);
  }
}
