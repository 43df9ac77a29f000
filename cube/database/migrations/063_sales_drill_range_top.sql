-- The custom-range sales drill list's first pages by a threshold walk (issue
-- 19, docs/performance.md "The custom-range drill list's first page: the
-- threshold walk (built, migration 063)").
--
-- The full ranking (siyu.sales_drill_range_rows, migration 052) pairs every
-- buyer of the range; a first page needs only the customers whose range GMV
-- can reach its last row's. A customer's GMV in [a, b] is at most their
-- lifetime GMV (amounts are >= 0): the running amount of their last row
-- (next_day IS NULL, migration 046). So:
--   1. probe: the customers of the largest lifetimes (a partial index on the
--      last rows), each one's GMV in [a, b] from their first and last row of
--      the range; floor = the n-th largest of those (n = the page's end);
--   2. candidates: every customer whose lifetime is >= floor. The true n-th
--      range GMV is >= floor (the probe is a subset), so every customer of the
--      true first n (ties included: their GMV >= the n-th >= floor) is a
--      candidate; their range GMV ranked (GMV desc, customer id) and cut to n
--      is exactly the full ranking's first n.
-- The walk pays when the candidates are few against the range's buyers (a
-- long range: a high floor); on a short range the floor is low, most
-- customers are candidates, and the full ranking is cheap anyway. Both counts
-- are index-only and capped, so deciding costs about as much as the walk's
-- own reads. The floor is a constant of a dynamic statement: as a parameter,
-- the generic plan scanned the table for the candidates.
--
-- One more index on siyu.sales_paid_days, kept by its writers as they are
-- (migrations 038, 046); the build drops and recreates it with the others.
CREATE INDEX sales_paid_days_lifetime_idx ON siyu.sales_paid_days (running_amount DESC, customer_id) WHERE next_day IS NULL;

-- Migration 046's indexes and the lifetime index.
CREATE OR REPLACE FUNCTION siyu.sales_paid_days_indexes() RETURNS void
  LANGUAGE plpgsql
  AS $$
  BEGIN
    CREATE INDEX sales_paid_days_day_idx ON siyu.sales_paid_days (day_start)
      INCLUDE (employee_id, paid_orders, paid_amount, prev_day, team_prev_day, any_prev_day, customer_id);
    CREATE INDEX sales_paid_days_employee_idx ON siyu.sales_paid_days (employee_id, day_start)
      INCLUDE (paid_orders, paid_amount, prev_day, team_prev_day, any_prev_day, customer_id);
    CREATE INDEX sales_paid_days_first_idx ON siyu.sales_paid_days (day_start, (COALESCE(any_prev_day, '-infinity'::timestamptz)))
      INCLUDE (any_prev_day, customer_id, paid_amount, paid_orders, running_amount, running_orders);
    CREATE INDEX sales_paid_days_last_idx ON siyu.sales_paid_days (day_start, (COALESCE(next_day, 'infinity'::timestamptz)))
      INCLUDE (next_day, customer_id, running_amount, running_orders);
    CREATE INDEX sales_paid_days_lifetime_idx ON siyu.sales_paid_days (running_amount DESC, customer_id) WHERE next_day IS NULL;
  END
  $$;

-- Migration 046's build, dropping the lifetime index with the others.
CREATE OR REPLACE FUNCTION siyu.build_sales_paid_days() RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      built bigint;
    BEGIN
      LOCK TABLE siyu.sales_paid_days IN ACCESS EXCLUSIVE MODE;
      DROP INDEX IF EXISTS siyu.sales_paid_days_day_idx, siyu.sales_paid_days_employee_idx, siyu.sales_paid_days_first_idx,
        siyu.sales_paid_days_last_idx, siyu.sales_paid_days_lifetime_idx;
      ALTER TABLE siyu.sales_paid_days DROP CONSTRAINT sales_paid_days_key;
      TRUNCATE siyu.sales_paid_days;
      INSERT INTO siyu.sales_paid_days
      SELECT * FROM siyu.sales_paid_days_wanted(NULL) AS w ORDER BY w.day_start, w.customer_id, w.employee_id;
      GET DIAGNOSTICS built = ROW_COUNT;
      ALTER TABLE siyu.sales_paid_days ADD CONSTRAINT sales_paid_days_key UNIQUE NULLS NOT DISTINCT (customer_id, day_start, employee_id);
      PERFORM siyu.sales_paid_days_indexes();
      RETURN built;
    END
  $$;

