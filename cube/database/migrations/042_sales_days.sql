-- The sales overview's custom queries without a rollup rebuild after each
-- write (issue 19, docs/performance.md "The daily sales table"): one row per
-- business day, channel, campaign, credited employee and category of the
-- orders, with the sums of the orders rollup it replaces (orders.sales_by_day,
-- removed): how many orders (paid or refunded), how many paid, how many
-- refunded, and the paid orders' amount and items. Kept exact by
-- statement-level triggers on the orders, in the writer's transaction, so a
-- new order changes one row here and the table's own change counter
-- (migration 008): the next query reads it, nothing is rebuilt.
--
-- Every order counts a row, refunded ones too (`orders`): a slice whose orders
-- were all refunded is a row with 0 paid orders, and no GMV (NULL) as the
-- orders cube gives it (model/cubes/sales_days.yml).
--
-- The employee's team is not a column: it is read through siyu.employees at
-- query time, as the orders cube does, so moving an employee to another team
-- rewrites nothing here and shows at once.
--
-- The day starts at the local midnight in the business time zone, stored as
-- that instant (as siyu.customer_days stores it). Keyed by the absolute day:
-- nothing rolls over at midnight.
CREATE TABLE siyu.sales_days (
  day_start       timestamptz NOT NULL,
  channel_id      integer NOT NULL,
  campaign_id     integer,
  employee_id     integer,
  category        text NOT NULL,
  orders          integer NOT NULL,
  paid_orders     integer NOT NULL,
  refunded_orders integer NOT NULL,
  paid_amount     numeric(16, 2) NOT NULL,
  paid_items      bigint NOT NULL,
  CONSTRAINT sales_days_key UNIQUE NULLS NOT DISTINCT (day_start, channel_id, campaign_id, employee_id, category)
);
-- One employee's days (a staff member's every query is limited to them); a
-- range of the brand's days reads the key.
CREATE INDEX sales_days_employee_idx ON siyu.sales_days (employee_id, day_start);

SELECT siyu.track_data_changes('sales_days');

-- The business day an instant falls in, as the instant it starts.
CREATE FUNCTION siyu.local_day_start(ts timestamptz) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT date_trunc('day', ts AT TIME ZONE siyu.business_tz()) AT TIME ZONE siyu.business_tz() $$;

