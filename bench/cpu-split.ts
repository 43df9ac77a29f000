/**
 * Where the CPU goes during a phase: the product's Node process (the app
 * server and Cube share its one event loop) against the PostgreSQL cluster
 * (the postmaster and every backend, including those that ended during the
 * phase: a reaped child's time is added to its parent's cutime/cstime), read
 * from /proc before and after. On a shared machine these are the two
 * processes' own seconds, whatever the neighbours used.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
const TICKS = 100;

interface Times {
  self: number;
  children: number;
}

function timesOf(pid: number): { ppid: number; times: Times } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the command's closing parenthesis: state ppid … utime(14) stime(15) cutime(16) cstime(17).
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), times: { self: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) } };
}

/** CPU seconds of one process (with its reaped children). */
function processSeconds(pid: number): number | null {
  const t = timesOf(pid);
  return t ? (t.times.self + t.times.children) / TICKS : null;
}

/** CPU seconds of a PostgreSQL cluster: the postmaster, its live children, and the ones it has reaped. */
function clusterSeconds(dataDir: string): number | null {
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const own = timesOf(postmaster);
  if (!own) return null;
  let ticks = own.times.self + own.times.children;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = timesOf(Number(entry));
    if (child && child.ppid === postmaster) ticks += child.times.self;
  }
  return ticks / TICKS;
}

export interface CpuSplit {
  wall_s: number;
  /** The product's Node process (app server + Cube), CPU seconds. */
  product_cpu_s: number | null;
  /** The PostgreSQL cluster, CPU seconds. */
  database_cpu_s: number | null;
  /** This benchmark's own process (the simulated browsers). */
  client_cpu_s: number | null;
}

/** Starts counting; `stop()` returns the seconds each side used since. */
export function cpuSplit(productPid: number, dataDir: string): { stop(): CpuSplit } {
  const t0 = performance.now();
  const product0 = processSeconds(productPid);
  const db0 = clusterSeconds(dataDir);
  const client0 = process.cpuUsage();
  const diff = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : Math.round((b - a) * 10) / 10);
  return {
    stop: () => {
      const client = process.cpuUsage(client0);
      return {
        wall_s: Math.round((performance.now() - t0) / 100) / 10,
        product_cpu_s: diff(product0, processSeconds(productPid)),
        database_cpu_s: diff(db0, clusterSeconds(dataDir)),
        client_cpu_s: Math.round((client.user + client.system) / 100_000) / 10,
      };
    },
  };
}
