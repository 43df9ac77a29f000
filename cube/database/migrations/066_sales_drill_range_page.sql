-- The custom-range sales drill list's pages by GMV, any depth (issue 19,
-- docs/performance.md "The custom-range drill list's deep page (built,
-- migration 066)").
--
-- A deep page (say 80 % down a year's 390,000 buyers at 1M) needs the full
-- ranking: every buyer's first and last row of the range paired by a hash join
-- (migration 052), then sorted. Through Cube that was a function scan of every
-- pair, Cube's GROUP BY over all of them, and a sort of all of them by a
-- numeric GMV: at 1M about 0.7-1.3 s, against a target of 0.8 s. Three costs
-- go here:
--   1. the sort key: a numeric comparison is several times dearer than an
--      integer one (at 1M, 388,000 rows sorted by a numeric about 650 ms, by a
--      bigint about 120 ms). Every amount here has two decimals
--      (numeric(16, 2) and numeric(18, 2), migrations 038 and 046), so the GMV
--      in cents is a bigint with the same order, ties included (then the
--      customer id, as before); the rows carry the numeric GMV as before;
--   2. the plan of migration 052's pairs: the planner over-estimates the
--      first rows about 5x and reads them by a bitmap heap scan (the heap, not
--      the index); with bitmap scans off both kinds of rows are index-only
--      scans (052 already turned off the sequential scan and the merge join),
--      and with more memory the hash join is one batch instead of two through
--      temporary files;
--   3. the page is cut here, not by Cube: Cube gets the page's rows only, so
--      its GROUP BY and ORDER BY see 50 rows instead of every buyer.
-- A first page (its end within RANGE_TOP_MOST = 1000) is still migration
-- 063's walk. Reads the table as it is: nothing kept, nothing to keep exact.

-- Migration 052's pairs with bitmap scans off as well, and the memory for one hash batch: the planner sizes the hash for
-- its 5x estimate of the first rows, and at 64 MB (Cube's role) it splits the join in two batches through temporary
-- files; one batch takes about 60 MB at 1M, a year's range.
ALTER FUNCTION siyu.sales_drill_range_rows(timestamptz, timestamptz) SET enable_bitmapscan = off;
ALTER FUNCTION siyu.sales_drill_range_rows(timestamptz, timestamptz) SET work_mem = '256MB';

-- Rows skip + 1 .. skip + n of the range's buyers ranked by GMV (largest first, then the customer id), ranked in full:
-- migration 052's pairs sorted by the GMV in cents.
CREATE FUNCTION siyu.sales_drill_range_ranked(a timestamptz, b timestamptz, skip integer, n integer)
  RETURNS TABLE (customer_id integer, day_start timestamptz, paid_amount numeric, paid_orders integer)
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT r.customer_id, r.day_start, r.paid_amount, r.paid_orders
    FROM siyu.sales_drill_range_rows(a, b) AS r
    ORDER BY (r.paid_amount * 100)::bigint DESC, r.customer_id
    OFFSET skip LIMIT n
  $$;

-- Rows skip + 1 .. top of [a, b]'s buyers (null: all time) by GMV (largest first, then the customer id): the walk's
-- first rows (migration 063) when top is within 1000 or the range is all time, else the full ranking's.
CREATE FUNCTION siyu.sales_drill_range_page(a timestamptz, b timestamptz, skip integer, top integer)
  RETURNS TABLE (customer_id integer, day_start timestamptz, paid_amount numeric, paid_orders integer)
  LANGUAGE plpgsql STABLE
  AS $fn$
  BEGIN
    skip := greatest(COALESCE(skip, 0), 0);
    IF top IS NULL OR top <= skip THEN
      RETURN;
    END IF;
    IF top <= 1000 OR a IS NULL OR b IS NULL OR NOT isfinite(a) OR NOT isfinite(b) THEN
      RETURN QUERY SELECT t.customer_id, t.day_start, t.paid_amount, t.paid_orders
        FROM siyu.sales_drill_range_top(a, b, top) AS t ORDER BY t.paid_amount DESC, t.customer_id OFFSET skip;
    ELSE
      RETURN QUERY SELECT r.customer_id, r.day_start, r.paid_amount, r.paid_orders
        FROM siyu.sales_drill_range_ranked(a, b, skip, top - skip) AS r;
    END IF;
  END
  $fn$;
