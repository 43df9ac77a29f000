-- The segments page's journey flows without pairing every customer after each
-- write (issue 19, docs/performance.md "Journey flows after a write"). Until
-- now each write changed the journey cube's refresh key and the tile paired
-- both days' rows again (siyu.journey_pairs, migration 035): every customer,
-- 2.5 / 3.8 s p50 / p95 at a million. A past day cannot change with a write
-- dated after it (migration 025: its rows are kept until one reaches it), and
-- the as-of side is kept customer by customer (migration 026), so a pair of
-- days is now counted once per owner, source channel, family and (from stage,
-- to stage), and the counts kept:
--
-- * A pair ending as-of (`to_now`) pairs the start day's kept rows
--   (siyu.classification_day_rows) against siyu.classification_now. Statement-
--   level triggers on classification_now (the refresh's writes) add the rows
--   it wrote and take out the rows it replaced, each with its customer's
--   start-day stages (not_registered without a row) and current owner and
--   channel; triggers on the customers move a customer's counts when its
--   owner, channel or id changes, or it comes or goes: the same invariant and
--   the same build lock as siyu.classification_counts (migration 039).
-- * A pair of two past days counts both days' rows; nothing writes it. A move
--   of a customer drops it (counted again when next asked).
-- * A pair is valid while its days' builds are the ones it was counted on
--   (siyu.classification_day_builds' version and built_at: a day built again
--   after a write reaching it, or dropped from the kept days, takes its pairs
--   with it), and a to_now pair while as-of is the day it was counted for.
--
-- Invariant of a valid to_now pair: its rows are the sum, over the rows of
-- classification_now whose customer exists, of (start-day stages, as-of
-- stages) per family under the customer's current owner and source channel.
CREATE UNLOGGED TABLE siyu.journey_count_pairs (
  from_day          date NOT NULL,
  to_day            date NOT NULL,
  to_now            boolean NOT NULL,
  from_version      text NOT NULL,
  from_built_at     timestamptz NOT NULL,
  to_version        text,
  to_built_at       timestamptz,
  counted_at        timestamptz NOT NULL,
  PRIMARY KEY (from_day, to_day)
);

CREATE UNLOGGED TABLE siyu.journey_counts (
  from_day           date NOT NULL,
  to_day             date NOT NULL,
  family             text NOT NULL,
  from_stage         text,
  to_stage           text,
  owner_employee_id  integer,
  source_channel_id  integer,
  customers          bigint NOT NULL,
  FOREIGN KEY (from_day, to_day) REFERENCES siyu.journey_count_pairs (from_day, to_day) ON DELETE CASCADE,
  CONSTRAINT journey_counts_key UNIQUE NULLS NOT DISTINCT
    (from_day, to_day, family, from_stage, to_stage, owner_employee_id, source_channel_id)
);
CREATE INDEX journey_counts_empty_idx ON siyu.journey_counts (from_day) WHERE customers = 0;

-- How many pairs are kept: the most recently counted ones (each to_now pair
-- costs every classification write one more delta).
CREATE FUNCTION siyu.journey_count_pairs_kept() RETURNS integer
  LANGUAGE sql IMMUTABLE AS $$ SELECT 8 $$;

-- The pairs whose days' builds are gone or were built again.
CREATE FUNCTION siyu.journey_count_pairs_prune() RETURNS void
  LANGUAGE sql
  AS $$
    DELETE FROM siyu.journey_count_pairs AS p
    WHERE NOT EXISTS (SELECT 1 FROM siyu.classification_day_builds AS b
                      WHERE b.day = p.from_day AND b.version = p.from_version AND b.built_at = p.from_built_at)
       OR (NOT p.to_now AND NOT EXISTS (SELECT 1 FROM siyu.classification_day_builds AS b
                      WHERE b.day = p.to_day AND b.version = p.to_version AND b.built_at = p.to_built_at));
  $$;

-- The statement that adds a delta to every to_now pair: `moved` holds (sign,
-- owner_employee_id, source_channel_id, customer_id and the as-of stages) per
-- customer row moved in (+1) or out (-1). Keys in their order, so two writers
-- lock shared rows in the same order. A text the trigger functions EXECUTE
-- themselves: their transition tables are visible to their own statements only.
CREATE FUNCTION siyu.journey_counts_sql(moved text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE
  AS $$
    BEGIN
      RETURN format($sql$
        INSERT INTO siyu.journey_counts AS k
        SELECT p.from_day, p.to_day, f.family, f.from_stage, f.to_stage, m.owner_employee_id, m.source_channel_id, sum(m.sign)
        FROM (%s) AS m
        CROSS JOIN siyu.journey_count_pairs AS p
        LEFT JOIN siyu.classification_day_rows AS d ON d.day = p.from_day AND d.customer_id = m.customer_id
        CROSS JOIN LATERAL (VALUES
          ('lifecycle_stage', CASE WHEN d.customer_id IS NULL THEN 'not_registered' ELSE d.lifecycle_stage END, m.lifecycle_stage),
          ('rfm_segment', CASE WHEN d.customer_id IS NULL THEN 'not_registered' ELSE COALESCE(d.rfm_segment, 'none') END,
            COALESCE(m.rfm_segment, 'none')),
          ('aipl_stage', CASE WHEN d.customer_id IS NULL THEN 'not_registered' ELSE d.aipl_stage END, m.aipl_stage),
          ('five_a_stage', CASE WHEN d.customer_id IS NULL THEN 'not_registered' ELSE d.five_a_stage END, m.five_a_stage)
        ) AS f (family, from_stage, to_stage)
        WHERE p.to_now
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        HAVING sum(m.sign) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6, 7
        ON CONFLICT ON CONSTRAINT journey_counts_key DO UPDATE SET customers = k.customers + EXCLUDED.customers$sql$, moved);
    END
  $$;

-- Above this many rows in one statement (a whole rebuild of the as-of
-- classification: a roll-over, a rule change, a bulk load) the to_now pairs
-- are dropped and counted again when asked, rather than updated.
CREATE FUNCTION siyu.journey_counts_delta_limit() RETURNS integer
  LANGUAGE sql IMMUTABLE AS $$ SELECT 20000 $$;

-- The classification's writes (the refresh, already under the build lock).
CREATE FUNCTION siyu.journey_counts_now() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      side text := 'SELECT %s AS sign, c.owner_employee_id, c.source_channel_id, r.customer_id, r.lifecycle_stage, r.rfm_segment, r.aipl_stage, r.five_a_stage FROM %I AS r JOIN siyu.customers AS c ON c.id = r.customer_id';
      big boolean;
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM siyu.journey_count_pairs WHERE to_now) THEN
        RETURN NULL;
      END IF;
      IF TG_OP = 'DELETE' THEN
        EXECUTE format('SELECT count(*) > %s FROM (SELECT 1 FROM old_rows LIMIT %s) AS s', siyu.journey_counts_delta_limit(),
          siyu.journey_counts_delta_limit() + 1) INTO big;
      ELSE
        EXECUTE format('SELECT count(*) > %s FROM (SELECT 1 FROM new_rows LIMIT %s) AS s', siyu.journey_counts_delta_limit(),
          siyu.journey_counts_delta_limit() + 1) INTO big;
      END IF;
      IF big THEN
        DELETE FROM siyu.journey_count_pairs WHERE to_now;
        RETURN NULL;
      END IF;
      PERFORM siyu.journey_count_pairs_prune();
      EXECUTE siyu.journey_counts_sql(CASE TG_OP
        WHEN 'INSERT' THEN format(side, 1, 'new_rows')
        WHEN 'DELETE' THEN format(side, -1, 'old_rows')
        ELSE format(side, 1, 'new_rows') || ' UNION ALL ' || format(side, -1, 'old_rows') END);
      DELETE FROM siyu.journey_counts WHERE customers = 0;
      RETURN NULL;
    END
  $$;

-- The customers' writes: a customer's counts out under its old owner and
-- channel, in under its new ones (to_now pairs); pairs of two past days
-- dropped. Only statements that may move a classified customer take the
-- build lock, as in migration 039.
CREATE FUNCTION siyu.journey_counts_customers() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      side text := 'SELECT %s AS sign, c.owner_employee_id, c.source_channel_id, r.customer_id, r.lifecycle_stage, r.rfm_segment, r.aipl_stage, r.five_a_stage FROM %I AS c JOIN siyu.classification_now AS r ON r.customer_id = c.id';
      moves boolean;
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM siyu.journey_count_pairs) THEN
        RETURN NULL;
      END IF;
      IF TG_OP = 'INSERT' THEN
        moves := EXISTS (SELECT 1 FROM new_rows AS n JOIN siyu.classification_now AS r ON r.customer_id = n.id);
      ELSIF TG_OP = 'DELETE' THEN
        moves := EXISTS (SELECT 1 FROM old_rows);
      ELSE
        moves := EXISTS (SELECT 1 FROM old_rows AS o FULL JOIN new_rows AS n ON n.id = o.id
                         WHERE o.id IS NULL OR n.id IS NULL
                            OR ROW(o.owner_employee_id, o.source_channel_id) IS DISTINCT FROM ROW(n.owner_employee_id, n.source_channel_id));
      END IF;
      IF NOT moves THEN
        RETURN NULL;
      END IF;
      PERFORM pg_advisory_xact_lock(hashtext('siyu.classification_now'));
      DELETE FROM siyu.journey_count_pairs WHERE NOT to_now;
      PERFORM siyu.journey_count_pairs_prune();
      EXECUTE siyu.journey_counts_sql(CASE TG_OP
        WHEN 'INSERT' THEN format(side, 1, 'new_rows')
        WHEN 'DELETE' THEN format(side, -1, 'old_rows')
        ELSE format(side, 1, 'new_rows') || ' UNION ALL ' || format(side, -1, 'old_rows') END);
      DELETE FROM siyu.journey_counts WHERE customers = 0;
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.journey_counts_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      DELETE FROM siyu.journey_count_pairs WHERE to_now OR TG_TABLE_NAME = 'customers';
      RETURN NULL;
    END
  $$;

