/**
 * The real product (app server + Cube + PostgreSQL) on free ports, for tests,
 * with a small HTTP client that logs in and talks to it like a browser.
 */
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { startStack, type RunningStack } from '../../cube/stack.ts';
import { freePort } from './ports.ts';

export interface TestStack extends RunningStack {
  client(username?: string, password?: string): Promise<Client>;
}

export async function startTestStack(databaseUrl: string, overrides: { demoCustomers?: number } = {}): Promise<TestStack> {
  const config = loadConfig({
    databaseUrl,
    port: await freePort(),
    host: '127.0.0.1',
    cubePort: await freePort(),
    logLevel: 'silent',
    demoPassword: 'demo',
    ...overrides,
  });
  const stack = await startStack(config);
  return {
    ...stack,
    client: async (username = 'exec', password = 'demo') => Client.login(stack.url, username, password),
  };
}

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export class Client {
  private constructor(readonly baseUrl: string, private cookie: string | null) {}

  static anonymous(baseUrl: string): Client {
    return new Client(baseUrl, null);
  }

  static async login(baseUrl: string, username: string, password: string): Promise<Client> {
    const client = new Client(baseUrl, null);
    const r = await client.request('POST', '/api/login', { username, password });
    if (r.status !== 200) throw new Error(`login as ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return client;
  }

  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...(this.cookie ? { Cookie: this.cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed as T };
  }

  /** A Cube query through the app server's proxy; waits out "Continue wait". */
  async load(query: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
    for (let attempt = 0; attempt < 120; attempt++) {
      const r = await this.request<{ data?: Array<Record<string, unknown>>; error?: string }>('POST', '/cubejs-api/v1/load', {
        query: { timezone: 'Asia/Shanghai', ...query },
      });
      if (r.status === 200 && r.body.error === 'Continue wait') continue;
      if (r.status !== 200 || !r.body.data) throw new Error(`load failed (${r.status}): ${JSON.stringify(r.body)} for ${JSON.stringify(query)}`);
      return r.body.data;
    }
    throw new Error('Cube kept answering "Continue wait"');
  }

  async meta(): Promise<MetaResponse> {
    const r = await this.request<MetaResponse>('GET', '/cubejs-api/v1/meta');
    if (r.status !== 200) throw new Error(`meta failed: ${r.status}`);
    return r.body;
  }
}

export interface MetaMember {
  name: string;
  title: string;
  shortTitle?: string;
  description?: string;
  type: string;
  format?: string;
  meta?: { metric?: string; dimension?: string };
}

export interface MetaCube {
  name: string;
  title: string;
  type?: 'cube' | 'view';
  description?: string;
  measures: MetaMember[];
  dimensions: MetaMember[];
  segments: MetaMember[];
}

export interface MetaResponse {
  cubes: MetaCube[];
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
export function useTestStack(label: string, options: { demoCustomers?: number; prepare?: (db: TestDatabase) => Promise<void> } = {}): StackContext {
  const context = {} as StackContext;
  beforeAll(async () => {
    context.db = await createTestDatabase(label);
    await options.prepare?.(context.db);
    context.stack = await startTestStack(context.db.url, options.demoCustomers ? { demoCustomers: options.demoCustomers } : {});
    context.api = await context.stack.client('exec');
  });
  afterAll(async () => {
    await context.stack?.stop();
    await context.db?.drop();
  });
  return context;
}
