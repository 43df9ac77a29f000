/**
 * Versioned migrations: `cube/database/migrations/NNN_name.sql`, applied in order, each
 * in its own transaction, recorded in `siyu.schema_migrations`. Re-running is
 * a no-op; a recorded migration whose file changed is refused.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from 'postgres';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_KEY = 7_345_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return Promise.all(files.map(async (file) => {
    const sql = await readFile(path.join(dir, file), 'utf8');
    return {
      version: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    };
  }));
}

/** Applies what is missing; returns the names of the migrations it applied. */
export async function migrate(sql: Sql, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? (await readMigrations());
  const applied: string[] = [];
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
    const done = new Map<number, string>(
      (await tx<{ version: number; checksum: string }[]>`SELECT version, checksum FROM siyu.schema_migrations`)
        .map((r) => [r.version, r.checksum]),
    );
    for (const m of all) {
      const recorded = done.get(m.version);
      if (recorded !== undefined) {
        if (recorded !== m.checksum) {
          throw new Error(`Migration ${m.version} (${m.name}) was changed after it was applied; add a new migration instead.`);
        }
        continue;
      }
      await tx.savepoint(async (sp) => {
        await sp.unsafe(m.sql);
        await sp`INSERT INTO siyu.schema_migrations (version, name, checksum) VALUES (${m.version}, ${m.name}, ${m.checksum})`;
      });
      applied.push(`${String(m.version).padStart(3, '0')}_${m.name}`);
    }
  });
  return applied;
}
