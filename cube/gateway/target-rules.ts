/**
 * Who may set which target, what a target line must look like, and the CSV
 * of targets (the export is the import's template): pure, so the routes in
 * targets.ts only read and write.
 */
import type { TeamSumWarning } from '../../web/src/features/targets/targets-api.ts';
import type { Account } from './accounts.ts';

/** The metrics a target may name (siyu.is_target_metric, migration 015). */
export const TARGET_METRICS = ['gmv', 'order_count', 'buyers', 'spend_per_buyer', 'items_per_buyer',
  'owned_customers', 'converted_customers', 'follow_ups', 'participants', 'fission_count', 'converted_count'] as const;

const PERIOD = /^(20\d{2}(-(0[1-9]|1[0-2])|-Q[1-4])?|campaign:.{1,100})$/;
const VALUE = /^\d{1,13}(\.\d{1,2})?$/;

/** One target as written: an employee's or a team's. */
export interface TargetInput {
  period: string;
  metric: string;
  employeeId: number | null;
  teamId: number | null;
  value: string;
}

/** What the rules need to know about the people and campaigns. */
export interface Directory {
  employees: Map<number, { name: string; teamId: number; active: boolean }>;
  teams: Map<number, { name: string }>;
  campaigns: Set<string>;
}

/** The first thing wrong with a target line, in the product's words, or null. */
export function targetProblem(t: TargetInput, dir: Directory): string | null {
  if (!PERIOD.test(t.period)) return `period "${t.period}" is not YYYY-MM, YYYY-Qn, YYYY or campaign:<name>`;
  if (t.period.startsWith('campaign:') && !dir.campaigns.has(t.period.slice(9))) return `there is no campaign "${t.period.slice(9)}"`;
  if (!(TARGET_METRICS as readonly string[]).includes(t.metric)) return `"${t.metric}" is not a metric a target can be set on (${TARGET_METRICS.join(', ')})`;
  if ((t.employeeId === null) === (t.teamId === null)) return 'name either an employee or a team';
  if (t.employeeId !== null && !dir.employees.get(t.employeeId)?.active) return 'no such active employee';
  if (t.teamId !== null && !dir.teams.has(t.teamId)) return 'no such team';
  if (!VALUE.test(t.value) || Number(t.value) <= 0) return `value "${t.value}" is not a positive number with at most two decimals`;
  return null;
}

/**
 * Whether the account may set this target: operators and admins any,
 * managers their own team's employees (not the team's own target), nobody else.
 */
export function permission(account: Account, t: TargetInput, dir: Directory): string | null {
  if (account.role === 'operator' || account.role === 'admin') return null;
  if (account.role !== 'manager') return 'Only operators, admins and managers set targets.';
  if (t.teamId !== null) return 'A team\'s own target is set by operators and admins; managers set their employees\'.';
  const employee = t.employeeId === null ? undefined : dir.employees.get(t.employeeId);
  if (!employee || employee.teamId !== account.teamId) return 'Managers set targets only for their own team\'s employees.';
  return null;
}

/** A team's target beside the sum of its employees' for one period and metric, when they differ (the wire format, defined once by the page's client). */
export type { TeamSumWarning };

export function teamSumWarning(period: string, metric: string, team: string, teamTarget: number | null, employeesSum: number): TeamSumWarning | null {
  if (teamTarget === null) return null;
  if (Math.abs(employeesSum - teamTarget) < 0.005) return null;
  const kind = employeesSum > teamTarget ? 'above' : 'differs';
  const message = `${period} ${metric}: the employees' targets of ${team} add up to ${employeesSum}, ${kind === 'above' ? 'above' : 'not'} the team's target of ${teamTarget}.`;
  return { period, metric, team, teamTarget, employeesSum, kind, message };
}

/** The CSV's columns, in order: the export writes them and the import reads them. */
export const CSV_HEADER = ['period', 'metric', 'employee', 'team', 'value'] as const;

/** Splits CSV text into rows of cells (quotes, doubled quotes, CRLF); a leading BOM is dropped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row); }
  return rows;
}

export interface CsvLine {
  line: number;
  target: TargetInput;
}

export interface CsvProblem {
  line: number;
  message: string;
}

/**
 * The targets of an import, or every line's problem. Employees and teams
 * are named (names are unique); a line names one of them. A spreadsheet's
 * apostrophe before a number is dropped. Blank lines are skipped.
 */
export function readTargetsCsv(text: string, dir: Directory): { lines: CsvLine[]; problems: CsvProblem[] } {
  const rows = parseCsv(text);
  const problems: CsvProblem[] = [];
  const lines: CsvLine[] = [];
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  if (CSV_HEADER.some((h, i) => header[i] !== h)) {
    return { lines, problems: [{ line: 1, message: `the first line must be the header ${CSV_HEADER.join(',')}` }] };
  }
  const employeeByName = new Map([...dir.employees].map(([id, e]) => [e.name, id]));
  const teamByName = new Map([...dir.teams].map(([id, t]) => [t.name, id]));
  const seen = new Map<string, number>();
  rows.slice(1).forEach((cells, i) => {
    const line = i + 2;
    if (cells.every((c) => c.trim() === '')) return;
    const [period = '', metric = '', employee = '', team = '', value = ''] = cells.map((c) => c.trim().replace(/^'/, ''));
    const employeeId = employee ? employeeByName.get(employee) : null;
    const teamId = employee ? null : team ? teamByName.get(team) : null;
    if (employee && employeeId === undefined) return void problems.push({ line, message: `no employee named "${employee}"` });
    if (!employee && team && teamId === undefined) return void problems.push({ line, message: `no team named "${team}"` });
    if (employee && team && dir.employees.get(employeeId!)!.teamId !== teamByName.get(team)) {
      return void problems.push({ line, message: `${employee} is not in team ${team}` });
    }
    const target: TargetInput = { period, metric, employeeId: employeeId ?? null, teamId: teamId ?? null, value: value.replace(/,/g, '') };
    const problem = targetProblem(target, dir);
    if (problem) return void problems.push({ line, message: problem });
    const key = `${period}|${metric}|${target.employeeId}|${target.teamId}`;
    if (seen.has(key)) return void problems.push({ line, message: `the same target as line ${seen.get(key)}` });
    seen.set(key, line);
    lines.push({ line, target });
  });
  if (lines.length === 0 && problems.length === 0) problems.push({ line: 2, message: 'the file has no targets' });
  return { lines, problems };
}
