/**
 * The remaining distinct-count page queries (participants, converted
 * participants, owned and converted customers: issue 19, docs/performance.md)
 * as PostgreSQL runs them, on a database seeded beforehand:
 *
 *   DATA_DIR=<dir> npm run seed -- --customers 200000
 *   node --import tsx bench/distinct-explain.ts --data-dir <dir> [--runs 3] [--only name,name] [--plans]
 *
 * A Cube of the product's model gives the SQL of each page query under each
 * role (`/v1/sql`, the role's row limits applied), which is then run with
 * `EXPLAIN (ANALYZE, BUFFERS)` straight on PostgreSQL: Cube's cache and
 * queue play no part, so each figure is the statement's own cost with the
 * cache defeated (and no rollup: the raw tables' cost, what a query falls
 * back to). Each staff query is also run as it was asked before the
 * staff_owned and staff_converted views ("(before)": the same members on
 * staff_performance), and each participation query as it was asked before
 * the participant conversions table (activity_performance,
 * campaign_audience). Prints the median execution time per query and role
 * (and, with `--plans`, the SQL and plans) as JSON.
 */
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { loadConfig } from '../cube/config.ts';
import { embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { startCubeServer } from '../cube/engine/cube-server.ts';
import type { SecurityContext } from '../cube/engine/security-context.ts';
import { cubeSql, demoPeople, tokenFor } from './demo-people.ts';
import { freePort } from '../cube/ports.ts';
import { activitiesQueries } from '../web/src/features/activities/page-queries.ts';
import { buildParticipantsByCityTierQuery, buildParticipationQuery } from '../web/src/features/big-screen/build-queries.ts';
import { bigScreen, channels, staff, type CubeQuery, type NamedQuery, type PageContext } from '../web/src/page-loads.ts';
import { parseFilters, resolveDateRange } from '../web/src/lib/filters.ts';

const { values: args } = parseArgs({
  options: { 'data-dir': { type: 'string' }, runs: { type: 'string', default: '3' }, only: { type: 'string' }, plans: { type: 'boolean', default: false } },
});
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const runs = Number(args.runs);
const say = (m: string): void => { process.stderr.write(`[distinct-explain ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };
const DISTINCT = /participants|converted|owned_customers/;

const config = loadConfig();
const pgPort = await freePort();
const db = await startEmbeddedPostgres(dataDir, pgPort);
const url = embeddedUrl(dataDir, pgPort);
const sql = postgres(url, { max: 1, onnotice: () => {} });
const secret = randomBytes(32).toString('hex');
const cube = await startCubeServer({ databaseUrl: url, port: 0, apiSecret: randomBytes(32).toString('hex'), modelDir: config.modelDir, systemSecret: secret, preAggregations: false });
const load: number[] = [os.loadavg()[0]!];
try {
  const asOf = String((await sql<{ v: string }[]>`SELECT value AS v FROM siyu.settings WHERE key = 'as_of'`)[0]!.v).slice(0, 10);
  const people = await demoPeople(sql);
  const [member] = await sql<{ team: string; id: number }[]>`
    SELECT t.name AS team, e.id FROM siyu.employees AS e JOIN siyu.teams AS t ON t.id = e.team_id
    WHERE EXISTS (SELECT 1 FROM siyu.customers AS c WHERE c.owner_employee_id = e.id) ORDER BY t.name, e.id LIMIT 1`;
  const [campaign] = await sql<{ name: string; channel: string }[]>`
    SELECT c.name, ch.name AS channel FROM siyu.campaign_participations AS p JOIN siyu.campaigns AS c ON c.id = p.campaign_id
    JOIN siyu.channels AS ch ON ch.id = p.channel_id GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1`;
  const campaignRows = await sql`SELECT name AS "campaigns.name", starts_at AS "campaigns.starts_at", ends_at AS "campaigns.ends_at" FROM siyu.campaigns`;
  const ctx: PageContext = { asOf, campaignRows: campaignRows.map((r) => ({ ...r, 'campaigns.starts_at': String(r['campaigns.starts_at']), 'campaigns.ends_at': String(r['campaigns.ends_at']) })), team: member!.team, employeeId: member!.id, channel: campaign!.channel };
  const range = resolveDateRange(parseFilters(new URLSearchParams()), asOf);
  const drilled = activitiesQueries(range, { team: null, campaign: campaign!.name, channel: campaign!.channel }, false);
  let big: NamedQuery[] = [];
  try {
    big = bigScreen(ctx).queries;
  } catch (e) {
    say(`big-screen skipped: ${(e as Error).message}`);
  }
  // The big-screen's participation tiles for the busiest campaign, when the data has no running one to show.
  if (big.length === 0) {
    big = [{ name: 'participation', query: buildParticipationQuery(campaign!.name) as CubeQuery },
      { name: 'participants_by_city_tier', query: buildParticipantsByCityTierQuery(campaign!.name) as CubeQuery }];
  }
  const pages: NamedQuery[] = [
    ...staff(ctx, true).queries, ...channels(ctx, false).queries, ...big,
    ...Object.entries(drilled).flatMap(([name, query]) => (query ? [{ name: `activities:${name}`, query: query as CubeQuery }] : [])),
  ];
  // Each staff query as it was asked before staff_owned and staff_converted (issue 19): the same members on
  // staff_performance, the touches' query with the converted customers in it.
  const before = (q: NamedQuery): NamedQuery | null => {
    const text = JSON.stringify(q.query);
    // The participation queries as they were asked before the participant conversions table (migration 019).
    if (/participation_performance\.|participation_audience\./.test(text)) {
      const old = JSON.parse(text.replace(/participation_performance\./g, 'activity_performance.').replace(/participation_audience\./g, 'campaign_audience.')) as CubeQuery;
      return { name: `${q.name} (before)`, query: old };
    }
    if (!/staff_owned\.|staff_converted\./.test(text)) return null;
    const old = JSON.parse(text.replace(/staff_owned\.|staff_converted\./g, 'staff_performance.').replace(/staff_performance\.order_date/g, 'staff_performance.date')) as CubeQuery;
    return { name: `${q.name} (before)`, query: old };
  };
  const activityBefore = (q: NamedQuery): NamedQuery | null => (/^(activity_by_|employee_activity)/.test(q.name)
    ? { name: `${q.name} (before)`, query: { ...q.query, measures: ['staff_performance.converted_customers', ...(q.query.measures as string[])] } } : null);
  const all = pages.flatMap((q) => [q, before(q), activityBefore(q)].filter((x): x is NamedQuery => x !== null))
    .filter((q) => DISTINCT.test(JSON.stringify(q.query.measures ?? [])) || /^(activity_by_|employee_activity)/.test(q.name))
    .filter((q) => !args.only || args.only.split(',').includes(q.name.replace(' (before)', '')));
  const results: Array<Record<string, unknown>> = [];
  for (const who of people) {
    const token = tokenFor(who, secret);
    for (const { name, query } of all) {
      const asked = await cubeSql(cube.url, token, query, config.timeZone);
      if ('error' in asked) {
        results.push({ role: who.role, name, error: asked.error });
        continue;
      }
      const { text, params } = asked;
      say(`${who.role} ${name}: explaining`);
      const times: number[] = [];
      let plan = '';
      for (let r = 0; r < runs; r++) {
        const rows = await sql.unsafe(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params as postgres.ParameterOrJSON<never>[]);
        const lines = rows.map((x) => String(x['QUERY PLAN']));
        times.push(Number(/Execution Time: ([\d.]+)/.exec(lines.join('\n'))?.[1]));
        plan = lines.join('\n');
        load.push(os.loadavg()[0]!);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)];
      say(`${who.role} ${name}: ${median} ms`);
      results.push({ role: who.role, name, medianMs: median, ms: times, ...(args.plans ? { sql: text, params, plan } : {}) });
    }
  }
  console.log(JSON.stringify({ asOf, range, runs, load: { mean: load.reduce((a, b) => a + b, 0) / load.length, max: Math.max(...load) }, results }, null, 2));
} finally {
  await sql.end();
  await cube.stop();
  await db.stop();
}
process.exit(0);