CREATE TRIGGER journey_counts_insert AFTER INSERT ON siyu.classification_now
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.journey_counts_now();
CREATE TRIGGER journey_counts_update AFTER UPDATE ON siyu.classification_now
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.journey_counts_now();
CREATE TRIGGER journey_counts_delete AFTER DELETE ON siyu.classification_now
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.journey_counts_now();
CREATE TRIGGER journey_counts_truncate AFTER TRUNCATE ON siyu.classification_now
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.journey_counts_truncate();

CREATE TRIGGER customers_journey_counts_insert AFTER INSERT ON siyu.customers
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.journey_counts_customers();
CREATE TRIGGER customers_journey_counts_update AFTER UPDATE ON siyu.customers
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.journey_counts_customers();
CREATE TRIGGER customers_journey_counts_delete AFTER DELETE ON siyu.customers
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.journey_counts_customers();
CREATE TRIGGER customers_journey_counts_truncate AFTER TRUNCATE ON siyu.customers
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.journey_counts_truncate();

-- What the journey counts cube reads: the pair's counts (of one family, or
-- all four when only_family is null), counted first when the pair is not
-- kept or no longer valid. Both days are made current first as
-- siyu.journey_pairs does; a pair whose start is as-of (nothing to keep) is
-- counted on the fly.
CREATE FUNCTION siyu.journey_flow_counts(from_day date, to_day date, only_family text DEFAULT NULL)
  RETURNS TABLE (family text, from_stage text, to_stage text, owner_employee_id integer, source_channel_id integer, customers bigint)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, siyu
  SET enable_hashjoin = off
  ROWS 2000
  AS $$
    DECLARE
      as_of date := siyu.as_of();
      ends_now boolean := to_day = as_of;
      count_sql text := $q$
        SELECT f.family, f.from_stage, f.to_stage, c.owner_employee_id, c.source_channel_id, count(*)
        FROM siyu.journey_pairs(%L, %L) AS j
        JOIN siyu.customers AS c ON c.id = j.customer_id
        CROSS JOIN LATERAL (VALUES
          ('lifecycle_stage', j.from_lifecycle_stage, j.to_lifecycle_stage), ('rfm_segment', j.from_rfm_segment, j.to_rfm_segment),
          ('aipl_stage', j.from_aipl_stage, j.to_aipl_stage), ('five_a_stage', j.from_five_a_stage, j.to_five_a_stage)
        ) AS f (family, from_stage, to_stage)
        WHERE %L IS NULL OR f.family = %L
        GROUP BY 1, 2, 3, 4, 5$q$;
      fresh boolean;
    BEGIN
      WHILE siyu.journey_day_ready(from_day) OR siyu.journey_day_ready(to_day) LOOP
      END LOOP;
      IF from_day >= as_of OR from_day >= to_day THEN
        RETURN QUERY EXECUTE format(count_sql, from_day, to_day, only_family, only_family);
        RETURN;
      END IF;
      fresh := EXISTS (
        SELECT 1 FROM siyu.journey_count_pairs AS p
        JOIN siyu.classification_day_builds AS b ON b.day = p.from_day AND b.version = p.from_version AND b.built_at = p.from_built_at
        LEFT JOIN siyu.classification_day_builds AS t ON t.day = p.to_day AND t.version = p.to_version AND t.built_at = p.to_built_at
        WHERE p.from_day = journey_flow_counts.from_day AND p.to_day = journey_flow_counts.to_day
          AND p.to_now = ends_now AND (p.to_now OR t.day IS NOT NULL));
      IF NOT fresh THEN
        -- Under the build lock: no refresh or owner move commits between the
        -- count and the pair's first delta (each waits for this statement).
        PERFORM pg_advisory_xact_lock(hashtext('siyu.classification_now'));
        PERFORM siyu.journey_count_pairs_prune();
        DELETE FROM siyu.journey_count_pairs AS p WHERE p.from_day = journey_flow_counts.from_day AND p.to_day = journey_flow_counts.to_day;
        DELETE FROM siyu.journey_count_pairs AS p WHERE p.to_now AND p.to_day <> as_of;
        INSERT INTO siyu.journey_count_pairs
          SELECT from_day, to_day, ends_now, b.version, b.built_at, t.version, t.built_at, clock_timestamp()
          FROM siyu.classification_day_builds AS b
          LEFT JOIN siyu.classification_day_builds AS t ON t.day = journey_flow_counts.to_day AND NOT ends_now
          WHERE b.day = journey_flow_counts.from_day;
        -- In the key's order: a family's rows of the pair sit together on disk.
        EXECUTE format('INSERT INTO siyu.journey_counts SELECT %L::date, %L::date, s.* FROM (%s) AS s ORDER BY 1, 2, 3, 4, 5, 6, 7',
          from_day, to_day, format(count_sql, from_day, to_day, NULL, NULL));
        DELETE FROM siyu.journey_count_pairs AS p
          WHERE (p.from_day, p.to_day) NOT IN (SELECT k.from_day, k.to_day FROM siyu.journey_count_pairs AS k
                                               ORDER BY k.counted_at DESC LIMIT siyu.journey_count_pairs_kept());
      END IF;
      IF only_family IS NULL THEN
        RETURN QUERY SELECT k.family, k.from_stage, k.to_stage, k.owner_employee_id, k.source_channel_id, k.customers
          FROM siyu.journey_counts AS k
          WHERE k.from_day = journey_flow_counts.from_day AND k.to_day = journey_flow_counts.to_day AND k.customers <> 0;
      ELSE
        RETURN QUERY SELECT k.family, k.from_stage, k.to_stage, k.owner_employee_id, k.source_channel_id, k.customers
          FROM siyu.journey_counts AS k
          WHERE k.from_day = journey_flow_counts.from_day AND k.to_day = journey_flow_counts.to_day AND k.family = only_family
            AND k.customers <> 0;
      END IF;
    END
  $$;
