/** The demo users a role-by-role equality test signs in, each with the security context `/api/me` reports. */
import { expect } from 'vitest';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import type { Client } from '../../cube/tools/api-client.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';

export interface Person { who: SecurityContext; api: Client }

export async function signInAll(stack: { client(username: string): Promise<Client> }, usernames: readonly string[]): Promise<Person[]> {
  const people: Person[] = [];
  for (const username of usernames) {
    const api = await stack.client(username);
    const me = (await api.request<SecurityContext & { asOf: string }>('GET', '/api/me')).body;
    people.push({ who: { username: me.username, role: me.role, employeeId: me.employeeId, teamId: me.teamId }, api });
  }
  return people;
}

type Row = Record<string, unknown>;

/**
 * Each person's answer to each query equals the independent SQL's, compared
 * through `comparable`; Cube's refresh key may lag a write, so it is polled.
 */
export async function expectEachEquals<Q extends { name: string; query: CubeQuery }>(
  people: readonly Person[], queries: readonly Q[], label: string,
  independent: (who: SecurityContext, named: Q) => Promise<Row[]>,
  comparable: (rows: readonly Row[], members: readonly string[]) => string[],
  describeQuery: (named: Q) => string = (named) => named.name,
): Promise<void> {
  for (const { who, api } of people) {
    for (const named of queries) {
      const members = [...((named.query.dimensions ?? []) as string[]), ...((named.query.measures ?? []) as string[])];
      const expected = comparable(await independent(who, named), members);
      await expect.poll(async () => comparable(await api.load(named.query), members), {
        timeout: 20_000, interval: 500, message: `${label} · ${who.role} · ${describeQuery(named)}`,
      }).toEqual(expected);
    }
  }
}
