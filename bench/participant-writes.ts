/**
 * What the participant conversions table (migration 019) costs a writer, on a
 * database seeded beforehand:
 *
 *   DATA_DIR=<dir> npm run seed -- --customers 200000
 *   node --import tsx bench/participant-writes.ts --data-dir <dir> [--writes 300]
 *
 * Times single-row INSERTs, each its own statement and commit, with the
 * table's insert triggers on and off, in alternating blocks of 25: a paid
 * order carrying the campaign of one of the customer's participations (the
 * write that converts it), a paid order without a campaign (the common
 * write, which the trigger only looks at), and a new participation. Every
 * row written is deleted again (triggers on), and the table is checked equal
 * to a fresh computation at the end, so the database is left as it was.
 * Also times a whole rebuild (`siyu.rebuild_participant_conversions()`).
 * Prints p50 / p95 per kind as JSON.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';

const { values: args } = parseArgs({ options: { 'data-dir': { type: 'string' }, writes: { type: 'string', default: '300' } } });
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const writes = Number(args.writes);
const BLOCK = 25;

const port = await freePort();
const db = await startEmbeddedPostgres(dataDir, port);
const sql = postgres(embeddedUrl(dataDir, port), { max: 1, onnotice: () => {} });
const load: number[] = [os.loadavg()[0]!];

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 100) / 100;
};
const timed = async (f: () => Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

try {
  // Participations whose customer has no paid order in the campaign: an order there converts them.
  const targets = await sql<{ customer_id: number; campaign_id: number; channel_id: number; employee_id: number | null }[]>`
    SELECT customer_id, campaign_id, channel_id, employee_id FROM siyu.participant_conversions WHERE NOT converted ORDER BY participation_id LIMIT ${writes * 2}`;
  const [firstOrder] = await sql<{ n: number }[]>`SELECT max(id) + 1000 AS n FROM siyu.orders`;
  const [firstParticipation] = await sql<{ n: number }[]>`SELECT max(id) + 1000 AS n FROM siyu.campaign_participations`;
  const [someCampaign] = await sql<{ id: number }[]>`SELECT max(id) AS id FROM siyu.campaigns`;
  let nextOrder = firstOrder!.n;
  let nextParticipation = firstParticipation!.n;
  const times: Record<string, { on: number[]; off: number[] }> = {
    'campaign order': { on: [], off: [] }, 'order without campaign': { on: [], off: [] }, participation: { on: [], off: [] },
  };
  const triggers = async (on: boolean): Promise<void> => {
    const verb = on ? 'ENABLE' : 'DISABLE';
    await sql.unsafe(`ALTER TABLE siyu.orders ${verb} TRIGGER participant_conversions_insert`);
    await sql.unsafe(`ALTER TABLE siyu.campaign_participations ${verb} TRIGGER participant_conversions_insert`);
  };
  for (let i = 0; i < writes; i++) {
    const on = Math.floor(i / BLOCK) % 2 === 0;
    if (i % BLOCK === 0) await triggers(on);
    const t = targets[i]!;
    times['campaign order']![on ? 'on' : 'off'].push(await timed(() => sql`
      INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
      VALUES (${nextOrder++}, ${t.customer_id}, ${t.employee_id}, ${t.channel_id}, ${t.campaign_id}, now(), 10, 1, 'core', 'paid')`));
    times['order without campaign']![on ? 'on' : 'off'].push(await timed(() => sql`
      INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
      VALUES (${nextOrder++}, ${t.customer_id}, ${t.employee_id}, ${t.channel_id}, NULL, now(), 10, 1, 'core', 'paid')`));
    const other = targets[writes + i]!;
    times.participation![on ? 'on' : 'off'].push(await timed(() => sql`
      INSERT INTO siyu.campaign_participations (id, campaign_id, customer_id, employee_id, channel_id, joined_at)
      VALUES (${nextParticipation++}, ${someCampaign!.id}, ${other.customer_id}, ${other.employee_id}, ${other.channel_id}, now())
      ON CONFLICT DO NOTHING`));
    if (i % 20 === 0) load.push(os.loadavg()[0]!);
  }
  await triggers(true);
  // Back as it was: the rows written are deleted with the triggers on, then the table rebuilt (timed) and compared.
  await sql`DELETE FROM siyu.orders WHERE id >= ${firstOrder!.n}`;
  await sql`DELETE FROM siyu.campaign_participations WHERE id >= ${firstParticipation!.n}`;
  const rebuild = await timed(() => sql`SELECT siyu.rebuild_participant_conversions()`);
  await sql`VACUUM (ANALYZE) siyu.participant_conversions`;
  const [check] = await sql<{ differ: number }[]>`
    SELECT count(*)::int AS differ FROM siyu.campaign_participations AS p
    JOIN siyu.participant_conversions AS pc ON pc.participation_id = p.id
    WHERE pc.converted <> EXISTS (SELECT 1 FROM siyu.paid_orders AS o WHERE o.customer_id = p.customer_id AND o.campaign_id = p.campaign_id)`;
  const result = Object.fromEntries(Object.entries(times).map(([kind, t]) => [kind, {
    on: { p50: quantile(t.on, 0.5), p95: quantile(t.on, 0.95), n: t.on.length },
    off: { p50: quantile(t.off, 0.5), p95: quantile(t.off, 0.95), n: t.off.length },
  }]));
  console.log(JSON.stringify({ writes, result, rebuildMs: Math.round(rebuild), differAfter: check!.differ,
    load: { mean: load.reduce((a, b) => a + b, 0) / load.length, max: Math.max(...load) } }, null, 2));
} finally {
  await sql.end();
  await db.stop();
}
process.exit(0);
