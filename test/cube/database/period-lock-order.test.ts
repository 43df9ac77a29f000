/**
 * Lock order of the period tables' statement-level triggers (issue 19):
 * single-statement order writers, owner changes (customers.owner_employee_id)
 * and team moves (employees.team_id) running at once never deadlock
 * (PostgreSQL's 40P01), since each takes its customers' bucket locks first and
 * then writes the period tables (and bumps their change counters) in one
 * order: period_sales, drill_sales, drill_sales_slices, period_participants,
 * period_owners (migration 037). A roll-over running beside them (the ranges
 * of the next day prepared step by step, then the as-of date moved) neither
 * deadlocks with them. Afterwards every table equals plain SQL on the orders
 * and a fresh build.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../cube/database/migrate.ts';
import { moveAsOf } from '../../../cube/database/roll-ahead.ts';
import { seedDatabase } from '../../../seed/load.ts';
import { createTestDatabase, one, type TestDatabase } from '../../helpers/database.ts';
import { random } from '../../helpers/order-writes.ts';
import { expectPeriodTablesExact } from '../../helpers/period-tables.ts';

describe('the period tables\' lock order', () => {
  let db: TestDatabase;
  let many: postgres.Sql;
  let ids: { customers: number[]; employees: number[]; teams: number[]; channels: number[]; campaigns: number[] };
  let nextId = 0;

  beforeAll(async () => {
    db = await createTestDatabase('period_lock_order');
    await migrate(db.sql);
    await seedDatabase(db.sql, { customers: 600, seed: 9, asOf: '2026-11-20' });
    many = postgres(db.url, { max: 12, onnotice: () => {} });
    // Two teams' busiest employees and the customers they own or are credited with.
    const employees = await db.sql<{ id: number; team_id: number }[]>`
      SELECT e.id, e.team_id FROM siyu.employees AS e JOIN siyu.orders AS o ON o.employee_id = e.id
      WHERE e.team_id IN (SELECT id FROM siyu.teams ORDER BY id LIMIT 2)
      GROUP BY e.id ORDER BY count(*) DESC LIMIT 4`;
    const customers = await db.sql<{ id: number }[]>`
      SELECT DISTINCT c.id FROM siyu.customers AS c JOIN siyu.orders AS o ON o.customer_id = c.id
      WHERE c.owner_employee_id = ANY (${employees.map((e) => e.id)}::int[]) OR o.employee_id = ANY (${employees.map((e) => e.id)}::int[])
      ORDER BY c.id LIMIT 40`;
    const pick = async (table: string): Promise<number[]> =>
      (await db.sql.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} ORDER BY id LIMIT 3`)).map((r) => r.id);
    ids = {
      customers: customers.map((c) => c.id), employees: employees.map((e) => e.id),
      teams: [...new Set(employees.map((e) => e.team_id))], channels: await pick('channels'), campaigns: await pick('campaigns'),
    };
    expect(ids.teams.length).toBe(2);
    nextId = one(await db.sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n;
  }, 180_000);
  afterAll(async () => {
    await many?.end({ timeout: 5 });
    await db?.drop();
  });

  /** Runs the writers side by side, each statement its own transaction, no retry; returns the deadlocks seen. */
  async function writeAtOnce(seed: number, steps: number, beside: () => Promise<void> = async () => {}): Promise<string[]> {
    const rnd = random(seed);
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const deadlocks: string[] = [];
    const guard = async (what: string, run: () => Promise<unknown>): Promise<void> => {
      try {
        await run();
      } catch (error) {
        // PostgreSQL's detail names the locks of the cycle.
        if ((error as { code?: string }).code === '40P01') deadlocks.push(`${what}: ${(error as { detail?: string }).detail ?? ''}`);
        else throw error;
      }
    };
    const orders = Array.from({ length: 5 }, async () => {
      for (let k = 0; k < steps; k++) {
        const id = nextId++;
        const day = `2026-11-${String(any([20, 20, 19, 14, 1])).padStart(2, '0')} ${any(['09:00', '15:59', '23:50'])}+08`;
        await guard('order', () => many`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
          VALUES (${id}, ${any(ids.customers)}, ${any(ids.employees)}, ${any(ids.channels)}, ${rnd() < 0.5 ? any(ids.campaigns) : null},
                  ${day}, ${(1 + Math.floor(rnd() * 50)) * 1.5}, 1, 'core', 'paid')`);
        if (rnd() < 0.2) await guard('refund', () => many`UPDATE siyu.orders SET status = 'refunded' WHERE id = ${id - 3} AND status = 'paid'`);
      }
    });
    const owners = Array.from({ length: 2 }, async () => {
      for (let k = 0; k < steps; k++) {
        await guard('owner change', () => many`UPDATE siyu.customers SET owner_employee_id = ${any(ids.employees)} WHERE id = ${any(ids.customers)}`);
      }
    });
    const moves = Array.from({ length: 2 }, async () => {
      for (let k = 0; k < steps / 2; k++) {
        await guard('team move', () => many`UPDATE siyu.employees SET team_id = ${any(ids.teams)} WHERE id = ${any(ids.employees)}`);
      }
    });
    await Promise.all([...orders, ...owners, ...moves, guard('roll-over', beside)]);
    return deadlocks;
  }

  it('never deadlocks between orders, owner changes and team moves, and stays exact', async () => {
    expect(await writeAtOnce(11, 40)).toEqual([]);
    await expectPeriodTablesExact(db.sql, '2026-11-20', 'after concurrent writers');
  }, 300_000);

  it('never deadlocks with roll-overs running beside them (whole, and rolled ahead), which end exact', async () => {
    const roll = async (): Promise<void> => {
      await many`UPDATE siyu.settings SET value = '2026-11-21' WHERE key = 'as_of'`;
      await moveAsOf(many, '2026-11-22');
    };
    expect(await writeAtOnce(12, 40, roll)).toEqual([]);
    await expectPeriodTablesExact(db.sql, '2026-11-22', 'after roll-overs among concurrent writers');
  }, 300_000);
});
