/**
 * The period tables' roll-over ahead of the as-of date (migration 037): the
 * next day's ranges added to the five period tables one range per
 * transaction (`siyu.roll_ahead_step`), so an order writer waits at most for
 * one range's shift or build instead of the whole roll-over; the move of the
 * as-of date after it only drops the ranges no longer offered. Exactness is
 * the writers': every held range is kept by every write from its step's
 * commit on. Without it the as-of move rolls every table in its own
 * transaction, as before.
 */
import type { Sql, TransactionSql } from 'postgres';

/** Most steps one roll-over takes: about 90 ranges, and the sliced drill lists' 8 or so counted 5,000 customers a step (1,600 steps at 1M). */
const MAX_STEPS = 20_000;

/** Adds `day`'s ranges to every period table, one per transaction; returns the steps taken. */
export async function rollPeriodTablesAhead(sql: Sql, day: string, onStep?: (step: string, ms: number) => void): Promise<number> {
  for (let steps = 0; steps < MAX_STEPS; steps++) {
    const started = performance.now();
    const [row] = await sql<{ step: string | null }[]>`SELECT siyu.roll_ahead_step(${day}::date) AS step`;
    if (!row?.step) return steps;
    onStep?.(row.step, performance.now() - started);
  }
  throw new Error(`the period tables' roll-over to ${day} did not finish in ${MAX_STEPS} steps`);
}

/** In the transaction that moves the as-of date after rollPeriodTablesAhead: the old ranges' rows are left for dropPeriodRanges. */
export async function dropPeriodRangesLater(tx: TransactionSql): Promise<void> {
  await tx`SELECT set_config('siyu.period_drops', 'later', true)`;
}

/** Moves the as-of date to `day` with the period tables rolled ahead first, then drops the old ranges' rows. */
export async function moveAsOf(sql: Sql, day: string): Promise<void> {
  await rollPeriodTablesAhead(sql, day);
  await sql.begin(async (tx) => {
    await dropPeriodRangesLater(tx);
    await tx`UPDATE siyu.settings SET value = ${day} WHERE key = 'as_of' AND value <> ${day}`;
  });
  await dropPeriodRanges(sql);
}

/** Drops the rows of the ranges an as-of move left behind, a batch per transaction; returns the batches. */
export async function dropPeriodRanges(sql: Sql): Promise<number> {
  let batches = 0;
  while ((await sql<{ more: boolean }[]>`SELECT siyu.roll_drop_step() AS more`)[0]?.more) batches++;
  return batches;
}