-- The first n customers of [a, b] (null: all time) by GMV (largest first, then the customer id), with their first paid
-- day in the range, GMV and paid orders there: the first n rows of sales_drill_range_rows(a, b) in that order.
-- walk: null decides (below), true always walks, false always ranks in full (the tests compare both).
CREATE FUNCTION siyu.sales_drill_range_top(a timestamptz, b timestamptz, n integer, walk boolean DEFAULT NULL)
  RETURNS TABLE (customer_id integer, day_start timestamptz, paid_amount numeric, paid_orders integer)
  LANGUAGE plpgsql STABLE
  AS $fn$
  DECLARE
    -- Customers whose range GMV the probe reads: enough that the n-th of them is near the true n-th on a long range
    -- (n capped here only: a larger n's probe is no use, its floor would be low anyway).
    probe integer := greatest(4 * least(n, 100000), 200);
    -- Past this many candidates the walk reads more than a first page is worth: the full ranking.
    most integer := 20000;
    -- The walk reads a candidate's two rows by the customer, about 20-25 us at 200k, where the full ranking costs about
    -- 2.5-3 us a buyer (skip scans, hash join, sort): it pays when the range has more buyers than this many per candidate.
    per_candidate integer := 10;
    lo timestamptz := COALESCE(a, '-infinity');
    hi timestamptz := COALESCE(b, 'infinity');
    -- A customer's first and last row of the range (their previous / next paid day outside it, or none; one each), by
    -- their key index from the range's start forward and its end back: only the first matches on the range's first
    -- day (a later row that day carries the day itself as its previous), only the last on its last day.
    pair text;
    floor_amount numeric;
    candidates integer;
    buyers integer;
  BEGIN
    IF n IS NULL OR n < 1 THEN
      RETURN;
    END IF;
    pair := format($q$
      CROSS JOIN LATERAL (
        SELECT f.day_start, f.running_amount, f.paid_amount, f.running_orders, f.paid_orders FROM siyu.sales_paid_days AS f
        WHERE f.customer_id = c.customer_id AND f.day_start >= %1$L::timestamptz AND f.day_start <= %2$L::timestamptz
          AND (f.any_prev_day IS NULL OR f.any_prev_day < %1$L::timestamptz)
        ORDER BY f.day_start LIMIT 1) AS f
      CROSS JOIN LATERAL (
        SELECT l.running_amount, l.running_orders FROM siyu.sales_paid_days AS l
        WHERE l.customer_id = c.customer_id AND l.day_start >= %1$L::timestamptz AND l.day_start <= %2$L::timestamptz
          AND (l.next_day IS NULL OR l.next_day > %2$L::timestamptz)
        ORDER BY l.day_start DESC LIMIT 1) AS l$q$, lo, hi);
    IF walk IS NOT FALSE THEN
      -- The floor: the n-th largest range GMV among the largest lifetimes (none when fewer than n of them bought: 0).
      EXECUTE format($q$
        SELECT min(g.gmv) FROM (
          SELECT l.running_amount - f.running_amount + f.paid_amount AS gmv
          FROM (SELECT p.customer_id FROM siyu.sales_paid_days AS p WHERE p.next_day IS NULL
                ORDER BY p.running_amount DESC, p.customer_id LIMIT %s) AS c
          %s
          ORDER BY 1 DESC LIMIT %s) AS g
        HAVING count(*) = %s$q$, probe, pair, n, n) INTO floor_amount;
      floor_amount := COALESCE(floor_amount, 0);
    END IF;
    IF walk IS NULL AND floor_amount = 0 AND isfinite(lo) AND isfinite(hi) THEN
      -- Fewer than n of the largest lifetimes bought in the range (a short one): every customer would be a candidate.
      walk := false;
    END IF;
    IF walk IS NULL THEN
      -- Candidates, then the range's buyers (their first rows), each counted from an index and capped.
      EXECUTE format($q$SELECT count(*)::int FROM (SELECT 1 FROM siyu.sales_paid_days AS p
                        WHERE p.next_day IS NULL AND p.running_amount >= %L::numeric LIMIT %s) AS c$q$, floor_amount, most + 1)
        INTO candidates;
      IF candidates <= most AND isfinite(lo) AND isfinite(hi) THEN
        EXECUTE format($q$SELECT count(*)::int FROM (SELECT 1 FROM siyu.sales_paid_days AS p
                          WHERE p.day_start >= %1$L::timestamptz AND p.day_start <= %2$L::timestamptz
                            AND COALESCE(p.any_prev_day, '-infinity'::timestamptz) < %1$L::timestamptz LIMIT %3$s) AS b$q$,
                       lo, hi, per_candidate * candidates) INTO buyers;
      END IF;
      -- All time (no range): the candidates are the first n lifetimes and their ties, always walked.
      walk := NOT (isfinite(lo) AND isfinite(hi)) OR (candidates <= most AND buyers >= per_candidate * candidates);
    END IF;
    IF walk THEN
      RETURN QUERY EXECUTE format($q$
        SELECT c.customer_id, f.day_start, l.running_amount - f.running_amount + f.paid_amount, l.running_orders - f.running_orders + f.paid_orders
        FROM (SELECT p.customer_id FROM siyu.sales_paid_days AS p WHERE p.next_day IS NULL AND p.running_amount >= %L::numeric) AS c
        %s
        ORDER BY 3 DESC, 1 LIMIT %s$q$, floor_amount, pair, n);
    ELSIF isfinite(lo) AND isfinite(hi) THEN
      RETURN QUERY SELECT r.customer_id, r.day_start, r.paid_amount, r.paid_orders
        FROM siyu.sales_drill_range_rows(lo, hi) AS r ORDER BY r.paid_amount DESC, r.customer_id LIMIT n;
    ELSE
      -- All time ranked in full: each customer's last row carries their lifetime; their first paid day is their first row's.
      RETURN QUERY SELECT l.customer_id, f.day_start, l.running_amount, l.running_orders
        FROM siyu.sales_paid_days AS l
        JOIN siyu.sales_paid_days AS f ON f.customer_id = l.customer_id AND f.any_prev_day IS NULL
        WHERE l.next_day IS NULL
        ORDER BY 3 DESC, 1 LIMIT n;
    END IF;
  END
  $fn$;
