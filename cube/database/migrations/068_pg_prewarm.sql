-- PostgreSQL's own cache loaded with the custom-range read paths when the
-- product starts (cube/database/prewarm.ts; docs/performance.md,
-- "PostgreSQL's own cache"), through pg_prewarm, the contrib extension that
-- ships with PostgreSQL (the embedded server's binaries include it). A server
-- without it, or a migrating role that may not create extensions, skips this:
-- the product then starts without loading the cache and says so once. Its
-- functions are the owner's only: Cube's read-only role has no use for them.
DO $$
DECLARE
  f regprocedure;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_prewarm') THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS pg_prewarm;
      FOR f IN
        SELECT d.objid::regprocedure FROM pg_depend AS d JOIN pg_extension AS e ON e.oid = d.refobjid
        WHERE d.refclassid = 'pg_extension'::regclass AND d.classid = 'pg_proc'::regclass AND e.extname = 'pg_prewarm'
      LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
      END LOOP;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'pg_prewarm not created: %', SQLERRM;
    END;
  END IF;
END $$;
