-- The custom-range drill list's deep page ranked by integers (issue 19,
-- docs/performance.md "The custom-range drill list's deep page by integers
-- (built, migration 067)").
--
-- Migration 066 ranks a deep page by the GMV in cents as a bigint, but that
-- key was still computed from numerics for every buyer of the range: the
-- pair's running amounts subtracted, the first row's amount added, the sum
-- multiplied by 100 and cast, four numeric operations a row, about 220 ms of
-- CPU for a year's 392,000 buyers at 1M (the pairs' join alone about 240, the
-- sort about 120). Here the table keeps the two amounts the key needs in cents
-- as well, as stored generated columns (PostgreSQL computes them on every
-- insert and update, so the triggers that keep the table are unchanged), the
-- first and last rows' indexes carry them for the index-only scans, and the
-- ranking orders by their integer sum. Exact: every amount has two decimals
-- (numeric(16, 2) and numeric(18, 2), migrations 038 and 046), so
-- running_cents - running_cents + paid_cents is the GMV times 100, the order
-- migration 066 ranked by, ties (then the customer id) included. The numeric
-- GMV is computed for the page's rows only, from those cents.
--
-- The table's rewrite clears its visibility map, so its index-only scans would
-- read the heap until a vacuum: the migrator vacuums it after the commit (the
-- header line below).
-- vacuum: siyu.sales_paid_days

-- The plain indexes are dropped first and built once after the rewrite by siyu.sales_paid_days_indexes() (below), so the
-- rewrite builds only the key, and the first and last rows' indexes are written in one place.
DROP INDEX IF EXISTS siyu.sales_paid_days_day_idx, siyu.sales_paid_days_employee_idx, siyu.sales_paid_days_first_idx,
  siyu.sales_paid_days_last_idx, siyu.sales_paid_days_lifetime_idx;

ALTER TABLE siyu.sales_paid_days
  ADD COLUMN running_cents bigint GENERATED ALWAYS AS ((running_amount * 100)::bigint) STORED,
  ADD COLUMN paid_cents bigint GENERATED ALWAYS AS ((paid_amount * 100)::bigint) STORED;

-- The rows as they should be (migration 046's) returned as the table's eleven columns of their own, not the table's
-- row type, which now holds the two generated columns: the build's and the recount's INSERT ... SELECT * fill the
-- eleven and PostgreSQL computes the cents.
DROP FUNCTION siyu.sales_paid_days_wanted(integer[]);
CREATE FUNCTION siyu.sales_paid_days_wanted(customers integer[])
  RETURNS TABLE (customer_id integer, day_start timestamptz, employee_id integer, paid_orders integer, paid_amount numeric,
                 prev_day timestamptz, team_prev_day timestamptz, any_prev_day timestamptz, running_amount numeric,
                 running_orders integer, next_day timestamptz)
  LANGUAGE sql STABLE
  AS $$
    SELECT d.customer_id, d.day_start, d.employee_id, d.paid_orders, d.paid_amount,
           lag(d.day_start) OVER (PARTITION BY d.customer_id, d.employee_id ORDER BY d.day_start),
           lag(d.day_start) OVER (PARTITION BY d.customer_id, e.team_id ORDER BY d.day_start, d.employee_id NULLS FIRST),
           lag(d.day_start) OVER (PARTITION BY d.customer_id ORDER BY d.day_start, d.employee_id NULLS FIRST),
           (sum(d.paid_amount) OVER customer_rows)::numeric(18, 2),
           (sum(d.paid_orders) OVER customer_rows)::integer,
           lead(d.day_start) OVER (PARTITION BY d.customer_id ORDER BY d.day_start, d.employee_id NULLS FIRST)
    FROM (
      SELECT cd.customer_id, cd.day_start, cd.employee_id, SUM(cd.paid_orders)::int AS paid_orders, SUM(cd.paid_amount) AS paid_amount
      FROM siyu.customer_days AS cd
      WHERE customers IS NULL OR cd.customer_id = ANY (customers)
      GROUP BY 1, 2, 3
      HAVING SUM(cd.paid_orders) > 0
    ) AS d
    LEFT JOIN siyu.employees AS e ON e.id = d.employee_id
    WINDOW customer_rows AS (PARTITION BY d.customer_id ORDER BY d.day_start, d.employee_id NULLS FIRST
                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
  $$;

-- As migration 063's, with the cents in the first and last rows' indexes.
CREATE OR REPLACE FUNCTION siyu.sales_paid_days_indexes() RETURNS void
  LANGUAGE plpgsql
  AS $$
  BEGIN
    CREATE INDEX sales_paid_days_day_idx ON siyu.sales_paid_days (day_start)
      INCLUDE (employee_id, paid_orders, paid_amount, prev_day, team_prev_day, any_prev_day, customer_id);
    CREATE INDEX sales_paid_days_employee_idx ON siyu.sales_paid_days (employee_id, day_start)
      INCLUDE (paid_orders, paid_amount, prev_day, team_prev_day, any_prev_day, customer_id);
    CREATE INDEX sales_paid_days_first_idx ON siyu.sales_paid_days (day_start, (COALESCE(any_prev_day, '-infinity'::timestamptz)))
      INCLUDE (any_prev_day, customer_id, paid_amount, paid_orders, running_amount, running_orders, running_cents, paid_cents);
    CREATE INDEX sales_paid_days_last_idx ON siyu.sales_paid_days (day_start, (COALESCE(next_day, 'infinity'::timestamptz)))
      INCLUDE (next_day, customer_id, running_amount, running_orders, running_cents);
    CREATE INDEX sales_paid_days_lifetime_idx ON siyu.sales_paid_days (running_amount DESC, customer_id) WHERE next_day IS NULL;
  END
  $$;

SELECT siyu.sales_paid_days_indexes();

-- Migration 066's ranking with migration 052's pairs written in (their settings with them): ordered by the cents, and
-- only the customer, the first day, the cents and the orders carried through the sort (the numeric amounts made it a
-- third wider); the page's GMV is its cents as a numeric of two decimals, the same value as 052's numeric difference.
CREATE OR REPLACE FUNCTION siyu.sales_drill_range_ranked(a timestamptz, b timestamptz, skip integer, n integer)
  RETURNS TABLE (customer_id integer, day_start timestamptz, paid_amount numeric, paid_orders integer)
  LANGUAGE sql STABLE PARALLEL SAFE
  SET enable_seqscan = off
  SET enable_mergejoin = off
  SET enable_bitmapscan = off
  SET work_mem = '256MB'
  AS $$
    SELECT p.customer_id, p.day_start, round(p.cents::numeric / 100, 2), p.orders
    FROM (
      SELECT f.customer_id, f.day_start, l.running_cents - f.running_cents + f.paid_cents AS cents,
             l.running_orders - f.running_orders + f.paid_orders AS orders
      FROM siyu.sales_paid_days AS f
      JOIN siyu.sales_paid_days AS l ON l.customer_id = f.customer_id
      WHERE f.day_start >= a AND f.day_start <= b AND COALESCE(f.any_prev_day, '-infinity'::timestamptz) < a
        AND l.day_start >= a AND l.day_start <= b AND COALESCE(l.next_day, 'infinity'::timestamptz) > b
      ORDER BY 3 DESC, 1
      OFFSET skip LIMIT n) AS p
  $$;
