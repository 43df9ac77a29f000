/**
 * The app server: the only port a browser talks to. Serves the built web app,
 * health, login/logout/me, the Cube proxy, the CSV export and the
 * own-versus-team comparison. Every error leaves as {"error": "..."} in the
 * product's own words.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { Sql } from 'postgres';
import { authenticate, findAccount, type Account } from './accounts.ts';
import { isDatabaseDown } from '../database/faults.ts';
import { BUILD_TIMEOUT_MS } from '../engine/cube-server.ts';
import { stillRunning, untilAnswered } from '../engine/continue-wait.ts';
import { CubeProxy } from './cube-proxy.ts';
import type { CubeLoad } from '../engine/in-process-load.ts';
import { answerCacheOn, type AnswerCache } from './answer-cache.ts';
import { csvStream, parseExportPayload, remainderTail, safeFilename } from './csv-export.ts';
import { xlsxStream } from './xlsx-export.ts';
import { CsrfTokens, refuseCrossSite } from './cross-site.ts';
import { registerContactRoutes } from './contacts.ts';
import { registerImportRoutes } from './import-routes.ts';
import { registerSavedViewRoutes } from './saved-views.ts';
import { registerTargetRoutes } from './targets.ts';
import { registerBonusRoutes } from './target-bonus.ts';
import { registerContestRoutes } from './contests.ts';
import { registerHonourRoutes } from './honours.ts';
import { HttpError } from './http-error.ts';
import { LoginLimiter, type LoginLimits } from './login-limiter.ts';
import { comparePeers, parsePeerRequest } from './peer-comparison.ts';
import { DEFAULT_ADMISSION_LIMITS, QueryAdmission, type AdmissionLimits } from './query-admission.ts';
import type { CubeQuery } from './query-schema.ts';
import { helmetOptions, PRIVATE_PATHS, readSecurityHeaders } from './security-headers.ts';
import { SESSION_COOKIE, SessionStore } from './sessions.ts';

/** What the server needs once the database and Cube are up; until then it answers 503. */
export interface Backends {
  sql: Sql;
  cubeUrl: string;
  /** A Cube in this process: its rollup tables' epoch, which lets the app server keep answers (answer-cache.ts). */
  rollupTablesEpoch?: () => number;
  /** A Cube in this process: loads handed to its gateway directly (cube/engine/in-process-load.ts) instead of over HTTP. */
  cubeLoad?: CubeLoad;
}

export interface AppServerOptions {
  cubeApiSecret: string;
  webDistDir: string;
  /** `auto`: Secure cookies when the request came over HTTPS (see trustProxy). */
  cookieSecure?: 'auto' | 'always' | 'never';
  /** Trust X-Forwarded-* from a proxy in front (TLS termination). */
  trustProxy?: boolean;
  /** An origin allowed to embed the big-screen in a frame; no other page may be framed. */
  embedOrigin?: string | null;
  loginLimits?: LoginLimits;
  /** How old a session's account may get before it is read again (default 15 s). */
  sessionRefreshMs?: number;
  /** Per-person query limits (query-admission.ts); tests make them small. */
  admissionLimits?: Partial<AdmissionLimits>;
  /** false: every load goes to Cube (answer-cache.ts; on by default when Cube runs in this process). */
  answerCache?: boolean;
  /** false: loads go to Cube over HTTP even when it runs in this process (in-process-load.ts). */
  inProcessCube?: boolean;
  log?: (message: string) => void;
}

export interface AppServer {
  app: FastifyInstance;
  /** Called when the database and Cube are ready. */
  ready(backends: Backends): void;
  /** How many loads the kept answers served and how many went to Cube (answer-cache.ts); null when none are kept. */
  answerCounts(): AnswerCache['counts'] | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    account: Account | null;
  }
}

/**
 * Request bodies as Fastify checks them before the handler runs (a failure
 * answers 400 in the route's own words, its `schemaErrorFormatter`). What a
 * query may ask is checked later, by the proxy (query-schema.ts).
 */
