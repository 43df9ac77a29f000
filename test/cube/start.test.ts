/**
 * `npm start` as a person runs it: the real command, its own embedded
 * PostgreSQL, Ctrl-C (SIGINT to the whole process group, as a terminal sends
 * it), a second start on the same data, and recovery from a crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../cube/config.ts';
import { freePort } from '../../cube/ports.ts';

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Processes whose command line mentions the directory: what would be left behind. */
function processesUsing(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(dir)) found.push(`${entry}: ${cmd}`);
    } catch {
      // gone
    }
  }
  return found;
}

describe('npm start', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let port: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'siyu-start-'));
    chmodSync(dataDir, 0o755);
    port = await freePort();
    env = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      CUBE_PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
      DEMO_CUSTOMERS: '1500',
      HOST: '127.0.0.1',
      DATABASE_URL: '',
    };
  });
  afterAll(() => {
    for (const line of processesUsing(dataDir)) process.kill(Number(line.split(':')[0]), 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = (): Started => {
    // The command `npm start` runs once the web app is built.
    const child = spawn(process.execPath, ['--import', 'tsx', 'cube/main/start.ts'], { cwd: ROOT_DIR, env, detached: true });
    let out = '';
    child.stdout!.on('data', (d) => { out += String(d); });
    child.stderr!.on('data', (d) => { out += String(d); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, output: () => out, exited };
  };

  const waitHealthy = async (s: Started): Promise<number> => {
    const begun = Date.now();
    for (;;) {
      if (s.child.exitCode !== null) throw new Error(`start exited early:\n${s.output()}`);
      const status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
      if (status === 200) return Date.now() - begun;
      if (Date.now() - begun > 120_000) throw new Error(`not healthy after 120 s:\n${s.output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  const customers = async (): Promise<number> => {
    const login = await fetch(`http://127.0.0.1:${port}/api/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'exec', password: 'demo' }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const r = await fetch(`http://127.0.0.1:${port}/cubejs-api/v1/load`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie },
      body: JSON.stringify({ query: { measures: ['customer_insights.customers'] } }),
    });
    return Number(((await r.json()) as { data: Array<Record<string, string>> }).data[0]!['customer_insights.customers']);
  };

  it('starts with demo data, and Ctrl-C leaves no process behind', async () => {
    const first = start();
    await waitHealthy(first);
    expect(first.output()).toContain('empty database: seeding');
    expect(await customers()).toBe(1500);
    expect(processesUsing(dataDir).length).toBeGreaterThan(0);
    process.kill(-first.child.pid!, 'SIGINT');
    expect(await first.exited).toBe(0);
    await expect.poll(() => processesUsing(dataDir), { timeout: 15_000 }).toEqual([]);
    expect(await fetch(`http://127.0.0.1:${port}/healthz`).then(() => 'open', () => 'closed')).toBe('closed');
  });

  it('reuses the data on the next start', async () => {
    const second = start();
    await waitHealthy(second);
    expect(second.output()).not.toContain('seeding');
    expect(await customers()).toBe(1500);
    process.kill(-second.child.pid!, 'SIGTERM');
    expect(await second.exited, second.output()).toBe(0);
    await expect.poll(() => processesUsing(dataDir), { timeout: 15_000 }).toEqual([]);
  });

  it('starts again after a crash left PostgreSQL running and a half-made cluster behind', async () => {
    const crashed = start();
    await waitHealthy(crashed);
    // Kill only the Node process, as a crash would: its PostgreSQL lives on.
    process.kill(crashed.child.pid!, 'SIGKILL');
    await crashed.exited;
    expect(processesUsing(dataDir).length).toBeGreaterThan(0);
    // A scratch directory from an initdb that was interrupted.
    mkdirSync(path.join(dataDir, 'pg.init-99999'));
    const again = start();
    await waitHealthy(again);
    expect(await customers()).toBe(1500);
    expect(readdirSync(dataDir).filter((d) => d.startsWith('pg.init-'))).toEqual([]);
    process.kill(-again.child.pid!, 'SIGINT');
    expect(await again.exited, again.output()).toBe(0);
    await expect.poll(() => processesUsing(dataDir), { timeout: 15_000 }).toEqual([]);
  });
});
