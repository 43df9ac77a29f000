/**
 * Random writes to the orders for the tests of the tables kept from them by
 * triggers (the customer-day table, the period table): every kind of write a
 * writer can make, on a few customers so that writes meet on the same keys,
 * from a seed so that a failure can be replayed.
 */
import type { Sql } from 'postgres';

/** A deterministic generator (mulberry32), so a failure can be replayed. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How many kinds of write randomOrderWrite makes. */
export const ORDER_WRITE_KINDS = 11;

export interface OrderWrites {
  rnd: () => number;
  ids: { customers: number[]; channels: number[]; campaigns: number[]; employees: number[] };
  /** A time for an order written or moved, as SQL text with its offset. */
  when: () => string;
  /** The next free order id, advanced past the ids a write takes. */
  next: { id: number };
  /** How many of the first customers one bulk insert spreads over, and the time between its orders (SQL interval, may be negative). */
  bulk: { customers: number; spacing: string };
  /** A bulk delete: one customer's orders from a time on, or the first six customers' between two times. */
  bulkDelete: 'customer' | 'customers';
}

/** One random write to the orders of one of the first four customers; returns its kind. */
export async function randomOrderWrite(sql: Sql, w: OrderWrites): Promise<string> {
  const { rnd, ids, when } = w;
  const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const orNull = <T>(xs: readonly T[]): T | null => (rnd() < 0.3 ? null : any(xs));
  const customer = any(ids.customers.slice(0, 4));
  const roll = rnd();
  const kind = roll < 0.25 ? 'insert' : roll < 0.35 ? 'bulk insert' : roll < 0.5 ? 'refund' : roll < 0.55 ? 'unrefund'
    : roll < 0.65 ? 'move channel' : roll < 0.72 ? 'move employee' : roll < 0.77 ? 'move campaign' : roll < 0.82 ? 'move day'
      : roll < 0.87 ? 'correct amount' : roll < 0.95 ? 'delete' : 'bulk delete';
  const mine = sql`SELECT id FROM siyu.orders WHERE customer_id = ${customer} ORDER BY random() LIMIT 1`;
  switch (kind) {
    case 'insert':
      await sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
        VALUES (${w.next.id++}, ${customer}, ${orNull(ids.employees)}, ${any(ids.channels)}, ${orNull(ids.campaigns)}, ${when()},
                ${(1 + Math.floor(rnd() * 50000) / 100).toFixed(2)}, 1, 'core', ${rnd() < 0.85 ? 'paid' : 'refunded'})`;
      break;
    case 'bulk insert': {
      // Many customers in one statement.
      const n = 2 + Math.floor(rnd() * 30);
      await sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
        SELECT ${w.next.id} + g, (${ids.customers}::int[])[1 + g % ${w.bulk.customers}], (${ids.employees}::int[])[1 + g % 3], ${any(ids.channels)},
               CASE WHEN g % 2 = 0 THEN ${any(ids.campaigns)}::int END, ${when()}::timestamptz + g * ${w.bulk.spacing}::interval,
               (g * 3.17)::numeric(14, 2), 1, 'traffic', CASE WHEN g % 5 = 0 THEN 'refunded' ELSE 'paid' END
        FROM generate_series(0, ${n - 1}) AS g`;
      w.next.id += n;
      break;
    }
    case 'refund': await sql`UPDATE siyu.orders SET status = 'refunded' WHERE id IN (${mine}) `; break;
    case 'unrefund': await sql`UPDATE siyu.orders SET status = 'paid' WHERE customer_id = ${customer} AND status = 'refunded'`; break;
    case 'move channel': await sql`UPDATE siyu.orders SET channel_id = ${any(ids.channels)} WHERE id IN (${mine})`; break;
    case 'move employee': await sql`UPDATE siyu.orders SET employee_id = ${orNull(ids.employees)} WHERE customer_id = ${customer}`; break;
    case 'move campaign': await sql`UPDATE siyu.orders SET campaign_id = ${orNull(ids.campaigns)} WHERE id IN (${mine})`; break;
    case 'move day': await sql`UPDATE siyu.orders SET ordered_at = ${when()} WHERE id IN (${mine})`; break;
    case 'correct amount': await sql`UPDATE siyu.orders SET amount = amount + 1.01, items = items + 1 WHERE id IN (${mine})`; break;
    case 'delete': await sql`DELETE FROM siyu.orders WHERE id IN (${mine})`; break;
    case 'bulk delete':
      if (w.bulkDelete === 'customer') await sql`DELETE FROM siyu.orders WHERE customer_id = ${customer} AND ordered_at >= ${when()}`;
      else await sql`DELETE FROM siyu.orders WHERE customer_id = ANY (${ids.customers.slice(0, 6)}::int[]) AND ordered_at >= ${when()} AND ordered_at < ${when()}`;
      break;
  }
  return kind;
}

/**
 * Six writers at once, 15 transactions each, on four customers
 * (`ids.customers[6..9]`), so their writes meet on the same keys: each
 * inserts a paid order on `day(k)`, then refunds, moves (channel, no
 * employee) or deletes that customer's earlier orders from id `base` on.
 * Order ids from `base + 10` to `base + 600`.
 */
