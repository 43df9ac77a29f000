-- Distinct customers on a custom date range without a distinct count (issue
-- 19, docs/performance.md "Custom ranges"): one row per customer and business
-- day with a paid order (whatever the channel, campaign or employee), with
-- the customer's previous and next paid day and their owner now.
--
-- A customer bought in [a, b] exactly when one of their rows has its day in
-- [a, b] and its previous paid day before a (or none): that row is their
-- first paid day in the range, one per customer. So the range's buyers are a
-- plain count of such rows, and they repeated (two or more paid orders in
-- the range) when that row holds two or more orders or their next paid day
-- is in the range too. Counted by the owner (or the owner's team, read
-- through siyu.employees at query time: a team move rewrites nothing), these
-- are the staff pages' converted customers (转化用户) and the overview's
-- repurchase rate (复购率) of the brand or one team, on any range. A range's
-- read is its rows in the day index, counted, never sorted or grouped by
-- customer. Cut by the order's channel or campaign, the repurchase rate stays
-- on the customer-day table (the previous day here is over all channels).
--
-- Kept from the customer-day table (migration 013): a statement that changes
-- its rows recounts the customers it touched (their rows, from their
-- customer days read by its key), under the customer-day table's bucket
-- locks, which its writer already holds; an owner change rewrites the
-- customer's rows under the same locks. Rows are updated in place only where
-- a value changed (a new order's day is one new row and its neighbour's next
-- day), so the table stays in day order as the customer-day table does.
CREATE TABLE siyu.customer_paid_days (
  customer_id integer NOT NULL,
  day_start   timestamptz NOT NULL,
  paid_orders integer NOT NULL,
  prev_day    timestamptz,
  next_day    timestamptz,
  owner_id    integer,
  CONSTRAINT customer_paid_days_key PRIMARY KEY (customer_id, day_start)
) WITH (fillfactor = 90);

-- A range's rows from the index alone (index-only once vacuumed), in day order;
-- the customer id too, which Cube counts (without it each row read the heap:
-- 1.2-1.7 s instead of 54-98 ms for a manager's tiles at 1M).
CREATE INDEX customer_paid_days_day_idx ON siyu.customer_paid_days (day_start) INCLUDE (prev_day, next_day, paid_orders, owner_id, customer_id);
-- One owner's rows (a staff member's queries; a manager's team's few owners).
CREATE INDEX customer_paid_days_owner_idx ON siyu.customer_paid_days (owner_id, day_start) INCLUDE (prev_day, next_day, paid_orders, customer_id);

INSERT INTO siyu.data_changes (table_name) VALUES ('customer_paid_days');
CREATE TRIGGER customer_paid_days_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON siyu.customer_paid_days
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.count_data_change();

-- The whole table from the customer-day table (the seed's end, a bulk write
-- of many customers, this migration): rows in day order, indexes after.
CREATE FUNCTION siyu.build_customer_paid_days() RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      built bigint;
    BEGIN
      LOCK TABLE siyu.customer_paid_days IN ACCESS EXCLUSIVE MODE;
      DROP INDEX siyu.customer_paid_days_day_idx, siyu.customer_paid_days_owner_idx;
      ALTER TABLE siyu.customer_paid_days DROP CONSTRAINT customer_paid_days_key;
      TRUNCATE siyu.customer_paid_days;
      INSERT INTO siyu.customer_paid_days
      SELECT d.customer_id, d.day_start, d.paid_orders,
             lag(d.day_start) OVER w, lead(d.day_start) OVER w, c.owner_employee_id
      FROM (
        SELECT cd.customer_id, cd.day_start, SUM(cd.paid_orders)::int AS paid_orders
        FROM siyu.customer_days AS cd
        GROUP BY 1, 2
        HAVING SUM(cd.paid_orders) > 0
      ) AS d
      LEFT JOIN siyu.customers AS c ON c.id = d.customer_id
      WINDOW w AS (PARTITION BY d.customer_id ORDER BY d.day_start)
      ORDER BY d.day_start, d.customer_id;
      GET DIAGNOSTICS built = ROW_COUNT;
      ALTER TABLE siyu.customer_paid_days ADD CONSTRAINT customer_paid_days_key PRIMARY KEY (customer_id, day_start);
      CREATE INDEX customer_paid_days_day_idx ON siyu.customer_paid_days (day_start) INCLUDE (prev_day, next_day, paid_orders, owner_id, customer_id);
      CREATE INDEX customer_paid_days_owner_idx ON siyu.customer_paid_days (owner_id, day_start) INCLUDE (prev_day, next_day, paid_orders, customer_id);
      RETURN built;
    END
  $$;

