/**
 * Cube's PostgreSQL driver as the product runs it (cube/engine/guarded-driver.ts):
 * - a rollup build Cube starts twice within one second (the same table and
 *   index names) is a no-op the second time, not `relation "…" already
 *   exists` (repeatableBuild); Cube's statements as it writes them for
 *   PostgreSQL, anything else left as it is;
 * - a connection's session is given its time zone and statement timeout
 *   once, and again only when the timeout a statement needs differs.
 */
import type { Pool, PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardedPostgresDriver, repeatableBuild } from '../../../cube/engine/guarded-driver.ts';
import { PRE_AGGREGATIONS_SCHEMA } from '../../../cube/database/cube-role.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';

const TABLE = `${PRE_AGGREGATIONS_SCHEMA}.orders_sales_by_day20260101_abcdefgh_ijklmnop_1lh70pa`;
const INDEX = 'orders_sales_by_day_emp_abcdefgh_ijklmnop_1lh70pa';
const BUILD = `CREATE TABLE ${TABLE} AS SELECT g AS "employees__id", g * 10 AS "orders__gmv" FROM generate_series(1, 3) AS g`;
const BUILD_INDEX = `CREATE INDEX ${INDEX} ON ${TABLE} ("employees__id")`;

describe('a rollup build repeated within its second', () => {
  let db: TestDatabase;
  let driver: GuardedPostgresDriver;

  beforeAll(async () => {
    db = await createTestDatabase('guarded_driver');
    await db.sql.unsafe(`CREATE SCHEMA ${PRE_AGGREGATIONS_SCHEMA}`);
    driver = new GuardedPostgresDriver({ connectionString: db.url, maxPoolSize: 2, queryTimeoutMs: 5_000, buildTimeoutMs: 5_000 });
  });
  afterAll(async () => {
    await driver?.release();
    await db?.drop();
  });

  const indexes = async () => (await db.sql<{ indexname: string; indexdef: string }[]>`
    SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = ${PRE_AGGREGATIONS_SCHEMA} ORDER BY indexname`);

  it('keeps the first build: the same table and index, no error', async () => {
    await driver.query(BUILD, []);
    await driver.query(BUILD_INDEX, []);
    await driver.query(BUILD, []);
    await driver.query(BUILD_INDEX, []);
    expect(await driver.query(`SELECT * FROM ${TABLE} ORDER BY 1`, [])).toEqual([
      { employees__id: 1, orders__gmv: 10 }, { employees__id: 2, orders__gmv: 20 }, { employees__id: 3, orders__gmv: 30 },
    ]);
    expect((await indexes()).map((i) => i.indexname)).toEqual([INDEX]);
  });

  it('still makes an index the first build did not get', async () => {
    const table = TABLE.replace('20260101', '20260201');
    const index = INDEX.replace('_emp_', '_team_');
    await driver.query(BUILD.replace(TABLE, table), []);
    await driver.query(BUILD.replace(TABLE, table), []);
    await driver.query(`CREATE INDEX ${index} ON ${table} ("employees__id")`, []);
    expect((await indexes()).map((i) => i.indexname)).toContain(index);
  });

  it('changes nothing else', async () => {
    expect(repeatableBuild('SELECT 1')).toBe('SELECT 1');
    expect(repeatableBuild('CREATE TABLE siyu.x AS SELECT 1')).toBe('CREATE TABLE siyu.x AS SELECT 1');
    expect(repeatableBuild('CREATE INDEX i ON siyu.t (a)')).toBe('CREATE INDEX i ON siyu.t (a)');
    expect(repeatableBuild(`SELECT * FROM ${TABLE} -- CREATE TABLE ${TABLE} AS`)).toBe(`SELECT * FROM ${TABLE} -- CREATE TABLE ${TABLE} AS`);
    // A table of the product's own made twice is still an error.
    await driver.query('CREATE TABLE public.twice (a int)', []);
    await expect(driver.query('CREATE TABLE public.twice (a int)', [])).rejects.toThrow(/already exists/);
  });
});

describe("a connection's settings", () => {
  let db: TestDatabase;
  let driver: GuardedPostgresDriver;
  const sent: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('guarded_settings');
    driver = new GuardedPostgresDriver({ connectionString: db.url, maxPoolSize: 1, queryTimeoutMs: 5_000, buildTimeoutMs: 60_000 });
    // Every statement the driver sends on its one connection.
    (driver as unknown as { pool: Pool }).pool.on('connect', (client: PoolClient) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const first = args[0] as string | { text?: string };
        sent.push(typeof first === 'string' ? first : String(first?.text));
        return query(...args);
      };
    });
  });
  afterAll(async () => {
    await driver?.release();
    await db?.drop();
  });

  const settings = async (sql: string) => (await driver.query<{ tz: string; timeout: string }>(sql, []))[0];
  const sets = () => sent.filter((s) => /^SET /.test(s));
  // A statement the driver gives the build timeout (guarded-driver.ts, BUILD_STATEMENT).
  const AS_BUILD = "SELECT current_setting('TimeZone') AS tz, current_setting('statement_timeout') AS timeout -- siyu.classification_on(";
  const AS_QUERY = "SELECT current_setting('TimeZone') AS tz, current_setting('statement_timeout') AS timeout";

  it('are sent once for many queries, and again only when the timeout changes', async () => {
    for (let i = 0; i < 5; i++) expect(await settings(AS_QUERY)).toEqual({ tz: 'UTC', timeout: '5s' });
    expect(sets()).toEqual(["SET TIME ZONE 'UTC'", 'SET statement_timeout TO 5000']);
    expect(await settings(AS_BUILD)).toEqual({ tz: 'UTC', timeout: '1min' });
    expect(await settings(AS_BUILD)).toEqual({ tz: 'UTC', timeout: '1min' });
    expect(await settings(AS_QUERY)).toEqual({ tz: 'UTC', timeout: '5s' });
    expect(sets()).toEqual([
      "SET TIME ZONE 'UTC'", 'SET statement_timeout TO 5000',
      "SET TIME ZONE 'UTC'", 'SET statement_timeout TO 60000',
      "SET TIME ZONE 'UTC'", 'SET statement_timeout TO 5000',
    ]);
    // A page's query is still stopped at its timeout after a build's longer one.
    expect(await settings(AS_BUILD)).toEqual({ tz: 'UTC', timeout: '1min' });
    await expect(driver.query('SELECT pg_sleep(6)', [])).rejects.toThrow(/statement timeout/);
  }, 30_000);
});
