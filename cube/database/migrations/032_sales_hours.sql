-- The big-screen's live tiles and the overview's GMV trend without a rollup
-- rebuild after each write (issue 19, docs/performance.md "The hourly sales
-- table"): one row per business hour, channel, campaign and credited
-- employee of the orders, with how many orders (paid or refunded), how many
-- paid and how much they paid. Kept exact by statement-level triggers on the
-- orders, in the writer's transaction, so a new order changes one row here
-- and the table's own change counter (migration 008): the next query reads
-- it, nothing is rebuilt.
--
-- Every order counts a row, refunded ones too (`orders`): the orders cube's
-- groups are the orders' groups, so a slice whose orders were all refunded
-- is a row with no GMV (NULL) and 0 paid orders there, and here as well (the
-- cube's GMV sums the paid amount of rows with a paid order only).
--
-- The employee's team is not a column: it is the employee's team now, read
-- through siyu.employees at query time as the orders cube does, so moving an
-- employee to another team rewrites nothing here and cannot leave it stale.
--
-- The hour starts at the local hour in the business time zone (stored as
-- that instant, as siyu.customer_days stores the local midnight), so a day
-- or a month of hours in the business zone is whole hours of this table.
-- Keyed by the absolute hour: nothing rolls over at midnight.
CREATE TABLE siyu.sales_hours (
  hour_start  timestamptz NOT NULL,
  channel_id  integer NOT NULL,
  campaign_id integer,
  employee_id integer,
  orders      integer NOT NULL,
  paid_orders integer NOT NULL,
  paid_amount numeric(16, 2) NOT NULL,
  CONSTRAINT sales_hours_key UNIQUE NULLS NOT DISTINCT (hour_start, channel_id, campaign_id, employee_id)
);
-- A campaign's hours (every big-screen tile is one campaign's), one
-- employee's (a staff member's every query is limited to them); a range of
-- the brand's hours reads the key.
CREATE INDEX sales_hours_campaign_idx ON siyu.sales_hours (campaign_id, hour_start);
CREATE INDEX sales_hours_employee_idx ON siyu.sales_hours (employee_id, hour_start);

SELECT siyu.track_data_changes('sales_hours');

-- The business hour an order falls in, as the instant it starts.
CREATE FUNCTION siyu.local_hour_start(ts timestamptz) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT date_trunc('hour', ts AT TIME ZONE siyu.business_tz()) AT TIME ZONE siyu.business_tz() $$;

