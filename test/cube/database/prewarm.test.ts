/**
 * PostgreSQL's own cache: sized to the machine for the embedded server, and
 * loaded at start with the custom-range read paths (cube/database/prewarm.ts,
 * migration 068). The pages in the cache are read from pg_buffercache, apart
 * from what the loader reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedBuffers } from '../../../cube/database/embedded-postgres.ts';
import { migrate } from '../../../cube/database/migrate.ts';
import { prewarm, WARM_RELATIONS } from '../../../cube/database/prewarm.ts';
import { seedDatabase } from '../../../seed/load.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';

const GiB = 2 ** 30;

describe('shared_buffers of the embedded server', () => {
  it('is a quarter of the memory, between 128 MB and 8 GB, unless PG_SHARED_BUFFERS says', () => {
    expect(sharedBuffers({}, 24 * GiB)).toBe('6144MB');
    expect(sharedBuffers({}, 64 * GiB)).toBe('8192MB');
    expect(sharedBuffers({}, GiB / 4)).toBe('128MB');
    expect(sharedBuffers({ PG_SHARED_BUFFERS: '2GB' }, 24 * GiB)).toBe('2GB');
    expect(() => sharedBuffers({ PG_SHARED_BUFFERS: 'lots' }, 24 * GiB)).toThrow(/PG_SHARED_BUFFERS must be a size/);
  });
});

describe('the read paths loaded into the cache', () => {
  let db: TestDatabase;
  /** Each warm relation's pages (from its size) and how many of them are in the cache now. */
  const resident = async (): Promise<Map<string, { pages: number; cached: number }>> => {
    const rows = await db.sql<{ name: string; pages: number; cached: number }[]>`
      SELECT w.name, (pg_relation_size(to_regclass(w.name)) / current_setting('block_size')::int)::int AS pages,
             (SELECT count(*)::int FROM pg_buffercache AS b
              WHERE b.relfilenode = pg_relation_filenode(to_regclass(w.name)) AND b.relforknumber = 0
                AND b.reldatabase = (SELECT oid FROM pg_database WHERE datname = current_database())) AS cached
      FROM unnest(${[...WARM_RELATIONS]}::text[]) AS w(name)`;
    return new Map(rows.map((r) => [r.name, { pages: r.pages, cached: r.cached }]));
  };
  /** Evicts every page of the warm relations from the cache (pg_buffercache_evict, PostgreSQL 17 and later). */
  const evict = async (): Promise<void> => {
    await db.sql`
      SELECT pg_buffercache_evict(b.bufferid) FROM pg_buffercache AS b
      WHERE b.reldatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND b.relfilenode IN (SELECT pg_relation_filenode(to_regclass(w)) FROM unnest(${[...WARM_RELATIONS]}::text[]) AS w)`;
  };

  beforeAll(async () => {
    db = await createTestDatabase('prewarm');
    await migrate(db.sql);
    await seedDatabase(db.sql, { customers: 400, seed: 11, asOf: '2026-11-20' });
    await db.sql`CREATE EXTENSION IF NOT EXISTS pg_buffercache`;
  });
  afterAll(async () => db.drop());

  it('loads every page of every relation on the list, as it reports', async () => {
    await evict();
    const before = await resident();
    expect([...before.values()].reduce((a, r) => a + r.cached, 0)).toBe(0);
    const done = await prewarm(db.sql);
    const after = await resident();
    expect(done!.loaded).toEqual([...WARM_RELATIONS]);
    expect(done!.skipped).toEqual([]);
    const pages = [...after.values()].reduce((a, r) => a + r.pages, 0);
    expect(pages).toBeGreaterThan(WARM_RELATIONS.length);
    expect(done!.pages).toBe(pages);
    for (const [name, r] of after) expect(r.cached, name).toBe(r.pages);
  });

  it('leaves out what does not fit in its budget, in the list order, and loads the rest', async () => {
    await evict();
    const sizes = [...(await resident()).entries()].map(([name, r]) => ({ name, bytes: r.pages * 8192 }));
    // Room for the first two and the last but not the third: whatever is after a relation too big is still tried.
    const budget = sizes[0]!.bytes + sizes[1]!.bytes + sizes.at(-1)!.bytes;
    let left = budget;
    const expected = { loaded: [] as string[], skipped: [] as string[] };
    for (const s of sizes) {
      if (s.bytes > left) expected.skipped.push(s.name);
      else { expected.loaded.push(s.name); left -= s.bytes; }
    }
    expect(expected.skipped.length).toBeGreaterThan(0);
    const done = await prewarm(db.sql, budget);
    expect({ loaded: done!.loaded, skipped: done!.skipped }).toEqual(expected);
    const after = await resident();
    for (const name of expected.skipped) expect(after.get(name)!.cached, name).toBe(0);
    for (const name of expected.loaded) expect(after.get(name)!.cached, name).toBe(after.get(name)!.pages);
  });

  it('leaves its functions to the owner: no one else may load the cache', async () => {
    const rows = await db.sql<{ f: string; public: boolean }[]>`
      SELECT d.objid::regprocedure::text AS f, has_function_privilege('public', d.objid, 'EXECUTE') AS public
      FROM pg_depend AS d JOIN pg_extension AS e ON e.oid = d.refobjid
      WHERE d.refclassid = 'pg_extension'::regclass AND d.classid = 'pg_proc'::regclass AND e.extname = 'pg_prewarm'`;
    expect(rows.map((r) => r.f)).toContain('pg_prewarm(regclass,text,text,bigint,bigint)');
    expect(rows.filter((r) => r.public)).toEqual([]);
  });

  it('answers null, and loads nothing, where pg_prewarm is not installed', async () => {
    await db.sql`DROP EXTENSION pg_prewarm`;
    try {
      await evict();
      expect(await prewarm(db.sql)).toBeNull();
      expect([...(await resident()).values()].reduce((a, r) => a + r.cached, 0)).toBe(0);
    } finally {
      await db.sql`CREATE EXTENSION pg_prewarm`;
    }
  });
});
