-- The overview's GMV trend by month without a rollup rebuild after a write
-- (issue 19, docs/performance.md "The monthly sales table"): one row per
-- business month, channel, campaign and credited employee of the orders, with
-- how many orders (paid or refunded), how many paid and how much they paid:
-- the hourly sales table (migration 032) summed by month. Kept exact by
-- statement-level triggers on the orders, in the writer's transaction, from
-- the same signed change as the hourly table (siyu.sales_hours_delta), so the
-- two always agree: a month's row is the sum of its hours' rows.
--
-- A range's months are read here whole, and its partial edge months from the
-- hourly table (the hours inside the range, or the month's row less the hours
-- outside it, whichever is fewer days): the `month_sales` cube
-- (model/cubes/month_sales.js). A new order changes one row here and one
-- there; nothing is rebuilt.
--
-- The month starts at the local midnight of its first day in the business
-- time zone, stored as that instant (as siyu.sales_hours stores the hour), so
-- grouping by month in the business zone puts each row in its own month.
CREATE TABLE siyu.sales_months (
  month_start timestamptz NOT NULL,
  channel_id  integer NOT NULL,
  campaign_id integer,
  employee_id integer,
  orders      integer NOT NULL,
  paid_orders integer NOT NULL,
  paid_amount numeric(16, 2) NOT NULL,
  CONSTRAINT sales_months_key UNIQUE NULLS NOT DISTINCT (month_start, channel_id, campaign_id, employee_id)
);
-- One employee's months (a staff member's every query is limited to them).
CREATE INDEX sales_months_employee_idx ON siyu.sales_months (employee_id, month_start);

SELECT siyu.track_data_changes('sales_months');

-- The business month an instant falls in, as the instant it starts.
CREATE FUNCTION siyu.local_month_start(ts timestamptz) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT date_trunc('month', ts AT TIME ZONE siyu.business_tz()) AT TIME ZONE siyu.business_tz() $$;

-- Adds a statement's hourly change (siyu.sales_hours_delta), summed per
-- month and key, in key order; as siyu.sales_hours_add: the upsert holds the
-- row to the writer's commit, so two writers of one key take turns and both
-- count. A row whose orders fall to zero is removed.
CREATE FUNCTION siyu.sales_months_add(changes siyu.sales_hours[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF changes IS NULL OR cardinality(changes) = 0 THEN
        RETURN;
      END IF;
      INSERT INTO siyu.sales_months AS sm
      SELECT siyu.local_month_start(c.hour_start), c.channel_id, c.campaign_id, c.employee_id,
             SUM(c.orders)::int, SUM(c.paid_orders)::int, SUM(c.paid_amount)
      FROM UNNEST(changes) AS c
      GROUP BY 1, 2, 3, 4
      HAVING SUM(c.orders) <> 0 OR SUM(c.paid_orders) <> 0 OR SUM(c.paid_amount) <> 0
      ORDER BY 1, 2, 3, 4
      ON CONFLICT ON CONSTRAINT sales_months_key DO UPDATE
        SET orders = sm.orders + EXCLUDED.orders,
            paid_orders = sm.paid_orders + EXCLUDED.paid_orders,
            paid_amount = sm.paid_amount + EXCLUDED.paid_amount;

      DELETE FROM siyu.sales_months AS sm
      USING (SELECT DISTINCT siyu.local_month_start(c.hour_start) AS month_start, c.channel_id, c.campaign_id, c.employee_id
             FROM UNNEST(changes) AS c) AS touched
      WHERE sm.month_start = touched.month_start AND sm.channel_id = touched.channel_id
        AND sm.campaign_id IS NOT DISTINCT FROM touched.campaign_id AND sm.employee_id IS NOT DISTINCT FROM touched.employee_id
        AND sm.orders = 0;
    END
  $$;

-- Statement-level, reading the statement's transition tables, as the hourly table's triggers.
CREATE FUNCTION siyu.sales_months_on_insert() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.sales_months_add(siyu.sales_hours_delta('{}'::siyu.orders[], (SELECT ARRAY_AGG(ROW(n.*)::siyu.orders) FROM new_orders AS n)));
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.sales_months_on_update() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.sales_months_add(siyu.sales_hours_delta(
        (SELECT ARRAY_AGG(ROW(o.*)::siyu.orders) FROM old_orders AS o),
        (SELECT ARRAY_AGG(ROW(n.*)::siyu.orders) FROM new_orders AS n)));
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.sales_months_on_delete() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.sales_months_add(siyu.sales_hours_delta((SELECT ARRAY_AGG(ROW(o.*)::siyu.orders) FROM old_orders AS o), '{}'::siyu.orders[]));
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.sales_months_on_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      TRUNCATE siyu.sales_months;
      RETURN NULL;
    END
  $$;

CREATE TRIGGER sales_months_insert AFTER INSERT ON siyu.orders
  REFERENCING NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_months_on_insert();
CREATE TRIGGER sales_months_update AFTER UPDATE ON siyu.orders
  REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_months_on_update();
CREATE TRIGGER sales_months_delete AFTER DELETE ON siyu.orders
  REFERENCING OLD TABLE AS old_orders FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_months_on_delete();
CREATE TRIGGER sales_months_truncate AFTER TRUNCATE ON siyu.orders
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_months_on_truncate();

-- The whole table from the hourly table (built first: the seed's end, the
-- import's afterCustomerDays, and below for an existing database), which
-- holds the same sums by hour; writers of orders wait meanwhile (SHARE).
CREATE FUNCTION siyu.rebuild_sales_months() RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      built bigint;
    BEGIN
      LOCK TABLE siyu.orders IN SHARE MODE;
      TRUNCATE siyu.sales_months;
      INSERT INTO siyu.sales_months
      SELECT siyu.local_month_start(h.hour_start), h.channel_id, h.campaign_id, h.employee_id,
             SUM(h.orders), SUM(h.paid_orders), SUM(h.paid_amount)
      FROM siyu.sales_hours AS h
      GROUP BY 1, 2, 3, 4
      ORDER BY 1, 2, 3, 4;
      GET DIAGNOSTICS built = ROW_COUNT;
      RETURN built;
    END
  $$;

SELECT siyu.rebuild_sales_months();
