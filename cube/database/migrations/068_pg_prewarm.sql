-- PostgreSQL's own cache loaded with the custom-range read paths when the
-- product starts (cube/database/prewarm.ts; docs/performance.md,
-- "PostgreSQL's own cache"), through pg_prewarm, the contrib extension that
-- ships with PostgreSQL (the embedded server's binaries include it). A server
-- without it, or a migrating role that may not create extensions, skips this:
-- the product then starts without loading the cache and says so once.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_prewarm') THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS pg_prewarm;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'pg_prewarm not created: %', SQLERRM;
    END;
  END IF;
END $$;
