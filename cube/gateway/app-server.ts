/**
 * The app server: the only port a browser talks to. Serves the built web app,
 * health, login/logout/me, and the Cube proxy.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type { Sql } from 'postgres';
import { authenticate, type Account } from './accounts.ts';
import { CubeProxy, HttpError } from './cube-proxy.ts';
import { SESSION_COOKIE, SessionStore } from './sessions.ts';

/** What the server needs once the database and Cube are up; until then it answers 503. */
export interface Backends {
  sql: Sql;
  cubeUrl: string;
}

export interface AppServerOptions {
  cubeApiSecret: string;
  demoPassword: string;
  webDistDir: string;
  log?: (message: string) => void;
}

export interface AppServer {
  app: FastifyInstance;
  /** Called when the database and Cube are ready. */
  ready(backends: Backends): void;
}

declare module 'fastify' {
  interface FastifyRequest {
    account: Account | null;
  }
}

export async function buildAppServer(options: AppServerOptions): Promise<AppServer> {
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024, trustProxy: false });
  const sessions = new SessionStore();
  let backends: (Backends & { proxy: CubeProxy }) | null = null;
  const up = (): Backends & { proxy: CubeProxy } => {
    if (!backends) throw new HttpError(503, 'The server is still starting; try again in a few seconds.');
    return backends;
  };

  await app.register(fastifyCookie);
  app.decorateRequest('account', null);
  app.addHook('onRequest', async (request) => {
    request.account = sessions.get(request.cookies[SESSION_COOKIE]);
  });

  // Every error leaves as {"error": "..."}; nothing internal reaches the browser.
  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, _request, reply) => {
    if (error instanceof HttpError) return reply.status(error.status).send({ error: error.message });
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const message = status === 413 ? 'The request is too large.'
        : status === 415 ? 'Send JSON (Content-Type: application/json).'
          : error.name === 'SyntaxError' || /JSON/i.test(error.message) ? 'The request body is not valid JSON.'
            : 'The request is not valid.';
      return reply.status(status).send({ error: message });
    }
    options.log?.(`internal error: ${error.stack ?? error.message}`);
    return reply.status(500).send({ error: 'Something went wrong on the server.' });
  });

  const requireAccount = (request: FastifyRequest): Account => {
    if (!request.account) throw new HttpError(401, 'Please log in.');
    return request.account;
  };

  app.get('/healthz', async (_request, reply) => {
    if (!backends) return reply.status(503).send({ db: 'starting', cube: 'starting' });
    const [db, cube] = await Promise.all([
      backends.sql`SELECT 1`.then(() => 'ok', () => 'down'),
      fetch(`${backends.cubeUrl}/readyz`, { signal: AbortSignal.timeout(5000) }).then((r) => (r.ok ? 'ok' : 'down'), () => 'down'),
    ]);
    return reply.status(db === 'ok' && cube === 'ok' ? 200 : 503).send({ db, cube });
  });

  app.post('/api/login', async (request, reply) => {
    const body = request.body as { username?: unknown; password?: unknown } | undefined;
    if (typeof body?.username !== 'string' || typeof body.password !== 'string' || body.username.length > 100 || body.password.length > 200) {
      throw new HttpError(400, 'Send {"username": "...", "password": "..."}.');
    }
    const account = await authenticate(up().sql, body.username.trim(), body.password, options.demoPassword);
    if (!account) throw new HttpError(401, 'Wrong username or password.');
    const id = sessions.create(account);
    reply.setCookie(SESSION_COOKIE, id, { path: '/', httpOnly: true, sameSite: 'lax', maxAge: sessions.maxAgeSeconds });
    return { ...me(account), ...(await businessCalendar(up().sql)) };
  });

  app.post('/api/logout', async (request, reply) => {
    sessions.destroy(request.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/me', async (request) => ({ ...me(requireAccount(request)), ...(await businessCalendar(up().sql)) }));

  app.get('/cubejs-api/v1/meta', async (request) => up().proxy.meta(requireAccount(request)));
  app.get('/cubejs-api/v1/load', async (request) => {
    const account = requireAccount(request);
    const { query, queryType } = request.query as { query?: unknown; queryType?: unknown };
    if (query === undefined) throw new HttpError(400, 'The query parameter is missing.');
    return up().proxy.load(account, query, queryType);
  });
  app.post('/cubejs-api/v1/load', async (request) => {
    const account = requireAccount(request);
    const body = request.body as { query?: unknown; queryType?: unknown } | undefined;
    if (!body || body.query === undefined) throw new HttpError(400, 'Send {"query": {...}}.');
    return up().proxy.load(account, body.query, body.queryType);
  });
  app.all('/cubejs-api/*', async () => {
    throw new HttpError(404, 'Only /cubejs-api/v1/load and /cubejs-api/v1/meta are available.');
  });
  app.all('/api/*', async () => {
    throw new HttpError(404, 'No such API endpoint.');
  });

  // The single-page app: files from web/dist, index.html for every other page route.
  const indexFile = path.join(options.webDistDir, 'index.html');
  if (existsSync(indexFile)) {
    await app.register(fastifyStatic, { root: options.webDistDir, wildcard: false, index: false });
    app.get('/*', async (request, reply) => {
      const url = request.url.split('?')[0]!;
      if (url.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(url)) {
        const file = path.join(options.webDistDir, path.normalize(url));
        if (file.startsWith(options.webDistDir) && existsSync(file)) return reply.sendFile(path.relative(options.webDistDir, file));
        throw new HttpError(404, 'Not found.');
      }
      return reply.type('text/html').header('Cache-Control', 'no-cache').sendFile('index.html');
    });
  } else {
    app.get('/*', async (_request, reply) => reply.status(503).type('text/plain; charset=utf-8')
      .send('The web app is not built yet: run `npm run build:web`.'));
  }
  return {
    app,
    ready: (b) => {
      backends = { ...b, proxy: new CubeProxy({ cubeUrl: b.cubeUrl, apiSecret: options.cubeApiSecret, log: options.log }) };
    },
  };
}

/**
 * The data's own calendar: what "today" means (as-of) and the business time
 * zone every query runs in. Both live in siyu.settings, written by the seed.
 */
async function businessCalendar(sql: Sql): Promise<{ asOf: string; timeZone: string }> {
  const [row] = await sql<{ as_of: string; time_zone: string }[]>`
    SELECT siyu.as_of()::text AS as_of, siyu.business_tz() AS time_zone`;
  return { asOf: row!.as_of, timeZone: row!.time_zone };
}

function me(account: Account): Record<string, unknown> {
  return {
    username: account.username,
    role: account.role,
    employeeId: account.employeeId,
    teamId: account.teamId,
    displayName: account.displayName,
  };
}
