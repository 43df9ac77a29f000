/**
 * Setting targets (issue 24): one at a time from the page, or a whole CSV
 * (all lines or none), each change kept in siyu.target_changes (who, when,
 * old → new); the targets and their history in the person's scope; the CSV
 * export that is the import's template. The completion itself (达成率,
 * 时间进度, bonus) is read from Cube's target_completion view by the page.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Sql } from 'postgres';
import type { Account } from './accounts.ts';
import { HttpError } from './http-error.ts';
import { csvCell } from '../../web/src/lib/csv.ts';
import {
  CSV_HEADER, permission, readTargetsCsv, targetProblem, teamSumWarning, type Directory, type TargetInput, type TeamSumWarning,
} from './target-rules.ts';

interface Deps {
  up(): { sql: Sql };
  requireAccount(request: FastifyRequest): Account;
}

const PERIOD_QUERY = /^(20\d{2}(-(0[1-9]|1[0-2])|-Q[1-4])?|campaign:.{1,100})$/;

async function directory(sql: Sql): Promise<Directory> {
  const employees = await sql<{ id: number; name: string; team_id: number; active: boolean }[]>`SELECT id, name, team_id, active FROM siyu.employees`;
  const teams = await sql<{ id: number; name: string }[]>`SELECT id, name FROM siyu.teams`;
  const campaigns = await sql<{ name: string }[]>`SELECT name FROM siyu.campaigns`;
  return {
    employees: new Map(employees.map((e) => [e.id, { name: e.name, teamId: e.team_id, active: e.active }])),
    teams: new Map(teams.map((t) => [t.id, { name: t.name }])),
    campaigns: new Set(campaigns.map((c) => c.name)),
  };
}

/** The SQL condition of the person's scope on targets (t) and their history (c): as the view's row rule. */
function scope(sql: Sql, account: Account, alias: 't' | 'c') {
  const a = sql(alias);
  if (account.role === 'staff') return sql`${a}.employee_id = ${account.employeeId ?? -1}`;
  if (account.role === 'manager') {
    return sql`(${a}.team_id = ${account.teamId ?? -1}
      OR ${a}.employee_id IN (SELECT id FROM siyu.employees WHERE team_id = ${account.teamId ?? -1}))`;
  }
  return sql`TRUE`;
}

function periodOf(request: FastifyRequest): string {
  const period = String((request.query as { period?: unknown }).period ?? '');
  if (!PERIOD_QUERY.test(period)) throw new HttpError(400, 'Name a period: YYYY-MM, YYYY-Qn, YYYY or campaign:<name>.');
  return period;
}

/** Writes one target and its change row; returns whether it changed. */
async function writeTarget(tx: Sql, account: Account, t: TargetInput, source: 'page' | 'csv'): Promise<boolean> {
  const [old] = await tx<{ id: number; value: string }[]>`
    SELECT id, value FROM siyu.targets
    WHERE period = ${t.period} AND metric = ${t.metric}
      AND employee_id IS NOT DISTINCT FROM ${t.employeeId} AND team_id IS NOT DISTINCT FROM ${t.teamId}
    FOR UPDATE`;
  if (old && Number(old.value) === Number(t.value)) return false;
  const [row] = old
    ? await tx<{ id: number }[]>`UPDATE siyu.targets SET value = ${t.value}, updated_by = ${account.username}, updated_at = now()
                                 WHERE id = ${old.id} RETURNING id`
    : await tx<{ id: number }[]>`INSERT INTO siyu.targets (period, metric, employee_id, team_id, value, updated_by)
                                 VALUES (${t.period}, ${t.metric}, ${t.employeeId}, ${t.teamId}, ${t.value}, ${account.username}) RETURNING id`;
  await tx`
    INSERT INTO siyu.target_changes (target_id, period, metric, employee_id, team_id, old_value, new_value, changed_by, source)
    VALUES (${row!.id}, ${t.period}, ${t.metric}, ${t.employeeId}, ${t.teamId}, ${old?.value ?? null}, ${t.value}, ${account.username}, ${source})`;
  return true;
}

