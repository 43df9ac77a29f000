-- The drill lists' table's three statement triggers (migrations 029 and 058)
-- as one function: they differed only in which transition tables make the
-- change (new rows +, old rows −), so the change is named once per
-- operation and the same two statements sum it.
--
-- The rows a statement empties are removed in the same statement that sums
-- the change, instead of being set to zero and then found again by a second
-- join of the whole change against the table: a statement zeroing many
-- customer days (a mass refund) wrote every row twice, an update then a
-- delete (docs/performance.md, "One trigger function for the drill lists'
-- table"). A row is emptied when neither its paid nor its attributed part
-- has an order left (the amounts are sums of the same customer days). Below
-- zero is still kept: one writer's step (its update's −1 before its
-- insert's +1) that the next statement restores.
CREATE FUNCTION siyu.drill_sales_on_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      change text := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT customer_id, day_start, campaign_id, paid_orders, paid_amount FROM new_rows'
        WHEN 'UPDATE' THEN 'SELECT customer_id, day_start, campaign_id, paid_orders, paid_amount FROM new_rows
                            UNION ALL SELECT customer_id, day_start, campaign_id, -paid_orders, -paid_amount FROM old_rows'
        ELSE 'SELECT customer_id, day_start, campaign_id, -paid_orders, -paid_amount FROM old_rows' END;
      changed boolean;
    BEGIN
      -- A statement that changed no row (the customer-day table's delete of
      -- emptied rows, mostly) does nothing.
      EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', CASE TG_OP WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END) INTO changed;
      IF NOT changed THEN
        RETURN NULL;
      END IF;
      -- A roll-over holds EXCLUSIVE while it replaces ranges: wait for it before
      -- reading the ranges (the statement below takes a snapshot with its ranges).
      LOCK TABLE siyu.drill_sales IN ROW EXCLUSIVE MODE;
      -- The change per range and customer; the rows it empties deleted, the
      -- others added to (or inserted). The two parts never share a key, so
      -- the insert meets none of the deleted rows.
      EXECUTE format($f$
        WITH delta AS MATERIALIZED (
          SELECT r.period, c.customer_id, SUM(c.paid_orders)::int AS paid_orders, SUM(c.paid_amount) AS paid_amount,
                 coalesce(SUM(c.paid_orders) FILTER (WHERE c.campaign_id IS NOT NULL), 0)::int AS attributed_orders,
                 coalesce(SUM(c.paid_amount) FILTER (WHERE c.campaign_id IS NOT NULL), 0) AS attributed_amount
          FROM (%s) AS c (customer_id, day_start, campaign_id, paid_orders, paid_amount)
          JOIN siyu.drill_sales_ranges AS r ON c.day_start >= r.starts_at AND c.day_start < r.ends_at
          GROUP BY 1, 2
          HAVING SUM(c.paid_orders) <> 0 OR SUM(c.paid_amount) <> 0
              OR SUM(c.paid_orders) FILTER (WHERE c.campaign_id IS NOT NULL) <> 0
              OR SUM(c.paid_amount) FILTER (WHERE c.campaign_id IS NOT NULL) <> 0),
        emptied AS (
          DELETE FROM siyu.drill_sales AS d
          USING delta AS x
          WHERE d.period = x.period AND d.customer_id = x.customer_id
            AND d.paid_orders + x.paid_orders = 0 AND d.attributed_orders + x.attributed_orders = 0
          RETURNING d.period, d.customer_id)
        INSERT INTO siyu.drill_sales AS d (period, customer_id, paid_orders, paid_amount, attributed_orders, attributed_amount)
        SELECT x.period, x.customer_id, x.paid_orders, x.paid_amount, x.attributed_orders, x.attributed_amount
        FROM delta AS x
        WHERE NOT EXISTS (SELECT 1 FROM emptied AS e WHERE e.period = x.period AND e.customer_id = x.customer_id)
        ORDER BY 1, 2
        ON CONFLICT (period, customer_id) DO UPDATE
          SET paid_orders = d.paid_orders + EXCLUDED.paid_orders, paid_amount = d.paid_amount + EXCLUDED.paid_amount,
              attributed_orders = d.attributed_orders + EXCLUDED.attributed_orders,
              attributed_amount = d.attributed_amount + EXCLUDED.attributed_amount$f$, change);
      RETURN NULL;
    END
  $$;

DROP TRIGGER drill_sales_insert ON siyu.customer_days;
DROP TRIGGER drill_sales_update ON siyu.customer_days;
DROP TRIGGER drill_sales_delete ON siyu.customer_days;
CREATE TRIGGER drill_sales_insert AFTER INSERT ON siyu.customer_days
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.drill_sales_on_change();
CREATE TRIGGER drill_sales_update AFTER UPDATE ON siyu.customer_days
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.drill_sales_on_change();
CREATE TRIGGER drill_sales_delete AFTER DELETE ON siyu.customer_days
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.drill_sales_on_change();
DROP FUNCTION siyu.drill_sales_on_insert();
DROP FUNCTION siyu.drill_sales_on_update();
DROP FUNCTION siyu.drill_sales_on_delete();
