/**
 * Cube's PostgreSQL driver with two statement timeouts instead of one.
 *
 * The stock driver sets `statement_timeout` on every connection it checks
 * out (its `executionTimeout`, 10 minutes by default), overriding whatever
 * the role says. Ten minutes is how long one person's heavy query could hold
 * a database slot after its browser had gone: Cube's PostgreSQL driver cannot
 * cancel a query it started. So a page's query gets `queryTimeoutMs` (a tile
 * that needs longer is a design bug, not a wait), and only two kinds of
 * statement get the longer `buildTimeoutMs`:
 * - a rollup build (`CREATE TABLE … AS SELECT`, `CREATE INDEX`), queued by
 *   the refresh worker or by a query that found its rollup stale: it reads
 *   the year's facts once so that every later tile does not;
 * - a journey day not yet classified (`siyu.classification_on`, migration
 *   010): the first query for a day classifies every customer on it (over a
 *   minute at a million customers) and keeps it for everyone. Cancelling it
 *   half-way would throw the work away, and the next query would start over.
 *   The journey cube reads its two days through `siyu.journey_pairs`
 *   (migration 035), which classifies them the same way.
 *   The same for the as-of classification (`siyu.classification_now_version`,
 *   migration 009), refreshed by the first refresh-key check after a change
 *   (150 s at a million customers, docs/benchmarks.md).
 * Both are still bounded: a build that runs away is stopped too. How many
 * different days one person may have classified is bounded in the app
 * server (cube/gateway/query-admission.ts).
 */
import PostgresDriver from '@cubejs-backend/postgres-driver';
import type { PoolClient } from 'pg';

export interface GuardedDriverOptions {
  connectionString: string;
  maxPoolSize: number;
  /** A page's query (tiles, lists, refresh keys). */
  queryTimeoutMs: number;
  /** A rollup build or a journey day's classification. */
  buildTimeoutMs: number;
  /** Names this server's connections in pg_stat_activity, so that stopping cancels its own statements only. */
  applicationName?: string;
}

const BUILD_STATEMENT = /^\s*CREATE\s+(TABLE|INDEX|UNIQUE\s+INDEX)\b|\bsiyu\.(classification_(on|now_version)|journey_pairs)\s*\(/i;

/** The statement timeout a statement runs under, in milliseconds. */
export function statementTimeoutFor(sql: string, options: Pick<GuardedDriverOptions, 'queryTimeoutMs' | 'buildTimeoutMs'>): number {
  return BUILD_STATEMENT.test(sql) ? options.buildTimeoutMs : options.queryTimeoutMs;
}

/** What the stock driver keeps private but a subclass may use. */
interface DriverInternals {
  pool: import('pg').Pool;
  prepareConnection(conn: PoolClient, options: { executionTimeout: number }): Promise<void>;
  getTypeParser: unknown;
}

export class GuardedPostgresDriver extends PostgresDriver {
  constructor(private readonly guard: GuardedDriverOptions) {
    // The stock driver spreads its configuration into pg's Pool, which takes application_name.
    super({
      connectionString: guard.connectionString, maxPoolSize: guard.maxPoolSize, executionTimeout: guard.queryTimeoutMs / 1000,
      ...(guard.applicationName ? { application_name: guard.applicationName } : {}),
    } as ConstructorParameters<typeof PostgresDriver>[0]);
  }

  /** The stock queryResponse (PostgresDriver.js), with the timeout chosen per statement. */
  protected override async queryResponse(query: string, values: unknown[]): Promise<import('pg').QueryResult> {
    const self = this as unknown as DriverInternals;
    const conn = await self.pool.connect();
    try {
      await self.prepareConnection(conn, { executionTimeout: statementTimeoutFor(query, this.guard) });
      return await conn.query({ text: query, values: values || [], types: { getTypeParser: self.getTypeParser } } as never);
    } finally {
      conn.release();
    }
  }
}
