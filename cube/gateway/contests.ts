/**
 * Contests (专项竞赛): each contest's live leaderboard, its metrics read
 * through Cube from the views that define them (as the person: a staff
 * member sees their own line only), ranked by the first metric, ties broken
 * by the next metric and then by the lower id (or shared, as the contest
 * says), with the prize of each rank.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Sql } from 'postgres';
import type { Account } from './accounts.ts';
import type { CubeProxy } from './cube-proxy.ts';
import { HttpError } from './http-error.ts';
import { stillRunning, untilAnswered } from '../engine/continue-wait.ts';

interface Deps {
  up(): { sql: Sql; proxy: CubeProxy };
  requireAccount(request: FastifyRequest): Account;
}

/** Where each contest metric is defined: its view and that view's calendar. */
// GMV and paid orders from the daily sales table (sales_daily, migration 042): the same numbers, nothing rebuilt after a write.
const METRIC_HOME: Record<string, { view: string; time: string }> = {
  gmv: { view: 'sales_daily', time: 'order_date' },
  order_count: { view: 'sales_daily', time: 'order_date' },
  buyers: { view: 'sales_overview', time: 'order_date' },
  spend_per_buyer: { view: 'sales_overview', time: 'order_date' },
  items_per_buyer: { view: 'sales_overview', time: 'order_date' },
  owned_customers: { view: 'staff_performance', time: 'date' },
  converted_customers: { view: 'staff_performance', time: 'date' },
  follow_ups: { view: 'staff_performance', time: 'date' },
  participants: { view: 'activity_performance', time: 'joined_date' },
  fission_count: { view: 'activity_performance', time: 'joined_date' },
  converted_count: { view: 'activity_performance', time: 'joined_date' },
};

export interface Standing {
  id: number;
  name: string;
  values: Array<number | null>;
}

/**
 * Ranks by each metric in turn (higher first, a missing value last), then
 * by the lower id; with `shared_rank`, equal values on every metric share a rank.
 */
export function rank(standings: Standing[], tieRule: string): Array<Standing & { rank: number }> {
  const sorted = [...standings].sort((a, b) => {
    for (let i = 0; i < a.values.length; i++) {
      const d = (b.values[i] ?? -Infinity) - (a.values[i] ?? -Infinity);
      if (d !== 0 && !Number.isNaN(d)) return d;
    }
    return a.id - b.id;
  });
  return sorted.map((s, i) => {
    const tiedWithPrevious = (j: number): boolean => j > 0 && sorted[j]!.values.every((v, k) => v === sorted[j - 1]!.values[k]);
    let r = i;
    if (tieRule === 'shared_rank') while (tiedWithPrevious(r)) r--;
    return { ...s, rank: r + 1 };
  });
}

async function loadRows(proxy: CubeProxy, account: Account, query: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
  const answer = await untilAnswered(() => proxy.load(account, query), stillRunning, {
    attempts: 200, delayMs: 300, gaveUp: () => new HttpError(504, 'The leaderboard took too long to compute; try again shortly.'),
  });
  return Array.isArray(answer.data) ? (answer.data as Array<Record<string, unknown>>) : [];
}

interface ContestRow { id: number; name: string; period: string; metrics: string[]; scope: 'employees' | 'teams'; members: number[]; prizes: string[]; tie_rule: string; first: string | null; last: string | null }

export function registerContestRoutes(app: FastifyInstance, deps: Deps): void {
  /** Every contest running at as-of (or all with `all=1`), with its leaderboard. */
  app.get('/api/contests', async (request, reply) => {
    const account = deps.requireAccount(request);
    const { sql, proxy } = deps.up();
    const all = (request.query as { all?: string }).all === '1';
    // The period's days in the business time zone, up to as-of.
    const contests = await sql<ContestRow[]>`
      SELECT c.id, c.name, c.period, c.metrics, c.scope, c.members, c.prizes, c.tie_rule,
             to_char((b.starts_at AT TIME ZONE siyu.business_tz())::date, 'YYYY-MM-DD') AS first,
             to_char(least(((b.ends_at - interval '1 microsecond') AT TIME ZONE siyu.business_tz())::date, siyu.as_of()), 'YYYY-MM-DD') AS last
      FROM siyu.contests c LEFT JOIN LATERAL siyu.period_bounds(c.period) b ON true
      WHERE ${all} OR (b.starts_at <= siyu.local_midnight(siyu.as_of() + 1) AND b.ends_at > siyu.local_midnight(siyu.as_of()))
      ORDER BY b.starts_at DESC, c.id`;
    const boards = [];
    for (const c of contests) {
      const key = c.scope === 'teams' ? 'team' : 'employee';
      const byId = new Map<number, Standing>();
      for (const [i, metric] of c.metrics.entries()) {
        const home = METRIC_HOME[metric];
        if (!home || !c.first || !c.last || c.last < c.first) continue;
        const rows = await loadRows(proxy, account, {
          measures: [`${home.view}.${metric}`],
          dimensions: [`${home.view}.${key}_id`, `${home.view}.${key}`],
          timeDimensions: [{ dimension: `${home.view}.${home.time}`, dateRange: [c.first, c.last] }],
          limit: 50_000,
        });
        for (const r of rows) {
          // Facts credited to nobody (an order without an employee) are in no one's standing.
          const raw = r[`${home.view}.${key}_id`];
          const id = Number(raw);
          if (raw === null || raw === undefined || !Number.isInteger(id) || (c.members.length > 0 && !c.members.includes(id))) continue;
          const s = byId.get(id) ?? { id, name: String(r[`${home.view}.${key}`]), values: c.metrics.map(() => null) };
          const v = r[`${home.view}.${metric}`];
          s.values[i] = v === null || v === undefined ? null : Number(v);
          byId.set(id, s);
        }
      }
      const ranked = rank([...byId.values()], c.tie_rule).map((s) => ({ ...s, prize: c.prizes[s.rank - 1] ?? null }));
      boards.push({ id: c.id, name: c.name, period: c.period, from: c.first, to: c.last, metrics: c.metrics, scope: c.scope, tieRule: c.tie_rule, prizes: c.prizes, standings: ranked });
    }
    reply.header('Cache-Control', 'no-store');
    return { contests: boards };
  });
}
