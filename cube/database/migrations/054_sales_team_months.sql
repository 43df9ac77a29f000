-- The team month table: the team day table (siyu.sales_team_days, migration
-- 051) summed per business month (docs/performance.md, "The team month
-- table"). One row per month × channel × campaign × the credited employee's
-- team now, with the orders (paid or refunded), the paid orders and the paid
-- amount: the overview's GMV trend by month reads a range's whole months from
-- it when the query names no employee (model/cubes/month_sales.js), about a
-- ninth of the monthly table's rows (month × channel × campaign × employee).
--
-- Kept from the team day table itself: statement-level triggers on
-- siyu.sales_team_days add each statement's signed change (its new rows less
-- its old, summed per month and key) in key order, so every write that table
-- sees (an order's, a team move's, its rebuild's TRUNCATE and INSERT) reaches
-- this one in the same transaction. A row whose orders fall to zero is
-- deleted. The month starts at the local first of the month in the business
-- time zone, stored as that instant (as siyu.sales_months.month_start).
CREATE TABLE siyu.sales_team_months (
  month_start timestamptz NOT NULL,
  channel_id  integer NOT NULL,
  campaign_id integer,
  team_id     integer,
  orders      integer NOT NULL,
  paid_orders integer NOT NULL,
  paid_amount numeric(16, 2) NOT NULL,
  CONSTRAINT sales_team_months_key UNIQUE NULLS NOT DISTINCT (month_start, channel_id, campaign_id, team_id)
);
CREATE INDEX sales_team_months_team_idx ON siyu.sales_team_months (team_id, month_start);

SELECT siyu.track_data_changes('sales_team_months');

-- Adds signed day rows (an update's new rows less its old, a delete's old
-- rows negated), summed per month and key.
CREATE FUNCTION siyu.sales_team_months_add(changes siyu.sales_team_days[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF changes IS NULL OR cardinality(changes) = 0 THEN
        RETURN;
      END IF;
      INSERT INTO siyu.sales_team_months AS sm
      SELECT date_trunc('month', c.day_start AT TIME ZONE siyu.business_tz()) AT TIME ZONE siyu.business_tz(),
             c.channel_id, c.campaign_id, c.team_id, SUM(c.orders), SUM(c.paid_orders), SUM(c.paid_amount)
      FROM UNNEST(changes) AS c
      GROUP BY 1, 2, 3, 4
      HAVING SUM(c.orders) <> 0 OR SUM(c.paid_orders) <> 0 OR SUM(c.paid_amount) <> 0
      ORDER BY 1, 2, 3, 4
      ON CONFLICT ON CONSTRAINT sales_team_months_key DO UPDATE
        SET orders = sm.orders + EXCLUDED.orders,
            paid_orders = sm.paid_orders + EXCLUDED.paid_orders,
            paid_amount = sm.paid_amount + EXCLUDED.paid_amount;

      DELETE FROM siyu.sales_team_months AS sm WHERE sm.orders = 0 AND (sm.month_start, sm.channel_id) IN (
        SELECT DISTINCT date_trunc('month', c.day_start AT TIME ZONE siyu.business_tz()) AT TIME ZONE siyu.business_tz(), c.channel_id
        FROM UNNEST(changes) AS c);
    END
  $$;

-- New day rows only add (their orders are positive): summed per month and key
-- straight from the transition table, with no array, as the rebuild's INSERT
-- of the whole team day table (about 2 million rows at 1M) is one statement.
CREATE FUNCTION siyu.sales_team_months_on_insert() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      INSERT INTO siyu.sales_team_months AS sm
      SELECT date_trunc('month', n.day_start AT TIME ZONE siyu.business_tz()) AT TIME ZONE siyu.business_tz(),
             n.channel_id, n.campaign_id, n.team_id, SUM(n.orders), SUM(n.paid_orders), SUM(n.paid_amount)
      FROM new_rows AS n
      GROUP BY 1, 2, 3, 4
      ORDER BY 1, 2, 3, 4
      ON CONFLICT ON CONSTRAINT sales_team_months_key DO UPDATE
        SET orders = sm.orders + EXCLUDED.orders,
            paid_orders = sm.paid_orders + EXCLUDED.paid_orders,
            paid_amount = sm.paid_amount + EXCLUDED.paid_amount;
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.sales_team_months_on_update() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.sales_team_months_add(ARRAY(
        SELECT n::siyu.sales_team_days FROM new_rows AS n
        UNION ALL
        SELECT ROW(o.day_start, o.channel_id, o.campaign_id, o.team_id, -o.orders, -o.paid_orders, -o.paid_amount)::siyu.sales_team_days
        FROM old_rows AS o));
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.sales_team_months_on_delete() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.sales_team_months_add(ARRAY(
        SELECT ROW(o.day_start, o.channel_id, o.campaign_id, o.team_id, -o.orders, -o.paid_orders, -o.paid_amount)::siyu.sales_team_days
        FROM old_rows AS o));
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.sales_team_months_on_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      TRUNCATE siyu.sales_team_months;
      RETURN NULL;
    END
  $$;

CREATE TRIGGER sales_team_months_insert AFTER INSERT ON siyu.sales_team_days
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_team_months_on_insert();
CREATE TRIGGER sales_team_months_update AFTER UPDATE ON siyu.sales_team_days
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_team_months_on_update();
CREATE TRIGGER sales_team_months_delete AFTER DELETE ON siyu.sales_team_days
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_team_months_on_delete();
CREATE TRIGGER sales_team_months_truncate AFTER TRUNCATE ON siyu.sales_team_days
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.sales_team_months_on_truncate();

-- An existing database: from the team day table as it stands.
LOCK TABLE siyu.sales_team_days IN SHARE MODE;
INSERT INTO siyu.sales_team_months
SELECT date_trunc('month', d.day_start AT TIME ZONE siyu.business_tz()) AT TIME ZONE siyu.business_tz(),
       d.channel_id, d.campaign_id, d.team_id, SUM(d.orders), SUM(d.paid_orders), SUM(d.paid_amount)
FROM siyu.sales_team_days AS d
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4;