-- Recounts the given customers' rows from their customer days. The caller
-- holds their bucket locks (migration 013's). More than 5,000 customers (a
-- bulk write, the customer-day table's rebuild): the whole table instead.
CREATE FUNCTION siyu.recount_customer_paid_days(customers integer[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF customers IS NULL OR cardinality(customers) = 0 THEN
        RETURN;
      END IF;
      IF cardinality(customers) > 5000 THEN
        PERFORM siyu.build_customer_paid_days();
        RETURN;
      END IF;
      WITH wanted AS (
        SELECT d.customer_id, d.day_start, d.paid_orders,
               lag(d.day_start) OVER w AS prev_day, lead(d.day_start) OVER w AS next_day, c.owner_employee_id AS owner_id
        FROM (
          SELECT cd.customer_id, cd.day_start, SUM(cd.paid_orders)::int AS paid_orders
          FROM siyu.customer_days AS cd
          WHERE cd.customer_id = ANY (customers)
          GROUP BY 1, 2
          HAVING SUM(cd.paid_orders) > 0
        ) AS d
        LEFT JOIN siyu.customers AS c ON c.id = d.customer_id
        WINDOW w AS (PARTITION BY d.customer_id ORDER BY d.day_start)
      ), gone AS (
        DELETE FROM siyu.customer_paid_days AS p
        WHERE p.customer_id = ANY (customers)
          AND NOT EXISTS (SELECT 1 FROM wanted AS w WHERE w.customer_id = p.customer_id AND w.day_start = p.day_start)
      )
      INSERT INTO siyu.customer_paid_days AS p
      SELECT * FROM wanted ORDER BY customer_id, day_start
      ON CONFLICT ON CONSTRAINT customer_paid_days_key DO UPDATE
        SET paid_orders = EXCLUDED.paid_orders, prev_day = EXCLUDED.prev_day, next_day = EXCLUDED.next_day, owner_id = EXCLUDED.owner_id
        WHERE (p.paid_orders, p.prev_day, p.next_day, p.owner_id)
          IS DISTINCT FROM (EXCLUDED.paid_orders, EXCLUDED.prev_day, EXCLUDED.next_day, EXCLUDED.owner_id);
    END
  $$;

CREATE FUNCTION siyu.customer_paid_days_on_insert() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.recount_customer_paid_days(ARRAY(SELECT DISTINCT customer_id FROM new_rows));
      RETURN NULL;
    END
  $$;
CREATE FUNCTION siyu.customer_paid_days_on_update() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.recount_customer_paid_days(ARRAY(SELECT customer_id FROM new_rows UNION SELECT customer_id FROM old_rows));
      RETURN NULL;
    END
  $$;
CREATE FUNCTION siyu.customer_paid_days_on_delete() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.recount_customer_paid_days(ARRAY(SELECT DISTINCT customer_id FROM old_rows));
      RETURN NULL;
    END
  $$;
CREATE FUNCTION siyu.customer_paid_days_on_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      TRUNCATE siyu.customer_paid_days;
      RETURN NULL;
    END
  $$;
CREATE TRIGGER customer_paid_days_insert AFTER INSERT ON siyu.customer_days
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.customer_paid_days_on_insert();
CREATE TRIGGER customer_paid_days_update AFTER UPDATE ON siyu.customer_days
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.customer_paid_days_on_update();
CREATE TRIGGER customer_paid_days_delete AFTER DELETE ON siyu.customer_days
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.customer_paid_days_on_delete();
CREATE TRIGGER customer_paid_days_truncate AFTER TRUNCATE ON siyu.customer_days
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.customer_paid_days_on_truncate();

-- A customer given to another owner: their rows carry the new owner, under
-- the customer's bucket lock (taken in bucket order, as an order writer
-- takes it in siyu.customer_days_add), so an order writer of the same
-- customer either finished first or reads the new owner.
CREATE FUNCTION siyu.customer_paid_days_on_owner_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      moved integer[];
    BEGIN
      moved := ARRAY(
        SELECT n.id FROM new_customers AS n JOIN old_customers AS o ON o.id = n.id
        WHERE o.owner_employee_id IS DISTINCT FROM n.owner_employee_id);
      IF cardinality(moved) = 0 THEN
        RETURN NULL;
      END IF;
      PERFORM pg_advisory_xact_lock(hashtext('siyu.customer_days'), b.bucket)
      FROM (SELECT DISTINCT m % 256 AS bucket FROM unnest(moved) AS m ORDER BY 1) AS b;
      UPDATE siyu.customer_paid_days AS p SET owner_id = c.owner_employee_id
      FROM siyu.customers AS c
      WHERE c.id = ANY (moved) AND p.customer_id = c.id AND p.owner_id IS DISTINCT FROM c.owner_employee_id;
      RETURN NULL;
    END
  $$;
CREATE TRIGGER customer_paid_days_owner_change AFTER UPDATE ON siyu.customers
  REFERENCING OLD TABLE AS old_customers NEW TABLE AS new_customers FOR EACH STATEMENT EXECUTE FUNCTION siyu.customer_paid_days_on_owner_change();

SELECT siyu.build_customer_paid_days();
