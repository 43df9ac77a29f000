/**
 * The only way from a browser to Cube: `/cubejs-api/v1/load` and `/meta`,
 * for a logged-in session. The server mints the Cube token from the session
 * (whatever Authorization header the browser sends is ignored), masks phone
 * numbers for every role but admin, and turns Cube's errors into short JSON
 * messages without stacks or SQL.
 */
import type { Account } from './accounts.ts';
import { mintCubeToken } from '../engine/cube-server.ts';
import type { SecurityContext } from '../engine/security-context.ts';

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface CubeProxyOptions {
  cubeUrl: string;
  apiSecret: string;
  log?: (message: string) => void;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Row = Record<string, Json>;

const MAX_QUERIES = 10;
const SQLISH = /\b(select|from|where|group by|order by|join)\b|syntax error|relation "|column "/i;

export function maskPhone(value: string): string {
  return value.length >= 7 ? `${value.slice(0, 3)}****${value.slice(-4)}` : '****';
}

function contextOf(account: Account): SecurityContext {
  return { username: account.username, role: account.role, employeeId: account.employeeId, teamId: account.teamId };
}

type QueryObject = Record<string, unknown>;

/**
 * Parses the `query` of a load request (JSON text from a GET, a value from a
 * POST): one query object or an array of them. Anything else is a 400.
 */
export function parseLoadQuery(raw: unknown): QueryObject | QueryObject[] {
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new HttpError(400, 'The query is not valid JSON.');
    }
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.length > MAX_QUERIES) throw new HttpError(400, `Send between 1 and ${MAX_QUERIES} queries.`);
  for (const q of list) {
    if (typeof q !== 'object' || q === null || Array.isArray(q)) throw new HttpError(400, 'A query must be a JSON object.');
  }
  return value as QueryObject | QueryObject[];
}

/** Every member name a query refers to in a filter, including nested and/or groups. */
export function filterMembers(query: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (filters: unknown): void => {
    if (!Array.isArray(filters)) return;
    for (const f of filters) {
      if (typeof f !== 'object' || f === null) continue;
      const o = f as Record<string, unknown>;
      if (typeof o.member === 'string') out.push(o.member);
      if (typeof o.dimension === 'string') out.push(o.dimension);
      walk(o.and);
      walk(o.or);
    }
  };
  walk(query.filters);
  return out;
}

function cleanMessage(message: unknown, fallback: string): string {
  if (typeof message !== 'string' || message.trim() === '') return fallback;
  const text = message.replace(/^Error:\s*/, '').split('\n')[0]!.trim();
  if (SQLISH.test(text) || text.length > 300) return fallback;
  return text;
}

export class CubeProxy {
  private phoneMembers: Set<string> | null = null;

  constructor(private readonly options: CubeProxyOptions) {}

  private token(account: Account): string {
    return mintCubeToken(this.options.apiSecret, contextOf(account));
  }

  private async call(path: string, account: Account, init: RequestInit = {}): Promise<{ status: number; body: Record<string, Json> }> {
    let response: Response;
    try {
      response = await fetch(`${this.options.cubeUrl}/cubejs-api/v1/${path}`, {
        ...init,
        headers: { ...(init.headers ?? {}), Authorization: this.token(account), 'Content-Type': 'application/json' },
        signal: AbortSignal.timeout(120_000),
      });
    } catch (error) {
      this.options.log?.(`cube unreachable: ${(error as Error).message}`);
      throw new HttpError(503, 'The analytics engine is not reachable; try again shortly.');
    }
    let body: Record<string, Json>;
    try {
      body = (await response.json()) as Record<string, Json>;
    } catch {
      throw new HttpError(502, 'The analytics engine sent an unreadable answer.');
    }
    return { status: response.status, body };
  }

  private fail(status: number, body: Record<string, Json>): never {
    const raw = body.error;
    if (status === 400 || status === 404) {
      const message = cleanMessage(raw, 'The query is not valid.');
      // What was held back from the browser stays visible to whoever runs the server.
      if (typeof raw === 'string' && message !== raw.replace(/^Error:\s*/, '').trim()) this.options.log?.(`cube rejected a query: ${raw.split('\n')[0]}`);
      throw new HttpError(400, message);
    }
    if (status === 403) throw new HttpError(403, cleanMessage(raw, 'Your role may not query this.'));
    this.options.log?.(`cube error ${status}: ${typeof raw === 'string' ? raw.split('\n')[0] : JSON.stringify(raw)}`);
    // Cube answers database errors caused by the query's own values with 500 too.
    if (typeof raw === 'string' && /invalid input syntax|out of range|does not exist/i.test(raw)) {
      throw new HttpError(400, 'A filter value does not fit its member (for example text in a number filter).');
    }
    throw new HttpError(502, 'The query could not be run. Try again, or narrow it.');
  }

  async meta(account: Account): Promise<Record<string, Json>> {
    const { status, body } = await this.call('meta', account);
    if (status !== 200) this.fail(status, body);
    return body;
  }

  private async phoneMemberNames(account: Account): Promise<Set<string>> {
    if (this.phoneMembers) return this.phoneMembers;
    const meta = await this.meta(account);
    const names = new Set<string>();
    for (const cube of (meta.cubes as Array<{ dimensions?: Array<{ name: string; meta?: { dimension?: string } }> }>) ?? []) {
      for (const d of cube.dimensions ?? []) if (d.meta?.dimension === 'phone') names.add(d.name);
    }
    this.phoneMembers = names;
    return names;
  }

  /** `queryType: "multi"` (what @cubejs-client/core 1.x sends) answers with `results: [...]`. */
  async load(account: Account, rawQuery: unknown, queryType?: unknown): Promise<Record<string, Json>> {
    if (queryType !== undefined && queryType !== 'multi' && queryType !== 'regularQuery') {
      throw new HttpError(400, 'queryType must be "multi" or "regularQuery".');
    }
    const query = parseLoadQuery(rawQuery);
    const queries = Array.isArray(query) ? query : [query];
    const seesPhones = account.role === 'admin';
    const phones = seesPhones ? new Set<string>() : await this.phoneMemberNames(account);
    if (!seesPhones) {
      for (const q of queries) {
        const member = filterMembers(q).find((m) => phones.has(m));
        if (member) throw new HttpError(403, `Your role may not filter on phone numbers (${member}).`);
      }
    }
    const { status, body } = await this.call('load', account, { method: 'POST', body: JSON.stringify({ query, queryType }) });
    if (status !== 200) this.fail(status, body);
    if (typeof body.error === 'string' && body.error !== 'Continue wait') this.fail(400, body);
    delete body.stack;
    if (!seesPhones && phones.size > 0) {
      const maskRows = (rows: Json | undefined): void => {
        if (!Array.isArray(rows)) return;
        for (const row of rows as Row[]) {
          for (const key of Object.keys(row)) if (phones.has(key) && typeof row[key] === 'string') row[key] = maskPhone(row[key] as string);
        }
      };
      maskRows(body.data);
      if (Array.isArray(body.results)) for (const r of body.results as Row[]) maskRows(r.data);
    }
    return body;
  }
}
