/**
 * Repeatable definitions (cube/database/definitions/): a fresh database and
 * one migrated with the migrations' earlier texts (005 and 011 carrying the
 * whole classification function, 008 and 015 their own counter loops, as at
 * commit 3ce4761, read from git) end with the same functions, triggers,
 * views and counters.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EARLIER_CHECKSUMS, migrate, readDefinitions, readMigrations, type Migration } from '../../../cube/database/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BEFORE = '3ce4761';

/** The migrations as they were at BEFORE, or null where the clone lacks that commit. */
function earlierMigrations(): Migration[] | null {
  try {
    const files = execFileSync('git', ['ls-tree', '--name-only', `${BEFORE}:cube/database/migrations`], { cwd: ROOT, encoding: 'utf8' })
      .split('\n').filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f));
    return files.map((file) => {
      const sql = execFileSync('git', ['show', `${BEFORE}:cube/database/migrations/${file}`], { cwd: ROOT, encoding: 'utf8' });
      return { version: Number(file.slice(0, 3)), name: file.slice(4, -4), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
  } catch {
    return null;
  }
}

/** What the schema's code is: every function (with its privileges), trigger, view and change counter. */
async function catalogue(sql: Sql): Promise<unknown> {
  return {
    functions: await sql`
      SELECT p.oid::regprocedure::text AS name, pg_get_functiondef(p.oid) AS def, p.proacl::text AS acl
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'siyu' ORDER BY 1`,
    triggers: await sql`
      SELECT tgrelid::regclass::text AS on_table, tgname AS name, pg_get_triggerdef(t.oid) AS def
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'siyu' AND NOT t.tgisinternal ORDER BY 1, 2`,
    views: await sql`
      SELECT c.relname AS name, c.relkind AS kind, pg_get_viewdef(c.oid) AS def
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'siyu' AND c.relkind IN ('v', 'm') ORDER BY 1`,
    counters: await sql`SELECT table_name, changes FROM siyu.data_changes ORDER BY 1`,
    definitions: await sql`SELECT name, checksum FROM siyu.schema_definitions ORDER BY 1`,
  };
}

const earlier = earlierMigrations();

describe('repeatable definitions', () => {
  const dbs: TestDatabase[] = [];
  let fresh: unknown;
  beforeAll(async () => {
    const db = await createTestDatabase('definitions_fresh');
    dbs.push(db);
    await migrate(db.sql);
    fresh = await catalogue(db.sql);
  });
  afterAll(async () => { await Promise.all(dbs.map((db) => db.drop())); });

  it('are applied on a fresh database right after the migration each follows, and not again', async () => {
    const db = await createTestDatabase('definitions_order');
    dbs.push(db);
    const applied = await migrate(db.sql);
    const at = (name: string): number => applied.indexOf(name);
    // The view over the classification (009) and the counters of 008 and 015 need them first.
    expect(at('005_classification')).toBeLessThan(at('definitions/customer_classification'));
    expect(at('definitions/customer_classification')).toBeLessThan(at('006_rollup_keys'));
    expect(at('definitions/track_data_changes')).toBeLessThan(at('008_data_changes'));
    expect(at('definitions/classification_version')).toBeLessThan(at('009_classification_now'));
    expect(applied.filter((a) => a.startsWith('definitions/')).sort())
      .toEqual((await readDefinitions()).map((d) => `definitions/${d.name}`).sort());
    expect(await migrate(db.sql)).toEqual([]);
  });

  it('apply a definition again when its text changes, and only it', async () => {
    const db = await createTestDatabase('definitions_changed');
    dbs.push(db);
    await migrate(db.sql);
    const defs = await readDefinitions();
    const changed = defs.map((d) => (d.name === 'classification_version' ? { ...d, sql: `${d.sql}\n-- a comment\n`, checksum: 'changed' } : d));
    expect(await migrate(db.sql, undefined, changed)).toEqual(['definitions/classification_version']);
    expect(await migrate(db.sql, undefined, changed)).toEqual([]);
  });

  it.skipIf(!earlier)(`know the checksums of the migrations rewritten since ${BEFORE}`, () => {
    const rewritten = earlier!.filter((m) => EARLIER_CHECKSUMS[m.version] !== undefined);
    expect(rewritten.map((m) => m.version)).toEqual([5, 8, 11, 15]);
    for (const m of rewritten) expect(m.checksum, m.name).toBe(EARLIER_CHECKSUMS[m.version]);
  });

  it.skipIf(!earlier)('bring a database migrated with the earlier texts to the fresh one\'s state', async () => {
    const db = await createTestDatabase('definitions_earlier');
    dbs.push(db);
    await migrate(db.sql, earlier!, []);
    // Migrations newer than the earlier texts are applied too; the definitions are what this checks.
    const applied = (await migrate(db.sql)).filter((a) => a.startsWith('definitions/'));
    expect(applied.sort()).toEqual((await readDefinitions()).map((d) => `definitions/${d.name}`).sort());
    expect(await catalogue(db.sql)).toEqual(fresh);
  });

  it.skipIf(!earlier)('and one migrated with them up to 010, before 011 changed the rule', async () => {
    const db = await createTestDatabase('definitions_earlier_010');
    dbs.push(db);
    await migrate(db.sql, earlier!.filter((m) => m.version <= 10), []);
    const current = await readMigrations();
    const applied = await migrate(db.sql);
    expect(applied.filter((a) => !a.startsWith('definitions/')))
      .toEqual(current.filter((m) => m.version > 10).map((m) => `${String(m.version).padStart(3, '0')}_${m.name}`));
    expect(await catalogue(db.sql)).toEqual(fresh);
  });
});
