/**
 * The Cube 0.33.65 semantic layer, run in-process on 127.0.0.1 only. It
 * trusts nothing but tokens signed with the secret the app server holds.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import CubejsServerCore from '@cubejs-backend/server-core';
import express from 'express';
import postgres from 'postgres';
import jwt from 'jsonwebtoken';
import { UserError } from '@cubejs-backend/api-gateway';
import { AccessError, applyAccessRules } from './access-rules.ts';
import { applyCountGrain } from './count-grain.ts';
import { applyPeriodSlice } from './period-slice.ts';
import { applyDayGrain } from './day-grain.ts';
import { applyMonthTrend } from './month-trend.ts';
import { applyRangeLevel } from './range-level.ts';
import { isSecurityContext, type SecurityContext } from './security-context.ts';
import { modelWithoutPreAggregations } from './model-without-pre-aggregations.ts';
import { GuardedPostgresDriver } from './guarded-driver.ts';
import { memoizeVisibleMeta } from './visible-meta.ts';
import { CubeTokenVerifier } from './cube-token.ts';
import { patchCubeHotPaths } from './cube-hot-paths.ts';
import { inProcessLoad, type CubeLoad, type InProcessGateway } from './in-process-load.ts';

import { PRE_AGGREGATIONS_SCHEMA } from '../database/cube-role.ts';

export { PRE_AGGREGATIONS_SCHEMA };

export interface CubeServerOptions {
  databaseUrl: string;
  port: number;
  apiSecret: string;
  modelDir: string;
  /**
   * Tools only (the glossary, the model tests): a second secret whose tokens
   * see the whole model in /meta, cubes included. The product never sets it.
   */
  systemSecret?: string;
  /** false (SIYU_PRE_AGGREGATIONS=off): the model's pre-aggregations are left out, every query reads the raw tables. */
  preAggregations?: boolean;
  /**
   * Run Cube's refresh worker in this process: it builds every rollup in the
   * background from start and rebuilds one within seconds of its refresh key
   * changing, so queries find them built. Off: a query builds what it needs.
   */
  refreshWorker?: boolean;
  /** The business time zone: the refresh worker builds rollups for queries in it. */
  timeZone?: string;
  /** A page's statement is cancelled after this long (see guarded-driver.ts); default QUERY_TIMEOUT_MS. */
  queryTimeoutMs?: number;
  /** A rollup build or a journey day's classification; default BUILD_TIMEOUT_MS. */
  buildTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface RunningCube {
  url: string;
  port: number;
  /** Changes whenever this Cube's rollup tables may have changed (a build, a listing): see answer-cache.ts. */
  rollupTablesEpoch(): number;
  /** A load handed to the API gateway in this process (in-process-load.ts), as `/v1/load` would. */
  load: CubeLoad;
  stop(): Promise<void>;
}

/**
 * Query slots. Cube's PostgreSQL driver runs 2 statements at a time for
 * everyone (getDefaultConcurrency), so two heavy queries held every page.
 * More slots add no CPU, but a cheap tile no longer waits behind an expensive
 * one (measured at 200k customers: with 8 slots the light queries' p95 fell
 * from 4.9-6.6 s to 2.8-3.0 s). Rollup builds have their own queue, so a page
 * never waits for a build's slot (refresh-key checks are queries: they share
 * the pages' queue, which is why it needs more than two slots for the
 * big-screen's freshness). The pool holds both queues' connections plus two
 * for Cube's lookups outside its queues (table listings), so no slot waits
 * for a connection.
 */
export const QUERY_SLOTS = 6;
export const BUILD_SLOTS = 2;
export const MAX_POOL_SIZE = QUERY_SLOTS + BUILD_SLOTS + 2;
export const QUERY_TIMEOUT_MS = 30_000;
/** As Cube's own queue's execution timeout (10 min): a build that needs longer never finishes there either. */
export const BUILD_TIMEOUT_MS = 600_000;

/** Messages from Cube's logger worth a line; the rest is per-query chatter. */
const LOGGED_EVENTS = /error|fail/i;

