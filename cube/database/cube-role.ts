/**
 * Cube's own database role: it may read the `siyu` schema (but not the
 * accounts table, which holds password hashes) and write only its
 * pre-aggregation schema. Migrations, the seed and the app server keep the
 * owner role. The role is named after the database and gets a fresh random
 * password at every start, so no password of it is kept anywhere.
 */
import { randomBytes } from 'node:crypto';
import type { Sql } from 'postgres';

export const PRE_AGGREGATIONS_SCHEMA = 'siyu_pre_aggregations';

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export function cubeRoleName(database: string): string {
  return `${database.replace(/[^a-z0-9_]/gi, '_').toLowerCase().slice(0, 50)}_cube_reader`;
}

/**
 * Creates or updates the role and returns the URL Cube connects with.
 * `statementTimeoutMs` is the role's default statement timeout: Cube's
 * driver sets its own on each connection (cube/engine/guarded-driver.ts), so
 * this one bounds whatever else connects as the role.
 */
export async function ensureCubeRole(sql: Sql, ownerUrl: string, statementTimeoutMs = 30_000): Promise<string> {
  if (!Number.isInteger(statementTimeoutMs) || statementTimeoutMs <= 0) throw new Error('The statement timeout must be a positive whole number of milliseconds.');
  const [row] = await sql<{ db: string }[]>`SELECT current_database() AS db`;
  const db = row!.db;
  const role = cubeRoleName(db);
  const password = randomBytes(24).toString('base64url');
  const r = quoteIdent(role);
  try {
    await sql.begin(async (tx) => {
      const [exists] = await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = ${role}`;
      // CREATE/ALTER ROLE take no bind parameters; the password is base64url (no quotes).
      if (!exists?.n) await tx.unsafe(`CREATE ROLE ${r} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD '${password}'`);
      else await tx.unsafe(`ALTER ROLE ${r} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD '${password}'`);
      // A drill list or a distinct count groups hundreds of thousands of customers: with
      // PostgreSQL's default 4 MB the grouping spills to disk and takes twice as long.
      await tx.unsafe(`ALTER ROLE ${r} SET work_mem = '64MB'`);
      // A COUNT(DISTINCT) by a group (buyers by team, participants by campaign) on a custom
      // range: PostgreSQL 16+ sorts every row once by the group and the counted customer
      // together (2.8 M rows, spilled, at 1M customers); off, it sorts by the group alone and
      // each group's customers apart: 32.4 -> 14.5 s by team, 6.8 -> 3.0 s by campaign, side
      // by side. A planner choice: the same answers. Brand-wide counts lose the key index's
      // customer order (docs/performance.md, "Custom ranges").
      // The setting exists from PostgreSQL 16 on (DATABASE_URL may name an older server).
      const [version] = await tx<{ n: number }[]>`SELECT current_setting('server_version_num')::int AS n`;
      if (version!.n >= 160000) await tx.unsafe(`ALTER ROLE ${r} SET enable_presorted_aggregate = off`);
      // The pages read tables that stay in memory: a random page costs about what a sequential
      // one does. At the default 4 PostgreSQL read a whole table and hashed it rather than look up
      // a few thousand rows by index (a staff member's customers joined to their classification:
      // 52 -> 16 ms at 200k, growing with the brand rather than with the person's book). A
      // planner choice: the same answers (docs/performance.md, "PostgreSQL's CPU per answer").
      await tx.unsafe(`ALTER ROLE ${r} SET random_page_cost = 1.1`);
      // One person's query must not hold a connection for minutes after its page has gone.
      await tx.unsafe(`ALTER ROLE ${r} SET statement_timeout = ${statementTimeoutMs}`);
      await tx.unsafe(`ALTER ROLE ${r} SET idle_in_transaction_session_timeout = ${statementTimeoutMs}`);
      await tx.unsafe(`GRANT CONNECT ON DATABASE ${quoteIdent(db)} TO ${r}`);
      await tx.unsafe(`GRANT USAGE ON SCHEMA siyu TO ${r}`);
      await tx.unsafe(`GRANT SELECT ON ALL TABLES IN SCHEMA siyu TO ${r}`);
      await tx.unsafe(`REVOKE ALL ON siyu.accounts FROM ${r}`);
      // The audit trail (who revealed which phone, from where; migration 012) is the app server's alone.
      const [audit] = await tx<{ present: boolean }[]>`SELECT to_regclass('siyu.audit_log') IS NOT NULL AS present`;
      if (audit?.present) await tx.unsafe(`REVOKE ALL ON siyu.audit_log FROM ${r}`);
      // So are the import's code map and history (migration 016): who imported what is not a metric.
      const [imports] = await tx<{ present: boolean }[]>`SELECT to_regclass('siyu.import_runs') IS NOT NULL AS present`;
      if (imports?.present) await tx.unsafe(`REVOKE ALL ON siyu.import_runs, siyu.import_codes FROM ${r}`);
      // Saved views are a person's own (migration 014): nothing a query of Cube's needs.
      const [views] = await tx<{ present: boolean }[]>`SELECT to_regclass('siyu.saved_views') IS NOT NULL AS present`;
      if (views?.present) await tx.unsafe(`REVOKE ALL ON siyu.saved_views FROM ${r}`);
      await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS ${PRE_AGGREGATIONS_SCHEMA}`);
      await tx.unsafe(`GRANT USAGE, CREATE ON SCHEMA ${PRE_AGGREGATIONS_SCHEMA} TO ${r}`);
    });
  } catch (error) {
    throw new Error(`Could not set up Cube's read-only database role ${role} (${(error as Error).message}). `
      + 'Give the DATABASE_URL user CREATEROLE, or create a read-only role yourself and set CUBE_DATABASE_URL.');
  }
  const url = new URL(ownerUrl);
  url.username = role;
  url.password = password;
  return url.toString();
}
