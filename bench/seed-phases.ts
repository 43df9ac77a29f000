/**
 * Where a seed's time goes: `node --import tsx bench/seed-phases.ts
 * --data-dir DIR [--port P] [--customers N] [--workers W] [--checksum]`
 * seeds DIR's embedded cluster (replacing its data) and prints the seconds of
 * each phase, of each table's COPY and of each key rebuilt, the load's rows
 * per second (as `npm run seed` and the bench count it: until the
 * classification begins, less the summary tables built at the end; and with them),
 * the CPU seconds of this process (its generator threads included) and of
 * PostgreSQL (the cluster's processes, ended ones included), and the load
 * average. `--checksum` adds an md5 of every seeded table's rows in id order,
 * to hold a change of the loader to byte-identical contents.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../cube/config.ts';
import { startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { openSql } from '../cube/database/connect.ts';
import { migrate } from '../cube/database/migrate.ts';
import { seedDatabase, type SeedProgress } from '../seed/load.ts';
import { TABLES } from '../seed/tables.ts';

const { values: args } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string', default: '55491' },
    customers: { type: 'string', default: '200000' },
    workers: { type: 'string' },
    checksum: { type: 'boolean', default: false },
  },
});
if (!args['data-dir']) throw new Error('--data-dir is required');
const config = loadConfig({ logLevel: 'silent' });
const customers = Number(args.customers);

/** CPU seconds (user + system) of a process and of its ended, reaped children, and of its live children. */
function clusterCpu(postmaster: number): number {
  const own = (pid: number, reaped: boolean): number => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      // utime, stime, cutime, cstime are fields 14-17 (1-based), 12-15 after the command.
      const ticks = Number(fields[11]) + Number(fields[12]) + (reaped ? Number(fields[13]) + Number(fields[14]) : 0);
      return ticks / 100;
    } catch {
      return 0;
    }
  };
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch { /* none */ }
  return own(postmaster, true) + children.reduce((s, c) => s + own(c, true), 0);
}

