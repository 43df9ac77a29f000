/**
 * The attributed GMV / ROI drill list's statements (issue 19, docs/performance.md
 * "The team roles' and cut attributed drill lists from stored rows"): the
 * queries the list's page sends on 近12个月 (the page, its total, the header
 * and, where the page still sends them, a team role's two scope queries) for
 * the executive cut by the first team and the first channel, the manager and
 * the staff member of bench/demo-people.ts, first page and a deep page:
 *
 *   node --import tsx bench/drill-attributed-explain.ts --data-dir <dir> [--port 54470] [--runs 3] [--out file.json]
 *
 * For each query: the statement as Cube sends it (Cube's /sql answer for the
 * person, so their limits and the slice are in it), `EXPLAIN (ANALYZE,
 * BUFFERS, TIMING OFF)` as Cube's role (its settings), each run; the table it
 * reads and the 1-minute load beside each run.
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
import { freePort } from '../cube/ports.ts';
import { dateRangeFor } from '../web/src/lib/date-range.ts';
import { drillList } from '../web/src/page-loads.ts';
import { cubeSql, demoPeople, tokenFor } from './demo-people.ts';

const { values: args } = parseArgs({
  options: { 'data-dir': { type: 'string' }, port: { type: 'string' }, runs: { type: 'string', default: '3' }, out: { type: 'string' } },
});
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const runs = Number(args.runs);
const say = (m: string): void => { process.stderr.write(`[drill-attributed-explain ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };
const config = loadConfig();

const pgPort = args.port ? Number(args.port) : await freePort();
const db = await startEmbeddedPostgres(dataDir, pgPort);
const url = embeddedUrl(dataDir, pgPort);
const sql = postgres(url, { max: 1, onnotice: () => {} });
const roleUrl = await ensureCubeRole(sql, url);
const database = (await sql<{ db: string }[]>`SELECT current_database() AS db`)[0]!.db;
const roleSettings = await sql<{ s: string }[]>`
  SELECT unnest(setconfig) AS s FROM pg_db_role_setting WHERE setrole = (SELECT oid FROM pg_roles WHERE rolname = ${cubeRoleName(database)})`;
for (const { s } of roleSettings) {
  const [name, value] = s.split(/=(.*)/s);
  if (!/timeout/.test(name!)) await sql`SELECT set_config(${name!}, ${value!}, false)`;
}
const secret = randomBytes(32).toString('hex');
const cube = await startCubeServer({ databaseUrl: roleUrl, port: 0, apiSecret: randomBytes(32).toString('hex'), modelDir: config.modelDir, systemSecret: secret, preAggregations: false });
const results: Record<string, unknown> = {};
try {
  const asOf = String((await sql<{ v: string }[]>`SELECT value AS v FROM siyu.settings WHERE key = 'as_of'`)[0]!.v).slice(0, 10);
  const [from, to] = dateRangeFor('last_12_months', asOf)!;
  const [team] = await sql<{ name: string }[]>`SELECT name FROM siyu.teams ORDER BY id LIMIT 1`;
  const [channel] = await sql<{ name: string }[]>`SELECT name FROM siyu.channels ORDER BY id LIMIT 1`;
  const people = await demoPeople(sql);
  const who = (name: string) => people.find((p) => p.username === name)!;
  const cases: Array<[string, ReturnType<typeof who>, string]> = [
    ['exec cut by a team', who('exec'), `&team=${encodeURIComponent(team!.name)}`],
    ['exec cut by a channel', who('exec'), `&channel=${encodeURIComponent(channel!.name)}`],
    ['manager', who('manager'), ''],
    ['staff', who('staff'), ''],
  ];
  say(`as of ${asOf}, 近12个月 ${from}..${to}; load ${os.loadavg()[0]!.toFixed(1)}`);
  for (const [label, person, cut] of cases) {
    const limited = person.role !== 'executive';
    const token = tokenFor(person, secret);
    for (const page of [1, 40]) {
      const queries = drillList(`metric=roi&from=${from}&to=${to}${cut}${page > 1 ? `&page=${page}` : ''}`, asOf, limited, person.role === 'staff').queries
        .filter((q) => ['list', 'list_total', 'summary', 'scope_all', 'scope_owned'].includes(q.name) && (page === 1 || q.name === 'list'));
      for (const q of queries) {
        const asked = await cubeSql(cube.url, token, q.query, config.timeZone);
        if ('error' in asked) throw new Error(`${label} ${q.name}: ${asked.error}`);
        const times: number[] = [];
        const loads: number[] = [];
        let plan = '';
        for (let r = 0; r < runs; r++) {
          const rows = await sql.unsafe(`EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) ${asked.text}`, asked.params as postgres.ParameterOrJSON<never>[]);
          plan = rows.map((x) => String(x['QUERY PLAN'])).join('\n');
          times.push(Number(/Execution Time: ([\d.]+)/.exec(plan)?.[1]));
          loads.push(os.loadavg()[0]!);
        }
        const table = /siyu\.(drill_sales_slices|drill_sales|customer_days|orders|period_sales)\b/.exec(asked.text)?.[1] ?? '?';
        const key = `${label} · ${q.name}${page > 1 ? ` (page ${page})` : ''}`;
        say(`${key} [${table}]: ${times.map((t) => t.toFixed(1)).join(' / ')} ms (load ${loads.map((l) => l.toFixed(1)).join(', ')})`);
        results[key] = { table, ms: times, loads, sql: asked.text, params: asked.params, plan };
      }
    }
  }
  if (args.out) writeFileSync(args.out, JSON.stringify(results, null, 2));
} finally {
  await sql.end();
  await cube.stop();
  await db.stop();
}
process.exit(0);
