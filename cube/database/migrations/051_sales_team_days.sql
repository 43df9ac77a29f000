-- The overview's GMV trend by day at the whole brand's and a team's grain
-- (issue 19, docs/performance.md "The team day table"): one row per business
-- day, channel, campaign and the credited employee's team now, with how many
-- orders (paid or refunded), how many paid and how much they paid. The
-- hourly (032) and daily (042) sales tables hold about one row per order at
-- this brand's spread (500 employees), so a month of the whole brand summed
-- a month of orders; here a day is at most channels × campaigns × teams rows.
--
-- Unlike the other sales tables the team is stored (that is the grain), so a
-- team move rewrites the moved employees' rows: their day rows in
-- siyu.sales_days, summed per day, channel and campaign, leave the old team
-- and join the new (the trigger below). Lock order: a move takes every
-- customer bucket first (migration 037's a_employee_move_buckets, which fires
-- before this table's move trigger), and every order writer holds its
-- customers' buckets from its customer-day trigger (which fires before this
-- table's order triggers) to its commit, so a move waits for the writers in
-- flight, and a writer after it reads the new team.
--
-- Every order counts a row, refunded ones too, as in the hourly table: a
-- slice whose orders were all refunded has no GMV (NULL), as orders.gmv.
-- Orders without a credited employee have no team (NULL).
--
-- The day starts at the local midnight in the business time zone, stored as
-- that instant (siyu.local_day_start, migration 042). Keyed by the absolute
-- day: nothing rolls over at midnight.
CREATE TABLE siyu.sales_team_days (
  day_start   timestamptz NOT NULL,
  channel_id  integer NOT NULL,
  campaign_id integer,
  team_id     integer,
  orders      integer NOT NULL,
  paid_orders integer NOT NULL,
  paid_amount numeric(16, 2) NOT NULL,
  CONSTRAINT sales_team_days_key UNIQUE NULLS NOT DISTINCT (day_start, channel_id, campaign_id, team_id)
);
-- A team's days (a manager's every query is limited to their team); a range
-- of the brand's days reads the key.
CREATE INDEX sales_team_days_team_idx ON siyu.sales_team_days (team_id, day_start);

SELECT siyu.track_data_changes('sales_team_days');

