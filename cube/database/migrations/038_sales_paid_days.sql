-- Sales (GMV, paid orders, distinct buyers) on a custom date range by the
-- credited employee, their team or the whole brand, without a distinct count
-- (issue 19, docs/performance.md "Custom ranges", "The sales paid-day table").
--
-- One row per customer, business day and credited employee with paid orders
-- (whatever the channel or campaign), with that day's paid orders and amount
-- and three previous paid days of the customer: with the same employee
-- (prev_day), with any employee of the same team now (team_prev_day) and with
-- anyone (any_prev_day). Rows of one customer on one day are ordered by the
-- employee id (nulls first), and a row's previous day of a level is that of
-- the row before it in that order: a second row of the same day carries the
-- day itself. So a customer bought from a group (an employee, a team, the
-- brand) in [a, b] exactly when one of the group's rows has its day in
-- [a, b] and its previous day of the group's level before a (or none): one
-- row per customer and group. A range's buyers by team are a plain count of
-- its rows' flags; its GMV the sum of the same rows' amounts.
--
-- Kept exact:
-- - from the customer-day table's statement triggers (orders inserted,
--   refunded, updated, deleted): the customers a statement touched are
--   recounted from their customer days, under the customer-day table's bucket
--   locks, which its writer already holds; values are rewritten only where
--   they changed. More than 5,000 customers: the whole table;
-- - a team move (employees.team_id): the moved employees' customers'
--   team_prev_day recomputed from this table, after migration 037's trigger
--   took every bucket (a_employee_move_buckets fires first: trigger names in
--   order), so no order writer is in flight.
-- The team is the credited employee's team now, read through siyu.employees
-- at query time; only the previous day of the team level depends on it.
CREATE TABLE siyu.sales_paid_days (
  customer_id   integer NOT NULL,
  day_start     timestamptz NOT NULL,
  employee_id   integer,
  paid_orders   integer NOT NULL,
  paid_amount   numeric(16, 2) NOT NULL,
  prev_day      timestamptz,
  team_prev_day timestamptz,
  any_prev_day  timestamptz,
  CONSTRAINT sales_paid_days_key UNIQUE NULLS NOT DISTINCT (customer_id, day_start, employee_id)
) WITH (fillfactor = 90);

-- A range's rows from the index alone, in day order (the brand's and by team);
-- one employee's (a staff member, a manager's team's employees).
CREATE INDEX sales_paid_days_day_idx ON siyu.sales_paid_days (day_start)
  INCLUDE (employee_id, paid_orders, paid_amount, prev_day, team_prev_day, any_prev_day, customer_id);
CREATE INDEX sales_paid_days_employee_idx ON siyu.sales_paid_days (employee_id, day_start)
  INCLUDE (paid_orders, paid_amount, prev_day, team_prev_day, any_prev_day, customer_id);

INSERT INTO siyu.data_changes (table_name) VALUES ('sales_paid_days');
CREATE TRIGGER sales_paid_days_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON siyu.sales_paid_days
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.count_data_change();

-- The rows of some customers (all when null), as they should be.
CREATE FUNCTION siyu.sales_paid_days_wanted(customers integer[]) RETURNS SETOF siyu.sales_paid_days
  LANGUAGE sql STABLE
  AS $$
    SELECT d.customer_id, d.day_start, d.employee_id, d.paid_orders, d.paid_amount,
           lag(d.day_start) OVER (PARTITION BY d.customer_id, d.employee_id ORDER BY d.day_start),
           lag(d.day_start) OVER (PARTITION BY d.customer_id, e.team_id ORDER BY d.day_start, d.employee_id NULLS FIRST),
           lag(d.day_start) OVER (PARTITION BY d.customer_id ORDER BY d.day_start, d.employee_id NULLS FIRST)
    FROM (
      SELECT cd.customer_id, cd.day_start, cd.employee_id, SUM(cd.paid_orders)::int AS paid_orders, SUM(cd.paid_amount) AS paid_amount
      FROM siyu.customer_days AS cd
      WHERE customers IS NULL OR cd.customer_id = ANY (customers)
      GROUP BY 1, 2, 3
      HAVING SUM(cd.paid_orders) > 0
    ) AS d
    LEFT JOIN siyu.employees AS e ON e.id = d.employee_id
  $$;

