/**
 * The real product (app server + Cube + PostgreSQL) on free ports, for tests,
 * with a small HTTP client that logs in and talks to it like a browser.
 */
import { afterAll, beforeAll } from 'vitest';
import { loadConfig, type Config } from '../../cube/config.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { startStack, type RunningStack } from '../../cube/main/stack.ts';
import { Client } from '../../cube/tools/api-client.ts';

export { Client };
export type { MetaCube, MetaMember, MetaResponse } from '../../cube/engine/meta.ts';

export interface TestStack extends RunningStack {
  client(username?: string, password?: string): Promise<Client>;
}

export async function startTestStack(databaseUrl: string, overrides: Partial<Config> = {}, onLog?: (message: string) => void): Promise<TestStack> {
  const config = loadConfig({
    databaseUrl,
    // Port 0: the system picks free ports as the servers listen (two freePort()
    // calls could hand out the same port, or lose it to another test file).
    port: 0,
    host: '127.0.0.1',
    cubePort: 0,
    logLevel: 'silent',
    demoPassword: 'demo',
    // Many stacks run at once here: each builds a rollup when a query first
    // needs it instead of every rollup from start (test/model/rollups.test.ts
    // runs the refresh worker as the product does).
    refreshWorker: false,
    ...overrides,
  });
  // Silent, but for what explains a failed request (Cube's own error text
  // never reaches the browser, only the server log); DEBUG_STACK=1 prints all.
  const stack = await startStack(config, {
    log: (message) => {
      onLog?.(message);
      if (process.env.DEBUG_STACK || /^cube (answered|unreachable)/.test(message)) process.stderr.write(`[stack] ${message}\n`);
    },
  });
  return {
    ...stack,
    client: async (username = 'exec', password = 'demo') => Client.login(stack.url, username, password),
  };
}

export interface StackContext {
  db: TestDatabase;
  stack: TestStack;
  /** Logged in as `exec`. */
  api: Client;
}

/**
 * Registers beforeAll/afterAll for a test file that needs the whole product
 * on its own database: `prepare` runs on the empty database first (a
 * fixture), otherwise the stack seeds demo data as `npm start` does.
 */
export function useTestStack(label: string, options: {
  demoCustomers?: number; config?: Partial<Config>; prepare?: (db: TestDatabase) => Promise<void>;
  /** Every line the product logs (Cube's errors among them), as it logs it. */
  log?: (message: string) => void;
} = {}): StackContext {
  const context = {} as StackContext;
  beforeAll(async () => {
    context.db = await createTestDatabase(label);
    await options.prepare?.(context.db);
    context.stack = await startTestStack(context.db.url, { ...(options.demoCustomers ? { demoCustomers: options.demoCustomers } : {}), ...options.config }, options.log);
    context.api = await context.stack.client('exec');
  });
  afterAll(async () => {
    await context.stack?.stop();
    await context.db?.drop();
  });
  return context;
}