-- Adds signed rows (a statement's change, summed per key) in key order, as
-- siyu.sales_days_add: the upsert adds to the latest committed row and holds
-- it to the writer's commit. A row whose orders fall to zero is removed.
CREATE FUNCTION siyu.sales_team_days_add(changes siyu.sales_team_days[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF changes IS NULL OR cardinality(changes) = 0 THEN
        RETURN;
      END IF;
      INSERT INTO siyu.sales_team_days AS st
      SELECT * FROM UNNEST(changes)
      ORDER BY day_start, channel_id, campaign_id, team_id
      ON CONFLICT ON CONSTRAINT sales_team_days_key DO UPDATE
        SET orders = st.orders + EXCLUDED.orders,
            paid_orders = st.paid_orders + EXCLUDED.paid_orders,
            paid_amount = st.paid_amount + EXCLUDED.paid_amount;

      DELETE FROM siyu.sales_team_days AS st
      USING (SELECT DISTINCT c.day_start, c.channel_id, c.campaign_id, c.team_id FROM UNNEST(changes) AS c) AS touched
      WHERE st.day_start = touched.day_start AND st.channel_id = touched.channel_id
        AND st.campaign_id IS NOT DISTINCT FROM touched.campaign_id AND st.team_id IS NOT DISTINCT FROM touched.team_id
        AND st.orders = 0;
    END
  $$;

-- The signed, summed change of a statement's orders, each at its employee's
-- team now: the new rows +1, the old rows -1 (a refund, a channel, campaign,
-- employee or time move is both). Keys whose change cancels out are left out.
CREATE FUNCTION siyu.sales_team_days_delta(gone siyu.orders[], came siyu.orders[]) RETURNS siyu.sales_team_days[]
  LANGUAGE sql STABLE
  AS $$
    SELECT COALESCE(ARRAY_AGG(ROW(k.day_start, k.channel_id, k.campaign_id, k.team_id, k.orders, k.paid_orders, k.paid_amount)::siyu.sales_team_days), '{}')
    FROM (
      SELECT siyu.local_day_start(o.ordered_at) AS day_start, o.channel_id, o.campaign_id, e.team_id,
             SUM(o.sign)::int AS orders,
             COALESCE(SUM(o.sign) FILTER (WHERE o.status = 'paid'), 0)::int AS paid_orders,
             COALESCE(SUM(o.sign * o.amount) FILTER (WHERE o.status = 'paid'), 0) AS paid_amount
      FROM (
        SELECT c.*, 1 AS sign FROM UNNEST(came) AS c
        UNION ALL
        SELECT g.*, -1 FROM UNNEST(gone) AS g
      ) AS o
      LEFT JOIN siyu.employees AS e ON e.id = o.employee_id
      GROUP BY 1, 2, 3, 4
    ) AS k
    WHERE k.orders <> 0 OR k.paid_orders <> 0 OR k.paid_amount <> 0
  $$;

-- Statement-level: one call per INSERT, UPDATE or DELETE whatever its size.
CREATE FUNCTION siyu.sales_team_days_on_insert() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.sales_team_days_add(siyu.sales_team_days_delta('{}'::siyu.orders[], (SELECT ARRAY_AGG(ROW(n.*)::siyu.orders) FROM new_orders AS n)));
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.sales_team_days_on_update() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.sales_team_days_add(siyu.sales_team_days_delta(
        (SELECT ARRAY_AGG(ROW(o.*)::siyu.orders) FROM old_orders AS o),
        (SELECT ARRAY_AGG(ROW(n.*)::siyu.orders) FROM new_orders AS n)));
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.sales_team_days_on_delete() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.sales_team_days_add(siyu.sales_team_days_delta((SELECT ARRAY_AGG(ROW(o.*)::siyu.orders) FROM old_orders AS o), '{}'::siyu.orders[]));
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.sales_team_days_on_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      TRUNCATE siyu.sales_team_days;
      RETURN NULL;
    END
  $$;

CREATE TRIGGER sales_team_days_insert AFTER INSERT ON siyu.orders
  REFERENCING NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_team_days_on_insert();
CREATE TRIGGER sales_team_days_update AFTER UPDATE ON siyu.orders
  REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_team_days_on_update();
CREATE TRIGGER sales_team_days_delete AFTER DELETE ON siyu.orders
  REFERENCING OLD TABLE AS old_orders FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_team_days_on_delete();
CREATE TRIGGER sales_team_days_truncate AFTER TRUNCATE ON siyu.orders
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_team_days_on_truncate();

-- Employees moved to another team: their orders' sums (from the daily sales
-- table, kept by the orders' own triggers: one row per day, channel, campaign
-- and category of theirs) leave the old team and join the new, summed per
-- key (two employees swapped between teams touch a key twice). After every
-- customer bucket (a_employee_move_buckets fires first), so no order of
-- theirs is in flight.
CREATE FUNCTION siyu.sales_team_days_on_team_move() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.sales_team_days_add((
        SELECT COALESCE(ARRAY_AGG(ROW(k.day_start, k.channel_id, k.campaign_id, k.team_id, k.orders, k.paid_orders, k.paid_amount)::siyu.sales_team_days), '{}')
        FROM (
          SELECT s.day_start, s.channel_id, s.campaign_id, m.team_id,
                 SUM(m.sign * s.orders)::int AS orders, SUM(m.sign * s.paid_orders)::int AS paid_orders, SUM(m.sign * s.paid_amount) AS paid_amount
          FROM (
            SELECT n.id, o.team_id, -1 AS sign FROM new_employees AS n JOIN old_employees AS o ON o.id = n.id WHERE o.team_id IS DISTINCT FROM n.team_id
            UNION ALL
            SELECT n.id, n.team_id, 1 FROM new_employees AS n JOIN old_employees AS o ON o.id = n.id WHERE o.team_id IS DISTINCT FROM n.team_id
          ) AS m
          JOIN siyu.sales_days AS s ON s.employee_id = m.id
          GROUP BY s.day_start, s.channel_id, s.campaign_id, m.team_id
        ) AS k
        WHERE k.orders <> 0 OR k.paid_orders <> 0 OR k.paid_amount <> 0));
      RETURN NULL;
    END
  $$;
CREATE TRIGGER sales_team_days_team_move AFTER UPDATE ON siyu.employees
  REFERENCING OLD TABLE AS old_employees NEW TABLE AS new_employees
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_team_days_on_team_move();

-- The whole table from the orders: at the end of the seed (whose COPY runs
-- with the insert trigger held, seed/kept-tables.ts), after a bulk import
-- (cube/import), and below for an existing database. Writers of orders and
-- team moves wait meanwhile (SHARE: readers do not).
CREATE FUNCTION siyu.rebuild_sales_team_days() RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      built bigint;
    BEGIN
      LOCK TABLE siyu.orders, siyu.employees IN SHARE MODE;
      ALTER TABLE siyu.sales_team_days DROP CONSTRAINT sales_team_days_key;
      DROP INDEX siyu.sales_team_days_team_idx;
      TRUNCATE siyu.sales_team_days;
      INSERT INTO siyu.sales_team_days
      SELECT siyu.local_day_start(o.ordered_at), o.channel_id, o.campaign_id, e.team_id,
             COUNT(*), COUNT(*) FILTER (WHERE o.status = 'paid'), COALESCE(SUM(o.amount) FILTER (WHERE o.status = 'paid'), 0)
      FROM siyu.orders AS o
      LEFT JOIN siyu.employees AS e ON e.id = o.employee_id
      GROUP BY 1, 2, 3, 4
      ORDER BY 1, 2, 3, 4;
      GET DIAGNOSTICS built = ROW_COUNT;
      ALTER TABLE siyu.sales_team_days
        ADD CONSTRAINT sales_team_days_key UNIQUE NULLS NOT DISTINCT (day_start, channel_id, campaign_id, team_id);
      CREATE INDEX sales_team_days_team_idx ON siyu.sales_team_days (team_id, day_start);
      RETURN built;
    END
  $$;

SELECT siyu.rebuild_sales_team_days();