-- Adds signed rows (a statement's change, summed per key) to the table, in
-- key order. Pure sums need no lock of their own: INSERT … ON CONFLICT DO
-- UPDATE adds to the latest committed row and holds it to the writer's
-- commit, so two writers of one key take turns and both changes count; key
-- order keeps two statements from waiting on each other's rows. A row whose
-- orders fall to zero is removed (it was locked by the update just made).
CREATE FUNCTION siyu.sales_hours_add(changes siyu.sales_hours[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF changes IS NULL OR cardinality(changes) = 0 THEN
        RETURN;
      END IF;
      INSERT INTO siyu.sales_hours AS sh
      SELECT * FROM UNNEST(changes)
      ORDER BY hour_start, channel_id, campaign_id, employee_id
      ON CONFLICT ON CONSTRAINT sales_hours_key DO UPDATE
        SET orders = sh.orders + EXCLUDED.orders,
            paid_orders = sh.paid_orders + EXCLUDED.paid_orders,
            paid_amount = sh.paid_amount + EXCLUDED.paid_amount;

      DELETE FROM siyu.sales_hours AS sh
      USING (SELECT DISTINCT c.hour_start, c.channel_id, c.campaign_id, c.employee_id FROM UNNEST(changes) AS c) AS touched
      WHERE sh.hour_start = touched.hour_start AND sh.channel_id = touched.channel_id
        AND sh.campaign_id IS NOT DISTINCT FROM touched.campaign_id AND sh.employee_id IS NOT DISTINCT FROM touched.employee_id
        AND sh.orders = 0;
    END
  $$;

-- The signed, summed change of a statement's orders: the new rows count +1,
-- the old rows -1 (an update is both: a refund moves the order from paid to
-- not paid on its key, a channel, campaign, employee or time move from the
-- old key to the new). Keys whose change cancels out are left out.
CREATE FUNCTION siyu.sales_hours_delta(gone siyu.orders[], came siyu.orders[]) RETURNS siyu.sales_hours[]
  LANGUAGE sql STABLE
  AS $$
    SELECT COALESCE(ARRAY_AGG(ROW(k.hour_start, k.channel_id, k.campaign_id, k.employee_id, k.orders, k.paid_orders, k.paid_amount)::siyu.sales_hours), '{}')
    FROM (
      SELECT siyu.local_hour_start(o.ordered_at) AS hour_start, o.channel_id, o.campaign_id, o.employee_id,
             SUM(o.sign)::int AS orders,
             COALESCE(SUM(o.sign) FILTER (WHERE o.status = 'paid'), 0)::int AS paid_orders,
             COALESCE(SUM(o.sign * o.amount) FILTER (WHERE o.status = 'paid'), 0) AS paid_amount
      FROM (
        SELECT c.*, 1 AS sign FROM UNNEST(came) AS c
        UNION ALL
        SELECT g.*, -1 FROM UNNEST(gone) AS g
      ) AS o
      GROUP BY 1, 2, 3, 4
    ) AS k
    WHERE k.orders <> 0 OR k.paid_orders <> 0 OR k.paid_amount <> 0
  $$;

-- Statement-level: one call per INSERT, UPDATE or DELETE whatever its size,
-- reading the statement's transition tables.
CREATE FUNCTION siyu.sales_hours_on_insert() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.sales_hours_add(siyu.sales_hours_delta('{}'::siyu.orders[], (SELECT ARRAY_AGG(ROW(n.*)::siyu.orders) FROM new_orders AS n)));
      RETURN NULL;
    END
  $$;

-- Only the columns the table keys or sums change it: an update of the items
-- or the category alone adds nothing (its delta cancels out, and is left out).
CREATE FUNCTION siyu.sales_hours_on_update() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.sales_hours_add(siyu.sales_hours_delta(
        (SELECT ARRAY_AGG(ROW(o.*)::siyu.orders) FROM old_orders AS o),
        (SELECT ARRAY_AGG(ROW(n.*)::siyu.orders) FROM new_orders AS n)));
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.sales_hours_on_delete() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.sales_hours_add(siyu.sales_hours_delta((SELECT ARRAY_AGG(ROW(o.*)::siyu.orders) FROM old_orders AS o), '{}'::siyu.orders[]));
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.sales_hours_on_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      TRUNCATE siyu.sales_hours;
      RETURN NULL;
    END
  $$;

CREATE TRIGGER sales_hours_insert AFTER INSERT ON siyu.orders
  REFERENCING NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_hours_on_insert();
CREATE TRIGGER sales_hours_update AFTER UPDATE ON siyu.orders
  REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_hours_on_update();
CREATE TRIGGER sales_hours_delete AFTER DELETE ON siyu.orders
  REFERENCING OLD TABLE AS old_orders FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_hours_on_delete();
CREATE TRIGGER sales_hours_truncate AFTER TRUNCATE ON siyu.orders
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_hours_on_truncate();

-- The whole table from the orders: at the end of the seed (whose COPY runs
-- with the insert trigger disabled), after a bulk import (cube/import), and
-- below for an existing database. Writers of orders wait meanwhile (SHARE:
-- readers do not), so no order falls between the read and the swap. The rows
-- go in by hour and the indexes are built after them by one sort each.
CREATE FUNCTION siyu.rebuild_sales_hours() RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      built bigint;
    BEGIN
      LOCK TABLE siyu.orders IN SHARE MODE;
      ALTER TABLE siyu.sales_hours DROP CONSTRAINT sales_hours_key;
      DROP INDEX siyu.sales_hours_campaign_idx, siyu.sales_hours_employee_idx;
      TRUNCATE siyu.sales_hours;
      INSERT INTO siyu.sales_hours
      SELECT siyu.local_hour_start(o.ordered_at), o.channel_id, o.campaign_id, o.employee_id,
             COUNT(*), COUNT(*) FILTER (WHERE o.status = 'paid'), COALESCE(SUM(o.amount) FILTER (WHERE o.status = 'paid'), 0)
      FROM siyu.orders AS o
      GROUP BY 1, 2, 3, 4
      ORDER BY 1, 2, 3, 4;
      GET DIAGNOSTICS built = ROW_COUNT;
      ALTER TABLE siyu.sales_hours
        ADD CONSTRAINT sales_hours_key UNIQUE NULLS NOT DISTINCT (hour_start, channel_id, campaign_id, employee_id);
      CREATE INDEX sales_hours_campaign_idx ON siyu.sales_hours (campaign_id, hour_start);
      CREATE INDEX sales_hours_employee_idx ON siyu.sales_hours (employee_id, hour_start);
      RETURN built;
    END
  $$;

SELECT siyu.rebuild_sales_hours();

-- The hourly rollup of the orders (orders.sales_by_hour) is gone: the
-- big-screen reads this table. Its builds are no rollup's any more and Cube
-- would leave them behind; a migrator that does not own them leaves them too
-- (as migration 021 does).
DO $$
  DECLARE
    stale record;
  BEGIN
    FOR stale IN
      SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'siyu_pre_aggregations' AND table_name ~ '^orders_sales_by_hour'
    LOOP
      BEGIN
        EXECUTE format('DROP TABLE siyu_pre_aggregations.%I', stale.table_name);
      EXCEPTION WHEN insufficient_privilege THEN
        NULL;
      END;
    END LOOP;
  END
$$;
