-- The custom-range sales drill list (issue 19, docs/performance.md "The
-- custom-range drill list"): each customer's running paid amount and orders on
-- the sales paid-day table (migration 038), so a customer's GMV and paid orders
-- in any range [a, b] are read from two of their rows instead of summing all
-- of them:
--
--   running_amount / running_orders: the customer's paid amount and orders
--     through this row, rows in (day, employee nulls first) order, the same
--     order as any_prev_day's;
--   next_day: the day of the customer's next row in that order (null on their
--     last row; a later row of the same day gives the day itself).
--
-- A customer bought in [a, b] exactly when one of their rows has its day in
-- [a, b] and any_prev_day before a (or none): their first row of the range,
-- one per customer. Their last row of the range is the one with its day in
-- [a, b] and next_day after b (or none). Their GMV in the range is the last
-- row's running amount less the first row's running amount before it
-- (running_amount - paid_amount). Each kind of row has an index on the day
-- and the previous (next) day, nulls as -infinity (infinity), carrying what
-- the list reads: PostgreSQL 18's skip scan seeks, for each day of the range,
-- the rows whose previous day is before a (next day after b), so a range's
-- first and last rows are read without its other rows (one seek a day).
--
-- Kept exact by migration 038's own triggers: its functions that compute the
-- rows (sales_paid_days_wanted), build the table and recount customers are
-- replaced here to fill the new columns (a customer's recount rewrites their
-- rows where a running amount or next day changed). A team move changes
-- neither (they are over every employee), so its trigger stays as it is.
ALTER TABLE siyu.sales_paid_days
  ADD COLUMN running_amount numeric(18, 2),
  ADD COLUMN running_orders integer,
  ADD COLUMN next_day timestamptz;

-- The rows of some customers (all when null), as they should be.
CREATE OR REPLACE FUNCTION siyu.sales_paid_days_wanted(customers integer[]) RETURNS SETOF siyu.sales_paid_days
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

-- Migration 038's two indexes, and the range's first and last rows of each customer from the index alone.
CREATE FUNCTION siyu.sales_paid_days_indexes() RETURNS void
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
  END
  $$;

-- The whole table (the seed's end, a bulk write, this migration): rows in day order, indexes after.
CREATE OR REPLACE FUNCTION siyu.build_sales_paid_days() RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      built bigint;
    BEGIN
      LOCK TABLE siyu.sales_paid_days IN ACCESS EXCLUSIVE MODE;
      DROP INDEX IF EXISTS siyu.sales_paid_days_day_idx, siyu.sales_paid_days_employee_idx, siyu.sales_paid_days_first_idx, siyu.sales_paid_days_last_idx;
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

-- Recounts the given customers' rows from their customer days. The caller
-- holds their bucket locks (migration 013's). More than 5,000 customers: the whole table.
CREATE OR REPLACE FUNCTION siyu.recount_sales_paid_days(customers integer[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF customers IS NULL OR cardinality(customers) = 0 THEN
        RETURN;
      END IF;
      IF cardinality(customers) > 5000 THEN
        PERFORM siyu.build_sales_paid_days();
        RETURN;
      END IF;
      WITH wanted AS (
        SELECT * FROM siyu.sales_paid_days_wanted(customers)
      ), gone AS (
        DELETE FROM siyu.sales_paid_days AS p
        WHERE p.customer_id = ANY (customers)
          AND NOT EXISTS (SELECT 1 FROM wanted AS w
                          WHERE w.customer_id = p.customer_id AND w.day_start = p.day_start AND w.employee_id IS NOT DISTINCT FROM p.employee_id)
      )
      INSERT INTO siyu.sales_paid_days AS p
      SELECT * FROM wanted ORDER BY customer_id, day_start, employee_id
      ON CONFLICT ON CONSTRAINT sales_paid_days_key DO UPDATE
        SET paid_orders = EXCLUDED.paid_orders, paid_amount = EXCLUDED.paid_amount, prev_day = EXCLUDED.prev_day,
            team_prev_day = EXCLUDED.team_prev_day, any_prev_day = EXCLUDED.any_prev_day,
            running_amount = EXCLUDED.running_amount, running_orders = EXCLUDED.running_orders, next_day = EXCLUDED.next_day
        WHERE (p.paid_orders, p.paid_amount, p.prev_day, p.team_prev_day, p.any_prev_day, p.running_amount, p.running_orders, p.next_day)
          IS DISTINCT FROM (EXCLUDED.paid_orders, EXCLUDED.paid_amount, EXCLUDED.prev_day, EXCLUDED.team_prev_day, EXCLUDED.any_prev_day,
                            EXCLUDED.running_amount, EXCLUDED.running_orders, EXCLUDED.next_day);
    END
  $$;

SELECT siyu.build_sales_paid_days();
ALTER TABLE siyu.sales_paid_days
  ALTER COLUMN running_amount SET NOT NULL,
  ALTER COLUMN running_orders SET NOT NULL;
