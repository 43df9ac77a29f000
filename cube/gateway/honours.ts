/**
 * Honours (评优): a closed month's, quarter's or year's top employees and
 * teams per metric, fixed in siyu.honours the first time they are asked for
 * after the period has closed (the end of as-of past the period's end), and
 * read from there ever after: facts arriving late never change them. The
 * ranks are computed through Cube over the whole brand (recognition is
 * brand-wide); people outside the whole-brand roles see the names and
 * ranks, not the others' numbers.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Sql } from 'postgres';
import type { Account } from './accounts.ts';
import type { CubeProxy } from './cube-proxy.ts';
import { HttpError } from './http-error.ts';
import { stillRunning, untilAnswered } from '../engine/continue-wait.ts';
import { rank } from './contests.ts';

interface Deps {
  up(): { sql: Sql; proxy: CubeProxy };
  requireAccount(request: FastifyRequest): Account;
}

/** The metrics honoured, each from the view that defines it. */
export const HONOURED: ReadonlyArray<{ metric: string; view: string; time: string }> = [
  // GMV from the daily sales table (migration 042): the same numbers as sales_overview's.
  { metric: 'gmv', view: 'sales_daily', time: 'order_date' },
  { metric: 'buyers', view: 'sales_overview', time: 'order_date' },
  { metric: 'follow_ups', view: 'staff_touches', time: 'date' },
];
const TOP = 3;
const CALENDAR_PERIOD = /^20\d{2}(-(0[1-9]|1[0-2])|-Q[1-4])?$/;
const WHOLE_BRAND = new Set(['executive', 'operator', 'admin']);

interface HonourRow { metric: string; scope: 'employees' | 'teams'; rank: number; member_id: number; name: string; value: string; fixed_at: Date }

async function fix(sql: Sql, proxy: CubeProxy, account: Account, period: string, first: string, last: string): Promise<void> {
  // The brand's numbers, whoever asks first: the same honours for everyone.
  const brand: Account = { ...account, username: `${account.username}#honours`, role: 'operator', employeeId: null, teamId: null };
  const lines: Array<{ metric: string; scope: string; rank: number; id: number; value: number }> = [];
  for (const h of HONOURED) {
    for (const scope of ['employees', 'teams'] as const) {
      const key = scope === 'teams' ? 'team' : 'employee';
      const answer = await untilAnswered(() => proxy.load(brand, {
        measures: [`${h.view}.${h.metric}`],
        dimensions: [`${h.view}.${key}_id`, `${h.view}.${key}`],
        timeDimensions: [{ dimension: `${h.view}.${h.time}`, dateRange: [first, last] }],
        limit: 50_000,
      }), stillRunning, { attempts: 200, delayMs: 300, gaveUp: () => new HttpError(504, 'The honours took too long to compute; try again shortly.') });
      const rows = (Array.isArray(answer.data) ? answer.data : []) as Array<Record<string, unknown>>;
      const standings = rows
        .filter((r) => r[`${h.view}.${key}_id`] !== null && Number(r[`${h.view}.${h.metric}`]) > 0)
        .map((r) => ({ id: Number(r[`${h.view}.${key}_id`]), name: String(r[`${h.view}.${key}`]), values: [Number(r[`${h.view}.${h.metric}`])] }));
      for (const s of rank(standings, 'next_metric_then_id').slice(0, TOP)) lines.push({ metric: h.metric, scope, rank: s.rank, id: s.id, value: s.values[0]! });
    }
  }
  await sql.begin(async (tx) => {
    // Two first readers: one writes, the other finds the rows there.
    await tx`SELECT pg_advisory_xact_lock(hashtext('honours:' || ${period}))`;
    const [done] = await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.honours WHERE period = ${period}`;
    if (done!.n > 0) return;
    for (const l of lines) {
      await tx`INSERT INTO siyu.honours (period, metric, scope, rank, member_id, value)
               VALUES (${period}, ${l.metric}, ${l.scope}, ${l.rank}, ${l.id}, ${l.value})`;
    }
  });
}

export function registerHonourRoutes(app: FastifyInstance, deps: Deps): void {
  app.get('/api/honours', async (request, reply) => {
    const account = deps.requireAccount(request);
    const { sql, proxy } = deps.up();
    const period = String((request.query as { period?: unknown }).period ?? '');
    if (!CALENDAR_PERIOD.test(period)) throw new HttpError(400, 'Name a month, quarter or year: YYYY-MM, YYYY-Qn or YYYY.');
    const [bounds] = await sql<{ first: string; last: string; closed: boolean }[]>`
      SELECT to_char((b.starts_at AT TIME ZONE siyu.business_tz())::date, 'YYYY-MM-DD') AS first,
             to_char(((b.ends_at - interval '1 microsecond') AT TIME ZONE siyu.business_tz())::date, 'YYYY-MM-DD') AS last,
             b.ends_at <= siyu.local_midnight(siyu.as_of() + 1) AS closed
      FROM siyu.period_bounds(${period}) b`;
    reply.header('Cache-Control', 'no-store');
    if (!bounds?.closed) return { period, closed: false, honours: [] };
    const read = () => sql<HonourRow[]>`
      SELECT h.metric, h.scope, h.rank, h.member_id, coalesce(e.name, t.name) AS name, h.value, h.fixed_at
      FROM siyu.honours h
      LEFT JOIN siyu.employees e ON h.scope = 'employees' AND e.id = h.member_id
      LEFT JOIN siyu.teams t ON h.scope = 'teams' AND t.id = h.member_id
      WHERE h.period = ${period} ORDER BY h.metric, h.scope, h.rank`;
    let rows = await read();
    if (rows.length === 0) {
      await fix(sql, proxy, account, period, bounds.first, bounds.last);
      rows = await read();
    }
    const numbers = WHOLE_BRAND.has(account.role);
    return {
      period, closed: true, fixedAt: rows[0]?.fixed_at ?? null,
      honours: rows.map((r) => ({ metric: r.metric, scope: r.scope, rank: r.rank, id: r.member_id, name: r.name, value: numbers ? Number(r.value) : null })),
    };
  });
}
