/**
 * The tables that follow the customer-day table (migration 013), and how a
 * whole rebuild of it in an import (write.ts's bulk path,
 * siyu.rebuild_customer_days_only; the streamed orders, stream.ts) builds
 * each of them once, for the data date the import sets.
 *
 * Each of them keeps itself through statement triggers: on an insert into
 * the customer-day table (the owner period table, migration 027, rebuilds
 * itself whole from a rebuild's insert; the drill lists' tables, 029 and
 * 033, add the inserted rows to their ranges) and on the settings (a moved
 * data date rolls every one of them). On a first load both fired: the
 * rebuild's insert built them for the data date before the import, then
 * writing the new data date rolled them again for it, the first build
 * thrown away (the owner period table built twice). So the rebuild runs
 * with their insert triggers held (`holdDayFollowers`), the settings are
 * written with their roll triggers held (`holdAsOfRolls`), and
 * `afterCustomerDays` builds each once, whole, then lets the triggers go.
 * All in the import's one transaction: a refused import rolls the held
 * triggers back with everything else.
 */
import type { TransactionSql } from 'postgres';

/** The customer-day table's insert triggers that keep another table (held for a whole rebuild). */
export const DAY_FOLLOWERS = [
  'period_owners_rebuilt', 'drill_sales_insert', 'drill_sales_slices_insert', 'customer_paid_days_insert', 'sales_paid_days_insert',
] as const;

/** The settings' triggers that roll a table following the customer-day table when the data date moves. */
export const AS_OF_ROLLS = ['period_sales_as_of', 'roll_period_owners', 'drill_sales_as_of', 'drill_sales_slices_as_of'] as const;

/** Before a whole rebuild of the customer-day table: its followers wait for afterCustomerDays. */
export async function holdDayFollowers(tx: TransactionSql): Promise<void> {
  for (const trigger of DAY_FOLLOWERS) await tx.unsafe(`ALTER TABLE siyu.customer_days DISABLE TRIGGER ${trigger}`);
}

/** Runs `work` (the settings written) with the data date's rolls held: afterCustomerDays builds those tables right after. */
export async function holdAsOfRolls<T>(tx: TransactionSql, work: () => Promise<T>): Promise<T> {
  for (const trigger of AS_OF_ROLLS) await tx.unsafe(`ALTER TABLE siyu.settings DISABLE TRIGGER ${trigger}`);
  try {
    return await work();
  } finally {
    for (const trigger of AS_OF_ROLLS) await tx.unsafe(`ALTER TABLE siyu.settings ENABLE TRIGGER ${trigger}`);
  }
}

/**
 * What follows a whole rebuild of the customer-day table, once, after the
 * data date is set (run.ts; writeSettings with the rolls held): each table
 * below built whole, as the seed's end builds them (seed/load.ts), each by
 * one call of its own. Then the held insert triggers follow the
 * customer-day table again.
 */
export async function afterCustomerDays(tx: TransactionSql): Promise<void> {
  // The period table (migration 018), as siyu.rebuild_customer_days does after its table.
  await tx`SELECT siyu.roll_period_sales(true)`;
  // The hourly sales table (migration 032), whose triggers on the orders the load ran without (SUMMARIES, write.ts).
  await tx`SELECT siyu.rebuild_sales_hours()`;
  // The monthly sales table (migration 041), from the hourly one just built, whose triggers the load ran without too.
  await tx`SELECT siyu.rebuild_sales_months()`;
  // The daily sales table (migration 042), whose triggers on the orders the load ran without too.
  await tx`SELECT siyu.rebuild_sales_days()`;
  // The team day table (migration 051), whose triggers on the orders the load ran without too (SUMMARIES).
  await tx`SELECT siyu.rebuild_sales_team_days()`;
  // The returns day table (migration 043), whose triggers on the orders the load ran without too (SUMMARIES).
  // With it the monthly returns table (migration 048), by its triggers on the day table (the rebuild's truncate and insert).
  await tx`SELECT siyu.rebuild_returns_days()`;
  // The owner period table (migration 027).
  await tx`SELECT siyu.rebuild_period_owners()`;
  // The drill lists' tables (migrations 029, 033).
  await tx`SELECT siyu.roll_drill_sales(true)`;
  await tx`SELECT siyu.roll_drill_sales_slices(true)`;
  // The customer paid-day table (migration 036), as the seed's end builds it: whole, in day order, its key and indexes
  // after. Its insert trigger ran the same build from the rebuild's insert (more than 5,000 customers; fewer were
  // recounted one by one, in customer order), inside the orders' span: 3.2-4.0 s of CPU for a million orders.
  await tx`SELECT siyu.build_customer_paid_days()`;
  // The sales paid-day table (migration 038), likewise: its insert trigger recounted every customer of the rebuild's
  // insert inside the orders' span (the customer-day insert 5.8 s of CPU for a million orders, 2.1 s without it).
  await tx`SELECT siyu.build_sales_paid_days()`;
  // The participations' converted flag (migration 019), whose triggers on the orders the load ran without too
  // (SUMMARIES): each row's flag read again from the paid orders, as its triggers read it, once (they ran from every
  // block's COPY, each with its block's rows in a transition table). Every customer bucket, as the triggers lock theirs.
  await tx`SELECT siyu.lock_customer_buckets(ARRAY(SELECT generate_series(0, 255)))`;
  await tx`
    UPDATE siyu.participant_conversions AS pc SET converted = NOT pc.converted
    WHERE pc.converted <> EXISTS (SELECT 1 FROM siyu.paid_orders AS o WHERE o.customer_id = pc.customer_id AND o.campaign_id = pc.campaign_id)`;
  for (const trigger of DAY_FOLLOWERS) await tx.unsafe(`ALTER TABLE siyu.customer_days ENABLE TRIGGER ${trigger}`);
}
