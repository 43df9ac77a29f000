/**
 * Demo accounts. The five named ones of the contract, plus `e<employee id>`
 * for every employee in the data, with the role that fits their job.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Sql } from 'postgres';
import type { Role, SecurityContext } from '../engine/security-context.ts';

export interface Account extends SecurityContext {
  displayName: string;
}

const FIXED: Record<string, { role: Role; displayName: string }> = {
  exec: { role: 'executive', displayName: '高管（演示）' },
  ops: { role: 'operator', displayName: '运营（演示）' },
  admin: { role: 'admin', displayName: '管理员（演示）' },
};

function samePassword(given: string, expected: string): boolean {
  // Hash first so the comparison takes the same time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

interface EmployeeRow {
  id: number;
  name: string;
  team_id: number;
  role: string;
}

function employeeAccount(username: string, row: EmployeeRow | undefined): Account | null {
  if (!row) return null;
  const isManager = row.role === 'lead';
  return {
    username,
    role: isManager ? 'manager' : 'staff',
    employeeId: row.id,
    teamId: row.team_id,
    displayName: row.name,
  };
}

/** The account behind a username, without checking a password; null when there is none. */
export async function findAccount(sql: Sql, username: string): Promise<Account | null> {
  const fixed = FIXED[username];
  if (fixed) return { username, role: fixed.role, employeeId: null, teamId: null, displayName: fixed.displayName };
  if (username === 'manager') {
    // The lead of the first team.
    const [row] = await sql<EmployeeRow[]>`
      SELECT e.id, e.name, e.team_id, e.role
      FROM siyu.teams AS t JOIN siyu.employees AS e ON e.id = t.manager_id
      ORDER BY t.id LIMIT 1`;
    return employeeAccount(username, row);
  }
  if (username === 'staff') {
    // The first active advisor who owns customers.
    const [row] = await sql<EmployeeRow[]>`
      SELECT e.id, e.name, e.team_id, e.role
      FROM siyu.employees AS e
      WHERE e.role = 'advisor' AND e.active
        AND EXISTS (SELECT 1 FROM siyu.customers AS c WHERE c.owner_employee_id = e.id)
      ORDER BY e.id LIMIT 1`;
    return employeeAccount(username, row);
  }
  const match = /^e([1-9][0-9]{0,8})$/.exec(username);
  if (match) {
    const [row] = await sql<EmployeeRow[]>`
      SELECT id, name, team_id, role FROM siyu.employees WHERE id = ${Number(match[1])}`;
    return employeeAccount(username, row);
  }
  return null;
}

/** The account if the username exists and the password is right; null otherwise. */
export async function authenticate(sql: Sql, username: string, password: string, demoPassword: string): Promise<Account | null> {
  const account = await findAccount(sql, username);
  const passwordOk = samePassword(password, demoPassword);
  return account && passwordOk ? account : null;
}