/** Per team touched: its target beside the sum of its employees' for the period and metric, when they differ. */
async function teamWarnings(tx: Sql, keys: Array<{ period: string; metric: string; teamId: number }>): Promise<TeamSumWarning[]> {
  const warnings: TeamSumWarning[] = [];
  const seen = new Set<string>();
  for (const k of keys) {
    const id = `${k.period}|${k.metric}|${k.teamId}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const [row] = await tx<{ team: string; target: string | null; employees: string | null }[]>`
      SELECT tm.name AS team,
             (SELECT value FROM siyu.targets WHERE period = ${k.period} AND metric = ${k.metric} AND team_id = ${k.teamId}) AS target,
             (SELECT sum(t.value) FROM siyu.targets t JOIN siyu.employees e ON e.id = t.employee_id
              WHERE t.period = ${k.period} AND t.metric = ${k.metric} AND e.team_id = ${k.teamId}) AS employees
      FROM siyu.teams tm WHERE tm.id = ${k.teamId}`;
    if (!row || row.employees === null) continue;
    const warning = teamSumWarning(k.period, k.metric, row.team, row.target === null ? null : Number(row.target), Number(row.employees));
    if (warning) warnings.push(warning);
  }
  return warnings;
}

const teamOf = (t: TargetInput, dir: Directory): number => t.teamId ?? dir.employees.get(t.employeeId!)!.teamId;

const TARGET_USAGE = 'Send {"period": "YYYY-MM", "metric": "gmv", "employeeId": 12 or "teamId": 3, "value": "50000"}.';

export function registerTargetRoutes(app: FastifyInstance, deps: Deps): void {
  /** The period's targets in the person's scope, with each team's target beside its employees' sum. */
  app.get('/api/targets', async (request, reply) => {
    const account = deps.requireAccount(request);
    const { sql } = deps.up();
    const period = periodOf(request);
    const rows = await sql<Array<Record<string, unknown>>>`
      SELECT t.id, t.period, t.metric, t.employee_id AS "employeeId", e.name AS employee,
             coalesce(t.team_id, e.team_id) AS "teamId", tm.name AS team, t.value, t.updated_by AS "updatedBy", t.updated_at AS "updatedAt"
      FROM siyu.targets t
      LEFT JOIN siyu.employees e ON e.id = t.employee_id
      JOIN siyu.teams tm ON tm.id = coalesce(t.team_id, e.team_id)
      WHERE t.period = ${period} AND ${scope(sql, account, 't')}
      ORDER BY t.metric, tm.name, t.employee_id NULLS FIRST, e.name`;
    const teamKeys = rows.filter((r) => r.employeeId === null).map((r) => ({ period, metric: String(r.metric), teamId: Number(r.teamId) }));
    reply.header('Cache-Control', 'no-store');
    return { targets: rows, warnings: account.role === 'staff' ? [] : await teamWarnings(sql, teamKeys) };
  });

  /** Every change of the period's targets in the person's scope, newest first. */
  app.get('/api/targets/changes', async (request, reply) => {
    const account = deps.requireAccount(request);
    const { sql } = deps.up();
    const period = periodOf(request);
    const rows = await sql`
      SELECT c.id, c.target_id AS "targetId", c.metric, e.name AS employee, tm.name AS team,
             c.old_value AS "oldValue", c.new_value AS "newValue", c.changed_by AS "changedBy", c.changed_at AS "changedAt", c.source
      FROM siyu.target_changes c
      LEFT JOIN siyu.employees e ON e.id = c.employee_id
      LEFT JOIN siyu.teams tm ON tm.id = coalesce(c.team_id, e.team_id)
      WHERE c.period = ${period} AND ${scope(sql, account, 'c')}
      ORDER BY c.changed_at DESC, c.id DESC
      LIMIT 500`;
    reply.header('Cache-Control', 'no-store');
    return { changes: rows };
  });

  /** Sets one target (creates or changes it); a manager's change warns when the team's sum no longer matches. */
  app.put('/api/targets', async (request, reply) => {
    const account = deps.requireAccount(request);
    const { sql } = deps.up();
    const body = (request.body ?? {}) as Record<string, unknown>;
    const idOrNull = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number.isInteger(Number(v)) ? Number(v) : NaN);
    const target: TargetInput = {
      period: typeof body.period === 'string' ? body.period.trim() : '',
      metric: typeof body.metric === 'string' ? body.metric : '',
      employeeId: idOrNull(body.employeeId),
      teamId: idOrNull(body.teamId),
      value: typeof body.value === 'number' || typeof body.value === 'string' ? String(body.value).trim() : '',
    };
    if (Number.isNaN(target.employeeId) || Number.isNaN(target.teamId)) throw new HttpError(400, TARGET_USAGE);
    const dir = await directory(sql);
    const problem = targetProblem(target, dir);
    if (problem) throw new HttpError(400, `The target cannot be saved: ${problem}.`);
    const refused = permission(account, target, dir);
    if (refused) throw new HttpError(403, refused);
    const result = await sql.begin(async (tx) => {
      const t = tx as unknown as Sql;
      const changed = await writeTarget(t, account, target, 'page');
      return { changed, warnings: await teamWarnings(t, [{ period: target.period, metric: target.metric, teamId: teamOf(target, dir) }]) };
    });
    reply.header('Cache-Control', 'no-store');
    return result;
  });

  /** A CSV of targets: every line valid and permitted, or nothing written and every bad line named. */
  app.post('/api/targets/import', { bodyLimit: 2 * 1024 * 1024 }, async (request, reply) => {
    const account = deps.requireAccount(request);
    const { sql } = deps.up();
    const csv = (request.body as { csv?: unknown } | null)?.csv;
    if (typeof csv !== 'string' || csv.trim() === '') throw new HttpError(400, 'Send {"csv": "<the file\'s text>"} with the header period,metric,employee,team,value.');
    const dir = await directory(sql);
    const { lines, problems } = readTargetsCsv(csv, dir);
    for (const { line, target } of lines) {
      const refused = permission(account, target, dir);
      if (refused) problems.push({ line, message: refused });
    }
    if (problems.length > 0) {
      problems.sort((a, b) => a.line - b.line);
      reply.status(400).header('Cache-Control', 'no-store');
      return { error: `Nothing was imported: ${problems.length} line(s) have problems.`, problems };
    }
    const result = await sql.begin(async (tx) => {
      const t = tx as unknown as Sql;
      let changed = 0;
      for (const { target } of lines) if (await writeTarget(t, account, target, 'csv')) changed++;
      const keys = lines.map(({ target }) => ({ period: target.period, metric: target.metric, teamId: teamOf(target, dir) }));
      return { lines: lines.length, changed, warnings: await teamWarnings(t, keys) };
    });
    reply.header('Cache-Control', 'no-store');
    return result;
  });

  /** The period's targets in the person's scope as CSV: next period's import starts from it. */
  app.get('/api/targets/export', async (request, reply: FastifyReply) => {
    const account = deps.requireAccount(request);
    const { sql } = deps.up();
    const period = periodOf(request);
    const rows = await sql<{ metric: string; employee: string | null; team: string; value: string }[]>`
      SELECT t.metric, e.name AS employee, tm.name AS team, t.value
      FROM siyu.targets t
      LEFT JOIN siyu.employees e ON e.id = t.employee_id
      JOIN siyu.teams tm ON tm.id = coalesce(t.team_id, e.team_id)
      WHERE t.period = ${period} AND ${scope(sql, account, 't')}
      ORDER BY t.metric, tm.name, t.employee_id NULLS FIRST, e.name`;
    const text = [CSV_HEADER.join(','), ...rows.map((r) => [period, r.metric, r.employee ?? '', r.team, r.value].map(csvCell).join(','))].join('\r\n');
    reply.header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="targets-${encodeURIComponent(period)}.csv"`)
      .header('Cache-Control', 'no-store');
    // A BOM so Excel reads the Chinese names as UTF-8.
    return `\uFEFF${text}\r\n`;
  });
}
