/**
 * A browser as the benchmark sees it: logs in through POST /api/login, keeps
 * the session cookie, sends Cube queries the way @cubejs-client/core does
 * (POST /cubejs-api/v1/load with `queryType: "multi"`, asking again at once
 * on "Continue wait"), and has at most six requests in flight, as an
 * HTTP/1.1 browser has per host. A call is timed from its first request to
 * its final answer, less the time it waited for a free slot (a page's time
 * has that wait in it).
 */
import { stillRunning, untilAnswered } from '../cube/engine/continue-wait.ts';
import type { CubeQuery } from '../web/src/page-loads.ts';

export class RequestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface Answer {
  ms: number;
  rows: Array<Record<string, unknown>>;
  total: number | null;
}

/** The browser's per-host connection limit (HTTP/1.1). */
const IN_FLIGHT = 6;

export class BrowserClient {
  private cookie: string | null = null;
  /** The session's token for the CSV export, from the login answer. */
  private csrf = '';
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  private constructor(readonly baseUrl: string) {}

  /** Logs in as a person does; the time of the login is `loginMs`. */
  static async login(baseUrl: string, username: string, password: string): Promise<BrowserClient & { loginMs: number }> {
    const client = new BrowserClient(baseUrl);
    const started = performance.now();
    const r = await client.send('POST', '/api/login', { username, password });
    if (r.status !== 200) throw new RequestError(r.status, `login as ${username} failed: ${r.status} ${r.text.slice(0, 200)}`);
    client.csrf = (JSON.parse(r.text) as { csrfToken?: string }).csrfToken ?? '';
    return Object.assign(client, { loginMs: performance.now() - started });
  }

  /** Runs `work` in one of the six slots; `queuedMs` is how long it waited for one. */
  private async slot<T extends object>(work: () => Promise<T>): Promise<T & { queuedMs: number }> {
    const t0 = performance.now();
    if (this.active >= IN_FLIGHT) await new Promise<void>((resolve) => this.waiting.push(resolve));
    const queuedMs = performance.now() - t0;
    this.active++;
    try {
      return Object.assign(await work(), { queuedMs });
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  private async send(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; queuedMs: number }> {
    return this.slot(async () => {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(this.cookie ? { Cookie: this.cookie } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const setCookie = response.headers.get('set-cookie');
      if (setCookie) this.cookie = setCookie.split(';')[0]!;
      return { status: response.status, text: await response.text() };
    });
  }

  /** A GET of the app server's own API (/api/me, /api/peer-comparison), timed from when it is sent. */
  async get(path: string): Promise<{ ms: number; body: unknown }> {
    const started = performance.now();
    const r = await this.send('GET', path);
    if (r.status !== 200) throw new RequestError(r.status, `GET ${path} answered ${r.status}: ${r.text.slice(0, 200)}`);
    return { ms: performance.now() - started - r.queuedMs, body: JSON.parse(r.text) as unknown };
  }

  /** A Cube query, timed from when it is sent (time spent waiting for a free slot in this browser is left out). */
  async load(query: CubeQuery): Promise<Answer> {
    const started = performance.now();
    let queued = 0;
    const { status, text, body } = await untilAnswered(async () => {
      const r = await this.send('POST', '/cubejs-api/v1/load', { query, queryType: 'multi' });
      queued += r.queuedMs;
      try {
        const body = JSON.parse(r.text) as { error?: string; results?: Array<{ data?: Array<Record<string, unknown>>; total?: number | null }> };
        return { status: r.status, text: r.text, body };
      } catch {
        throw new RequestError(r.status, `load answered ${r.status} with no JSON: ${r.text.slice(0, 200)}`);
      }
    }, (answer) => answer.status === 200 && stillRunning(answer.body), { attempts: 2000 });
    const result = body.results?.[0];
    if (status !== 200 || !result?.data) throw new RequestError(status, `load answered ${status}: ${body.error ?? text.slice(0, 200)}`);
    return { ms: performance.now() - started - queued, rows: result.data, total: result.total ?? null };
  }

  /**
   * POST /api/export.csv streamed: counts rows as they arrive and holds none.
   * Stops reading (and closes the connection) after `maxRows` data rows.
   */
  async exportCsv(payload: unknown, maxRows: number): Promise<{ rows: number; bytes: number; ms: number; complete: boolean }> {
    const started = performance.now();
    const controller = new AbortController();
    const response = await fetch(`${this.baseUrl}/api/export.csv`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(this.cookie ? { Cookie: this.cookie } : {}) },
      body: JSON.stringify({ payload, csrf: this.csrf }),
      signal: controller.signal,
    });
    if (response.status !== 200 || !response.body) throw new RequestError(response.status, `export answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    let lines = 0;
    let bytes = 0;
    let complete = true;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      // Rows end with CRLF; no cell of these lists holds a line break.
      for (let i = 0; i < value.length; i++) if (value[i] === 0x0a) lines++;
      if (lines - 1 >= maxRows) {
        complete = false;
        controller.abort();
        await reader.cancel().catch(() => undefined);
        break;
      }
    }
    return { rows: Math.min(maxRows, Math.max(0, lines - 1)), bytes, ms: performance.now() - started, complete };
  }
}
