-- Journey flows classify every customer on two days of the user's choosing.
-- Classifying a day from raw facts takes over a minute at a million
-- customers, and the journey page asks for the same two days again and
-- again, so a day's classification is kept once built, tagged with the
-- facts' version, and built again only after the facts change. The as-of
-- day is siyu.classification_now itself.
--
-- UNLOGGED: this is a cache. After a crash PostgreSQL empties both tables
-- together, and the next query builds the day again.
CREATE UNLOGGED TABLE siyu.classification_day_builds (
  day       date PRIMARY KEY,
  version   text NOT NULL,
  built_at  timestamptz NOT NULL,
  took_ms   integer NOT NULL
);

CREATE UNLOGGED TABLE siyu.classification_day_rows (
  day              date NOT NULL REFERENCES siyu.classification_day_builds (day) ON DELETE CASCADE,
  customer_id      integer NOT NULL,
  lifecycle_stage  text,
  rfm_segment      text,
  aipl_stage       text,
  five_a_stage     text,
  PRIMARY KEY (day, customer_id)
);

-- How many days are kept: the most recently built ones.
CREATE FUNCTION siyu.classification_days_kept() RETURNS integer
  LANGUAGE sql IMMUTABLE AS $$ SELECT 8 $$;

-- Every customer's stages on `day`, as siyu.customer_classification(day)
-- gives them. The first caller after a change of the facts builds the day;
-- callers for the same day meanwhile wait for that build and read it (a
-- journey needs the day itself, there is no previous build to serve).
-- SECURITY DEFINER: Cube's read-only role may have a day built but cannot
-- write anything itself.
CREATE FUNCTION siyu.classification_on(on_day date)
  RETURNS TABLE (customer_id integer, lifecycle_stage text, rfm_segment text, aipl_stage text, five_a_stage text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, siyu
  ROWS 100000
  AS $$
    DECLARE
      wanted text;
      started timestamptz;
    BEGIN
      IF on_day = siyu.as_of() THEN
        -- Brought up to date the way every other reader of it does.
        PERFORM siyu.classification_now_version();
        RETURN QUERY SELECT now_row.customer_id, now_row.lifecycle_stage, now_row.rfm_segment, now_row.aipl_stage, now_row.five_a_stage
          FROM siyu.classification_now AS now_row;
        RETURN;
      END IF;
      wanted := siyu.classification_version();
      IF NOT EXISTS (SELECT 1 FROM siyu.classification_day_builds AS b WHERE b.day = on_day AND b.version = wanted) THEN
        PERFORM pg_advisory_xact_lock(hashtext('siyu.classification_on'), on_day - DATE '2000-01-01');
        -- Read again: whoever held the lock may have built it meanwhile.
        wanted := siyu.classification_version();
        IF NOT EXISTS (SELECT 1 FROM siyu.classification_day_builds AS b WHERE b.day = on_day AND b.version = wanted) THEN
          started := clock_timestamp();
          DELETE FROM siyu.classification_day_builds AS b WHERE b.day = on_day;
          -- Facts written while it is built make the next call build again:
          -- the version recorded is the one read before the build.
          INSERT INTO siyu.classification_day_builds (day, version, built_at, took_ms) VALUES (on_day, wanted, now(), 0);
          INSERT INTO siyu.classification_day_rows (day, customer_id, lifecycle_stage, rfm_segment, aipl_stage, five_a_stage)
            SELECT on_day, c.customer_id, c.lifecycle_stage, c.rfm_segment, c.aipl_stage, c.five_a_stage
            FROM siyu.customer_classification(on_day) AS c;
          UPDATE siyu.classification_day_builds AS b
            SET took_ms = (EXTRACT(EPOCH FROM clock_timestamp() - started) * 1000)::integer
            WHERE b.day = on_day;
          DELETE FROM siyu.classification_day_builds AS b
            WHERE b.day NOT IN (SELECT k.day FROM siyu.classification_day_builds AS k ORDER BY k.built_at DESC, k.day DESC LIMIT siyu.classification_days_kept());
        END IF;
      END IF;
      RETURN QUERY SELECT r.customer_id, r.lifecycle_stage, r.rfm_segment, r.aipl_stage, r.five_a_stage
        FROM siyu.classification_day_rows AS r WHERE r.day = on_day;
    END
  $$;