const db = await startEmbeddedPostgres(path.resolve(args['data-dir']), Number(args.port));
const sql = openSql(db.url);
try {
  await migrate(sql);
  const postmaster = Number(readFileSync(path.join(path.resolve(args['data-dir']), 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const load = [os.loadavg()[0]!];
  const sampler = setInterval(() => load.push(os.loadavg()[0]!), 5000);
  const pg0 = clusterCpu(postmaster);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const marks: { phase: string; label: string; at: number; node: number; pg: number }[] = [];
  const nodeCpu = (): number => { const c = process.cpuUsage(cpu0); return (c.user + c.system) / 1e6; };
  let last = '';
  // Inside the load: each table's COPY and the waits for a block, timed from the report before to the report after.
  const copies = new Map<string, [number, number, number]>();
  let prev = { at: t0, node: 0, pg: 0 };
  let classifyAt = 0;
  let pgAtClassify = 0;
  let cpuAtClassify = process.cpuUsage();
  const counts = await seedDatabase(sql, {
    customers, seed: config.demoSeed, asOf: config.demoAsOf, timeZone: config.timeZone,
    workers: args.workers === undefined ? undefined : Number(args.workers),
    onProgress: (p: SeedProgress) => {
      const key = p.phase === 'index' || p.phase === 'summarize' || p.phase === 'finish' ? `${p.phase}:${p.label}` : p.phase;
      const at = performance.now();
      if (p.phase === 'load' && p.table !== undefined) {
        const now = { at, node: nodeCpu(), pg: clusterCpu(postmaster) - pg0 };
        const name = p.table === 'wait' ? (last === 'load' ? 'waiting for a block' : 'set-up, brand COPY, first block') : `COPY ${p.table}`;
        const sum = copies.get(name) ?? [0, 0, 0];
        copies.set(name, [sum[0] + now.at - prev.at, sum[1] + now.node - prev.node, sum[2] + now.pg - prev.pg]);
        prev = now;
      }
      if (key === last) return;
      last = key;
      marks.push({ phase: p.phase, label: key, at, node: nodeCpu(), pg: clusterCpu(postmaster) - pg0 });
      prev = marks.at(-1)!;
      // Each phase as it ends too (stderr), so a run cut short still tells where its time went.
      const [a, b] = marks.slice(-2);
      if (a && b) process.stderr.write(`  (${a.label}: ${((b.at - a.at) / 1000).toFixed(1)} s, node ${(b.node - a.node).toFixed(1)} s, PostgreSQL ${(b.pg - a.pg).toFixed(1)} s)\n`);
      if (p.phase === 'classify' && classifyAt === 0) {
        classifyAt = at;
        pgAtClassify = clusterCpu(postmaster);
        cpuAtClassify = process.cpuUsage(cpu0);
      }
    },
  });
  const end = performance.now();
  clearInterval(sampler);
  const rows = Object.values(counts).reduce((a, b) => a + b, 0);
  const seconds = (classifyAt - t0) / 1000;
  marks.push({ phase: 'end', label: 'end', at: end, node: nodeCpu(), pg: clusterCpu(postmaster) - pg0 });
  // Per phase (and key): wall seconds, then the CPU seconds of node and of PostgreSQL spent in it.
  const spans = new Map<string, [number, number, number]>();
  for (let i = 0; i + 1 < marks.length; i++) {
    const [a, b] = [marks[i]!, marks[i + 1]!];
    const sum = spans.get(a.label) ?? [0, 0, 0];
    spans.set(a.label, [sum[0] + b.at - a.at, sum[1] + b.node - a.node, sum[2] + b.pg - a.pg]);
  }
  // As `npm run seed` and the bench count it: the summary tables built at the end are timed beside the load.
  const summarized = [...spans].filter(([label]) => label.startsWith('summarize:')).reduce((sum, [, [ms]]) => sum + ms / 1000, 0);
  process.stdout.write(`${customers.toLocaleString('en-US')} customers, ${rows.toLocaleString('en-US')} rows: load ${(seconds - summarized).toFixed(1)} s, `
    + `${Math.round(rows / (seconds - summarized)).toLocaleString('en-US')} rows/s (as npm run seed counts it, the end's summary tables `
    + `${summarized.toFixed(1)} s beside it); with them ${seconds.toFixed(1)} s, ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s; `
    + `classification ${((end - classifyAt) / 1000).toFixed(1)} s\n`);
  process.stdout.write(`  from start to the brand generated: ${((marks[0]!.at - t0) / 1000).toFixed(1)} s\n`);
  process.stdout.write(`  ${'phase'.padEnd(60)} ${'wall'.padStart(9)} ${'node CPU'.padStart(9)} ${'PG CPU'.padStart(9)}\n`);
  for (const [label, [ms, node, pg]] of spans) {
    process.stdout.write(`  ${label.padEnd(60)} ${(ms / 1000).toFixed(1).padStart(7)} s ${node.toFixed(1).padStart(7)} s ${pg.toFixed(1).padStart(7)} s\n`);
  }
  process.stdout.write('  inside the load (the span before each report):\n');
  for (const [label, [ms, node, pg]] of copies) {
    process.stdout.write(`    ${label.padEnd(58)} ${(ms / 1000).toFixed(1).padStart(7)} s ${node.toFixed(1).padStart(7)} s ${pg.toFixed(1).padStart(7)} s\n`);
  }
  process.stdout.write(`  CPU until the classification: node ${((cpuAtClassify.user + cpuAtClassify.system) / 1e6).toFixed(1)} s `
    + `(user ${(cpuAtClassify.user / 1e6).toFixed(1)}), PostgreSQL ${(pgAtClassify - pg0).toFixed(1)} s; `
    + `load average ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)} (mean ${(load.reduce((a, b) => a + b, 0) / load.length).toFixed(1)})\n`);
  if (args.checksum) {
    for (const table of TABLES) {
      const [row] = await sql.unsafe<{ md5: string; n: number }[]>(
        `SELECT md5(string_agg(t::text, E'\\n' ORDER BY ${table === 'settings' ? 't.key' : 't.id'})) AS md5, count(*)::int AS n FROM siyu.${table} AS t`);
      process.stdout.write(`  md5 ${table.padEnd(24)} ${row!.md5} ${row!.n}\n`);
    }
    // The tables built from them at the end of the load (customer days, period tables, drill lists…), in text order.
    const derived = await sql<{ name: string }[]>`
      SELECT c.relname AS name FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
      WHERE n.nspname = 'siyu' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> ALL (${[...TABLES]}) ORDER BY 1`;
    for (const { name } of derived) {
      const [row] = await sql.unsafe<{ md5: string; n: number }[]>(
        `SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS md5, count(*)::int AS n FROM siyu.${name} AS t`);
      process.stdout.write(`  md5 ${name.padEnd(24)} ${row!.md5} ${row!.n}\n`);
    }
  }
} finally {
  await sql.end({ timeout: 5 });
  await db.stop();
}