const LOGIN_SCHEMA = {
  type: 'object',
  required: ['username', 'password'],
  properties: { username: { type: 'string', maxLength: 100 }, password: { type: 'string', maxLength: 200 } },
} as const;
const LOAD_BODY_SCHEMA = { type: 'object', required: ['query'], properties: { query: {}, queryType: {} } } as const;
const LOAD_QUERYSTRING_SCHEMA = { type: 'object', required: ['query'], properties: { query: { type: 'string' }, queryType: { type: 'string' } } } as const;

/** The export's pause between two "Continue wait" answers. */
const EXPORT_RETRY_MS = 300;

export async function buildAppServer(options: AppServerOptions): Promise<AppServer> {
  /**
   * The security headers (helmet's, security-headers.ts) for the two answers
   * Fastify writes before any hook runs; read from the app once it is ready.
   */
  let securityHeaders: Record<string, string> = {};
  const app = Fastify({
    logger: false,
    bodyLimit: 256 * 1024,
    // Route schemas take a body as sent: a number is not a username.
    ajv: { customOptions: { coerceTypes: false } },
    trustProxy: options.trustProxy ?? false,
    // A URL Fastify cannot decode (`/%c0%ae%c0%ae/…`) never reaches a hook or the error handler: answer it here alike.
    frameworkErrors: (_error, _request, reply) => {
      const r = reply as unknown as FastifyReply;
      void r.status(400).headers({ ...securityHeaders, 'Cache-Control': 'no-store' }).send({ error: 'The address is not valid.' });
    },
    // Errors Node's HTTP parser finds before there is a request (431 headers too large, a malformed request).
    clientErrorHandler: (error: Error & { code?: string }, socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const [status, text, message] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large', 'The request headers are too large.']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout', 'The request took too long to arrive.']
          : [400, 'Bad Request', 'The request is not valid.'];
      const body = JSON.stringify({ error: message });
      const headers = { ...securityHeaders, 'Cache-Control': 'no-store', 'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' };
      if (socket.writable) {
        socket.write(`HTTP/1.1 ${status} ${text}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`);
      }
      socket.destroy(error);
    },
  });
  const sessions = new SessionStore(Date.now, options.sessionRefreshMs);
  const csrf = new CsrfTokens();
  const limiter = new LoginLimiter(options.loginLimits);
  let backends: (Backends & { proxy: CubeProxy }) | null = null;
  let answers: AnswerCache | null = null;
  const up = (): Backends & { proxy: CubeProxy } => {
    if (!backends) throw new HttpError(503, 'The server is still starting; try again in a few seconds.');
    return backends;
  };

  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, helmetOptions(null));
  app.decorateRequest('account', null);
  // The export form posts its fields URL-encoded; refuseCrossSite admits that type for the export alone.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addHook('onRequest', async (request, reply) => {
    if (PRIVATE_PATHS.test(request.url)) reply.header('Cache-Control', 'no-store');
    refuseCrossSite(request);
    request.account = await sessions.get(request.cookies[SESSION_COOKIE], backends ? (username) => findAccount(backends!.sql, username) : undefined);
  });
  app.setNotFoundHandler(async () => {
    throw new HttpError(404, 'Not found.');
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    // An error is about this request only: never kept by a browser or proxy.
    reply.header('Cache-Control', 'no-store');
    if (error instanceof HttpError) return reply.status(error.status).headers(error.headers).send({ error: error.message });
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const message = status === 413 ? 'The request is too large.'
        : status === 415 ? 'Send JSON (Content-Type: application/json).'
          : error.name === 'SyntaxError' || /JSON/i.test(error.message) ? 'The request body is not valid JSON.'
            : 'The request is not valid.';
      return reply.status(status).send({ error: message });
    }
    // PostgreSQL unreachable (or going away): a 503 with a clear message, not a 500.
    if (isDatabaseDown(`${error.code ?? ''} ${error.message}`)) {
      options.log?.(`database unreachable: ${error.message}`);
      return reply.status(503).header('Retry-After', '5').send({ error: 'The database is not reachable right now; try again shortly.' });
    }
    options.log?.(`internal error: ${error.stack ?? error.message}`);
    return reply.status(500).send({ error: 'Something went wrong on the server.' });
  });

  const requireAccount = (request: FastifyRequest): Account => {
    if (!request.account) throw new HttpError(401, 'Please log in.');
    return request.account;
  };
  const secureCookie = (request: FastifyRequest): boolean => (options.cookieSecure === 'always' ? true
    : options.cookieSecure === 'never' ? false : request.protocol === 'https');

  app.get('/healthz', async (_request, reply) => {
    if (!backends) return reply.status(503).send({ db: 'starting', cube: 'starting' });
    const [db, cube] = await Promise.all([
      Promise.race([backends.sql`SELECT 1`, new Promise((_, reject) => setTimeout(reject, 3000))]).then(() => 'ok', () => 'down'),
      fetch(`${backends.cubeUrl}/readyz`, { signal: AbortSignal.timeout(5000) }).then((r) => (r.ok ? 'ok' : 'down'), () => 'down'),
    ]);
    return reply.status(db === 'ok' && cube === 'ok' ? 200 : 503).send({ db, cube });
  });

  app.post('/api/login', {
    schema: { body: LOGIN_SCHEMA },
    schemaErrorFormatter: () => new HttpError(400, 'Send {"username": "...", "password": "..."}.'),
  }, async (request, reply) => {
    const body = request.body as { username: string; password: string };
    const username = body.username.trim().toLowerCase();
    const wait = limiter.retryAfter(username, request.ip);
    if (wait > 0) {
      throw new HttpError(429, `Too many failed logins; try again in ${Math.ceil(wait / 60)} minute(s).`, { 'Retry-After': String(wait) });
    }
    const account = await authenticate(up().sql, username, body.password);
    if (!account) {
      limiter.fail(username, request.ip);
      throw new HttpError(401, 'Wrong username or password.');
    }
    limiter.succeed(username);
    // A new login never reuses the session id the browser came with.
    sessions.destroy(request.cookies[SESSION_COOKIE]);
    const id = sessions.create(account);
    reply.setCookie(SESSION_COOKIE, id, { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookie(request), maxAge: sessions.maxAgeSeconds });
    return { ...me(account, csrf.tokenFor(id)), ...(await businessCalendar(up().sql)), teamName: await teamName(up().sql, account) };
  });

  app.post('/api/logout', async (request, reply) => {
    sessions.destroy(request.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/me', async (request) => {
    const account = requireAccount(request);
    return { ...me(account, csrf.tokenFor(request.cookies[SESSION_COOKIE]!)), ...(await businessCalendar(up().sql)), teamName: await teamName(up().sql, account) };
  });

  app.get('/cubejs-api/v1/meta', async (request) => up().proxy.metaFor(requireAccount(request)));
  // Who asks is checked before what is asked: an anonymous request is 401 whatever it sends.
  const loggedIn = async (request: FastifyRequest): Promise<void> => { requireAccount(request); };
  app.get('/cubejs-api/v1/load', {
    preValidation: loggedIn,
    schema: { querystring: LOAD_QUERYSTRING_SCHEMA },
    schemaErrorFormatter: () => new HttpError(400, 'The query parameter is missing.'),
  }, async (request) => {
    const { query, queryType } = request.query as { query: string; queryType?: string };
    return up().proxy.load(requireAccount(request), query, queryType);
  });
  app.post('/cubejs-api/v1/load', {
    preValidation: loggedIn,
    schema: { body: LOAD_BODY_SCHEMA },
    schemaErrorFormatter: () => new HttpError(400, 'Send {"query": {...}}.'),
  }, async (request) => {
    const body = request.body as { query: unknown; queryType?: unknown };
    return up().proxy.load(requireAccount(request), body.query, body.queryType);
  });

  // A POST from the product's own page (refuseCrossSite) with the session's token: no link or form of another site can start one.
  const exportList = (format: 'csv' | 'xlsx') => async (request: FastifyRequest, reply: FastifyReply) => {
    const account = requireAccount(request);
    const body = (request.body ?? {}) as { payload?: unknown; csrf?: unknown };
    csrf.check(request.cookies[SESSION_COOKIE], body.csrf);
    const { proxy } = up();
    const payload = parseExportPayload(body.payload);
    const query = await proxy.check(account, payload.query) as CubeQuery;
    // The pages are read as rows; another format would never end a page short.
    if (query.responseFormat !== undefined && query.responseFormat !== 'default') {
      throw new HttpError(400, 'The export reads rows in the default format only: leave responseFormat out.');
    }
    // The browser going away (a cancelled download) stops the paging.
    const stop = new AbortController();
    reply.raw.on('close', () => { if (!reply.raw.writableFinished) stop.abort(); });
    const named = new Set([...(query.measures as string[] ?? []), ...(query.dimensions as string[] ?? []),
      ...((query.timeDimensions as Array<{ dimension: string; granularity?: string }> | undefined) ?? []).filter((t) => t.granularity).map((t) => t.dimension)]);
    const stray = payload.columns.find((c) => !named.has(c.member));
    if (stray) throw new HttpError(400, `The column ${stray.member} is not in the query.`);
    // The first page is read before answering, so a bad query is a clear error, not a broken file.
    const loadPage = async (q: CubeQuery): Promise<Array<Record<string, unknown>>> => {
      // Cube still running the query: ask again shortly, as its client does, for as long as a rollup build may take.
      const answer = await untilAnswered(async () => {
        if (stop.signal.aborted) throw new HttpError(499, 'The download was cancelled.');
        return proxy.load(account, q, undefined, stop.signal);
      }, stillRunning, {
        attempts: Math.ceil(BUILD_TIMEOUT_MS / EXPORT_RETRY_MS), delayMs: EXPORT_RETRY_MS,
        gaveUp: () => new HttpError(503, 'The analytics engine is still working on this export; try again in a few minutes.', { 'Retry-After': '60' }),
      });
      if (!Array.isArray(answer.data)) throw new HttpError(502, 'The analytics engine sent an unreadable answer.');
      return answer.data as Array<Record<string, unknown>>;
    };
    await loadPage({ ...query, limit: 1 });
    const tail = payload.remainder ? await remainderTail(payload.remainder, payload.columns, (q) => proxy.check(account, q), loadPage) : undefined;
    const name = safeFilename(payload.filename, format);
    const masked = await proxy.maskedMembers(account);
    const orderable = new Set(((query.dimensions as string[] | undefined) ?? []).filter((d) => !masked.has(d)));
    const { timeZone } = await businessCalendar(up().sql);
    const exportRequest = { query, columns: payload.columns, comment: payload.comment, timeZone, filename: name, orderable, signal: stop.signal, tail };
    const stream = format === 'csv' ? csvStream(exportRequest, loadPage) : xlsxStream(exportRequest, loadPage);
    stream.on('error', (error) => options.log?.(`export stopped: ${error.message}`));
    return reply
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('Content-Disposition', `attachment; filename="export.${format}"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .header('Cache-Control', 'no-store')
      .send(stream);
  };
  app.post('/api/export.csv', exportList('csv'));
  app.post('/api/export.xlsx', exportList('xlsx'));

  app.get('/api/peer-comparison', async (request) => {
    const account = requireAccount(request);
    const { sql, proxy } = up();
    const peerRequest = parsePeerRequest(request.query as Record<string, unknown>);
    return comparePeers(sql, account, peerRequest, async (teamId, query) => {
      // The team's scope, whoever asks: the caller gets three numbers per KPI, never these rows.
      const teamAccount: Account = { ...account, username: `${account.username}#team`, role: 'manager', teamId, employeeId: null };
      const body = await proxy.load(teamAccount, query);
      return (body.data ?? []) as Array<Record<string, unknown>>;
    });
  });

  registerContactRoutes(app, { up, requireAccount });
  registerImportRoutes(app, { up, requireAccount });
  registerSavedViewRoutes(app, { up, requireAccount });
  registerTargetRoutes(app, { up, requireAccount });
  registerBonusRoutes(app, { up, requireAccount });
  registerContestRoutes(app, { up, requireAccount });
  registerHonourRoutes(app, { up, requireAccount });

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
    const page = async (request: FastifyRequest, reply: FastifyReply) => {
      const url = request.url.split('?')[0]!;
      if (url.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(url)) {
        const file = path.join(options.webDistDir, path.normalize(url));
        if (file.startsWith(options.webDistDir) && existsSync(file)) return reply.sendFile(path.relative(options.webDistDir, file));
        throw new HttpError(404, 'Not found.');
      }
      return reply.type('text/html').header('Cache-Control', 'no-cache').sendFile('index.html');
    };
    app.get('/*', page);
    // The big-screen alone may be framed, by one origin (a TV portal): its own CSP, no X-Frame-Options.
    if (options.embedOrigin) app.get('/big-screen', { helmet: helmetOptions(options.embedOrigin) }, page);
  } else {
    app.get('/*', async () => {
      throw new HttpError(503, 'The web app is not built yet: run `npm run build:web`.');
    });
  }
  securityHeaders = await readSecurityHeaders(app);
  return {
    app,
    ready: (b) => {
      answers = b.rollupTablesEpoch && options.answerCache !== false ? answerCacheOn(b.sql, b.rollupTablesEpoch, options.log) : null;
      const proxy = new CubeProxy({
        cubeUrl: b.cubeUrl, apiSecret: options.cubeApiSecret, log: options.log,
        admission: new QueryAdmission({ ...DEFAULT_ADMISSION_LIMITS, ...options.admissionLimits }),
        timeZone: async () => (await businessCalendar(b.sql)).timeZone,
        ...(answers ? { answers } : {}),
        ...(b.cubeLoad && options.inProcessCube !== false ? { cubeLoad: b.cubeLoad } : {}),
      });
      backends = { ...b, proxy };
    },
    answerCounts: () => (answers ? { ...answers.counts } : null),
  };
}

