/**
 * The whole product in one process: PostgreSQL (embedded unless DATABASE_URL),
 * migrations, demo data when the database is empty, Cube, the app server.
 * Used by `npm start` and by the tests alike.
 */
import type { Sql } from 'postgres';
import type { Config } from '../config.ts';
import { startEmbeddedPostgres } from '../database/embedded-postgres.ts';
import { startCubeServer } from '../engine/cube-server.ts';
import { buildAppServer } from '../gateway/app-server.ts';
import { provisionDemoAccounts } from '../gateway/accounts.ts';
import { ensureCubeRole } from '../database/cube-role.ts';
import { openSql } from '../database/connect.ts';
import { countDefaultJourney } from '../database/journey-warm.ts';
import { prewarm } from '../database/prewarm.ts';
import { migrate } from '../database/migrate.ts';
import { isSeeded, seedDatabase, type SeedProgress } from '../../seed/load.ts';

export interface StackEvents {
  log?: (message: string) => void;
  onSeedProgress?: (p: SeedProgress) => void;
}

export interface RunningStack {
  url: string;
  databaseUrl: string;
  cubeUrl: string;
  sql: Sql;
  stop(): Promise<void>;
  /** The part being stopped (empty when none): what a stop past its bound was waiting for. */
  stopping(): string;
  /** The app server's kept answers: served and asked of Cube (cube/gateway/answer-cache.ts); null when off. */
  answerCounts(): { hits: number; misses: number; kept: number; notKept: number } | null;
}

export async function startStack(config: Config, events: StackEvents = {}): Promise<RunningStack> {
  const log = events.log ?? (() => {});
  const stops: Array<() => Promise<void>> = [];
  let current = '';
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) {
      current = s.name || 'a part';
      const began = performance.now();
      await s().catch((e: Error) => log(`while stopping: ${e.message}`));
      // A slow step is named, so a stop that overruns its bound (start.ts) says where.
      const seconds = (performance.now() - began) / 1000;
      if (seconds > 5) log(`stopping ${current} took ${seconds.toFixed(1)} s`);
    }
    current = '';
    stops.length = 0;
  };
  try {
    const server = await buildAppServer({
      cubeApiSecret: config.cubeApiSecret, webDistDir: config.webDistDir, log,
      cookieSecure: config.cookieSecure, trustProxy: config.trustProxy, embedOrigin: config.embedOrigin,
      sessionRefreshMs: config.sessionRefreshMs, admissionLimits: config.admissionLimits, answerCache: config.answerCache, inProcessCube: config.inProcessCube,
    });
    await server.app.listen({ port: config.port, host: config.host });
    stops.push(function appServer() { return server.app.close(); });
    const address = server.app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;

    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      log(`starting embedded PostgreSQL (data in ${config.dataDir})`);
      const db = await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort);
      stops.push(function embeddedPostgres() { return db.stop(); });
      databaseUrl = db.url;
    }
    const sql = openSql(databaseUrl, 6);
    stops.push(function connectionPool() { return sql.end({ timeout: 5 }); });
    const applied = await migrate(sql);
    if (applied.length > 0) log(`applied migrations: ${applied.join(', ')}`);
    if (!(await isSeeded(sql))) {
      log(`empty database: seeding ${config.demoCustomers.toLocaleString('en-US')} demo customers`);
      await seedDatabase(sql, {
        customers: config.demoCustomers, seed: config.demoSeed, asOf: config.demoAsOf, timeZone: config.timeZone,
        onProgress: events.onSeedProgress,
      });
    }
    const provisioned = await provisionDemoAccounts(sql, config.demoPassword);
    if (provisioned > 0) log(`demo data: ${provisioned} demo accounts with the demo password`);
    const cubeDatabaseUrl = config.cubeDatabaseUrl ?? (await ensureCubeRole(sql, databaseUrl, config.queryTimeoutMs));
    const cube = await startCubeServer({
      databaseUrl: cubeDatabaseUrl, port: config.cubePort, apiSecret: config.cubeApiSecret, modelDir: config.modelDir, log,
      preAggregations: config.preAggregations, refreshWorker: config.refreshWorker, timeZone: config.timeZone,
      queryTimeoutMs: config.queryTimeoutMs,
      ...(config.cubeSystemSecret ? { systemSecret: config.cubeSystemSecret } : {}),
    });
    stops.push(function cubeServer() { return cube.stop(); });
    server.ready({ sql, cubeUrl: cube.url, rollupTablesEpoch: cube.rollupTablesEpoch, cubeLoad: cube.load });
    // In the background, one after the other (each alone on the machine's cores): the custom-range read paths loaded
    // into PostgreSQL's cache (cube/database/prewarm.ts), then the segments page's default journey counted, so its
    // first viewer does not build its start day.
    const warmed = performance.now();
    const seconds = (from: number): number => (performance.now() - from) / 1000;
    void prewarm(sql).then(
      (done) => {
        if (done === null) log('PostgreSQL\'s cache not loaded ahead: the pg_prewarm extension is not installed (migration 068)');
        else if (seconds(warmed) > 1) log(`loaded ${done.loaded.length} relations (${Math.round(done.bytes / 2 ** 20).toLocaleString('en-US')} MB) into PostgreSQL's cache in ${seconds(warmed).toFixed(1)} s${done.skipped.length > 0 ? `; left out (no room): ${done.skipped.join(', ')}` : ''}`);
      },
      (e: Error) => { if (current === '') log(`loading PostgreSQL's cache failed: ${e.message}`); },
    ).then(() => {
      const counted = performance.now();
      return countDefaultJourney(sql).then(
        () => { if (seconds(counted) > 1) log(`counted the default journey in ${seconds(counted).toFixed(1)} s`); },
        (e: Error) => { if (current === '') log(`counting the default journey failed: ${e.message}`); },
      );
    });
    return { url: `http://localhost:${port}`, databaseUrl, cubeUrl: cube.url, sql, stop, stopping: () => current, answerCounts: () => server.answerCounts() };
  } catch (error) {
    await stop();
    throw error;
  }
}
