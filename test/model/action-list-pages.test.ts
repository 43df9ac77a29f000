/**
 * The actions page's list, a page of one action list in its order (its
 * total is its tab's stored count, checked here too), is read from that list's partial index on siyu.classification_now
 * (migration 035): PostgreSQL walks the index in the list's order and stops
 * after the page, instead of joining and sorting every customer on the list.
 * Under every role (exec, ops, manager, staff) its first and second pages and
 * its total equal plain SQL over the classification computed afresh
 * (siyu.customer_classification at as-of), as seeded and after random writes
 * (orders, new customers with birthdays soon, owner changes, a team move).
 *
 * The queries are the page's own (web/src/features/actions/build-queries.ts);
 * the SQL is what Cube sends PostgreSQL for them under the role's context.
 */
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import { startCubeServer, type RunningCube } from '../../cube/engine/cube-server.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { ACTION_LISTS, buildActionListQuery, buildListCountQuery, listCount, PAGE_SIZE, type ActionList } from '../../web/src/features/actions/build-queries.ts';
import { currentClassification } from '../helpers/database.ts';
import { signInAll } from '../helpers/people.ts';
import { random, randomOrderWrite } from '../helpers/order-writes.ts';
import { useTestStack } from '../helpers/stack.ts';

const USERS = ['exec', 'ops', 'manager', 'staff'];
/** Each list's order in plain SQL over the fresh classification `p`, ties by customer (the catalogue's urgency). */
const ORDER: Record<ActionList, string> = {
  birthday_soon: 'p.days_to_birthday ASC',
  booked_not_arrived: 'p.missed_date DESC',
  high_value_slipping: 'p.paid_amount DESC',
  first_order_follow_up: 'p.first_paid_date ASC',
};
const INDEX: Record<ActionList, string> = {
  birthday_soon: 'classification_now_birthday_soon_idx',
  booked_not_arrived: 'classification_now_booked_not_arrived_idx',
  high_value_slipping: 'classification_now_high_value_slipping_idx',
  first_order_follow_up: 'classification_now_first_order_follow_up_idx',
};

