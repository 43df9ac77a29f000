/**
 * What a summary table's triggers add to a single-order INSERT: orders
 * written one at a time, in alternating blocks of 10 with the table's
 * triggers on `siyu.customer_days` on and off (every other table's upkeep in
 * both). The caller deletes the orders from `fromId` on afterwards and
 * rebuilds the table, since the orders written with its triggers off are
 * missing from it. Shared by drill-sales-cost.ts and paid-days-cost.ts.
 */
import type { Sql } from 'postgres';
import { latency } from './stats.ts';

export async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await run();
  return [out, Math.round(performance.now() - t0)];
}

/** `on`: the table the triggers are on (siyu.customer_days unless given); `campaignId`: the orders' campaign (none unless given). */
export async function insertCost(sql: Sql, o: { triggers: readonly string[]; fromId: number; asOf: string; inserts: number; on?: string; campaignId?: number }): Promise<{
  with: ReturnType<typeof latency>;
  without: ReturnType<typeof latency>;
}> {
  const on: number[] = [];
  const off: number[] = [];
  const toggle = async (state: 'ENABLE' | 'DISABLE'): Promise<void> => {
    for (const t of o.triggers) await sql.unsafe(`ALTER TABLE siyu.${o.on ?? 'customer_days'} ${state} TRIGGER ${t}`);
  };
  let id = o.fromId;
  for (let block = 0; block < o.inserts / 10; block++) {
    const withIt = block % 2 === 0;
    if (!withIt) await toggle('DISABLE');
    for (let k = 0; k < 10; k++) {
      const t0 = performance.now();
      await sql`
        INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
        VALUES (${id}, (SELECT min(id) FROM siyu.customers) + ${id % 1000}, (SELECT min(id) FROM siyu.employees) + ${id % 50},
                (SELECT min(id) FROM siyu.channels), ${o.campaignId ?? null}, (${o.asOf}::date + time '11:00') AT TIME ZONE siyu.business_tz(), 99.90, 1, 'core', 'paid')`;
      id++;
      (withIt ? on : off).push(performance.now() - t0);
    }
    if (!withIt) await toggle('ENABLE');
  }
  return { with: latency(on), without: latency(off) };
}
