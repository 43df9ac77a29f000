/**
 * Versioned migrations: `cube/database/migrations/NNN_name.sql`, applied in order, each
 * in its own transaction, recorded in `siyu.schema_migrations`. Re-running is
 * a no-op; a recorded migration whose file changed is refused.
 *
 * Repeatable definitions: `cube/database/definitions/name.sql`, one function
 * (or view) each that changes over time, written whole in one place with
 * CREATE OR REPLACE. A definition is applied whenever its text differs from
 * the one recorded in `siyu.schema_definitions`, so changing a function is an
 * edit of its file, not a migration repeating its whole body. Its header line
 * `-- after: NNN` names the migration whose schema it needs: it is applied
 * once that migration is in place and before any later one runs, so later
 * migrations (a view over the function, a call of a helper) can use it.
 *
 * A migration that rewrites a table (a stored column added) clears its
 * visibility map, so the index-only scans that table is built for would read
 * its heap until a vacuum. Its header line `-- vacuum: siyu.table` has the
 * migrator vacuum that table once the migrations are committed (VACUUM cannot
 * run inside their transaction).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql, TransactionSql } from 'postgres';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS_DIR = path.join(HERE, 'migrations');
export const DEFINITIONS_DIR = path.join(HERE, 'definitions');
const LOCK_KEY = 7_345_001;

/**
 * The checksums these migrations had before their function bodies moved to
 * definitions/ (issue 22): 005 and 011 each carried the whole classification
 * function, 008 and 015 the loop that gives a table its change counter. A
 * database that applied the earlier text is accepted as it is: the
 * definitions then bring its functions to the same state as a fresh
 * database's (test/cube/database/definitions.test.ts).
 */
export const EARLIER_CHECKSUMS: Readonly<Record<number, string>> = {
  5: 'e5ce3458b5fd23ebd0b5cf3f859343bb4c9a8dfeeacfe57fd7517226d663c5f7',
  8: '4fcb24f9f023d60491354e84fc933e566479d8d70cb8577083b8c43653dc6c98',
  11: 'c1700b6a9d415c62351d865d45b9164c274a1caef2d5c108ce7bbd7b7368c2f5',
  15: '8bd681123f400decad7b2ad3a61faf0ec9f39580807a8eb7040b60fca687c1dc',
};

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** The tables a migration's `-- vacuum: siyu.table` lines name. */
export function vacuumedBy(m: Migration): string[] {
  return [...m.sql.matchAll(/^-- vacuum: (siyu\.[a-z_][a-z0-9_]*)\s*$/gm)].map((x) => x[1]!);
}

export interface Definition {
  name: string;
  /** The migration after which it is applied. */
  after: number;
  sql: string;
  checksum: string;
}

const checksumOf = (sql: string): string => createHash('sha256').update(sql).digest('hex');

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return Promise.all(files.map(async (file) => {
    const sql = await readFile(path.join(dir, file), 'utf8');
    return { version: Number(file.slice(0, 3)), name: file.slice(4, -4), sql, checksum: checksumOf(sql) };
  }));
}

/** The definitions in the order they are applied: by the migration they follow, then by name. */
export async function readDefinitions(dir = DEFINITIONS_DIR): Promise<Definition[]> {
  const files = (await readdir(dir)).filter((f) => /^[a-z0-9_]+\.sql$/.test(f));
  const all = await Promise.all(files.map(async (file) => {
    const sql = await readFile(path.join(dir, file), 'utf8');
    const after = /^-- after: (\d{3})\b/m.exec(sql);
    if (!after) throw new Error(`Definition ${file} has no "-- after: NNN" line naming the migration it follows.`);
    return { name: file.slice(0, -4), after: Number(after[1]), sql, checksum: checksumOf(sql) };
  }));
  return all.sort((a, b) => a.after - b.after || a.name.localeCompare(b.name));
}

/**
 * Applies what is missing; returns the names of the migrations and the
 * definitions it applied, in order (a definition as `definitions/name`).
 * With a list of migrations, only the definitions that follow one of them.
 */
export async function migrate(sql: Sql, migrations?: Migration[], definitions?: Definition[]): Promise<string[]> {
  const all = migrations ?? (await readMigrations());
  const defs = definitions ?? (await readDefinitions());
  const applied: string[] = [];
  const vacuum: string[] = [];
  await sql.begin(async (tx) => {
    // One migrator at a time, also across processes.
    await tx`SELECT pg_advisory_xact_lock(${LOCK_KEY})`;
    await tx`CREATE SCHEMA IF NOT EXISTS siyu`;
    await tx`CREATE TABLE IF NOT EXISTS siyu.schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`;
    await tx`CREATE TABLE IF NOT EXISTS siyu.schema_definitions (
      name       text PRIMARY KEY,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`;
    const done = new Map<number, string>(
      (await tx<{ version: number; checksum: string }[]>`SELECT version, checksum FROM siyu.schema_migrations`)
        .map((r) => [r.version, r.checksum]),
    );
    const current = new Map<string, string>(
      (await tx<{ name: string; checksum: string }[]>`SELECT name, checksum FROM siyu.schema_definitions`)
        .map((r) => [r.name, r.checksum]),
    );
    // The definitions following a migration before `version` whose text is not the one applied.
    const bringUpTo = async (version: number): Promise<void> => {
      for (const d of defs) {
        if (d.after >= version || current.get(d.name) === d.checksum) continue;
        await applyDefinition(tx, d);
        current.set(d.name, d.checksum);
        applied.push(`definitions/${d.name}`);
      }
    };
    for (const m of all) {
      const recorded = done.get(m.version);
      if (recorded !== undefined) {
        if (recorded !== m.checksum && recorded !== EARLIER_CHECKSUMS[m.version]) {
          throw new Error(`Migration ${m.version} (${m.name}) was changed after it was applied; add a new migration instead.`);
        }
        continue;
      }
      await bringUpTo(m.version);
      await tx.savepoint(async (sp) => {
        await sp.unsafe(m.sql);
        await sp`INSERT INTO siyu.schema_migrations (version, name, checksum) VALUES (${m.version}, ${m.name}, ${m.checksum})`;
      });
      applied.push(`${String(m.version).padStart(3, '0')}_${m.name}`);
      vacuum.push(...vacuumedBy(m));
    }
    await bringUpTo(Math.max(0, ...all.map((m) => m.version)) + 1);
  });
  for (const table of new Set(vacuum)) await sql.unsafe(`VACUUM (ANALYZE) ${table}`);
  return applied;
}

async function applyDefinition(tx: TransactionSql, d: Definition): Promise<void> {
  await tx.savepoint(async (sp) => {
    await sp.unsafe(d.sql);
    await sp`INSERT INTO siyu.schema_definitions (name, checksum) VALUES (${d.name}, ${d.checksum})
      ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()`;
  });
}