export async function startCubeServer(options: CubeServerOptions): Promise<RunningCube> {
  // Cube reads a few switches from the environment only.
  process.env.CUBEJS_DEV_MODE = 'false';
  process.env.CUBEJS_TELEMETRY = 'false';
  process.env.CUBEJS_DB_TYPE = 'postgres';
  // Per-query work that buys nothing here (cube-hot-paths.ts); after the environment above is set.
  patchCubeHotPaths();

  const refreshWorker = options.refreshWorker === true && options.preAggregations !== false;
  if (options.preAggregations === false) options.log?.('pre-aggregations are off (SIYU_PRE_AGGREGATIONS=off): every query reads the raw tables');

  // Kept so that stopping closes every pool Cube opened, not only the ones it tracks itself.
  const drivers: GuardedPostgresDriver[] = [];
  // Its connections' name in pg_stat_activity: another Cube on the same database (a test's probe) has its own.
  const applicationName = `siyu-cube-${process.pid}-${randomBytes(4).toString('hex')}`;
  // The app server's tokens, each verified once until it expires (cube-token.ts).
  const tokens = new CubeTokenVerifier(options.apiSecret);
  let rollupTablesEpoch = 0;
  const core = new CubejsServerCore({
    dbType: 'postgres',
    driverFactory: () => {
      const driver = new GuardedPostgresDriver({
        connectionString: options.databaseUrl, maxPoolSize: MAX_POOL_SIZE,
        queryTimeoutMs: options.queryTimeoutMs ?? QUERY_TIMEOUT_MS, buildTimeoutMs: options.buildTimeoutMs ?? BUILD_TIMEOUT_MS,
        applicationName, onRollupTables: () => { rollupTablesEpoch++; },
      });
      // An idle connection closed by the server (a restart, Ctrl-C reaching
      // PostgreSQL first) is dropped by the pool; the driver's own handler
      // prints a stack trace for it, a line is enough.
      const pool = (driver as unknown as { pool: import('node:events').EventEmitter }).pool;
      pool.removeAllListeners('error');
      pool.on('error', (error: Error) => options.log?.(`cube: idle database connection closed (${error.message})`));
      // A connection killed while it runs a query (the database stopped, or
      // dropped under a rebuild the refresh worker queued) fails that query;
      // without a listener its client's 'error' event would end the process.
      pool.on('connect', (client: import('node:events').EventEmitter) => {
        client.on('error', (error: Error) => options.log?.(`cube: database connection lost (${error.message})`));
      });
      drivers.push(driver);
      return driver;
    },
    apiSecret: options.apiSecret,
    // Cube resolves the model folder against the working directory.
    schemaPath: path.relative(process.cwd(), options.modelDir) || '.',
    ...(options.preAggregations === false ? { repositoryFactory: () => modelWithoutPreAggregations(options.modelDir) } : {}),
    devServer: false,
    telemetry: false,
    cacheAndQueueDriver: 'memory',
    preAggregationsSchema: PRE_AGGREGATIONS_SCHEMA,
    // The refresh worker checks each rollup's refresh key every 2 s (the
    // keys' own period) and rebuilds what changed in the background; until
    // a rebuild finishes, the previous build answers.
    scheduledRefreshTimer: refreshWorker ? 2 : false,
    scheduledRefreshTimeZones: [options.timeZone ?? 'Asia/Shanghai'],
    orchestratorOptions: {
      // A refresh key is read again when its value is older than this. At
      // the model's own period (2 s, `every`) a key read at one 2-s tick of
      // the big-screen was still "fresh" at the next, so a change waited for
      // the tick after: up to 4 s before a rebuild even started.
      queryCacheOptions: { queueOptions: { concurrency: QUERY_SLOTS }, refreshKeyRenewalThreshold: 1 },
      preAggregationsOptions: { queueOptions: { concurrency: BUILD_SLOTS } },
    },
    logger: (msg: string, params: Record<string, unknown>) => {
      // One line per event: Cube's error text carries its stack trace after the first line.
      if (LOGGED_EVENTS.test(msg)) options.log?.(`cube: ${msg} ${JSON.stringify(String(params?.error ?? '').split('\n')[0])}`);
    },
    // Only loading data and reading /meta: no SQL, no jobs, no GraphQL.
    contextToApiScopes: async () => ['meta', 'data'],
    queryRewrite: (query: Record<string, unknown>, request: { securityContext?: unknown }) => {
      if (!isSecurityContext(request.securityContext)) throw new UserError('No valid security context.');
      try {
        return applyCountGrain(applyDayGrain(applyMonthTrend(applyRangeLevel(applyPeriodSlice(applyAccessRules(query, request.securityContext as SecurityContext))))));
      } catch (error) {
        if (error instanceof AccessError) throw new UserError(error.message);
        throw error;
      }
    },
    checkAuth: (req: { securityContext?: unknown }, auth?: string) => {
      if (!auth) throw new Error('Authorization header is missing');
      const token = auth.startsWith('Bearer ') ? auth.slice(7) : auth;
      const payload = tokens.verify(token);
      const context = payload.ctx;
      if (!isSecurityContext(context)) throw new Error('Token carries no valid security context');
      req.securityContext = context;
    },
  } as never);

  const app = express();
  app.use(express.json({ limit: '1mb' }));
  // Cube reads the system ("playground") secret from the environment when it
  // builds its API: set only for tools that asked for one, never inherited.
  if (options.systemSecret) process.env.CUBEJS_PLAYGROUND_AUTH_SECRET = options.systemSecret;
  else delete process.env.CUBEJS_PLAYGROUND_AUTH_SECRET;
  try {
    await core.initApp(app);
    // Each load filtered the whole model for visibility (17 % of the process's CPU among 50 people): once per model now.
    memoizeVisibleMeta((core as unknown as { apiGateway(): Parameters<typeof memoizeVisibleMeta>[0] }).apiGateway());
  } finally {
    delete process.env.CUBEJS_PLAYGROUND_AUTH_SECRET;
  }
  if (refreshWorker) core.startScheduledRefreshTimer();
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    rollupTablesEpoch: () => rollupTablesEpoch,
    load: inProcessLoad((core as unknown as { apiGateway(): InProcessGateway }).apiGateway()),
    stop: async () => {
      // Open connections (a browser's keep-alive, a request waiting on a
      // build) are cut at once: close() alone would wait for them.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      // The refresh worker first, so no rebuild starts on a closing database.
      // Its timer stops without waiting for a pass in flight (Cube's own
      // beforeShutdown waits, and a pass rebuilding every rollup can take
      // minutes at scale): that pass's queries fail as the pools close, and
      // the previous builds stay for the next start.
      const internals = core as unknown as { scheduledRefreshTimerInterval: { cancel(wait: boolean): Promise<void> } | null };
      await internals.scheduledRefreshTimerInterval?.cancel(false).catch(() => undefined);
      internals.scheduledRefreshTimerInterval = null;
      // A statement in flight (a rollup build: seconds, minutes at scale)
      // would hold the pools' end until it finished, and a stop past its
      // bound (start.ts): cancel this server's own statements; a cancelled build
      // leaves the previous one in place.
      await cancelOwnStatements(options.databaseUrl, applicationName);
      await core.beforeShutdown().catch(() => undefined);
      await core.shutdown().catch(() => undefined);
      await Promise.all(drivers.map((d) => d.release().catch(() => undefined)));
    },
  };
}

/** Cancels the statements running on connections named `applicationName`; a database already gone is no error. */
async function cancelOwnStatements(databaseUrl: string, applicationName: string): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`SELECT pg_cancel_backend(pid) FROM pg_stat_activity
              WHERE application_name = ${applicationName} AND state = 'active' AND pid <> pg_backend_pid()`;
  } catch {
    // Nothing to cancel on a database that is down.
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

/** A short-lived token for one request, carrying the session's security context. */
export function mintCubeToken(apiSecret: string, ctx: unknown, ttlSeconds = 60): string {
  return jwt.sign({ ctx }, apiSecret, { algorithm: 'HS256', expiresIn: ttlSeconds });
}
