/**
 * Ctrl-C in a terminal signals the whole process group, so the embedded
 * postmaster may finish its own shutdown before `npm start` asks it to stop.
 * Stopping a cluster that is already gone must return at once, not wait for an
 * exit that has passed (the crash-restart start test hung 60 s on this race).
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../../cube/database/embedded-postgres.ts';
import { freePort } from '../../../cube/ports.ts';

describe('stopping the embedded cluster', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'siyu-stop-'));
  chmodSync(dir, 0o755);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('returns at once when the postmaster already shut down on a signal of its own', async () => {
    const db = await startEmbeddedPostgres(dir, await freePort());
    const pid = Number(readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGINT');
    await expect.poll(() => { try { process.kill(pid, 0); return 'running'; } catch { return 'gone'; } }, { timeout: 20_000 }).toBe('gone');
    // Let the child's exit event pass before the stop is asked, as when the process group was signalled.
    await new Promise((r) => setTimeout(r, 200));
    const stopped = await Promise.race([db.stop().then(() => 'stopped'), new Promise((r) => setTimeout(() => r('still waiting after 5 s'), 5_000))]);
    expect(stopped).toBe('stopped');
  }, 60_000);
});