describe('action list pages from their indexes', () => {
  const config = loadConfig();
  const ctx = useTestStack('action_list_pages', { demoCustomers: 1500 });
  const secret = randomBytes(32).toString('hex');
  let cube: RunningCube;
  let people: Array<{ who: SecurityContext }> = [];

  /** Cube's answer, or its SQL and parameters, for the person (straight to Cube: renewQuery for every role). */
  const ask = async (who: SecurityContext, path: 'load' | 'sql', query: object): Promise<Record<string, unknown>> => {
    for (;;) {
      const response = await fetch(`${cube.url}/cubejs-api/v1/${path}`, {
        method: 'POST',
        headers: { Authorization: jwt.sign({ ...who }, secret, { algorithm: 'HS256', expiresIn: 600 }), 'Content-Type': 'application/json' },
        body: JSON.stringify({ query: { ...query, timezone: config.timeZone, ...(path === 'load' ? { renewQuery: true } : {}) } }),
      });
      const body = (await response.json()) as Record<string, unknown>;
      if (body.error === 'Continue wait') continue;
      if (response.status !== 200) throw new Error(`Cube answered ${response.status}: ${String(body.error)}`);
      return body;
    }
  };

  beforeAll(async () => {
    cube = await startCubeServer({
      databaseUrl: ctx.db.url, port: 0, apiSecret: randomBytes(32).toString('hex'), modelDir: config.modelDir, systemSecret: secret, preAggregations: false,
    });
    people = (await signInAll(ctx.stack, USERS)).map(({ who }) => ({ who }));
  }, 240_000);

  afterAll(async () => {
    await cube?.stop();
  });

  /** The page's customers in order and the list's total, in plain SQL over the fresh classification within the role's scope. */
  const independent = async (who: SecurityContext, list: ActionList, page: number): Promise<{ ids: number[]; total: number }> => {
    const scope = who.role === 'manager' ? `e.team_id = ${Number(who.teamId)}` : who.role === 'staff' ? `c.owner_employee_id = ${Number(who.employeeId)}` : 'TRUE';
    const rows = await ctx.db.sql.unsafe<{ id: number; total: number }[]>(`
      SELECT p.customer_id AS id, count(*) OVER ()::int AS total
      FROM siyu.customer_classification(siyu.as_of()) AS p
      JOIN siyu.customers AS c ON c.id = p.customer_id
      LEFT JOIN siyu.employees AS e ON e.id = c.owner_employee_id
      WHERE p.is_${list} AND ${scope}
      ORDER BY ${ORDER[list]}, p.customer_id`);
    return { ids: rows.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((r) => r.id), total: rows[0]?.total ?? 0 };
  };

  const checkAll = async (label: string): Promise<void> => {
    await currentClassification(ctx.db.sql);
    // Cube re-reads a refresh key older than 1 s (refreshKeyRenewalThreshold, cube-server.ts), even with
    // renewQuery: asked sooner after the last check, it keeps the keys it read and answers from the cache.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    for (const { who } of people) {
      for (const list of ACTION_LISTS) {
        for (const page of [1, 2]) {
          const body = await ask(who, 'load', { ...buildActionListQuery({ list, team: null, owner: null }, page) });
          // The page shows the list's size from its tab's count (the stored counts), not a Cube total of the list.
          const count = await ask(who, 'load', { ...buildListCountQuery(list, { team: null, owner: null }) });
          const got = {
            ids: (body.data as Array<Record<string, unknown>>).map((r) => Number(r['customer_insights.customer'])),
            total: listCount(list, count.data as Array<Record<string, unknown>>) ?? 0,
          };
          expect(got, `${label} · ${who.role} · ${list} · page ${page}`).toEqual(await independent(who, list, page));
        }
      }
    }
  };

  it('reads each list\'s page from its index, in its order, under every role', async () => {
    await ctx.db.sql`ANALYZE siyu.classification_now`;
    for (const { who } of people) {
      for (const list of ACTION_LISTS) {
        const { sql } = (await ask(who, 'sql', buildActionListQuery({ list, team: null, owner: null }, 1))) as { sql: { sql: [string, unknown[]] } };
        const [text, params] = sql.sql;
        // At 1,500 customers a list is a few dozen rows and PostgreSQL would rather read them all; with the
        // alternatives priced out, the plan shows whether the index serves the list's order (its expressions
        // match the page's ORDER BY). At 200,000 the planner takes it on its own (docs/performance.md).
        const plan = await ctx.db.sql.begin(async (tx) => {
          await tx`SET LOCAL enable_seqscan = off`;
          await tx`SET LOCAL enable_sort = off`;
          return (await tx.unsafe(`EXPLAIN ${text}`, params as never[])).map((r) => String(r['QUERY PLAN'])).join('\n');
        });
        expect(plan, `${who.role} · ${list}`).toContain(`Index Scan using ${INDEX[list]}`);
        expect(plan, `${who.role} · ${list}`).not.toMatch(/Seq Scan on classification_now/);
        // Nothing sorts the whole list: at most what is left to order within one urgency and customer.
        expect(plan, `${who.role} · ${list}`).not.toMatch(/\n\s*->\s+Sort\s/);
      }
    }
  }, 240_000);

  it('equals plain SQL over the fresh classification for each role, as seeded and after random writes', async () => {
    await checkAll('as seeded');
    const db = ctx.db.sql;
    const rnd = random(35);
    const pickIds = async (table: string) => (await db.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} ORDER BY id LIMIT 8`)).map((r) => r.id);
    const ids = { customers: await pickIds('customers'), channels: await pickIds('channels'), campaigns: await pickIds('campaigns'), employees: await pickIds('employees') };
    const employees = (await db<{ id: number }[]>`SELECT id FROM siyu.employees ORDER BY id`).map((r) => r.id);
    const when = (): string => `2026-${['08-01', '10-20', '11-19', '11-20'][Math.floor(rnd() * 4)]} 12:00+08`;
    const next = { id: Number((await db<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`)[0]!.n) };
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) await randomOrderWrite(db, { rnd, ids, when, next, bulk: { customers: 4, spacing: '7 hours' }, bulkDelete: 'customers' });
      // New customers with birthdays in the next days (the birthday list), owned by random employees.
      const nextCustomer = (await db<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.customers`)[0]!.n;
      await db`INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, owner_employee_id, registered_at, member_level, birthday)
        SELECT ${nextCustomer} + k, 'b' || k, '137' || lpad((${nextCustomer} + k)::text, 8, '0'), 'unknown', 'tier2', (SELECT min(id) FROM siyu.channels),
               (${employees}::int[])[1 + (k * 7 + ${round}) % ${employees.length}], siyu.local_midnight(siyu.as_of()) - interval '3 days', 'normal',
               (siyu.as_of() + 1 + k % 15 - interval '30 years')::date
        FROM generate_series(0, 9) AS k`;
      // Owner changes of listed customers, and an employee moved to another team.
      await db`UPDATE siyu.customers SET owner_employee_id = ${employees[Math.floor(rnd() * employees.length)]!}
        WHERE id IN (SELECT customer_id FROM siyu.classification_now WHERE is_birthday_soon OR is_high_value_slipping ORDER BY random() LIMIT 5)`;
      // (Not a signed-in person's: their scope is read at each request, the plain SQL's at sign-in.)
      const movable = employees.filter((id) => !people.some((p) => p.who.employeeId === id));
      await db`UPDATE siyu.employees SET team_id = (SELECT id FROM siyu.teams ORDER BY random() LIMIT 1) WHERE id = ${movable[Math.floor(rnd() * movable.length)]!}`;
      await checkAll(`after round ${round}`);
    }
  }, 600_000);
});
