/**
 * What the period tables' roll-over costs the order writers and the tiles'
 * reads while it runs (issue 19, migration 037), on a seeded data directory:
 *
 *   DATA_DIR=<dir> npm run seed -- --customers 200000
 *   node --import tsx bench/roll-over-writers.ts --data-dir <dir>
 *
 * One connection inserts single paid orders (autocommit, 50 ms apart) and
 * another reads the period tables as the preset tiles and drill list do (the
 * brand's 近30天 sales row, its repurchase and participation rows, the first
 * page of the 近30天 drill list), the whole time. Phases, each timed with
 * both loops' latencies inside it: quiet (10 s, no roll-over); the as-of date
 * moved to the next day by one UPDATE (every table rolled in that
 * transaction: "whole"); moved back; then the same move rolled ahead first
 * (siyu.roll_ahead_step per range, then the UPDATE, then the old ranges'
 * rows dropped in batches: "ahead"); moved back the same way.
 * The bench's orders are deleted at the end (through the triggers).
 */
import os from 'node:os';
import postgres from 'postgres';
import { embeddedUrl } from '../cube/database/embedded-postgres.ts';
import { dropPeriodRanges, dropPeriodRangesLater, moveAsOf, rollPeriodTablesAhead } from '../cube/database/roll-ahead.ts';
import { freePort } from '../cube/ports.ts';
import { addDays } from '../web/src/lib/date-range.ts';
import { NEW_ORDER, periodBench, timed, withDatabase } from './period-bench.ts';

const bench = periodBench('roll-over-writers');
/** ROLL_BENCH_AHEAD_ONLY=1: the rolled-ahead move and back only (the whole roll-over takes minutes at 200k). */
const aheadOnly = process.env.ROLL_BENCH_AHEAD_ONLY === '1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0);
  return { n: s.length, p50: q(0.5), p95: q(0.95), max: Math.round(s.at(-1) ?? 0) };
};

const pgPort = await freePort();
await withDatabase(bench, pgPort, async (sql) => {
  const url = embeddedUrl(bench.dataDir, pgPort);
  const writer = postgres(url, { max: 1, onnotice: () => {} });
  const reader = postgres(url, { max: 1, onnotice: () => {} });
  const { first, asOf } = (await sql<{ first: number; asOf: string }[]>`
    SELECT max(id) + 1 AS first, (SELECT value FROM siyu.settings WHERE key = 'as_of') AS "asOf" FROM siyu.orders`)[0]!;
  let id = first + 100_000;
  const inserts: { at: number; ms: number }[] = [];
  const reads: { at: number; ms: number }[] = [];
  let running = true;
  const writing = (async () => {
    while (running) {
      const [, ms] = await timed(() => NEW_ORDER(writer, id++, asOf));
      inserts.push({ at: performance.now(), ms });
      await sleep(50);
    }
  })();
  const reading = (async () => {
    while (running) {
      const day = String((await reader<{ v: string }[]>`SELECT value AS v FROM siyu.settings WHERE key = 'as_of'`)[0]!.v);
      const key = `${addDays(day, -29)}..${day}`;
      const [, ms] = await timed(async () => {
        await reader`SELECT buyers, paid_amount FROM siyu.period_sales WHERE period = ${key} AND slice = 'brand'`;
        await reader`SELECT buyers, repeat_buyers FROM siyu.period_owners WHERE period = ${key} AND slice = 'brand'`;
        await reader`SELECT * FROM siyu.period_participants WHERE period = ${key} AND slice = 'brand'`;
        await reader`SELECT customer_id, paid_amount FROM siyu.drill_sales WHERE period = ${key} ORDER BY paid_amount DESC, customer_id LIMIT 20`;
      });
      reads.push({ at: performance.now(), ms });
      await sleep(100);
    }
  })();
  const phases: Record<string, unknown> = {};
  const phase = async (name: string, run: () => Promise<unknown>) => {
    const load = os.loadavg()[0];
    const from = performance.now();
    const [detail, ms] = await timed(run);
    const to = performance.now();
    const loadAfter = os.loadavg()[0];
    await sleep(3000);
    // Every insert or read that overlapped the phase (one held through it ends after it).
    const inside = (xs: { at: number; ms: number }[]) => stats(xs.filter((x) => x.at >= from && x.at - x.ms <= to).map((x) => x.ms));
    phases[name] = { ms, detail, inserts: inside(inserts), reads: inside(reads), load_before: load, load_after: loadAfter };
    bench.say(`${name}: ${ms} ms ${JSON.stringify(phases[name])}`);
  };
  const next = addDays(asOf, 1);
  await phase('quiet', () => sleep(10_000));
  if (!aheadOnly) {
    await phase('whole roll-over to the next day', () => sql`UPDATE siyu.settings SET value = ${next} WHERE key = 'as_of'`);
    await phase('whole roll-over back', () => sql`UPDATE siyu.settings SET value = ${asOf} WHERE key = 'as_of'`);
  }
  const steps: number[] = [];
  const slow: string[] = [];
  await phase('ahead: the steps', () => rollPeriodTablesAhead(sql, next, (s, ms) => {
    steps.push(ms);
    if (ms >= 1000) slow.push(`${s} ${Math.round(ms)} ms`);
  }).then((n) => ({ steps: n, step: stats(steps), slow })));
  await phase('ahead: the as-of move', () => sql.begin(async (tx) => {
    await dropPeriodRangesLater(tx);
    await tx`UPDATE siyu.settings SET value = ${next} WHERE key = 'as_of'`;
  }));
  await phase('ahead: the old ranges dropped', () => dropPeriodRanges(sql).then((batches) => ({ batches })));
  await phase('back, rolled ahead', () => moveAsOf(sql, asOf));
  await phase('quiet (2)', () => sleep(10_000));
  running = false;
  await Promise.all([writing, reading]);
  await writer.end();
  await reader.end();
  await sql`DELETE FROM siyu.orders WHERE id >= ${first + 100_000}`;
  process.stdout.write(`${JSON.stringify({ bench: bench.name, phases, load_average: os.loadavg()[0] }, null, 2)}\n`);
});
