/**
 * The tiles a custom date range sends (overview, channels, staff, staff → an
 * employee, activities: issue 19, docs/performance.md "Custom ranges") as
 * PostgreSQL runs them, on a seeded database:
 *
 *   node --import tsx bench/custom-explain.ts --data-dir <dir> [--runs 3] [--only name,name] [--roles exec,manager,staff]
 *     [--setting name=value] [--out file.json]
 *
 * A Cube of the product's model (no rollups) gives each query's SQL under
 * each demo role (`/v1/sql`), which is run with `EXPLAIN (ANALYZE, BUFFERS)`
 * straight on PostgreSQL as Cube's role would (its settings, from
 * cube/database/cube-role.ts, applied to the session): Cube's cache and
 * queue play no part, so each figure is the statement's own cost with the
 * cache defeated. Prints the median execution time per query and role;
 * With `--setting`, each run is
 * also made with that setting changed (`SET name = value`), in turn with the
 * role's own, so the two are timed under the same load. `--out` writes the
 * SQL and plans as JSON.
 *
 * `--through-cube`: each run writes a new paid order first (bench/new-order.ts:
 * every cache key on the orders changes) and then times the query through
 * Cube's API (`/v1/load`, no rollups), Cube connected as its own role, as the
 * pages ask it, on another custom range each run (so Cube's cache cannot
 * answer either); p50 / p95 per query. `--before` resets the planner setting
 * the role got for custom ranges (enable_presorted_aggregate) for that run,
 * and `--model-dir` points Cube at another model (an older commit's), so the
 * same command times the code before a change.
 */