export async function concurrentOrderWriters(sql: Sql, w: { rnd: () => number; ids: OrderWrites['ids']; base: number; day: (k: number) => string }): Promise<void> {
  const { rnd, ids, base } = w;
  await Promise.all(Array.from({ length: 6 }, async (_, writer) => {
    for (let k = 0; k < 15; k++) {
      const c = ids.customers[6 + ((writer + k) % 4)]!;
      const id = base + 10 + writer * 100 + k;
      await sql.begin(async (tx) => {
        await tx`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
                 VALUES (${id}, ${c}, ${ids.employees[k % 2]!}, ${ids.channels[k % 2]!}, ${w.day(k)}, ${(k + 1) * 1.5}, 1, 'core', 'paid')`;
        const roll = rnd();
        if (roll < 0.3) await tx`UPDATE siyu.orders SET status = 'refunded' WHERE customer_id = ${c} AND id <> ${id} AND status = 'paid' AND id >= ${base}`;
        else if (roll < 0.6) await tx`UPDATE siyu.orders SET channel_id = ${ids.channels[2]!}, employee_id = NULL WHERE customer_id = ${c} AND id >= ${base}`;
        else if (roll < 0.8) await tx`DELETE FROM siyu.orders WHERE customer_id = ${c} AND id >= ${base} AND id < ${id}`;
        await tx`SELECT pg_sleep(0.01)`;
      });
    }
  }));
}

/**
 * `steps` random writes for the tables kept from the orders and the owners
 * (the sliced drill lists, the customer paid days): about 10 % change the
 * owner of some of the first customers (or clear it), 7 % move one of the
 * first four employees to another of `teams`, the rest are randomOrderWrite's.
 * `check` runs after every 40th; returns how many writes of each kind were made.
 */
export async function randomWritesWithMoves(sql: Sql, w: {
  seed: number; ids: OrderWrites['ids']; teams: readonly number[]; next: { id: number }; steps: number;
  check: (step: number, kind: string) => Promise<void>;
}): Promise<Record<string, number>> {
  const rnd = random(w.seed);
  const { ids } = w;
  const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const when = (): string => `${any(['2026-11-20', '2026-11-19', '2026-11-16', '2026-11-01', '2026-10-31', '2025-11-20', '2025-11-21'])} ${any(['00:10', '09:00', '16:01', '23:50'])}+08`;
  const kinds: Record<string, number> = {};
  for (let step = 0; step < w.steps; step++) {
    const roll = rnd();
    let kind: string;
    if (roll < 0.1) {
      kind = 'owner change';
      await sql`UPDATE siyu.customers SET owner_employee_id = ${rnd() < 0.2 ? null : any(ids.employees)} WHERE id = ANY (${ids.customers.slice(0, 4 + Math.floor(rnd() * 3))}::int[]) AND id % 2 = ${step % 2}`;
    } else if (roll < 0.17) {
      kind = 'team move';
      await sql`UPDATE siyu.employees SET team_id = ${any(w.teams)} WHERE id = ${any(ids.employees.slice(0, 4))}`;
    } else {
      kind = await randomOrderWrite(sql, { rnd, ids, when, next: w.next, bulk: { customers: 8, spacing: '-11 hours' }, bulkDelete: 'customers' });
    }
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    if (step % 40 === 39) await w.check(step, kind);
  }
  return kinds;
}

/**
 * The rows random writes go to so that every role's list moves: two
 * customers the staff member owns, two of the manager's team, the first
 * eight; four channels and campaigns; the staff member and up to `limit` of
 * the manager's team but `without` (the drill tests' shared frame).
 */
export async function roleWriteIds(
  sql: Sql,
  staff: { employeeId: number | null },
  manager: { teamId: number | null },
  team: { limit: number; without?: ReadonlyArray<number | null> },
): Promise<OrderWrites['ids']> {
  const pick = async (text: string): Promise<number[]> => (await sql.unsafe<{ id: number }[]>(text)).map((r) => r.id);
  const without = (team.without ?? []).map((id) => id ?? -1);
  return {
    customers: [
      ...(await pick(`SELECT id FROM siyu.customers WHERE owner_employee_id = ${staff.employeeId} ORDER BY id LIMIT 2`)),
      ...(await pick(`SELECT c.id FROM siyu.customers c JOIN siyu.employees e ON e.id = c.owner_employee_id WHERE e.team_id = ${manager.teamId} ORDER BY c.id DESC LIMIT 2`)),
      ...(await pick('SELECT id FROM siyu.customers ORDER BY id LIMIT 8')),
    ],
    channels: await pick('SELECT id FROM siyu.channels ORDER BY id LIMIT 4'),
    campaigns: await pick('SELECT id FROM siyu.campaigns ORDER BY id LIMIT 4'),
    employees: [staff.employeeId!, ...(await pick(`SELECT id FROM siyu.employees WHERE team_id = ${manager.teamId}
      ${without.length > 0 ? `AND id NOT IN (${without.join(', ')})` : ''} ORDER BY id LIMIT ${team.limit}`))],
  };
}