-- Adds signed rows (a statement's change, summed per key) in key order, as
-- siyu.sales_hours_add: the upsert adds to the latest committed row and holds
-- it to the writer's commit, so two writers of one key take turns and both
-- count; key order keeps two statements from waiting on each other. A row
-- whose orders fall to zero is removed.
CREATE FUNCTION siyu.sales_days_add(changes siyu.sales_days[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF changes IS NULL OR cardinality(changes) = 0 THEN
        RETURN;
      END IF;
      INSERT INTO siyu.sales_days AS sd
      SELECT * FROM UNNEST(changes)
      ORDER BY day_start, channel_id, campaign_id, employee_id, category
      ON CONFLICT ON CONSTRAINT sales_days_key DO UPDATE
        SET orders = sd.orders + EXCLUDED.orders,
            paid_orders = sd.paid_orders + EXCLUDED.paid_orders,
            refunded_orders = sd.refunded_orders + EXCLUDED.refunded_orders,
            paid_amount = sd.paid_amount + EXCLUDED.paid_amount,
            paid_items = sd.paid_items + EXCLUDED.paid_items;

      DELETE FROM siyu.sales_days AS sd
      USING (SELECT DISTINCT c.day_start, c.channel_id, c.campaign_id, c.employee_id, c.category FROM UNNEST(changes) AS c) AS touched
      WHERE sd.day_start = touched.day_start AND sd.channel_id = touched.channel_id
        AND sd.campaign_id IS NOT DISTINCT FROM touched.campaign_id AND sd.employee_id IS NOT DISTINCT FROM touched.employee_id
        AND sd.category = touched.category AND sd.orders = 0;
    END
  $$;

-- The signed, summed change of a statement's orders: the new rows +1, the old
-- rows -1 (an update is both: a refund moves the order from paid to refunded
-- on its key, a channel, campaign, employee, category or time move from the
-- old key to the new). Keys whose change cancels out are left out, so an
-- update of other columns (the customer) adds nothing.
CREATE FUNCTION siyu.sales_days_delta(gone siyu.orders[], came siyu.orders[]) RETURNS siyu.sales_days[]
  LANGUAGE sql STABLE
  AS $$
    SELECT COALESCE(ARRAY_AGG(ROW(k.day_start, k.channel_id, k.campaign_id, k.employee_id, k.category,
                                  k.orders, k.paid_orders, k.refunded_orders, k.paid_amount, k.paid_items)::siyu.sales_days), '{}')
    FROM (
      SELECT siyu.local_day_start(o.ordered_at) AS day_start, o.channel_id, o.campaign_id, o.employee_id, o.category,
             SUM(o.sign)::int AS orders,
             COALESCE(SUM(o.sign) FILTER (WHERE o.status = 'paid'), 0)::int AS paid_orders,
             COALESCE(SUM(o.sign) FILTER (WHERE o.status = 'refunded'), 0)::int AS refunded_orders,
             COALESCE(SUM(o.sign * o.amount) FILTER (WHERE o.status = 'paid'), 0) AS paid_amount,
             COALESCE(SUM(o.sign * o.items) FILTER (WHERE o.status = 'paid'), 0)::bigint AS paid_items
      FROM (
        SELECT c.*, 1 AS sign FROM UNNEST(came) AS c
        UNION ALL
        SELECT g.*, -1 FROM UNNEST(gone) AS g
      ) AS o
      GROUP BY 1, 2, 3, 4, 5
    ) AS k
    WHERE k.orders <> 0 OR k.paid_orders <> 0 OR k.refunded_orders <> 0 OR k.paid_amount <> 0 OR k.paid_items <> 0
  $$;

-- Statement-level: one call per INSERT, UPDATE or DELETE whatever its size,
-- reading the statement's transition tables. (PostgreSQL allows no column
-- list on a trigger with transition tables: every update is read, and one of
-- columns outside the key and sums cancels out above.)
CREATE FUNCTION siyu.sales_days_on_insert() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.sales_days_add(siyu.sales_days_delta('{}'::siyu.orders[], (SELECT ARRAY_AGG(ROW(n.*)::siyu.orders) FROM new_orders AS n)));
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.sales_days_on_update() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.sales_days_add(siyu.sales_days_delta(
        (SELECT ARRAY_AGG(ROW(o.*)::siyu.orders) FROM old_orders AS o),
        (SELECT ARRAY_AGG(ROW(n.*)::siyu.orders) FROM new_orders AS n)));
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.sales_days_on_delete() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.sales_days_add(siyu.sales_days_delta((SELECT ARRAY_AGG(ROW(o.*)::siyu.orders) FROM old_orders AS o), '{}'::siyu.orders[]));
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.sales_days_on_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      TRUNCATE siyu.sales_days;
      RETURN NULL;
    END
  $$;

CREATE TRIGGER sales_days_insert AFTER INSERT ON siyu.orders
  REFERENCING NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_days_on_insert();
CREATE TRIGGER sales_days_update AFTER UPDATE ON siyu.orders
  REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_days_on_update();
CREATE TRIGGER sales_days_delete AFTER DELETE ON siyu.orders
  REFERENCING OLD TABLE AS old_orders FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_days_on_delete();
CREATE TRIGGER sales_days_truncate AFTER TRUNCATE ON siyu.orders
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_days_on_truncate();

-- The whole table from the orders: at the end of the seed (whose COPY runs
-- with the insert trigger disabled), after a bulk import (cube/import), and
-- below for an existing database. Writers of orders wait meanwhile (SHARE:
-- readers do not). The rows go in by day, the key and index after them.
CREATE FUNCTION siyu.rebuild_sales_days() RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      built bigint;
    BEGIN
      LOCK TABLE siyu.orders IN SHARE MODE;
      ALTER TABLE siyu.sales_days DROP CONSTRAINT sales_days_key;
      DROP INDEX siyu.sales_days_employee_idx;
      TRUNCATE siyu.sales_days;
      INSERT INTO siyu.sales_days
      SELECT siyu.local_day_start(o.ordered_at), o.channel_id, o.campaign_id, o.employee_id, o.category,
             COUNT(*), COUNT(*) FILTER (WHERE o.status = 'paid'), COUNT(*) FILTER (WHERE o.status = 'refunded'),
             COALESCE(SUM(o.amount) FILTER (WHERE o.status = 'paid'), 0), COALESCE(SUM(o.items) FILTER (WHERE o.status = 'paid'), 0)
      FROM siyu.orders AS o
      GROUP BY 1, 2, 3, 4, 5
      ORDER BY 1, 2, 3, 4, 5;
      GET DIAGNOSTICS built = ROW_COUNT;
      ALTER TABLE siyu.sales_days
        ADD CONSTRAINT sales_days_key UNIQUE NULLS NOT DISTINCT (day_start, channel_id, campaign_id, employee_id, category);
      CREATE INDEX sales_days_employee_idx ON siyu.sales_days (employee_id, day_start);
      RETURN built;
    END
  $$;

SELECT siyu.rebuild_sales_days();

-- The orders' daily rollup (orders.sales_by_day) is gone: its builds are no
-- rollup's any more and Cube would leave them behind; a migrator that does not
-- own them leaves them too (as migrations 021 and 032 do).
DO $$
  DECLARE
    stale record;
  BEGIN
    FOR stale IN
      SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'siyu_pre_aggregations' AND table_name ~ '^orders_sales_by_day'
    LOOP
      BEGIN
        EXECUTE format('DROP TABLE siyu_pre_aggregations.%I', stale.table_name);
      EXCEPTION WHEN insufficient_privilege THEN
        NULL;
      END;
    END LOOP;
  END
$$;
