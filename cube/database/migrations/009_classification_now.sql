-- The classification as of siyu.as_of(), computed once per change of the
-- facts instead of once per query: the customer profiles, the drill-down
-- lists, the customer 360 and the classification rollups all read it.
CREATE MATERIALIZED VIEW siyu.classification_now AS
  SELECT * FROM siyu.customer_classification(siyu.as_of())
  WITH NO DATA;
-- REFRESH ... CONCURRENTLY needs a unique index; the lists join on it.
CREATE UNIQUE INDEX classification_now_customer_idx ON siyu.classification_now (customer_id);

-- Which version siyu.classification_now was built from, and how long it took.
CREATE TABLE siyu.classification_builds (
  only_row   boolean PRIMARY KEY DEFAULT TRUE CHECK (only_row),
  version    text NOT NULL,
  built_at   timestamptz NOT NULL,
  took_ms    integer NOT NULL
);

-- Brings siyu.classification_now up to date and returns the version it holds:
-- the refresh key of everything that reads it. Cube evaluates the key before
-- it reads the view. The first caller after a change rebuilds it and answers
-- from the new build (in the product that is usually the refresh worker,
-- which checks the rollups' keys every 2 s in the background). Callers that
-- come while it builds are served the previous build at once, and see the
-- new one at their next key check after it commits (CONCURRENTLY: reading
-- never waits for a build). Only when there is no build at all yet do they
-- wait for the first one. SECURITY DEFINER: Cube's read-only role may ask
-- for the rebuild but cannot write anything itself.
CREATE FUNCTION siyu.classification_now_version() RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, siyu
  AS $$
    DECLARE
      wanted text := siyu.classification_version();
      started timestamptz;
    BEGIN
      IF EXISTS (SELECT 1 FROM siyu.classification_builds WHERE version = wanted) THEN
        RETURN wanted;
      END IF;
      IF NOT pg_try_advisory_xact_lock(hashtext('siyu.classification_now')) THEN
        -- Someone is building it: serve the build there is, if any.
        IF (SELECT relispopulated FROM pg_class WHERE oid = 'siyu.classification_now'::regclass) THEN
          RETURN (SELECT version FROM siyu.classification_builds);
        END IF;
        PERFORM pg_advisory_xact_lock(hashtext('siyu.classification_now'));
      END IF;
      -- Read again: whoever held the lock may have built it meanwhile.
      wanted := siyu.classification_version();
      IF EXISTS (SELECT 1 FROM siyu.classification_builds WHERE version = wanted) THEN
        RETURN wanted;
      END IF;
      started := clock_timestamp();
      IF (SELECT relispopulated FROM pg_class WHERE oid = 'siyu.classification_now'::regclass) THEN
        REFRESH MATERIALIZED VIEW CONCURRENTLY siyu.classification_now;
      ELSE
        REFRESH MATERIALIZED VIEW siyu.classification_now;
      END IF;
      -- The lists' plans join it by customer: the planner needs its size.
      ANALYZE siyu.classification_now;
      -- Facts written while it was built make the next call build again:
      -- the version recorded is the one read before the build started.
      INSERT INTO siyu.classification_builds (version, built_at, took_ms)
      VALUES (wanted, now(), (EXTRACT(EPOCH FROM clock_timestamp() - started) * 1000)::integer)
      ON CONFLICT (only_row) DO UPDATE
        SET version = EXCLUDED.version, built_at = EXCLUDED.built_at, took_ms = EXCLUDED.took_ms;
      RETURN wanted;
    END
  $$;
