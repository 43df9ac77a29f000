/**
 * Setting targets through the app server on the hand-made brand (as of
 * 2026-06-30): who may set which, every change kept, the team's sum
 * warning, the CSV import (all lines or none, bad lines by number) and the
 * export that is its template; 达成率 follows the new target in Cube.
 * `manager` leads 一队 (甲 1, 乙 2), `staff` is 乙; 二队 is 丙 3, 丁 4.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../cube/database/migrate.ts';
import { useTestStack, type Client } from '../../helpers/stack.ts';
import { loadDataSet } from '../../fixtures/factories.ts';
import { smallBrand } from '../../fixtures/small-brand.ts';
import { one } from '../../helpers/database.ts';

describe('setting targets', () => {
  const ctx = useTestStack('targets_api', {
    prepare: async (db) => {
      await migrate(db.sql);
      await loadDataSet(db.sql, smallBrand);
      await db.sql`INSERT INTO siyu.targets (period, metric, team_id, value, updated_by) VALUES ('2026-06', 'gmv', 1, 500, 'test')`;
    },
  });
  const as: Record<string, Client> = {};
  beforeAll(async () => {
    for (const u of ['ops', 'manager', 'staff', 'exec', 'admin']) as[u] = await ctx.stack.client(u);
  });
  const counts = async () => one(await ctx.db.sql<{ targets: number; changes: number }[]>`
    SELECT (SELECT count(*)::int FROM siyu.targets) AS targets, (SELECT count(*)::int FROM siyu.target_changes) AS changes`);

  it('an operator sets a target; each change is kept with who, old and new; 达成率 follows', async () => {
    const put = (value: string) => as.ops!.request('PUT', '/api/targets', { period: '2026-06', metric: 'gmv', employeeId: 2, value });
    expect((await put('400')).status).toBe(200);
    expect((await put('600')).status).toBe(200);
    const changes = await ctx.db.sql`
      SELECT old_value::float8 AS old, new_value::float8 AS new, changed_by, source FROM siyu.target_changes
      WHERE employee_id = 2 ORDER BY id`;
    expect(changes).toEqual([
      { old: null, new: 400, changed_by: 'ops', source: 'page' },
      { old: 400, new: 600, changed_by: 'ops', source: 'page' },
    ]);
    // 乙's June GMV: o1 100 + o2 200 = 300 (o3 refunded) → 300 / 600 = 0.5.
    const rows = await as.ops!.load({
      measures: ['target_completion.achievement_rate'], dimensions: ['target_completion.employee'],
      filters: [{ member: 'target_completion.employee_id', operator: 'equals', values: ['2'] }],
    });
    expect(Number(rows[0]!['target_completion.achievement_rate'])).toBeCloseTo(0.5, 9);
    const history = await as.staff!.request<{ changes: Array<{ oldValue: string | null; newValue: string }> }>('GET', '/api/targets/changes?period=2026-06');
    expect(history.body.changes.map((c) => [c.oldValue, c.newValue])).toEqual([['400.00', '600.00'], [null, '400.00']]);
  });

  it('a manager sets the team\'s employees, is warned when their sum differs from the team\'s target, and is refused elsewhere', async () => {
    // 乙 600 + 甲 100 = 700, above 一队's 500.
    const ok = await as.manager!.request<{ warnings: unknown[] }>('PUT', '/api/targets', { period: '2026-06', metric: 'gmv', employeeId: 1, value: 100 });
    expect(ok.status).toBe(200);
    expect(ok.body.warnings).toEqual([{ period: '2026-06', metric: 'gmv', team: '一队', teamTarget: 500, employeesSum: 700, kind: 'above',
      message: '2026-06 gmv: the employees\' targets of 一队 add up to 700, above the team\'s target of 500.' }]);
    const before = await counts();
    const outside = await as.manager!.request('PUT', '/api/targets', { period: '2026-06', metric: 'gmv', employeeId: 4, value: 100 });
    expect(outside).toEqual({ status: 403, body: { error: 'Managers set targets only for their own team\'s employees.' } });
    const team = await as.manager!.request('PUT', '/api/targets', { period: '2026-06', metric: 'gmv', teamId: 1, value: 700 });
    expect(team.status).toBe(403);
    for (const who of ['staff', 'exec']) {
      const refused = await as[who]!.request('PUT', '/api/targets', { period: '2026-06', metric: 'gmv', employeeId: 2, value: 1 });
      expect(refused, who).toEqual({ status: 403, body: { error: 'Only operators, admins and managers set targets.' } });
    }
    expect(await counts()).toEqual(before);
  });

  it('refuses a bad target in the product\'s words', async () => {
    const bad = async (body: Record<string, unknown>) => (await as.ops!.request<{ error: string }>('PUT', '/api/targets', body)).body.error;
    expect(await bad({ period: '2026-13', metric: 'gmv', employeeId: 2, value: 1 })).toBe('The target cannot be saved: period "2026-13" is not YYYY-MM, YYYY-Qn, YYYY or campaign:<name>.');
    expect(await bad({ period: '2026-06', metric: 'ltv', employeeId: 2, value: 1 })).toMatch(/^The target cannot be saved: "ltv" is not a metric a target can be set on/);
    expect(await bad({ period: '2026-06', metric: 'gmv', employeeId: 2, value: '-5' })).toBe('The target cannot be saved: value "-5" is not a positive number with at most two decimals.');
    expect(await bad({ period: '2026-06', metric: 'gmv', employeeId: 2, teamId: 1, value: 5 })).toBe('The target cannot be saved: name either an employee or a team.');
    expect(await bad({ period: 'campaign:双11', metric: 'gmv', teamId: 1, value: 5 })).toBe('The target cannot be saved: there is no campaign "双11".');
  });

  it('imports a CSV only when every line is good, naming each bad line; nothing is written otherwise', async () => {
    const before = await counts();
    const csv = [
      'period,metric,employee,team,value',
      '2026-07,gmv,乙,一队,800',
      '2026-07,gmv,无名,,800',
      '2026-07,gmv,甲,,-1',
      '2026-07,ltv,丙,,10',
      '2026-07,gmv,,一队,"1,500"',
      '2026-07,gmv,乙,,900',
    ].join('\n');
    const r = await as.ops!.request<{ error: string; problems: Array<{ line: number; message: string }> }>('POST', '/api/targets/import', { csv });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('Nothing was imported: 4 line(s) have problems.');
    expect(r.body.problems.map((p) => p.line)).toEqual([3, 4, 5, 7]);
    expect(r.body.problems[0]!.message).toBe('no employee named "无名"');
    expect(r.body.problems[3]!.message).toBe('the same target as line 2');
    expect(await counts()).toEqual(before);
    // A manager's file with a line outside the team is refused whole, that line named.
    const managers = await as.manager!.request<{ problems: Array<{ line: number; message: string }> }>('POST', '/api/targets/import',
      { csv: 'period,metric,employee,team,value\n2026-07,gmv,乙,,800\n2026-07,gmv,丁,,800\n' });
    expect(managers.status).toBe(400);
    expect(managers.body.problems).toEqual([{ line: 3, message: 'Managers set targets only for their own team\'s employees.' }]);
    expect(await counts()).toEqual(before);
  });

  it('exports a period as the template of the next: the same file, another period, imports as is', async () => {
    const exported = await as.ops!.request<string>('GET', '/api/targets/export?period=2026-06');
    expect(exported.status).toBe(200);
    const text = exported.body.replace(/^\uFEFF/, '');
    // 一队 500 (team), 甲 100, 乙 600.
    expect(text.trim().split('\r\n')).toEqual([
      'period,metric,employee,team,value', '2026-06,gmv,,一队,500.00', '2026-06,gmv,甲,一队,100.00', '2026-06,gmv,乙,一队,600.00',
    ]);
    const imported = await as.admin!.request<{ lines: number; changed: number; warnings: Array<{ period: string; kind: string; employeesSum: number }> }>('POST', '/api/targets/import', { csv: text.replaceAll('2026-06', '2026-07') });
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ lines: 3, changed: 3 });
    expect(imported.body.warnings).toMatchObject([{ period: '2026-07', kind: 'above', employeesSum: 700 }]);
    const july = await ctx.db.sql`SELECT employee_id, team_id, value::float8 AS value FROM siyu.targets WHERE period = '2026-07' ORDER BY employee_id NULLS FIRST`;
    expect(july).toEqual([{ employee_id: null, team_id: 1, value: 500 }, { employee_id: 1, team_id: null, value: 100 }, { employee_id: 2, team_id: null, value: 600 }]);
    expect(one(await ctx.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.target_changes WHERE period = '2026-07' AND source = 'csv' AND changed_by = 'admin'`).n).toBe(3);
  });

  it('shows staff only their own targets', async () => {
    const mine = await as.staff!.request<{ targets: Array<{ employee: string | null }> }>('GET', '/api/targets?period=2026-06');
    expect(mine.body.targets.map((t) => t.employee)).toEqual(['乙']);
  });
});
