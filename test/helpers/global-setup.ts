/**
 * One real PostgreSQL (the embedded one) for the whole run, in a scratch
 * directory; every test file makes its own database in it.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type RunningDatabase } from '../../cube/database/embedded-postgres.ts';
import { freePort } from '../../cube/ports.ts';
import { clearStaleChromium } from './chromium-unpack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

let db: RunningDatabase | null = null;
let dir: string | null = null;

export async function setup(project: TestProject): Promise<void> {
  clearStaleChromium();
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    project.provide('postgresUrl', external);
    return;
  }
  try {
    dir = mkdtempSync(path.join(tmpdir(), 'siyu-test-pg-'));
    // The postgres OS user (used when running as root) must reach the directory.
    chmodSync(dir, 0o755);
    db = await startEmbeddedPostgres(dir, await freePort(), { scratch: true });
  } catch (error) {
    // Vitest 4 reports a failed global setup but still exits 0: fail the run here.
    process.stderr.write(`\nThe test PostgreSQL could not start: ${(error as Error).message}\n`);
    if (dir) rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  }
  project.provide('postgresUrl', db.url);
}

export async function teardown(): Promise<void> {
  await db?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
