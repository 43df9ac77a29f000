/**
 * The tiered bonus beside the completion (issue 24): an employee's bonus so
 * far, the next threshold and what is missing to it, and the admins'
 * payout table of a period as CSV. The actuals, achievement and bonus come
 * from Cube's target_completion as the person (their row rules: staff see
 * only their own); the tiers from siyu.bonus_tiers.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Sql } from 'postgres';
import type { Account } from './accounts.ts';
import type { CubeProxy } from './cube-proxy.ts';
import { HttpError } from './http-error.ts';
import { stillRunning, untilAnswered } from '../engine/continue-wait.ts';
import { csvCell } from '../../web/src/lib/csv.ts';

interface Deps {
  up(): { sql: Sql; proxy: CubeProxy };
  requireAccount(request: FastifyRequest): Account;
}

const V = (m: string) => `target_completion.${m}`;
const PERIOD = /^(20\d{2}(-(0[1-9]|1[0-2])|-Q[1-4])?|campaign:.{1,100})$/;

async function loadRows(proxy: CubeProxy, account: Account, query: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
  const answer = await untilAnswered(() => proxy.load(account, query), stillRunning, {
    attempts: 200, delayMs: 300, gaveUp: () => new HttpError(504, 'The completion took too long to compute; try again shortly.'),
  });
  if (!Array.isArray(answer.data)) throw new HttpError(502, 'The analytics engine sent an unreadable answer.');
  return answer.data as Array<Record<string, unknown>>;
}

/** The employee targets of the period (with a scheme) the person may see, optionally one employee's. */
function completionQuery(period: string, employeeId: number | null): Record<string, unknown> {
  return {
    measures: ['target', 'actual', 'achievement_rate', 'bonus_earned'].map(V),
    dimensions: ['id', 'employee_id', 'employee', 'team', 'target_metric'].map(V),
    filters: [
      { member: V('period'), operator: 'equals', values: [period] },
      { member: V('level'), operator: 'equals', values: ['employee'] },
      ...(employeeId ? [{ member: V('employee_id'), operator: 'equals', values: [String(employeeId)] }] : []),
    ],
    order: { [V('team')]: 'asc', [V('employee')]: 'asc', [V('target_metric')]: 'asc' },
    limit: 50_000,
  };
}

interface Tier { threshold: number; rate: number | null; amount: number | null }
interface Scheme { name: string; metric: string; basis: 'achievement_rate' | 'metric'; cap: number | null; tiers: Tier[] }

async function schemes(sql: Sql, period: string): Promise<Map<string, Scheme>> {
  const rows = await sql<{ name: string; metric: string; basis: Scheme['basis']; cap: string | null; threshold: string; rate: string | null; amount: string | null }[]>`
    SELECT s.name, s.metric, s.basis, s.cap, t.threshold, t.rate, t.amount
    FROM siyu.bonus_schemes s JOIN siyu.bonus_tiers t ON t.scheme_id = s.id
    WHERE s.period = ${period} ORDER BY s.metric, t.threshold`;
  const out = new Map<string, Scheme>();
  for (const r of rows) {
    const scheme = out.get(r.metric) ?? { name: r.name, metric: r.metric, basis: r.basis, cap: r.cap === null ? null : Number(r.cap), tiers: [] };
    scheme.tiers.push({ threshold: Number(r.threshold), rate: r.rate === null ? null : Number(r.rate), amount: r.amount === null ? null : Number(r.amount) });
    out.set(r.metric, scheme);
  }
  return out;
}

/**
 * The next tier above where the target stands, and what is missing to it in
 * the metric's own unit (for an achievement threshold: threshold × target − actual).
 */
export function nextTier(scheme: Scheme, target: number, actual: number): { threshold: number; rate: number | null; amount: number | null; missing: number } | null {
  const standing = scheme.basis === 'achievement_rate' ? actual / target : actual;
  const next = scheme.tiers.find((t) => t.threshold > standing + 1e-12);
  if (!next) return null;
  const needed = scheme.basis === 'achievement_rate' ? next.threshold * target : next.threshold;
  return { ...next, missing: Math.round((needed - actual) * 100) / 100 };
}

function periodOf(request: FastifyRequest): string {
  const period = String((request.query as { period?: unknown }).period ?? '');
  if (!PERIOD.test(period)) throw new HttpError(400, 'Name a period: YYYY-MM, YYYY-Qn, YYYY or campaign:<name>.');
  return period;
}

export function registerBonusRoutes(app: FastifyInstance, deps: Deps): void {
  /** One employee's bonus so far per scheme of the period, the next threshold and what is missing. */
  app.get('/api/targets/bonus', async (request, reply) => {
    const account = deps.requireAccount(request);
    const { sql, proxy } = deps.up();
    const period = periodOf(request);
    const employeeId = Number((request.query as { employee?: unknown }).employee);
    if (!Number.isInteger(employeeId) || employeeId <= 0) throw new HttpError(400, 'Name an employee: employee=<id>.');
    const bySchemes = await schemes(sql, period);
    const rows = await loadRows(proxy, account, completionQuery(period, employeeId));
    const bonus = rows.filter((r) => bySchemes.has(String(r[V('target_metric')]))).map((r) => {
      const scheme = bySchemes.get(String(r[V('target_metric')]))!;
      const target = Number(r[V('target')]);
      const actual = Number(r[V('actual')]);
      return {
        scheme: scheme.name, metric: scheme.metric, basis: scheme.basis, cap: scheme.cap, tiers: scheme.tiers,
        target, actual, achievement: Number(r[V('achievement_rate')]), earned: Number(r[V('bonus_earned')]),
        next: nextTier(scheme, target, actual),
      };
    });
    reply.header('Cache-Control', 'no-store');
    return { period, employeeId, bonus };
  });

  /** The period's payout table (admins): every employee target under a scheme, its actual and bonus. */
  app.get('/api/targets/payouts', async (request, reply) => {
    const account = deps.requireAccount(request);
    if (account.role !== 'admin') throw new HttpError(403, 'Only admins download the payout table.');
    const { sql, proxy } = deps.up();
    const period = periodOf(request);
    const bySchemes = await schemes(sql, period);
    const rows = (await loadRows(proxy, account, completionQuery(period, null))).filter((r) => bySchemes.has(String(r[V('target_metric')])));
    const header = ['period', 'scheme', 'employee_id', 'employee', 'team', 'metric', 'target', 'actual', 'achievement_rate', 'bonus'];
    const lines = rows.map((r) => [period, bySchemes.get(String(r[V('target_metric')]))!.name, r[V('employee_id')], r[V('employee')], r[V('team')],
      r[V('target_metric')], r[V('target')], r[V('actual')], Number(r[V('achievement_rate')]).toFixed(4), Number(r[V('bonus_earned')]).toFixed(2)]);
    reply.header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="payouts-${encodeURIComponent(period)}.csv"`)
      .header('Cache-Control', 'no-store');
    return `\uFEFF${[header, ...lines].map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`;
  });
}
