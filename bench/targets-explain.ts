/**
 * The target-completion page queries (issue 19, docs/performance.md: the
 * big-screen's campaign targets, /targets, the /staff completion panel,
 * a campaign's targets on /activities) as PostgreSQL runs them, on a
 * database seeded beforehand:
 *
 *   DATA_DIR=<dir> npm run seed -- --customers 200000
 *   node --import tsx bench/targets-explain.ts --data-dir <dir> [--runs 3] [--only name,name] [--plans] [--model-dir <dir>] [--timeout-ms N] [--after-write N]
 *
 * A Cube of the product's model gives the SQL of each query under each role
 * (`/v1/sql`, the role's row limits applied), then it is run with `EXPLAIN
 * (ANALYZE, BUFFERS)` straight on PostgreSQL: no Cube cache, no queue, so
 * each figure is the statement's own cost, what a query costs right after a
 * write. `--model-dir` runs another model (the one before a change);
 * `--timeout-ms` gives up a statement after that long (the product's own
 * statement timeout for Cube's role is 30 s), recorded as timed out.
 * `--after-write N` then times each query through Cube's API as the
 * executive N times, each right after a new paid order of the campaign
 * (its own commit: every refresh key the targets read changes, so Cube's
 * cache misses), and removes those orders at the end. Prints
 * the median execution time per query and role (with `--plans`, the SQL and
 * the last plan) as JSON.
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
import { bigScreen, type CubeQuery, type PageContext } from '../web/src/page-loads.ts';
import { buildCompletionQuery } from '../web/src/features/targets/build-query.ts';
import { buildCampaignCompletionQuery } from '../web/src/features/activities/campaign-completion/build-query.ts';

const { values: args } = parseArgs({
  options: { 'data-dir': { type: 'string' }, 'model-dir': { type: 'string' }, 'timeout-ms': { type: 'string' }, 'after-write': { type: 'string', default: '0' }, runs: { type: 'string', default: '3' }, only: { type: 'string' }, plans: { type: 'boolean', default: false } },
});
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const runs = Number(args.runs);
/** The /staff completion panel's query (completion-panel.tsx, not importable outside the browser: it imports CSS). */
function buildStaffCompletionQuery(month: string, scope: { employeeId?: number; team?: string }): CubeQuery {
  const V = (m: string): string => `target_completion.${m}`;
  const filters: Array<Record<string, unknown>> = [{ member: V('period'), operator: 'equals', values: [month] }];
  if (scope.employeeId) filters.push({ member: V('employee_id'), operator: 'equals', values: [String(scope.employeeId)] });
  else if (scope.team) filters.push({ member: V('team'), operator: 'equals', values: [scope.team] }, { member: V('level'), operator: 'equals', values: ['employee'] });
  else filters.push({ member: V('level'), operator: 'equals', values: ['team'] });
  return { measures: ['target', 'actual', 'achievement_rate', 'time_progress'].map(V), dimensions: ['id', 'team', 'employee', 'target_metric'].map(V), filters, limit: 2000 } as CubeQuery;
}
const say = (m: string): void => { process.stderr.write(`[targets-explain ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };

const config = loadConfig();
const pgPort = await freePort();
const db = await startEmbeddedPostgres(dataDir, pgPort);
const url = embeddedUrl(dataDir, pgPort);
const sql = postgres(url, { max: 1, onnotice: () => {}, ...(args['timeout-ms'] ? { connection: { statement_timeout: Number(args['timeout-ms']) } } : {}) });
const secret = randomBytes(32).toString('hex');
const cube = await startCubeServer({ databaseUrl: url, port: 0, apiSecret: randomBytes(32).toString('hex'), modelDir: args['model-dir'] ? path.resolve(args['model-dir']) : config.modelDir, systemSecret: secret, preAggregations: false });
const load: number[] = [os.loadavg()[0]!];
try {
  const asOf = String((await sql<{ v: string }[]>`SELECT value AS v FROM siyu.settings WHERE key = 'as_of'`)[0]!.v).slice(0, 10);
  const people = await demoPeople(sql);
  const [member] = await sql<{ team: string; id: number }[]>`
    SELECT tm.name AS team, e.id FROM siyu.targets AS t JOIN siyu.employees AS e ON e.id = t.employee_id
    JOIN siyu.teams AS tm ON tm.id = e.team_id WHERE t.period = ${asOf.slice(0, 7)} ORDER BY tm.name, e.id LIMIT 1`;
  // The campaign rows as the big-screen's campaign list gives them (campaign_budgets, local days).
  const campaignRows = await sql`
    SELECT name AS "campaign_budgets.campaign", siyu.local_date(starts_at)::text AS "campaign_budgets.starts_at.day",
           siyu.local_date(ends_at)::text AS "campaign_budgets.ends_at.day" FROM siyu.campaigns`;
  const ctx: PageContext = { asOf, campaignRows, team: member!.team, employeeId: member!.id, channel: '' };
  const big = bigScreen(ctx).queries.find((q) => q.name === 'campaign_targets');
  const campaign = (big?.query.filters as Array<{ values: string[] }> | undefined)?.[0]?.values[0]?.slice('campaign:'.length) ?? null;
  const month = asOf.slice(0, 7);
  const all: Array<{ name: string; query: CubeQuery }> = [
    ...(big ? [{ name: 'big-screen: campaign_targets', query: big.query }] : []),
    { name: '/targets: the month', query: buildCompletionQuery(month) as CubeQuery },
    { name: '/targets: the quarter', query: buildCompletionQuery(`${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5)) / 3)}`) as CubeQuery },
    { name: '/staff: teams', query: buildStaffCompletionQuery(month, {}) as CubeQuery },
    { name: '/staff: a team', query: buildStaffCompletionQuery(month, { team: member!.team }) as CubeQuery },
    { name: '/staff: an employee', query: buildStaffCompletionQuery(month, { employeeId: member!.id }) as CubeQuery },
    ...(campaign ? [{ name: '/activities: campaign targets', query: buildCampaignCompletionQuery(campaign) as CubeQuery }] : []),
  ].filter((q) => !args.only || args.only.split(',').includes(q.name));
  say(`as of ${asOf}, campaign ${campaign}, team ${member!.team}, employee ${member!.id}`);
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
      const times: number[] = [];
      let plan = '';
      let rows = 0;
      let timedOut = false;
      for (let r = 0; r < runs && !timedOut; r++) {
        try {
          const lines = (await sql.unsafe(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params as postgres.ParameterOrJSON<never>[])).map((x) => String(x['QUERY PLAN']));
          times.push(Number(/Execution Time: ([\d.]+)/.exec(lines.join('\n'))?.[1]));
          plan = lines.join('\n');
        } catch (e) {
          if (!/statement timeout/.test((e as Error).message)) throw e;
          timedOut = true;
        }
        load.push(os.loadavg()[0]!);
      }
      if (timedOut) {
        say(`${who.role} ${name}: timed out after ${args['timeout-ms']} ms`);
        results.push({ role: who.role, name, timedOutMs: Number(args['timeout-ms']) });
        continue;
      }
      rows = (await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[])).length;
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)];
      say(`${who.role} ${name}: ${median} ms, ${rows} rows`);
      results.push({ role: who.role, name, medianMs: median, ms: times, rows, ...(args.plans ? { sql: text, params, plan } : {}) });
    }
  }
  const afterWrite: Array<Record<string, unknown>> = [];
  const writes = Number(args['after-write']);
  if (writes > 0) {
    const token = tokenFor(people[0]!, secret);
    const [order] = await sql<{ id: number; customer: number; employee: number; channel: number; campaign: number | null }[]>`
      SELECT (SELECT max(id) FROM siyu.orders) AS id, (SELECT min(id) FROM siyu.customers) AS customer, ${member!.id}::int AS employee,
             (SELECT min(id) FROM siyu.channels) AS channel, (SELECT id FROM siyu.campaigns WHERE name = ${campaign}) AS campaign`;
    const times = new Map<string, number[]>();
    let next = order!.id;
    // Run 0 is a warm-up, not recorded: Cube compiles each query's SQL the first time it sees it.
    for (let w = 0; w <= writes; w++) {
      for (const { name, query } of all) {
        await sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
          VALUES (${++next}, ${order!.customer}, ${order!.employee}, ${order!.channel}, ${order!.campaign},
                  siyu.local_midnight(siyu.as_of()) + interval '12 hours', 100, 1, 'core', 'paid')`;
        const started = performance.now();
        for (;;) {
          const response = await fetch(`${cube.url}/cubejs-api/v1/load`, {
            method: 'POST', headers: { Authorization: token, 'Content-Type': 'application/json' },
            // renewQuery, as the big-screen asks its live tiles: the refresh keys are read again now, so the
            // write is seen and nothing is served from before it.
            body: JSON.stringify({ query: { ...query, timezone: config.timeZone, renewQuery: true } }),
          });
          const body = (await response.json()) as { error?: string };
          if (body.error === 'Continue wait') continue;
          if (body.error) throw new Error(`${name}: ${body.error}`);
          break;
        }
        if (w > 0) times.set(name, [...(times.get(name) ?? []), performance.now() - started]);
        load.push(os.loadavg()[0]!);
      }
    }
    await sql`DELETE FROM siyu.orders WHERE id > ${order!.id}`;
    for (const [name, ms] of times) {
      const sorted = [...ms].sort((a, b) => a - b);
      const at = (q: number): number => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
      say(`after a write, executive ${name}: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms`);
      afterWrite.push({ name, p50: at(0.5), p95: at(0.95), ms: ms.map(Math.round) });
    }
  }
  console.log(JSON.stringify({ asOf, campaign, runs, afterWrite, load: { mean: load.reduce((a, b) => a + b, 0) / load.length, max: Math.max(...load) }, results }, null, 2));
} finally {
  await sql.end();
  await cube.stop();
  await db.stop();
}
process.exit(0);
