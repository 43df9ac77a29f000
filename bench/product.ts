/**
 * The product under test, run as `npm start` runs it (`node --import tsx
 * cube/main/start.ts`, the web build done beforehand) in a child process of its
 * own: its start-up is timed from the spawn to GET /healthz answering 200,
 * its peak memory is its own (VmHWM), and the benchmark's client load does
 * not share its event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../cube/config.ts';
import { freePort } from '../cube/ports.ts';

export interface RunningProduct {
  url: string;
  pid: number;
  /** Spawn to the first 200 of /healthz. */
  readyMs: number;
  /** The process's peak resident memory so far (VmHWM), in MB; null where /proc is not there. */
  peakRssMb(): number | null;
  stop(): Promise<void>;
}

export interface ProductOptions {
  /** Environment on top of the benchmark's own (config is read from it by cube/config.ts). */
  env: Record<string, string>;
  port: number;
  logFile: string;
  /** How long the start may take before the benchmark gives up. */
  timeoutMs: number;
}

/**
 * The product on an embedded PostgreSQL data directory the benchmark seeded,
 * on free ports, with the live generators off and the rollups on: what every
 * bench script starts. `extra` wins over these.
 */
export async function embeddedProductOptions(
  dataDir: string, pgPort: number, logFile: string, extra: Record<string, string> = {}, timeoutMs = 60 * 60_000,
): Promise<ProductOptions> {
  const port = await freePort();
  return {
    port, logFile, timeoutMs,
    env: {
      PORT: String(port), HOST: '127.0.0.1', CUBE_PORT: String(await freePort()), DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort),
      DATABASE_URL: '', CUBE_DATABASE_URL: '', LIVE: '', LIVE_RATES: '', SIYU_PRE_AGGREGATIONS: 'on', LOG_LEVEL: 'warn', ...extra,
    },
  };
}

const running = new Set<ChildProcess>();
// A benchmark that dies must not leave a product (and its PostgreSQL) behind.
process.once('exit', () => { for (const child of running) child.kill('SIGINT'); });

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function procStatusKb(pid: number, field: string): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export async function startProduct(options: ProductOptions): Promise<RunningProduct> {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('cube', 'main', 'start.ts')], {
    cwd: ROOT_DIR,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  let exited: number | null = null;
  const exit = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exited = code ?? (signal ? 128 : 1);
    running.delete(child);
    resolve();
  }));
  const url = `http://127.0.0.1:${options.port}`;

  for (;;) {
    if (exited !== null) throw new Error(`the product exited (${exited}) before it was ready; its log (${options.logFile}) ends:\n${tail(options.logFile)}`);
    if (performance.now() - started > options.timeoutMs) {
      child.kill('SIGINT');
      await exit;
      throw new Error(`the product was not ready within ${Math.round(options.timeoutMs / 1000)} s; its log (${options.logFile}) ends:\n${tail(options.logFile)}`);
    }
    const healthy = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.status === 200, () => false);
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const readyMs = performance.now() - started;

  return {
    url,
    pid: child.pid!,
    readyMs,
    peakRssMb: () => {
      const kb = procStatusKb(child.pid!, 'VmHWM');
      return kb === null ? null : Math.round(kb / 1024);
    },
    stop: async () => {
      if (exited === null) {
        child.kill('SIGINT');
        const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        await exit;
        clearTimeout(killer);
      }
      log.end();
    },
  };
}

/**
 * PostgreSQL's memory: the proportional set size (shared pages split between
 * the processes that touch them) of the postmaster and all its children,
 * sampled; null where /proc cannot tell.
 */
export function postgresMemorySampler(dataDir: string, everyMs = 2000): { peakMb(): number | null; stop(): void } {
  let peak: number | null = null;
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  const sample = (): void => {
    try {
      if (!existsSync(pidFile)) return;
      const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      let kb = 0;
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        const pid = Number(entry);
        let stat: string;
        try {
          stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        } catch {
          continue;
        }
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (pid !== postmaster && ppid !== postmaster) continue;
        const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
        if (m) kb += Number(m[1]);
      }
      if (kb > 0) peak = Math.max(peak ?? 0, Math.round(kb / 1024));
    } catch {
      // A process that ended between the listing and the read: the next sample counts again.
    }
  };
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return { peakMb: () => peak, stop: () => clearInterval(timer) };
}
