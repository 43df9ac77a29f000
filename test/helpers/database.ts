/** A fresh database per test file inside the run's PostgreSQL, dropped afterwards. */
import { randomBytes } from 'node:crypto';
import postgres, { type Sql } from 'postgres';
import { inject } from 'vitest';
import { openSql } from '../../cube/database/connect.ts';
import { cubeRoleName } from '../../cube/database/cube-role.ts';

export interface TestDatabase {
  url: string;
  sql: Sql;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const serverUrl = inject('postgresUrl');
  const name = `t_${label.replace(/[^a-z0-9_]/g, '_')}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(serverUrl, name);
  const sql = openSql(url, 4);
  return {
    url,
    sql,
    drop: async () => {
      await sql.end({ timeout: 5 });
      const a = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.unsafe(`DROP ROLE IF EXISTS ${cubeRoleName(name)}`);
      await a.end();
    },
  };
}

/** The one row a query must return. */
export function one<T>(rows: readonly T[]): T {
  if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}`);
  return rows[0]!;
}

/**
 * Brings the as-of classification up to date with every write so far and
 * returns its version. `siyu.classification_now_version()` alone serves the
 * previous build at once when another session (a Cube refresh key) is
 * refreshing it; here the refresher's advisory lock is waited for first, so
 * the refresh that follows sees every committed write.
 */
export async function currentClassification(sql: Sql): Promise<string> {
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtext('siyu.classification_now'))`;
    return one(await tx<{ v: string }[]>`SELECT siyu.classification_now_version() AS v`).v;
  });
}
