/**
 * Accounts of the people who log in (siyu.accounts), read fresh from the
 * database: role, team and whether the person is still active come from the
 * account and employee rows, not from what was true at login.
 *
 * Demo data gets demo accounts: the five named ones of the contract and
 * `e<employee id>` for every employee, all with the demo password. Data that
 * the demo generator did not make gets none.
 */
import type { Sql } from 'postgres';
import type { Role, SecurityContext } from '../engine/security-context.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export interface Account extends SecurityContext {
  displayName: string;
}

interface AccountRow {
  username: string;
  role: Role;
  employee_id: number | null;
  team_id: number | null;
  display_name: string;
  password_hash: string;
}

async function accountRow(sql: Sql, username: string): Promise<AccountRow | null> {
  // An employee's account works only while the employee is active.
  const [row] = await sql<AccountRow[]>`
    SELECT a.username, a.role, a.employee_id, e.team_id, a.display_name, a.password_hash
    FROM siyu.accounts AS a
    LEFT JOIN siyu.employees AS e ON e.id = a.employee_id
    WHERE a.username = ${username} AND a.active AND (a.employee_id IS NULL OR e.active)`;
  return row ?? null;
}

const toAccount = (row: AccountRow): Account => ({
  username: row.username, role: row.role, employeeId: row.employee_id, teamId: row.team_id, displayName: row.display_name,
});

/** The account as it is now; null when it is gone or deactivated. */
export async function findAccount(sql: Sql, username: string): Promise<Account | null> {
  const row = await accountRow(sql, username);
  return row ? toAccount(row) : null;
}

/** The account if the username exists, is active and the password is right; null otherwise. */
export async function authenticate(sql: Sql, username: string, password: string): Promise<Account | null> {
  const row = /^[a-z][a-z0-9_.-]{0,63}$/.test(username) ? await accountRow(sql, username) : null;
  const ok = await verifyPassword(password, row?.password_hash ?? null);
  return ok && row ? toAccount(row) : null;
}

/** Whether the data in the database was made by the demo generator. */
export async function isDemoData(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.settings WHERE key = 'data_origin' AND value = 'demo_generator'`;
  return (row?.n ?? 0) > 0;
}

interface DemoAccount {
  username: string;
  role: Role;
  employeeId: number | null;
  displayName: string;
}

async function demoAccounts(sql: Sql): Promise<DemoAccount[]> {
  const fixed: DemoAccount[] = [
    { username: 'exec', role: 'executive', employeeId: null, displayName: '高管（演示）' },
    { username: 'ops', role: 'operator', employeeId: null, displayName: '运营（演示）' },
    { username: 'admin', role: 'admin', employeeId: null, displayName: '管理员（演示）' },
  ];
  const employees = await sql<{ id: number; name: string; role: string; is_manager: boolean; is_staff: boolean }[]>`
    SELECT e.id, e.name, e.role,
      e.id = (SELECT t.manager_id FROM siyu.teams AS t ORDER BY t.id LIMIT 1) AS is_manager,
      e.id = (SELECT a.id FROM siyu.employees AS a
              WHERE a.role = 'advisor' AND a.active
                AND EXISTS (SELECT 1 FROM siyu.customers AS c WHERE c.owner_employee_id = a.id)
              ORDER BY a.id LIMIT 1) AS is_staff
    FROM siyu.employees AS e ORDER BY e.id`;
  const out = [...fixed];
  for (const e of employees) {
    const role: Role = e.role === 'lead' ? 'manager' : 'staff';
    out.push({ username: `e${e.id}`, role, employeeId: e.id, displayName: e.name });
    // The lead of the first team, and the first active advisor who owns customers.
    if (e.is_manager) out.push({ username: 'manager', role: 'manager', employeeId: e.id, displayName: e.name });
    if (e.is_staff) out.push({ username: 'staff', role: 'staff', employeeId: e.id, displayName: e.name });
  }
  return out;
}

/**
 * Gives demo data its demo accounts, with the demo password (hashed, each
 * with its own salt). Accounts that exist keep their password unless it no
 * longer matches the configured demo password, in which case every demo
 * account takes the new one. Returns how many accounts it wrote.
 */
export async function provisionDemoAccounts(sql: Sql, demoPassword: string): Promise<number> {
  if (!(await isDemoData(sql))) return 0;
  const wanted = await demoAccounts(sql);
  const existing = new Map((await sql<{ username: string; password_hash: string }[]>`
    SELECT username, password_hash FROM siyu.accounts`).map((r) => [r.username, r.password_hash]));
  const probe = existing.get('exec');
  const passwordChanged = probe !== undefined && !(await verifyPassword(demoPassword, probe));
  const todo = wanted.filter((a) => passwordChanged || !existing.has(a.username));
  if (todo.length === 0) return 0;
  // scrypt runs on libuv's thread pool: hash in parallel.
  const hashes = await Promise.all(todo.map(() => hashPassword(demoPassword)));
  await sql.begin(async (tx) => {
    for (const [i, a] of todo.entries()) {
      await tx`
        INSERT INTO siyu.accounts (username, role, employee_id, display_name, password_hash)
        VALUES (${a.username}, ${a.role}, ${a.employeeId}, ${a.displayName}, ${hashes[i]!})
        ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role,
          employee_id = EXCLUDED.employee_id, display_name = EXCLUDED.display_name`;
    }
  });
  return todo.length;
}
