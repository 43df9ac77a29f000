/** What the run stands on: the machine, the commit, the web build and its sizes, the seeded database. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from '../cube/config.ts';
import { startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { openSql } from '../cube/database/connect.ts';
import { migrate } from '../cube/database/migrate.ts';
import { isSeeded, seedDatabase } from '../seed/load.ts';
import { args, config, customers, say } from './options.ts';
import { kb, type Results } from './report.ts';

export function machine(load: number[]): Results['machine'] {
  return {
    cores: os.cpus().length, cpu: os.cpus()[0]?.model.trim() ?? 'unknown', ram_gb: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()}`, node: process.version,
    load_average: load.length > 0 ? { mean: Math.round((load.reduce((a, b) => a + b, 0) / load.length) * 10) / 10, max: Math.round(Math.max(...load) * 10) / 10 } : null,
  };
}

/** The machine's 1-minute load average through the run: others' work on a shared machine shows in every figure. */
export function loadSampler(): { values: number[]; stop(): void } {
  const values: number[] = [os.loadavg()[0]!];
  const timer = setInterval(() => values.push(os.loadavg()[0]!), 5000);
  timer.unref();
  return { values, stop: () => clearInterval(timer) };
}

export function commit(): Results['commit'] {
  const git = (...a: string[]): string => execFileSync('git', a, { cwd: ROOT_DIR, encoding: 'utf8' });
  try {
    return {
      sha: git('rev-parse', 'HEAD').trim(),
      uncommitted: git('status', '--porcelain').split('\n').filter(Boolean).map((l) => l.slice(3)).filter((f) => f !== 'node_modules'),
    };
  } catch {
    return { sha: 'unknown', uncommitted: [] };
  }
}

export function buildWeb(): { build_ms: number | null } {
  if (args['no-build']) return { build_ms: null };
  say('building the web app (npm run build:web)');
  const t0 = performance.now();
  const r = spawnSync('npm', ['run', '--silent', 'build:web'], { cwd: ROOT_DIR, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build:web failed:\n${(r.stderr || r.stdout).slice(-2000)}`);
  return { build_ms: Math.round(performance.now() - t0) };
}

const ROUTES: Record<string, string> = {
  overview: '/', 'big-screen': '/big-screen', channels: '/channels', staff: '/staff', segments: '/segments', activities: '/activities',
  customers: '/customers', 'customer-360': '/customers/:id', planner: '/planner', actions: '/actions', login: '/login', 'not-found': '(not found)',
};

export function bundleSizes(buildMs: number | null): Results['web'] {
  const file = path.join(config.webDistDir, 'sizes.json');
  if (!existsSync(file)) return { build_ms: buildMs, budget_kb: null, routes: [] };
  const sizes = JSON.parse(readFileSync(file, 'utf8')) as { firstRender?: Record<string, number>; withCharts?: Record<string, number>; budget?: number };
  return {
    build_ms: buildMs, budget_kb: sizes.budget ? kb(sizes.budget) : null,
    routes: Object.entries(sizes.firstRender ?? {}).map(([page, bytes]) => ({
      route: ROUTES[page] ?? page, first_render_kb: kb(bytes), with_charts_kb: kb(sizes.withCharts?.[page] ?? bytes),
    })).sort((a, b) => b.first_render_kb - a.first_render_kb),
  };
}

export async function seed(dataDir: string, pgPort: number): Promise<Results['seed'] & { tables: Record<string, number> } | null> {
  const db = await startEmbeddedPostgres(dataDir, pgPort);
  const sql = openSql(db.url);
  try {
    await migrate(sql);
    if (await isSeeded(sql)) {
      const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.customers`;
      const n = row?.n ?? 0;
      if (n !== customers) throw new Error(`${dataDir} holds ${n.toLocaleString('en-US')} customers, not ${customers.toLocaleString('en-US')}: use another --data-dir`);
      say(`${dataDir} already holds these ${n.toLocaleString('en-US')} customers: reusing them, the seed is not timed`);
      return null;
    }
    say(`seeding ${customers.toLocaleString('en-US')} customers`);
    const t0 = performance.now();
    // The load (generation, COPY, keys, ANALYZE) is the throughput; the
    // classification built after it is timed on its own.
    let classifyFrom: number | null = null;
    // The tables built from the loaded facts at the end of its transaction
    // (customer days, periods, participant conversions) are timed beside the
    // load, as the classification is (issue 19), not inside its rows/s.
    let summaryFrom: number | null = null;
    let summaryMs = 0;
    const counts = await seedDatabase(sql, {
      customers, seed: config.demoSeed, asOf: config.demoAsOf, timeZone: config.timeZone,
      onProgress: (p) => {
        if (p.phase === 'classify' && classifyFrom === null) classifyFrom = performance.now();
        if (p.phase === 'summarize' && p.done === 0) summaryFrom = performance.now();
        if (p.phase === 'summarize' && p.done === 1 && summaryFrom !== null) { summaryMs += performance.now() - summaryFrom; summaryFrom = null; }
      },
    });
    const done = performance.now();
    const elapsed = (classifyFrom ?? done) - t0 - summaryMs;
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    say(`  ${rows.toLocaleString('en-US')} rows in ${Math.round(elapsed / 1000)} s: ${Math.round(rows / (elapsed / 1000)).toLocaleString('en-US')} rows/s; `
      + `then ${Math.round(summaryMs / 1000)} s building the summary tables and ${Math.round((done - (classifyFrom ?? done)) / 1000)} s the classification`);
    return {
      rows, ms: Math.round(elapsed), rows_per_second: Math.round(rows / (elapsed / 1000)),
      summaries_ms: Math.round(summaryMs), classify_ms: Math.round(done - (classifyFrom ?? done)), tables: counts,
    };
  } finally {
    await sql.end({ timeout: 5 });
    await db.stop();
  }
}
