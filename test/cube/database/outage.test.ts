/**
 * PostgreSQL going away under a running product: queries answer 503 with a
 * clear message within seconds (no address, no driver text), sessions
 * survive, and everything answers again by itself once PostgreSQL is back.
 * This file runs its own embedded cluster, so stopping it harms no other test.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type RunningDatabase } from '../../../cube/database/embedded-postgres.ts';
import { freePort } from '../../../cube/ports.ts';
import { Client, startTestStack, type TestStack } from '../../helpers/stack.ts';

describe('a database outage', () => {
  let dir: string;
  let port: number;
  let db: RunningDatabase | null = null;
  let stack: TestStack;
  let exec: Client;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'siyu-outage-'));
    chmodSync(dir, 0o755);
    port = await freePort();
    db = await startEmbeddedPostgres(dir, port);
    stack = await startTestStack(db.url, { demoCustomers: 800 });
    exec = await stack.client('exec');
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const gmvQuery = (n: number) => ({ query: { measures: ['sales_overview.gmv'], limit: 1000 + n } });

  it('answers 503 while PostgreSQL is down and recovers by itself, keeping the session', async () => {
    expect((await exec.request('POST', '/cubejs-api/v1/load', gmvQuery(0))).status).toBe(200);
    await db!.stop();
    db = null;
    const down = await exec.request<{ error: string }>('POST', '/cubejs-api/v1/load', gmvQuery(1));
    expect(down.status).toBe(503);
    expect(Object.keys(down.body)).toEqual(['error']);
    expect(down.body.error).not.toMatch(/ECONN|127\.0\.0\.1|:\d{4,5}|postgres/i);
    const health = await Client.anonymous(stack.url).request<{ db: string }>('GET', '/healthz');
    expect(health.status).toBe(503);
    expect(health.body.db).toBe('down');
    // The session is still there: the person is not sent back to the login form.
    expect((await exec.request('GET', '/api/me')).status).not.toBe(401);

    db = await startEmbeddedPostgres(dir, port);
    await expect.poll(async () => (await exec.request('POST', '/cubejs-api/v1/load', gmvQuery(2))).status, { timeout: 30_000, interval: 500 }).toBe(200);
    expect((await exec.request('GET', '/api/me')).status).toBe(200);
    await expect.poll(async () => (await Client.anonymous(stack.url).request('GET', '/healthz')).status, { timeout: 15_000 }).toBe(200);
  });
});
