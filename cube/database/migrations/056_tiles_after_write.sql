-- What a tile pays after a new write (issue 19, docs/performance.md "The
-- classification's tiles after a write"). The first query after a write runs
-- the as-of classification's refresh in its refresh key
-- (siyu.classification_now_version): at 200,000 customers about 200 ms for
-- one written customer, of which
--   * about 70 ms the journey counts' delta (migration 047): its start-day
--     stages were joined by a hash over every kept day row
--     (siyu.classification_day_rows: 160k rows per kept day at 200k, a
--     sequential scan per write, growing with the customers);
--   * about 50 ms the thresholds (migration 026): both medians from arrays
--     of the whole histograms (4,936 value points at 200k), a window and
--     eight scans of it per median.
-- Both are replaced by the same numbers read through indexes. Nothing else
-- changes: the same rows, the same deltas, the same thresholds.

-- 1. The journey counts' delta: each moved customer's start-day row looked
-- up by its key (day, customer) instead of hashing every kept day row. The
-- LATERAL's OFFSET 0 keeps it a per-row index lookup; the rest of the
-- statement is migration 047's.
CREATE OR REPLACE FUNCTION siyu.journey_counts_sql(moved text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE
  AS $$
    BEGIN
      RETURN format($sql$
        INSERT INTO siyu.journey_counts AS k
        SELECT p.from_day, p.to_day, f.family, f.from_stage, f.to_stage, m.owner_employee_id, m.source_channel_id, sum(m.sign)
        FROM (%s) AS m
        CROSS JOIN siyu.journey_count_pairs AS p
        LEFT JOIN LATERAL (
          SELECT r.customer_id, r.lifecycle_stage, r.rfm_segment, r.aipl_stage, r.five_a_stage
          FROM siyu.classification_day_rows AS r
          WHERE r.day = p.from_day AND r.customer_id = m.customer_id
          OFFSET 0
        ) AS d ON TRUE
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

-- 2. A histogram's median (siyu.classification_points, one row per measure
-- and value: its customers), as siyu.classification_median computes it from
-- arrays (definitions/customer_classification.sql: PERCENTILE_CONT(0.5) on
-- double precision), with the same expressions: the position 0.5 × (n − 1),
-- the first value whose running count passes its floor and its ceiling, the
-- fraction between them. The running count is read in the primary key's
-- order and stops at the first value past the position (LIMIT 1), so a
-- median costs the values up to it and one sum of the counts, not a sort
-- and eight scans of the whole histogram.
CREATE FUNCTION siyu.classification_points_median(which text) RETURNS double precision
  LANGUAGE sql STABLE
  AS $$
    WITH p AS MATERIALIZED (
      SELECT 0.5::double precision * ((SELECT sum(k.customers) FROM siyu.classification_points AS k
                                       WHERE k.measure = which AND k.customers > 0) - 1)::double precision AS pos
    ),
    ends AS MATERIALIZED (
      SELECT p.pos,
             (SELECT h.v FROM (SELECT k.points, k.points::double precision AS v, sum(k.customers) OVER (ORDER BY k.points) AS upto
                               FROM siyu.classification_points AS k WHERE k.measure = which AND k.customers > 0) AS h
              WHERE h.upto > floor(p.pos) ORDER BY h.points LIMIT 1) AS lo,
             (SELECT h.v FROM (SELECT k.points, k.points::double precision AS v, sum(k.customers) OVER (ORDER BY k.points) AS upto
                               FROM siyu.classification_points AS k WHERE k.measure = which AND k.customers > 0) AS h
              WHERE h.upto > ceil(p.pos) ORDER BY h.points LIMIT 1) AS hi
      FROM p
    )
    SELECT CASE
             WHEN ends.pos IS NULL THEN NULL
             WHEN floor(ends.pos) = ceil(ends.pos) THEN ends.lo
             ELSE ends.lo + ((ends.pos - floor(ends.pos)) * (ends.hi - ends.lo))
           END
    FROM ends
  $$;

-- The thresholds from the kept sums and histograms (migration 026's
-- function): the means as siyu.classification_thresholds computes them (sum
-- over the buyers in numeric), the medians by siyu.classification_points_median.
-- test/model/classification-incremental.test.ts compares it with
-- siyu.classification_thresholds over the arrays, on the seeded histograms
-- and on random ones.
CREATE OR REPLACE FUNCTION siyu.classification_now_thresholds()
  RETURNS TABLE (mean_r numeric, mean_f numeric, mean_m numeric,
                 median_activity double precision, median_value double precision)
  LANGUAGE sql STABLE
  AS $$
    SELECT s.recency_sum / NULLIF(s.buyers, 0)::numeric,
           s.orders_sum / NULLIF(s.buyers, 0)::numeric,
           s.amount_sum / NULLIF(s.buyers, 0)::numeric,
           siyu.classification_points_median('activity'),
           siyu.classification_points_median('value')
    FROM (SELECT coalesce((SELECT buyers FROM siyu.classification_sums), 0) AS buyers,
                 (SELECT recency_sum FROM siyu.classification_sums) AS recency_sum,
                 (SELECT orders_sum FROM siyu.classification_sums) AS orders_sum,
                 (SELECT amount_sum FROM siyu.classification_sums) AS amount_sum) AS s
  $$;

-- 3. The counts at coarser grains. After a write the tiles' queries run
-- again (the refresh key moved) and summed every row of
-- siyu.classification_counts (owner × source channel × the five stages:
-- 79,973 rows at 200k, several hundred thousand at 1M) for a brand-wide
-- count of 4–8 groups, or a per-owner backlog of 500. The same sums are kept
-- at three coarser grains, in one table, by a statement-level trigger on
-- siyu.classification_counts itself (whose writers all hold the
-- classification's build lock, so these deltas are serialized as theirs):
--   brand         the five stages (no owner, no channel): 118 rows at 200k
--   owner         the owner alone (no stage, no channel): one row per owner
--   owner_stages  the owner and the five stages (no channel)
-- The server picks the grain from the query's members (after the role's
-- limits: cube/engine/count-grain.ts); a query cut by the source channel
-- reads siyu.classification_counts as before. Every measure is a sum, so a
-- grain's rows add up to the same numbers as the finest rows they group.
-- Invariant: for each grain, the table is siyu.classification_counts summed
-- to that grain (rows with no customer removed, as there).
CREATE TABLE siyu.classification_count_grains (
  grain                  text NOT NULL CHECK (grain IN ('brand', 'owner', 'owner_stages')),
  owner_employee_id      integer,
  lifecycle_stage        text,
  rfm_segment            text,
  aipl_stage             text,
  five_a_stage           text,
  value_quadrant         text,
  customers              bigint NOT NULL,
  buyers                 bigint NOT NULL,
  lifetime_gmv           numeric NOT NULL,
  churned_buyers         bigint NOT NULL,
  birthday_soon          bigint NOT NULL,
  booked_not_arrived     bigint NOT NULL,
  high_value_slipping    bigint NOT NULL,
  first_order_follow_up  bigint NOT NULL,
  CONSTRAINT classification_count_grains_key UNIQUE NULLS NOT DISTINCT
    (grain, owner_employee_id, lifecycle_stage, rfm_segment, aipl_stage, five_a_stage, value_quadrant)
);

-- `moved`: (sign, a classification_counts row) per row written in (+1) or out (-1).
CREATE FUNCTION siyu.classification_count_grains_sql(moved text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE
  AS $$
    BEGIN
      RETURN format($sql$
        INSERT INTO siyu.classification_count_grains AS g
        SELECT CASE GROUPING(m.owner_employee_id, m.lifecycle_stage) WHEN 2 THEN 'brand' WHEN 1 THEN 'owner' ELSE 'owner_stages' END,
               m.owner_employee_id, m.lifecycle_stage, m.rfm_segment, m.aipl_stage, m.five_a_stage, m.value_quadrant,
               sum(m.sign * m.customers), sum(m.sign * m.buyers), sum(m.sign * m.lifetime_gmv), sum(m.sign * m.churned_buyers),
               sum(m.sign * m.birthday_soon), sum(m.sign * m.booked_not_arrived), sum(m.sign * m.high_value_slipping),
               sum(m.sign * m.first_order_follow_up)
        FROM (%s) AS m
        GROUP BY GROUPING SETS (
          (m.lifecycle_stage, m.rfm_segment, m.aipl_stage, m.five_a_stage, m.value_quadrant),
          (m.owner_employee_id),
          (m.owner_employee_id, m.lifecycle_stage, m.rfm_segment, m.aipl_stage, m.five_a_stage, m.value_quadrant))
        HAVING sum(m.sign * m.customers) <> 0 OR sum(m.sign * m.buyers) <> 0 OR sum(m.sign * m.lifetime_gmv) <> 0
            OR sum(m.sign * m.churned_buyers) <> 0 OR sum(m.sign * m.birthday_soon) <> 0 OR sum(m.sign * m.booked_not_arrived) <> 0
            OR sum(m.sign * m.high_value_slipping) <> 0 OR sum(m.sign * m.first_order_follow_up) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6, 7
        ON CONFLICT ON CONSTRAINT classification_count_grains_key DO UPDATE SET
          customers = g.customers + EXCLUDED.customers, buyers = g.buyers + EXCLUDED.buyers,
          lifetime_gmv = g.lifetime_gmv + EXCLUDED.lifetime_gmv, churned_buyers = g.churned_buyers + EXCLUDED.churned_buyers,
          birthday_soon = g.birthday_soon + EXCLUDED.birthday_soon, booked_not_arrived = g.booked_not_arrived + EXCLUDED.booked_not_arrived,
          high_value_slipping = g.high_value_slipping + EXCLUDED.high_value_slipping,
          first_order_follow_up = g.first_order_follow_up + EXCLUDED.first_order_follow_up$sql$, moved);
    END
  $$;

-- The rows a delta emptied, removed after each delta.
CREATE INDEX classification_count_grains_empty_idx ON siyu.classification_count_grains (grain) WHERE customers = 0;

-- A statement that wrote no row (the refresh's and the customers' triggers
-- end with a DELETE of empty rows, mostly none) costs one look at its
-- transition table.
CREATE FUNCTION siyu.classification_count_grains_delta() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      wrote boolean;
    BEGIN
      EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', CASE TG_OP WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END) INTO wrote;
      IF NOT wrote THEN
        RETURN NULL;
      END IF;
      EXECUTE siyu.classification_count_grains_sql(CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT 1 AS sign, * FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT -1 AS sign, * FROM old_rows'
        ELSE 'SELECT 1 AS sign, * FROM new_rows UNION ALL SELECT -1 AS sign, * FROM old_rows' END);
      DELETE FROM siyu.classification_count_grains WHERE customers = 0;
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.classification_count_grains_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      TRUNCATE siyu.classification_count_grains;
      RETURN NULL;
    END
  $$;

CREATE TRIGGER classification_count_grains_insert AFTER INSERT ON siyu.classification_counts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.classification_count_grains_delta();
CREATE TRIGGER classification_count_grains_update AFTER UPDATE ON siyu.classification_counts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.classification_count_grains_delta();
CREATE TRIGGER classification_count_grains_delete AFTER DELETE ON siyu.classification_counts
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.classification_count_grains_delta();
CREATE TRIGGER classification_count_grains_truncate AFTER TRUNCATE ON siyu.classification_counts
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.classification_count_grains_truncate();

-- Built once from the finest rows, under the build lock (no delta meanwhile).
SELECT pg_advisory_xact_lock(hashtext('siyu.classification_now'));
DO $$
BEGIN
  EXECUTE siyu.classification_count_grains_sql('SELECT 1 AS sign, * FROM siyu.classification_counts');
END
$$;
ANALYZE siyu.classification_count_grains;

-- 4. The journey counts of the brand: per pair × family × (start stage, end
-- stage), without owner and channel (19 rows for a lifecycle pair, against
-- 38,627 at 200k), kept by a statement-level trigger on siyu.journey_counts
-- (its count when a pair is first counted, each to_now delta), dropped with
-- its pair (the same foreign key as siyu.journey_counts). A delta of a pair
-- already gone (a cascaded delete) is skipped: its brand rows went with it.
-- Invariant: for each kept pair, the rows are siyu.journey_counts of that
-- pair summed over owner and channel.
CREATE UNLOGGED TABLE siyu.journey_counts_brand (
  from_day    date NOT NULL,
  to_day      date NOT NULL,
  family      text NOT NULL,
  from_stage  text,
  to_stage    text,
  customers   bigint NOT NULL,
  FOREIGN KEY (from_day, to_day) REFERENCES siyu.journey_count_pairs (from_day, to_day) ON DELETE CASCADE,
  CONSTRAINT journey_counts_brand_key UNIQUE NULLS NOT DISTINCT (from_day, to_day, family, from_stage, to_stage)
);

CREATE INDEX journey_counts_brand_empty_idx ON siyu.journey_counts_brand (from_day) WHERE customers = 0;

CREATE FUNCTION siyu.journey_counts_brand_delta() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      wrote boolean;
    BEGIN
      EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', CASE TG_OP WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END) INTO wrote;
      IF NOT wrote THEN
        RETURN NULL;
      END IF;
      EXECUTE format($sql$
        INSERT INTO siyu.journey_counts_brand AS b
        SELECT m.from_day, m.to_day, m.family, m.from_stage, m.to_stage, sum(m.sign * m.customers)
        FROM (%s) AS m
        WHERE EXISTS (SELECT 1 FROM siyu.journey_count_pairs AS p WHERE p.from_day = m.from_day AND p.to_day = m.to_day)
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(m.sign * m.customers) <> 0
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT ON CONSTRAINT journey_counts_brand_key DO UPDATE SET customers = b.customers + EXCLUDED.customers$sql$,
        CASE TG_OP
          WHEN 'INSERT' THEN 'SELECT 1 AS sign, * FROM new_rows'
          WHEN 'DELETE' THEN 'SELECT -1 AS sign, * FROM old_rows'
          ELSE 'SELECT 1 AS sign, * FROM new_rows UNION ALL SELECT -1 AS sign, * FROM old_rows' END);
      DELETE FROM siyu.journey_counts_brand WHERE customers = 0;
      RETURN NULL;
    END
  $$;

CREATE TRIGGER journey_counts_brand_insert AFTER INSERT ON siyu.journey_counts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.journey_counts_brand_delta();
CREATE TRIGGER journey_counts_brand_update AFTER UPDATE ON siyu.journey_counts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.journey_counts_brand_delta();
CREATE TRIGGER journey_counts_brand_delete AFTER DELETE ON siyu.journey_counts
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.journey_counts_brand_delta();

INSERT INTO siyu.journey_counts_brand
  SELECT from_day, to_day, family, from_stage, to_stage, sum(customers)
  FROM siyu.journey_counts GROUP BY 1, 2, 3, 4, 5 HAVING sum(customers) <> 0 ORDER BY 1, 2, 3, 4, 5;

-- What the journey counts cube reads at a grain: 'brand' the kept brand rows
-- (owner and channel null) once the pair is current, anything else
-- siyu.journey_flow_counts as before. The pair is made current by
-- siyu.journey_flow_counts itself, asked for a family no row has (it
-- classifies the days and counts the pair when needed, and returns nothing);
-- a pair that is not kept (its start is as-of or after its end) is summed on
-- the fly.
CREATE FUNCTION siyu.journey_flow_counts_at(from_day date, to_day date, only_family text, grain text)
  RETURNS TABLE (family text, from_stage text, to_stage text, owner_employee_id integer, source_channel_id integer, customers bigint)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, siyu
  ROWS 2000
  AS $$
    BEGIN
      IF grain IS DISTINCT FROM 'brand' THEN
        RETURN QUERY SELECT * FROM siyu.journey_flow_counts(from_day, to_day, only_family);
        RETURN;
      END IF;
      IF from_day >= siyu.as_of() OR from_day >= to_day THEN
        RETURN QUERY SELECT k.family, k.from_stage, k.to_stage, NULL::integer, NULL::integer, sum(k.customers)::bigint
          FROM siyu.journey_flow_counts(from_day, to_day, only_family) AS k GROUP BY 1, 2, 3;
        RETURN;
      END IF;
      PERFORM 1 FROM siyu.journey_flow_counts(from_day, to_day, '');
      RETURN QUERY SELECT b.family, b.from_stage, b.to_stage, NULL::integer, NULL::integer, b.customers
        FROM siyu.journey_counts_brand AS b
        WHERE b.from_day = journey_flow_counts_at.from_day AND b.to_day = journey_flow_counts_at.to_day
          AND (only_family IS NULL OR b.family = only_family) AND b.customers <> 0;
    END
  $$;