-- The whole table (the seed's end, a bulk write, this migration): rows in day order, indexes after.
CREATE FUNCTION siyu.build_sales_paid_days() RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      built bigint;
    BEGIN
      LOCK TABLE siyu.sales_paid_days IN ACCESS EXCLUSIVE MODE;
      DROP INDEX siyu.sales_paid_days_day_idx, siyu.sales_paid_days_employee_idx;
      ALTER TABLE siyu.sales_paid_days DROP CONSTRAINT sales_paid_days_key;
      TRUNCATE siyu.sales_paid_days;
      INSERT INTO siyu.sales_paid_days
      SELECT * FROM siyu.sales_paid_days_wanted(NULL) AS w ORDER BY w.day_start, w.customer_id, w.employee_id;
      GET DIAGNOSTICS built = ROW_COUNT;
      ALTER TABLE siyu.sales_paid_days ADD CONSTRAINT sales_paid_days_key UNIQUE NULLS NOT DISTINCT (customer_id, day_start, employee_id);
      CREATE INDEX sales_paid_days_day_idx ON siyu.sales_paid_days (day_start)
        INCLUDE (employee_id, paid_orders, paid_amount, prev_day, team_prev_day, any_prev_day, customer_id);
      CREATE INDEX sales_paid_days_employee_idx ON siyu.sales_paid_days (employee_id, day_start)
        INCLUDE (paid_orders, paid_amount, prev_day, team_prev_day, any_prev_day, customer_id);
      RETURN built;
    END
  $$;

-- Recounts the given customers' rows from their customer days. The caller
-- holds their bucket locks (migration 013's). More than 5,000 customers: the whole table.
CREATE FUNCTION siyu.recount_sales_paid_days(customers integer[]) RETURNS void
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
            team_prev_day = EXCLUDED.team_prev_day, any_prev_day = EXCLUDED.any_prev_day
        WHERE (p.paid_orders, p.paid_amount, p.prev_day, p.team_prev_day, p.any_prev_day)
          IS DISTINCT FROM (EXCLUDED.paid_orders, EXCLUDED.paid_amount, EXCLUDED.prev_day, EXCLUDED.team_prev_day, EXCLUDED.any_prev_day);
    END
  $$;

CREATE FUNCTION siyu.sales_paid_days_on_insert() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.recount_sales_paid_days(ARRAY(SELECT DISTINCT customer_id FROM new_rows));
      RETURN NULL;
    END
  $$;
CREATE FUNCTION siyu.sales_paid_days_on_update() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.recount_sales_paid_days(ARRAY(SELECT customer_id FROM new_rows UNION SELECT customer_id FROM old_rows));
      RETURN NULL;
    END
  $$;
CREATE FUNCTION siyu.sales_paid_days_on_delete() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.recount_sales_paid_days(ARRAY(SELECT DISTINCT customer_id FROM old_rows));
      RETURN NULL;
    END
  $$;
CREATE FUNCTION siyu.sales_paid_days_on_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      TRUNCATE siyu.sales_paid_days;
      RETURN NULL;
    END
  $$;
CREATE TRIGGER sales_paid_days_insert AFTER INSERT ON siyu.customer_days
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_paid_days_on_insert();
CREATE TRIGGER sales_paid_days_update AFTER UPDATE ON siyu.customer_days
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_paid_days_on_update();
CREATE TRIGGER sales_paid_days_delete AFTER DELETE ON siyu.customer_days
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_paid_days_on_delete();
CREATE TRIGGER sales_paid_days_truncate AFTER TRUNCATE ON siyu.customer_days
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_paid_days_on_truncate();

-- An employee moved to another team: their customers' team-level previous
-- days recomputed from this table (only those change), under every bucket
-- lock (migration 037's a_employee_move_buckets, which fires before this
-- trigger), with the teams as the statement left them.
CREATE FUNCTION siyu.sales_paid_days_on_team_move() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      moved integer[];
    BEGIN
      moved := ARRAY(
        SELECT n.id FROM new_employees AS n JOIN old_employees AS o ON o.id = n.id
        WHERE o.team_id IS DISTINCT FROM n.team_id);
      IF cardinality(moved) = 0 THEN
        RETURN NULL;
      END IF;
      UPDATE siyu.sales_paid_days AS p SET team_prev_day = w.team_prev_day
      FROM (
        SELECT s.customer_id, s.day_start, s.employee_id,
               lag(s.day_start) OVER (PARTITION BY s.customer_id, e.team_id ORDER BY s.day_start, s.employee_id NULLS FIRST) AS team_prev_day
        FROM siyu.sales_paid_days AS s
        LEFT JOIN siyu.employees AS e ON e.id = s.employee_id
        WHERE s.customer_id IN (SELECT DISTINCT m.customer_id FROM siyu.sales_paid_days AS m WHERE m.employee_id = ANY (moved))
      ) AS w
      WHERE p.customer_id = w.customer_id AND p.day_start = w.day_start AND p.employee_id IS NOT DISTINCT FROM w.employee_id
        AND p.team_prev_day IS DISTINCT FROM w.team_prev_day;
      RETURN NULL;
    END
  $$;
CREATE TRIGGER sales_paid_days_team_move AFTER UPDATE ON siyu.employees
  REFERENCING OLD TABLE AS old_employees NEW TABLE AS new_employees
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_paid_days_on_team_move();

SELECT siyu.build_sales_paid_days();
