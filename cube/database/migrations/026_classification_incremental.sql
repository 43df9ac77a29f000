-- The as-of classification kept up to date customer by customer (issue 19:
-- freshness that costs O(change)). siyu.classification_now was a
-- materialized view (migration 009) refreshed whole after every write: one
-- new order classified every customer again (17–41 s at 200,000 customers,
-- over 2 minutes at a million), and the segments page, the journeys ending
-- as-of and the classification and action-list rollups waited for it.
--
-- Now it is a table of the same name and columns (the per-customer inputs,
-- siyu.classification_inputs, are among them), and a write's customers are
-- queued by statement-level triggers; the refresh
-- (siyu.classification_now_version(), one builder under the same advisory
-- lock as before) recomputes the queued customers' inputs, the brand-wide
-- thresholds from sums and histograms it keeps from their old and new
-- inputs, and reclassifies, besides them, only the customers whose RFM
-- segment or value quadrant a moved threshold can change (those whose value
-- lies between the threshold's old and new place). The rules are
-- definitions/customer_classification.sql's, the same text
-- siyu.customer_classification(day) applies.
--
-- It is rebuilt whole (from siyu.customer_classification(as-of), writing
-- only the rows that differ) when what reaches every customer changed: the
-- rules (the definition's checksum), the business time zone, the as-of
-- date (every recency and birthday moves), a TRUNCATE or a bulk load (the
-- day counters' '-infinity' rows, migration 021, or an "everything" mark in
-- the queue), or when the queue holds too many customers to be cheaper one
-- by one.

DROP MATERIALIZED VIEW siyu.classification_now;

CREATE TABLE siyu.classification_now AS
  SELECT * FROM siyu.customer_classification(NULL::date)
  WITH NO DATA;
-- The lists join on it.
CREATE UNIQUE INDEX classification_now_customer_idx ON siyu.classification_now (customer_id);
-- Who a moved threshold can reclassify: the buyers by money, recency and
-- frequency (RFM's means), every customer by activity and value points
-- (the value quadrant's medians).
CREATE INDEX classification_now_amount_idx ON siyu.classification_now (paid_amount) WHERE paid_orders > 0;
CREATE INDEX classification_now_recency_idx ON siyu.classification_now (recency_days) WHERE paid_orders > 0;
CREATE INDEX classification_now_orders_idx ON siyu.classification_now (paid_orders) WHERE paid_orders > 0;
CREATE INDEX classification_now_activity_idx ON siyu.classification_now (activity_points);
CREATE INDEX classification_now_value_idx ON siyu.classification_now (value_points);

-- The customers whose facts were written since the last refresh; a NULL
-- row means every customer (a TRUNCATE, a bulk load, a statement that
-- touched more customers than one by one is worth). Writers only append (no
-- key, so no writer ever waits on another or on the refresh); the refresh
-- takes what is committed (DELETE … RETURNING).
CREATE TABLE siyu.classification_dirty (
  customer_id integer
);

-- What the thresholds are computed from (siyu.classification_thresholds),
-- kept from each refresh's old and new inputs: the buyers' count and sums,
-- and how many customers have each value of activity and value points.
CREATE TABLE siyu.classification_sums (
  only_row     boolean PRIMARY KEY DEFAULT TRUE CHECK (only_row),
  buyers       bigint NOT NULL,
  recency_sum  numeric NOT NULL,
  orders_sum   numeric NOT NULL,
  amount_sum   numeric NOT NULL
);
CREATE TABLE siyu.classification_points (
  measure    text NOT NULL CHECK (measure IN ('activity', 'value')),
  points     numeric NOT NULL,
  customers  bigint NOT NULL,
  PRIMARY KEY (measure, points)
);

-- The build: `version` is what the refresh key returns, and changes exactly
-- when the table's rows changed (the facts' version read before the build
-- that changed them); `facts_version` is the facts' version the table is
-- up to date with. What a whole rebuild is decided on, and the thresholds
-- the rows were classified with.
ALTER TABLE siyu.classification_builds
  ADD COLUMN facts_version text,
  ADD COLUMN rules text,
  ADD COLUMN zone text,
  ADD COLUMN as_of date,
  ADD COLUMN bulk numeric,
  ADD COLUMN mean_r numeric,
  ADD COLUMN mean_f numeric,
  ADD COLUMN mean_m numeric,
  ADD COLUMN median_activity double precision,
  ADD COLUMN median_value double precision,
  ADD COLUMN kind text,
  ADD COLUMN customers integer,
  ADD COLUMN rows_changed integer;
-- The materialized view's last build is gone with it: the next call builds the table whole.
DELETE FROM siyu.classification_builds;

-- The '-infinity' day counters of the tables the classification reads: a
-- TRUNCATE or a load with the day triggers off bumps them (migration 021).
CREATE FUNCTION siyu.classification_bulk_marker() RETURNS numeric
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(sum(changes), 0) FROM siyu.data_changes_by_day
    WHERE table_name IN ('orders', 'customers', 'events', 'follow_ups', 'appointments')
      AND day_start = '-infinity'
  $$;

-- Every customer at the next refresh: what a bulk load calls once it has
-- written with the queue's triggers off (seed/load.ts).
CREATE FUNCTION siyu.classification_mark_all() RETURNS void
  LANGUAGE sql
  AS $$ INSERT INTO siyu.classification_dirty (customer_id) VALUES (NULL) $$;

-- The statement-level trigger: TG_ARGV[0] lists the columns holding the
-- customers a row counts for (an order's customer; a customer and whom they
-- were referred by, old and new). More than 10,000 customers in one
-- statement mark every customer instead.
CREATE FUNCTION siyu.classification_mark_dirty() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      ids integer[];
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        PERFORM siyu.classification_mark_all();
        RETURN NULL;
      END IF;
      EXECUTE format('SELECT array_agg(DISTINCT c) FROM (%s) AS touched (c) WHERE c IS NOT NULL',
        CASE TG_OP
          WHEN 'INSERT' THEN format('SELECT unnest(ARRAY[%s]) FROM changed_new', TG_ARGV[0])
          WHEN 'DELETE' THEN format('SELECT unnest(ARRAY[%s]) FROM changed_old', TG_ARGV[0])
          ELSE format('SELECT unnest(ARRAY[%1$s]) FROM changed_old UNION ALL SELECT unnest(ARRAY[%1$s]) FROM changed_new', TG_ARGV[0])
        END) INTO ids;
      IF cardinality(ids) > 10000 THEN
        PERFORM siyu.classification_mark_all();
      ELSIF cardinality(ids) > 0 THEN
        INSERT INTO siyu.classification_dirty (customer_id) SELECT unnest(ids);
      END IF;
      RETURN NULL;
    END
  $$;

-- The four triggers of a table, named <table>_classification_dirty_<event>.
DO $$
  DECLARE
    t record;
  BEGIN
    FOR t IN SELECT * FROM (VALUES ('orders', 'customer_id'), ('events', 'customer_id'), ('follow_ups', 'customer_id'),
                                   ('appointments', 'customer_id'), ('customers', 'id, referred_by_customer_id')) AS v (name, cols)
    LOOP
      EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON siyu.%I REFERENCING NEW TABLE AS changed_new
                      FOR EACH STATEMENT EXECUTE FUNCTION siyu.classification_mark_dirty(%L)', t.name || '_classification_dirty_insert', t.name, t.cols);
      EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON siyu.%I REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
                      FOR EACH STATEMENT EXECUTE FUNCTION siyu.classification_mark_dirty(%L)', t.name || '_classification_dirty_update', t.name, t.cols);
      EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON siyu.%I REFERENCING OLD TABLE AS changed_old
                      FOR EACH STATEMENT EXECUTE FUNCTION siyu.classification_mark_dirty(%L)', t.name || '_classification_dirty_delete', t.name, t.cols);
      EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON siyu.%I
                      FOR EACH STATEMENT EXECUTE FUNCTION siyu.classification_mark_dirty(%L)', t.name || '_classification_dirty_truncate', t.name, t.cols);
    END LOOP;
  END
$$;

-- The thresholds from the kept sums and histograms.
CREATE FUNCTION siyu.classification_now_thresholds()
  RETURNS TABLE (mean_r numeric, mean_f numeric, mean_m numeric,
                 median_activity double precision, median_value double precision)
  LANGUAGE sql STABLE
  AS $$
    SELECT t.*
    FROM (SELECT coalesce((SELECT buyers FROM siyu.classification_sums), 0) AS buyers,
                 (SELECT recency_sum FROM siyu.classification_sums) AS recency_sum,
                 (SELECT orders_sum FROM siyu.classification_sums) AS orders_sum,
                 (SELECT amount_sum FROM siyu.classification_sums) AS amount_sum) AS s
    CROSS JOIN LATERAL siyu.classification_thresholds(
      s.buyers, s.recency_sum, s.orders_sum, s.amount_sum,
      (SELECT array_agg(points::bigint ORDER BY points) FROM siyu.classification_points WHERE measure = 'activity' AND customers > 0),
      (SELECT array_agg(customers ORDER BY points) FROM siyu.classification_points WHERE measure = 'activity' AND customers > 0),
      (SELECT array_agg(points ORDER BY points) FROM siyu.classification_points WHERE measure = 'value' AND customers > 0),
      (SELECT array_agg(customers ORDER BY points) FROM siyu.classification_points WHERE measure = 'value' AND customers > 0)) AS t
  $$;

-- The sums and histograms counted again from the table (after a whole rebuild).
CREATE FUNCTION siyu.classification_now_recount() RETURNS void
  LANGUAGE sql
  AS $$
    DELETE FROM siyu.classification_sums;
    INSERT INTO siyu.classification_sums (buyers, recency_sum, orders_sum, amount_sum)
    SELECT count(*), coalesce(sum(recency_days), 0), coalesce(sum(paid_orders), 0), coalesce(sum(paid_amount), 0)
    FROM siyu.classification_now WHERE paid_orders > 0;
    DELETE FROM siyu.classification_points;
    INSERT INTO siyu.classification_points (measure, points, customers)
    SELECT 'activity', activity_points, count(*) FROM siyu.classification_now GROUP BY activity_points
    UNION ALL
    SELECT 'value', value_points, count(*) FROM siyu.classification_now GROUP BY value_points;
  $$;

-- The refresh itself, siyu.classification_now_refresh(), is a definition
-- (definitions/classification_now_refresh.sql, applied right after this
-- migration): the function that will change over time, in one place.

-- The refresh key of everything that reads siyu.classification_now, as
-- migration 009 wrote it, now over the table: up to date with the facts
-- (one caller refreshes, under the advisory lock; a refresh after a write
-- recomputes that write's customers, a whole rebuild only when every
-- customer is reached), and the version it returns changes exactly when the
-- table's rows changed. Callers that come while another refreshes are
-- served the previous build at once (they read the previous rows until the
-- refresh commits); only when there is no build yet do they wait for it.
-- SECURITY DEFINER: Cube's read-only role may ask for the refresh but
-- cannot write anything itself.
CREATE OR REPLACE FUNCTION siyu.classification_now_version() RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, siyu
  AS $$
    DECLARE
      built siyu.classification_builds;
    BEGIN
      SELECT * INTO built FROM siyu.classification_builds;
      -- Up to date: the facts' version is the one built from, and nothing is
      -- queued (siyu.classification_mark_all queues without a fact written).
      IF built.facts_version = siyu.classification_version() AND NOT EXISTS (SELECT 1 FROM siyu.classification_dirty) THEN
        RETURN built.version;
      END IF;
      IF NOT pg_try_advisory_xact_lock(hashtext('siyu.classification_now')) THEN
        -- Someone is refreshing it: serve the build there is, if any.
        IF built.version IS NOT NULL THEN
          RETURN built.version;
        END IF;
        PERFORM pg_advisory_xact_lock(hashtext('siyu.classification_now'));
      END IF;
      -- Reads the version again: whoever held the lock may have refreshed it meanwhile.
      RETURN siyu.classification_now_refresh();
    END
  $$;
