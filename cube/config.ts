/**
 * The one place that reads the environment (and `.env`). Everything else gets
 * a typed `Config`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Config {
  /** The app server's port: the only one a browser talks to. */
  port: number;
  /** The interface the app server binds; Cube always binds 127.0.0.1. */
  host: string;
  /** Cube's REST port, bound to 127.0.0.1 only. */
  cubePort: number;
  /** An external PostgreSQL; when absent the embedded one is used. */
  databaseUrl: string | null;
  /** Cube's own read-only role; when absent it is created on the database (see cube/database/cube-role.ts). */
  cubeDatabaseUrl: string | null;
  /** Where the embedded cluster keeps its files. */
  dataDir: string;
  embeddedPgPort: number;
  demoPassword: string;
  /** Signs the tokens the app server mints for Cube; random per start unless set. */
  cubeApiSecret: string;
  /** The business time zone every page passes in its Cube queries. */
  timeZone: string;
  /** Size of the demo data set seeded into an empty database. */
  demoCustomers: number;
  demoSeed: number;
  demoAsOf: string;
  modelDir: string;
  webDistDir: string;
  /** `auto`: Secure session cookies when the request came over HTTPS. */
  cookieSecure: 'auto' | 'always' | 'never';
  /** Trust X-Forwarded-Proto/For from a TLS-terminating proxy in front. */
  trustProxy: boolean;
  /** How old a session's account may get before it is read again from the database. */
  sessionRefreshMs: number;
  /** An origin allowed to show the big-screen in a frame (none by default). */
  embedOrigin: string | null;
  /** LIVE=1: `npm start` as with `--live`; LIVE_RATES: the simulator's rates. */
  liveFromEnv: boolean;
  liveRates: string | undefined;
  /** Whether DATA_DIR was set (live mode otherwise keeps its data apart). */
  dataDirFromEnv: boolean;
  /** Set by `npm start` on a terminal; tests keep the logs quiet. */
  logLevel: 'info' | 'warn' | 'error' | 'silent';
  /** SIYU_PRE_AGGREGATIONS=off: Cube ignores the model's pre-aggregations and reads the raw tables (the benchmark's baseline). */
  preAggregations: boolean;
  /** ANSWER_CACHE=off: every load goes to Cube (the app server keeps no answer, cube/gateway/answer-cache.ts). */
  answerCache: boolean;
  /** CUBE_IN_PROCESS=off: the app server sends loads to Cube over HTTP (cube/engine/in-process-load.ts). */
  inProcessCube: boolean;
  /**
   * SIYU_REFRESH_WORKER=off: no refresh worker in this process; a rollup is
   * then built when a query first needs it and rebuilt when a query finds it
   * stale (tests, which start many small stacks at once, run so).
   */
  refreshWorker: boolean;
  /**
   * QUERY_TIMEOUT_SECONDS: a page's statement is cancelled in PostgreSQL
   * after this long (rollup builds and journey days get longer, see
   * cube/engine/guarded-driver.ts).
   */
  queryTimeoutMs: number;
  /** The command-line tools' language: English when LANG starts with `en`, Chinese otherwise (`npm run import`). */
  language: 'zh' | 'en';
  /**
   * Tests only, never read from the environment: a system secret for the
   * in-process Cube (127.0.0.1), so a test can ask it which pre-aggregation
   * answered (see CubeServerOptions.systemSecret).
   */
  cubeSystemSecret?: string;
  /** Tests only: smaller per-person query limits (cube/gateway/query-admission.ts). */
  admissionLimits?: Partial<import('./gateway/query-admission.ts').AdmissionLimits>;
}

let envFileLoaded = false;

function loadEnvFile(): void {
  if (envFileLoaded) return;
  envFileLoaded = true;
  const file = path.join(ROOT_DIR, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}

function intFrom(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${key} must be a whole number, got "${raw}"`);
  return n;
}

/** A switch that is on unless set to off. */
function onOff(env: NodeJS.ProcessEnv, key: string): boolean {
  const value = (env[key] || 'on').toLowerCase();
  if (!['on', 'off'].includes(value)) throw new Error(`${key} must be on or off`);
  return value === 'on';
}

export function loadConfig(overrides: Partial<Config> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  if (env === process.env) loadEnvFile();
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['info', 'warn', 'error', 'silent'].includes(logLevel)) throw new Error(`LOG_LEVEL must be info, warn, error or silent`);
  const cookieSecure = env.COOKIE_SECURE || 'auto';
  if (!['auto', 'always', 'never'].includes(cookieSecure)) throw new Error('COOKIE_SECURE must be auto, always or never');
  const embedOrigin = env.BIG_SCREEN_EMBED_ORIGIN || null;
  if (embedOrigin && !/^https?:\/\/[a-z0-9.-]+(:\d+)?$/i.test(embedOrigin)) throw new Error('BIG_SCREEN_EMBED_ORIGIN must be an origin such as https://tv.example.com');
  return {
    port: intFrom(env, 'PORT', 3000),
    host: env.HOST || '0.0.0.0',
    cubePort: intFrom(env, 'CUBE_PORT', 4000),
    databaseUrl: env.DATABASE_URL || null,
    cubeDatabaseUrl: env.CUBE_DATABASE_URL || null,
    dataDir: path.resolve(ROOT_DIR, env.DATA_DIR ?? '.data'),
    embeddedPgPort: intFrom(env, 'EMBEDDED_PG_PORT', 54329),
    demoPassword: env.DEMO_PASSWORD || 'demo',
    cubeApiSecret: env.CUBEJS_API_SECRET || randomBytes(32).toString('hex'),
    timeZone: env.BUSINESS_TIME_ZONE || 'Asia/Shanghai',
    demoCustomers: intFrom(env, 'DEMO_CUSTOMERS', 20_000),
    demoSeed: intFrom(env, 'DEMO_SEED', 42),
    demoAsOf: env.DEMO_AS_OF || '2026-11-20',
    modelDir: path.join(ROOT_DIR, 'model'),
    webDistDir: path.join(ROOT_DIR, 'web', 'dist'),
    cookieSecure: cookieSecure as Config['cookieSecure'],
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    embedOrigin,
    sessionRefreshMs: 15_000,
    liveFromEnv: ['1', 'true', 'yes'].includes((env.LIVE ?? '').toLowerCase()),
    liveRates: env.LIVE_RATES || undefined,
    dataDirFromEnv: Boolean(env.DATA_DIR),
    logLevel: logLevel as Config['logLevel'],
    preAggregations: onOff(env, 'SIYU_PRE_AGGREGATIONS'),
    answerCache: onOff(env, 'ANSWER_CACHE'),
    inProcessCube: onOff(env, 'CUBE_IN_PROCESS'),
    refreshWorker: onOff(env, 'SIYU_REFRESH_WORKER'),
    queryTimeoutMs: intFrom(env, 'QUERY_TIMEOUT_SECONDS', 30) * 1000,
    language: /^en/i.test(env.LC_ALL || env.LANG || '') ? 'en' : 'zh',
    ...overrides,
  };
}
