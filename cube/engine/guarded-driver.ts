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
 *   (migration 035), which classifies them the same way, and the journey
 *   tile its counts through `siyu.journey_flow_counts` (migration 047),
 *   which classifies and counts a pair of days when first asked.
 *   The same for the as-of classification (`siyu.classification_now_version`,
 *   migration 009), refreshed by the first refresh-key check after a change
 *   (150 s at a million customers, docs/benchmarks.md).
 * Both are still bounded: a build that runs away is stopped too. How many
 * different days one person may have classified is bounded in the app
 * server (cube/gateway/query-admission.ts).
 *
 * And a rollup build repeated within its second is a no-op instead of an
 * error (`repeatableBuild`). Cube 0.33 names a build's table and indexes
 * `<rollup>[<partition>]_<content version>_<structure version>_<second>`
 * and can start the same build twice: a loader that read the list of built
 * tables before another finished the build queues it again once the first
 * has left the queue (Cube's queue merges only builds in flight). A second
 * later, that is a redundant table with new names; within the same second,
 * the same names, and `relation "…" already exists` failed the refresh
 * worker's pass (docs/performance.md, "Role-limit indexes"). A table of the
 * same name is that build: the same partition, load SQL and indexes (the
 * structure version), the same refresh-key values (the content version), so
 * `IF NOT EXISTS` keeps it, and an index the first build did not get is still
 * made. Only Cube's statements in the rollup schema are changed.
 */
import PostgresDriver from '@cubejs-backend/postgres-driver';
import type { PoolClient } from 'pg';
import { PRE_AGGREGATIONS_SCHEMA } from '../database/cube-role.ts';

export interface GuardedDriverOptions {
  connectionString: string;
  maxPoolSize: number;
  /** A page's query (tiles, lists, refresh keys). */
  queryTimeoutMs: number;
  /** A rollup build or a journey day's classification. */
  buildTimeoutMs: number;
  /** Names this server's connections in pg_stat_activity, so that stopping cancels its own statements only. */
  applicationName?: string;
  /**
   * Called when Cube's set of rollup tables may change: as a build's
   * statement starts and ends, and as Cube lists the rollup tables (which it
   * does after every build, before it uses the new table). The app server's
   * kept answers (answer-cache.ts) are good only while it is not called.
   */
  onRollupTables?: () => void;
}

const BUILD_STATEMENT = /^\s*CREATE\s+(TABLE|INDEX|UNIQUE\s+INDEX)\b|\bsiyu\.(classification_(on|now_version)|journey_pairs|journey_flow_counts(?:_at)?)\s*\(/i;

/** The statement timeout a statement runs under, in milliseconds. */
export function statementTimeoutFor(sql: string, options: Pick<GuardedDriverOptions, 'queryTimeoutMs' | 'buildTimeoutMs'>): number {
  return BUILD_STATEMENT.test(sql) ? options.buildTimeoutMs : options.queryTimeoutMs;
}

// As Cube writes them for PostgreSQL (BaseQuery.preAggregationLoadSql, createIndexSql): `CREATE TABLE <schema>.<name> AS …`, `CREATE INDEX <name> ON <schema>.<name> (…)`.
const ROLLUP_TABLE = new RegExp(`^(\\s*CREATE\\s+TABLE\\s+)(${PRE_AGGREGATIONS_SCHEMA}\\.\\w+\\s+AS\\s)`, 'i');
const ROLLUP_INDEX = new RegExp(`^(\\s*CREATE\\s+INDEX\\s+)(\\w+\\s+ON\\s+${PRE_AGGREGATIONS_SCHEMA}\\.\\w+\\s*\\()`, 'i');

/** A statement that makes or drops a table or index in the rollup schema. */
const ROLLUP_BUILD = new RegExp(`^\\s*(CREATE|DROP|ALTER)\\s[^;]*\\b${PRE_AGGREGATIONS_SCHEMA}\\.`, 'i');

/** A rollup build's statement that succeeds, doing nothing, when the same build already made its table or index (see above). */
export function repeatableBuild(sql: string): string {
  return sql.replace(ROLLUP_TABLE, '$1IF NOT EXISTS $2').replace(ROLLUP_INDEX, '$1IF NOT EXISTS $2');
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

  /** Per connection, the statement timeout its session was last given (with the time zone, which never changes). */
  private readonly prepared = new WeakMap<PoolClient, number>();

  /**
   * The stock prepareConnection sends `SET TIME ZONE` and `SET statement_timeout`
   * before every statement, so each query cost three round trips (at 200k
   * among 50 people, 3,659 of each in a minute beside some 3,600 queries; the
   * driver's socket writes were 6-9 % of the process's CPU). A session keeps
   * its settings until they are set again (nothing the product runs sets
   * either: a function's own SET clause is undone when it returns), so they
   * are sent only when the connection's last timeout differs; a failed SET
   * forgets the connection, which is then prepared again.
   */
  protected override async prepareConnection(conn: PoolClient, options?: { executionTimeout: number }): Promise<void> {
    const timeout = options?.executionTimeout ?? this.guard.queryTimeoutMs;
    if (this.prepared.get(conn) === timeout) return;
    this.prepared.delete(conn);
    await super.prepareConnection(conn, { executionTimeout: timeout });
    this.prepared.set(conn, timeout);
  }

  /** The stock queryResponse (PostgresDriver.js), with the timeout chosen per statement. */
  protected override async queryResponse(query: string, values: unknown[]): Promise<import('pg').QueryResult> {
    const self = this as unknown as DriverInternals;
    const build = ROLLUP_BUILD.test(query);
    if (build) this.guard.onRollupTables?.();
    const conn = await self.pool.connect();
    try {
      await self.prepareConnection(conn, { executionTimeout: statementTimeoutFor(query, this.guard) });
      return await conn.query({ text: repeatableBuild(query), values: values || [], types: { getTypeParser: self.getTypeParser } } as never);
    } finally {
      conn.release();
      if (build) this.guard.onRollupTables?.();
    }
  }

  /** Cube lists its rollup tables after each build and picks the tables it reads from that list. */
  override async getTablesQuery(schemaName: string): ReturnType<PostgresDriver['getTablesQuery']> {
    this.guard.onRollupTables?.();
    try {
      return await super.getTablesQuery(schemaName);
    } finally {
      this.guard.onRollupTables?.();
    }
  }
}