import os from 'node:os';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { loadConfig } from '../cube/config.ts';
import { embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { cubeRoleName, ensureCubeRole } from '../cube/database/cube-role.ts';
import { startCubeServer } from '../cube/engine/cube-server.ts';
import { cubeSql, demoPeople, tokenFor } from './demo-people.ts';
import { customRange } from './ranges.ts';
import { orderWriter } from './new-order.ts';
import { percentile } from './stats.ts';
import { freePort } from '../cube/ports.ts';
import { activities, channels, overview, staff, type NamedQuery, type PageContext } from '../web/src/page-loads.ts';

const { values: args } = parseArgs({
  options: { 'data-dir': { type: 'string' }, runs: { type: 'string', default: '3' }, only: { type: 'string' }, setting: { type: 'string' }, 'through-cube': { type: 'boolean', default: false }, before: { type: 'boolean', default: false }, 'model-dir': { type: 'string' }, out: { type: 'string' }, roles: { type: 'string' } },
});
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const runs = Number(args.runs);
const setting = args.setting ? /^([a-z_]+)=([\w.]+)$/.exec(args.setting)?.slice(1) : undefined;
if (args.setting && !setting) throw new Error('--setting takes name=value');
const say = (m: string): void => { process.stderr.write(`[custom-explain ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };

const config = loadConfig();

/** A query's answer through Cube's API, waiting while Cube says to. */
async function loadThroughCube(cubeUrl: string, token: string, query: object, timezone: string): Promise<void> {
  for (;;) {
    const response = await fetch(`${cubeUrl}/cubejs-api/v1/load`, {
      method: 'POST', headers: { Authorization: token, 'Content-Type': 'application/json' }, body: JSON.stringify({ query: { ...query, timezone } }),
    });
    const body = (await response.json()) as { error?: string; data?: unknown[] };
    if (body.error === 'Continue wait') continue;
    if (response.status !== 200 || !body.data) throw new Error(`Cube answered ${response.status}: ${body.error}`);
    return;
  }
}
const pgPort = await freePort();
const db = await startEmbeddedPostgres(dataDir, pgPort);
const url = embeddedUrl(dataDir, pgPort);
say(`PostgreSQL on port ${pgPort}`);
const sql = postgres(url, { max: 1, onnotice: () => {} });
// Cube's role's settings (cube/database/cube-role.ts: work_mem, the planner's), brought up to
// date as `npm start` does, in this session too.
const roleUrl = await ensureCubeRole(sql, url);
const database = (await sql<{ db: string }[]>`SELECT current_database() AS db`)[0]!.db;
if (args.before) await sql.unsafe(`ALTER ROLE "${cubeRoleName(database)}" RESET enable_presorted_aggregate`);
const roleSettings = await sql<{ s: string }[]>`
  SELECT unnest(setconfig) AS s FROM pg_db_role_setting WHERE setrole = (SELECT oid FROM pg_roles WHERE rolname = ${cubeRoleName(database)})`;
for (const { s } of roleSettings) {
  const [name, value] = s.split(/=(.*)/s);
  if (!/timeout/.test(name!)) await sql`SELECT set_config(${name!}, ${value!}, false)`;
}
const secret = randomBytes(32).toString('hex');
const cube = await startCubeServer({ databaseUrl: args['through-cube'] ? roleUrl : url, port: 0, apiSecret: randomBytes(32).toString('hex'), modelDir: args['model-dir'] ?? config.modelDir, systemSecret: secret, preAggregations: false });
const load: number[] = [os.loadavg()[0]!];
try {
  const asOf = String((await sql<{ v: string }[]>`SELECT value AS v FROM siyu.settings WHERE key = 'as_of'`)[0]!.v).slice(0, 10);
  const people = (await demoPeople(sql)).filter((p) => !args.roles || args.roles.split(',').includes(p.username));
  const [member] = await sql<{ team: string; id: number }[]>`
    SELECT t.name AS team, e.id FROM siyu.employees AS e JOIN siyu.teams AS t ON t.id = e.team_id
    WHERE EXISTS (SELECT 1 FROM siyu.customers AS c WHERE c.owner_employee_id = e.id) ORDER BY t.name, e.id LIMIT 1`;
  const [campaign] = await sql<{ channel: string }[]>`
    SELECT ch.name AS channel FROM siyu.campaign_participations AS p JOIN siyu.channels AS ch ON ch.id = p.channel_id GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`;
  const [from, to] = customRange(asOf, 0);
  // The pages' queries on the i-th custom range (bench/ranges.ts): a new range each run through Cube, so its cache cannot answer.
  const queriesOn = (i: number): NamedQuery[] => {
    const [a, b] = customRange(asOf, i);
    const on = { ...ctx, range: `from=${a}&to=${b}` };
    return [overview(on), channels(on, false), staff(on, false), staff(on, true), activities(on)]
      .flatMap((p) => p.queries.map((q) => ({ ...q, name: `${p.page}: ${q.name}` })));
  };
  const writer = await orderWriter(sql, null);
  const ctx: PageContext = { asOf, campaignRows: [], team: member!.team, employeeId: member!.id, channel: campaign!.channel, range: `from=${from}&to=${to}` };
  const pages = [overview(ctx), channels(ctx, false), staff(ctx, false), staff(ctx, true), activities(ctx)];
  const all: NamedQuery[] = pages.flatMap((p) => p.queries.map((q) => ({ ...q, name: `${p.page}: ${q.name}` })))
    .filter((q) => !args.only || args.only.split(',').some((o) => q.name.endsWith(`: ${o}`)));
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
      if (args['through-cube']) {
        const times: number[] = [];
        for (let r = 0; r < runs; r++) {
          await writer.write();
          // Past the refresh keys' 2 s, so Cube re-reads them and finds the write.
          await new Promise((resolve) => setTimeout(resolve, 2500));
          const started = performance.now();
          await loadThroughCube(cube.url, token, queriesOn(r + 1).find((q) => q.name === name)!.query, config.timeZone);
          times.push(performance.now() - started);
          load.push(os.loadavg()[0]!);
        }
        const [p50, p95] = [percentile(times, 50), percentile(times, 95)];
        say(`${who.username} ${name}: p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (load ${os.loadavg()[0]!.toFixed(1)})`);
        results.push({ role: who.username, name, p50, p95, ms: times });
        continue;
      }
      const explain = async (): Promise<{ ms: number; plan: string }> => {
        const rows = await sql.unsafe(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params as postgres.ParameterOrJSON<never>[]);
        const plan = rows.map((x) => String(x['QUERY PLAN'])).join('\n');
        load.push(os.loadavg()[0]!);
        return { ms: Number(/Execution Time: ([\d.]+)/.exec(plan)?.[1]), plan };
      };
      const times: number[] = [];
      const changed: number[] = [];
      let plan = '';
      let changedPlan = '';
      for (let r = 0; r < runs; r++) {
        const own = await explain();
        times.push(own.ms);
        plan = own.plan;
        if (setting) {
          await sql.unsafe(`SET ${setting[0]} = ${setting[1]}`);
          const other = await explain();
          await sql.unsafe(`RESET ${setting[0]}`);
          changed.push(other.ms);
          changedPlan = other.plan;
        }
      }
      const median = (xs: number[]): number | undefined => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      say(`${who.username} ${name}: ${median(times)} ms${setting ? `; with ${args.setting}: ${median(changed)} ms` : ''} (load ${os.loadavg()[0]!.toFixed(1)})`);
      results.push({ role: who.username, name, medianMs: median(times), ms: times, ...(setting ? { withSetting: { medianMs: median(changed), ms: changed, plan: changedPlan } } : {}), sql: text, params, plan });
    }
  }
  const report = { asOf, range: [from, to], runs, roleSettings: roleSettings.map((r) => r.s), load: { mean: load.reduce((a, b) => a + b, 0) / load.length, max: Math.max(...load) }, results };
  if (args.out) writeFileSync(args.out, JSON.stringify(report, null, 2));
  console.log(JSON.stringify({ ...report, results: results.map(({ sql: _s, params: _p, plan: _q, withSetting, ...r }: Record<string, unknown>) => ({ ...r, ...(withSetting ? { withSetting: { ...(withSetting as object), plan: undefined } } : {}) })) }, null, 2));
} finally {
  await sql.end();
  await cube.stop();
  await db.stop();
}
process.exit(0);
