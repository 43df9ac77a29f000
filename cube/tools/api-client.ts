/**
 * A small HTTP client of the app server that logs in and talks to it as a
 * browser does (session cookie, Cube's REST API through the proxy). Used by
 * the tests (the benchmark has its own, bench/http-client.ts, which times
 * requests and caps how many are in flight as a browser does).
 */
import { stillRunning, untilAnswered } from '../engine/continue-wait.ts';
import type { MetaResponse } from '../engine/meta.ts';

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
    return (await this.answer(query)).data;
  }

  /** The whole answer of a Cube query: its rows, and the total when the query asked for one. */
  async answer(query: Record<string, unknown>): Promise<{ data: Array<Record<string, unknown>>; total?: number }> {
    const r = await untilAnswered(
      () => this.request<{ data?: Array<Record<string, unknown>>; total?: number; error?: string }>('POST', '/cubejs-api/v1/load', {
        query: { timezone: 'Asia/Shanghai', ...query },
      }),
      (answer) => answer.status === 200 && stillRunning(answer.body),
      { attempts: 120 },
    );
    if (r.status !== 200 || !r.body.data) throw new Error(`load failed (${r.status}): ${JSON.stringify(r.body)} for ${JSON.stringify(query)}`);
    return { data: r.body.data, ...(r.body.total === undefined ? {} : { total: Number(r.body.total) }) };
  }

  async meta(): Promise<MetaResponse> {
    const r = await this.request<MetaResponse>('GET', '/cubejs-api/v1/meta');
    if (r.status !== 200) throw new Error(`meta failed: ${r.status}`);
    return r.body;
  }
}
