/**
 * A new paid order, written the way the product's writers write one (the
 * live simulator, seed/simulate.ts): one INSERT into siyu.orders in its own
 * transaction, so the triggers that keep the derived tables exact and the
 * data-version counters Cube's refresh keys read run as they do in
 * production. It lands on the data date, now's time of day, in a running
 * campaign: on the overview's ranges, the big-screen's today and its campaign.
 */
import type postgres from 'postgres';

export interface NewOrder {
  id: number;
  amount: number;
}

export interface OrderWriter {
  write(): Promise<NewOrder>;
  /** How many orders it wrote. */
  readonly written: number;
}

export async function orderWriter(owner: postgres.Sql, campaignId: number | null): Promise<OrderWriter> {
  // Buyers spread over the customers (a hash of the order's id picks one), each credited to their owner.
  const [{ n } = { n: 1 }] = await owner<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.customers`;
  const [{ channel } = { channel: null }] = await owner<{ channel: number | null }[]>`SELECT min(id)::int AS channel FROM siyu.channels`;
  let written = 0;
  return {
    get written() { return written; },
    async write() {
      const amount = 100 + (written % 97) + 0.5;
      const [row] = await owner<{ id: number }[]>`
        INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
        SELECT (SELECT coalesce(max(id), 0) + 1 FROM siyu.orders), c.id, c.owner_employee_id, ${channel}, ${campaignId},
               greatest((siyu.as_of() + (now() AT TIME ZONE siyu.business_tz())::time) AT TIME ZONE siyu.business_tz(), c.registered_at),
               ${amount.toFixed(2)}, 1, 'core', 'paid'
        FROM siyu.customers AS c
        WHERE c.id >= ${1 + ((written * 7919) % Math.max(1, n))}
        ORDER BY c.id LIMIT 1
        RETURNING id`;
      written++;
      return { id: Number(row?.id), amount };
    },
  };
}