let calendarCache: { at: number; sql: Sql; value: Promise<{ asOf: string; timeZone: string }> } | null = null;

/**
 * The data's own calendar: what "today" means (as-of) and the business time
 * zone every query runs in. Both live in siyu.settings, written by the seed;
 * read at most once a second.
 */
async function businessCalendar(sql: Sql): Promise<{ asOf: string; timeZone: string }> {
  if (!calendarCache || calendarCache.sql !== sql || Date.now() - calendarCache.at > 1000) {
    const value = sql<{ as_of: string; time_zone: string }[]>`
      SELECT siyu.as_of()::text AS as_of, siyu.business_tz() AS time_zone`.then(([row]) => ({ asOf: row!.as_of, timeZone: row!.time_zone }));
    calendarCache = { at: Date.now(), sql, value };
    value.catch(() => { calendarCache = null; });
  }
  return calendarCache.value;
}

/** The team's name, as the pages filter by it (a manager's /staff opens on it); null without a team. */
async function teamName(sql: Sql, account: Account): Promise<string | null> {
  if (account.teamId === null) return null;
  const [row] = await sql<{ name: string }[]>`SELECT name FROM siyu.teams WHERE id = ${account.teamId}`;
  return row?.name ?? null;
}

function me(account: Account, csrfToken: string): Record<string, unknown> {
  return {
    csrfToken,
    username: account.username,
    role: account.role,
    employeeId: account.employeeId,
    teamId: account.teamId,
    displayName: account.displayName,
  };
}
