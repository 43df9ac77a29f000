/**
 * The demo accounts' people as security contexts, read from a seeded
 * database (cube/gateway/accounts.ts gives them their accounts): the
 * executive, the first team's lead as manager, and the first active advisor
 * who owns customers as staff. For the scripts that ask Cube as each role.
 */
import jwt from 'jsonwebtoken';
import type postgres from 'postgres';
import type { SecurityContext } from '../cube/engine/security-context.ts';

export async function demoPeople(sql: postgres.Sql): Promise<SecurityContext[]> {
  const [ids] = await sql<{ lead: number; advisor: number }[]>`
    SELECT (SELECT t.manager_id FROM siyu.teams AS t ORDER BY t.id LIMIT 1) AS lead,
           (SELECT a.id FROM siyu.employees AS a WHERE a.role = 'advisor' AND a.active
              AND EXISTS (SELECT 1 FROM siyu.customers AS c WHERE c.owner_employee_id = a.id) ORDER BY a.id LIMIT 1) AS advisor`;
  const teamOf = async (id: number): Promise<number> => (await sql<{ t: number }[]>`SELECT team_id AS t FROM siyu.employees WHERE id = ${id}`)[0]!.t;
  return [
    { username: 'exec', role: 'executive', employeeId: null, teamId: null },
    { username: 'manager', role: 'manager', employeeId: ids!.lead, teamId: await teamOf(ids!.lead) },
    { username: 'staff', role: 'staff', employeeId: ids!.advisor, teamId: await teamOf(ids!.advisor) },
  ];
}

/** A token Cube's API takes as `who`, signed with the Cube server's secret. */
export function tokenFor(who: SecurityContext, secret: string): string {
  return jwt.sign({ ...who }, secret, { algorithm: 'HS256', expiresIn: 3600 });
}

/** The SQL and parameters Cube would run for `query` as the token's person, or Cube's error. */
export async function cubeSql(cubeUrl: string, token: string, query: object, timezone: string): Promise<{ text: string; params: unknown[] } | { error: string }> {
  const response = await fetch(`${cubeUrl}/cubejs-api/v1/sql`, {
    method: 'POST', headers: { Authorization: token, 'Content-Type': 'application/json' },
    body: JSON.stringify({ query: { ...query, timezone } }),
  });
  const body = (await response.json()) as { error?: string; sql?: { sql?: [string, unknown[]] } };
  if (!body.sql?.sql) return { error: String(body.error) };
  const [text, params] = body.sql.sql;
  return { text, params };
}
