-- The attributed GMV and ROI drill lists of the date presets from stored rows
-- (issue 19, docs/performance.md "The attributed drill list from stored
-- rows"): siyu.drill_sales (migration 029) carries, beside a customer's paid
-- orders and amount in a preset range, the attributed part of them (the
-- customer days with a campaign, as attributed_drill and sales_drill with the
-- campaign set count them). The list of a preset for the roles that see every
-- fact is then "the range's rows with an attributed order, in the order of
-- the partial rank index": its page read from the index, its total the
-- count of those rows, its header their sum, instead of every attributed
-- customer day of the range summed per customer and sorted at each query
-- (700,000 rows into 115,000 customers at 1M for 近12个月).
--
-- Kept as the paid columns are: the same triggers (their statements' rows
-- summed per range and customer, the campaign rows' part beside), the same
-- build and shift (definitions/drill_sales_shift.sql). A row is there while
-- the customer has a paid order in the range; an attributed order is a paid
-- one, so every customer of the attributed list has a row. A row is removed
-- only when neither part has an order left (a statement's step may leave the
-- unattributed part below zero for the next one to restore).
ALTER TABLE siyu.drill_sales
  ADD COLUMN attributed_orders integer NOT NULL DEFAULT 0,
  ADD COLUMN attributed_amount numeric(16, 2) NOT NULL DEFAULT 0;

-- The attributed list's order (attributed GMV largest first, then the
-- customer id) over its customers only (about one buyer in five), with
-- the orders a page shows: a page, its total and its header read from it
-- alone, and grouping by (customer, GMV, orders), which Cube writes for a
-- list of dimensions, follows its order instead of sorting (as
-- drill_sales_rank_idx does for the sales list).
CREATE INDEX drill_sales_attributed_idx ON siyu.drill_sales (period, attributed_amount DESC, customer_id, attributed_orders)
  WHERE attributed_orders > 0;

-- Migration 029's build with the attributed part counted beside.
CREATE OR REPLACE FUNCTION siyu.build_drill_sales(periods text[] DEFAULT NULL) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      names text[];
      amounts text;
      orders text;
      first_start timestamptz;
      built bigint;
    BEGIN
      SELECT array_agg(r.period ORDER BY r.period),
             string_agg(format('SUM(cd.paid_amount) FILTER (WHERE cd.day_start >= %L AND cd.day_start < %L)', r.starts_at, r.ends_at), ', ' ORDER BY r.period),
             string_agg(format('SUM(cd.paid_orders) FILTER (WHERE cd.day_start >= %L AND cd.day_start < %L)', r.starts_at, r.ends_at), ', ' ORDER BY r.period),
             min(r.starts_at)
      INTO names, amounts, orders, first_start
      FROM siyu.drill_sales_ranges AS r
      WHERE periods IS NULL OR r.period = ANY (periods);
      IF names IS NULL THEN
        RETURN 0;
      END IF;
      DELETE FROM siyu.drill_sales WHERE period = ANY (names);
      -- The same sums of the campaign rows: each range's filter with the campaign's.
      EXECUTE format($f$
        INSERT INTO siyu.drill_sales (period, customer_id, paid_orders, paid_amount, attributed_orders, attributed_amount)
        SELECT p.period, s.customer_id, s.orders[p.i], s.amounts[p.i], coalesce(s.a_orders[p.i], 0), coalesce(s.a_amounts[p.i], 0)
        FROM (SELECT cd.customer_id, ARRAY[%s]::numeric[] AS amounts, ARRAY[%s]::bigint[] AS orders,
                     ARRAY[%s]::numeric[] AS a_amounts, ARRAY[%s]::bigint[] AS a_orders
              FROM siyu.customer_days AS cd
              WHERE cd.day_start >= $1
              GROUP BY cd.customer_id) AS s
        CROSS JOIN unnest($2::text[]) WITH ORDINALITY AS p (period, i)
        WHERE s.orders[p.i] > 0
        ORDER BY 1, 4 DESC, 2$f$, amounts, orders,
        replace(amounts, ' AND cd.day_start <', ' AND cd.campaign_id IS NOT NULL AND cd.day_start <'),
        replace(orders, ' AND cd.day_start <', ' AND cd.campaign_id IS NOT NULL AND cd.day_start <'))
      USING first_start, names;
      GET DIAGNOSTICS built = ROW_COUNT;
      RETURN built;
    END
  $$;

-- Migration 029's triggers with the attributed part summed beside (and in
-- the test that keeps a row: a statement moving an order to a campaign
-- changes only that part).
CREATE OR REPLACE FUNCTION siyu.drill_sales_on_insert() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM new_rows) THEN
        RETURN NULL;
      END IF;
      -- A roll-over holds EXCLUSIVE while it replaces ranges: wait for it before
      -- reading the ranges (the statements below take snapshots with its ranges).
      LOCK TABLE siyu.drill_sales IN ROW EXCLUSIVE MODE;
      INSERT INTO siyu.drill_sales AS d (period, customer_id, paid_orders, paid_amount, attributed_orders, attributed_amount)
      SELECT r.period, c.customer_id, SUM(c.paid_orders), SUM(c.paid_amount),
             coalesce(SUM(c.paid_orders) FILTER (WHERE c.campaign_id IS NOT NULL), 0),
             coalesce(SUM(c.paid_amount) FILTER (WHERE c.campaign_id IS NOT NULL), 0)
      FROM (SELECT customer_id, day_start, campaign_id, paid_orders, paid_amount FROM new_rows) AS c (customer_id, day_start, campaign_id, paid_orders, paid_amount)
      JOIN siyu.drill_sales_ranges AS r ON c.day_start >= r.starts_at AND c.day_start < r.ends_at
      GROUP BY 1, 2
      HAVING SUM(c.paid_orders) <> 0 OR SUM(c.paid_amount) <> 0
          OR SUM(c.paid_orders) FILTER (WHERE c.campaign_id IS NOT NULL) <> 0
          OR SUM(c.paid_amount) FILTER (WHERE c.campaign_id IS NOT NULL) <> 0
      ORDER BY 1, 2
      ON CONFLICT (period, customer_id) DO UPDATE
        SET paid_orders = d.paid_orders + EXCLUDED.paid_orders, paid_amount = d.paid_amount + EXCLUDED.paid_amount,
            attributed_orders = d.attributed_orders + EXCLUDED.attributed_orders,
            attributed_amount = d.attributed_amount + EXCLUDED.attributed_amount;
      DELETE FROM siyu.drill_sales AS d
      USING (SELECT DISTINCT r.period, c.customer_id
             FROM (SELECT customer_id, day_start, campaign_id, paid_orders, paid_amount FROM new_rows) AS c (customer_id, day_start, campaign_id, paid_orders, paid_amount)
             JOIN siyu.drill_sales_ranges AS r ON c.day_start >= r.starts_at AND c.day_start < r.ends_at) AS x
      WHERE d.period = x.period AND d.customer_id = x.customer_id AND d.paid_orders = 0 AND d.attributed_orders = 0;
      RETURN NULL;
    END
  $$;

CREATE OR REPLACE FUNCTION siyu.drill_sales_on_update() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM new_rows) THEN
        RETURN NULL;
      END IF;
      -- A roll-over holds EXCLUSIVE while it replaces ranges: wait for it before
      -- reading the ranges (the statements below take snapshots with its ranges).
      LOCK TABLE siyu.drill_sales IN ROW EXCLUSIVE MODE;
      INSERT INTO siyu.drill_sales AS d (period, customer_id, paid_orders, paid_amount, attributed_orders, attributed_amount)
      SELECT r.period, c.customer_id, SUM(c.paid_orders), SUM(c.paid_amount),
             coalesce(SUM(c.paid_orders) FILTER (WHERE c.campaign_id IS NOT NULL), 0),
             coalesce(SUM(c.paid_amount) FILTER (WHERE c.campaign_id IS NOT NULL), 0)
      FROM (SELECT customer_id, day_start, campaign_id, paid_orders, paid_amount FROM new_rows
            UNION ALL SELECT customer_id, day_start, campaign_id, -paid_orders, -paid_amount FROM old_rows) AS c (customer_id, day_start, campaign_id, paid_orders, paid_amount)
      JOIN siyu.drill_sales_ranges AS r ON c.day_start >= r.starts_at AND c.day_start < r.ends_at
      GROUP BY 1, 2
      HAVING SUM(c.paid_orders) <> 0 OR SUM(c.paid_amount) <> 0
          OR SUM(c.paid_orders) FILTER (WHERE c.campaign_id IS NOT NULL) <> 0
          OR SUM(c.paid_amount) FILTER (WHERE c.campaign_id IS NOT NULL) <> 0
      ORDER BY 1, 2
      ON CONFLICT (period, customer_id) DO UPDATE
        SET paid_orders = d.paid_orders + EXCLUDED.paid_orders, paid_amount = d.paid_amount + EXCLUDED.paid_amount,
            attributed_orders = d.attributed_orders + EXCLUDED.attributed_orders,
            attributed_amount = d.attributed_amount + EXCLUDED.attributed_amount;
      DELETE FROM siyu.drill_sales AS d
      USING (SELECT DISTINCT r.period, c.customer_id
             FROM (SELECT customer_id, day_start, campaign_id, paid_orders, paid_amount FROM new_rows
            UNION ALL SELECT customer_id, day_start, campaign_id, -paid_orders, -paid_amount FROM old_rows) AS c (customer_id, day_start, campaign_id, paid_orders, paid_amount)
             JOIN siyu.drill_sales_ranges AS r ON c.day_start >= r.starts_at AND c.day_start < r.ends_at) AS x
      WHERE d.period = x.period AND d.customer_id = x.customer_id AND d.paid_orders = 0 AND d.attributed_orders = 0;
      RETURN NULL;
    END
  $$;

CREATE OR REPLACE FUNCTION siyu.drill_sales_on_delete() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM old_rows) THEN
        RETURN NULL;
      END IF;
      -- A roll-over holds EXCLUSIVE while it replaces ranges: wait for it before
      -- reading the ranges (the statements below take snapshots with its ranges).
      LOCK TABLE siyu.drill_sales IN ROW EXCLUSIVE MODE;
      INSERT INTO siyu.drill_sales AS d (period, customer_id, paid_orders, paid_amount, attributed_orders, attributed_amount)
      SELECT r.period, c.customer_id, SUM(c.paid_orders), SUM(c.paid_amount),
             coalesce(SUM(c.paid_orders) FILTER (WHERE c.campaign_id IS NOT NULL), 0),
             coalesce(SUM(c.paid_amount) FILTER (WHERE c.campaign_id IS NOT NULL), 0)
      FROM (SELECT customer_id, day_start, campaign_id, -paid_orders, -paid_amount FROM old_rows) AS c (customer_id, day_start, campaign_id, paid_orders, paid_amount)
      JOIN siyu.drill_sales_ranges AS r ON c.day_start >= r.starts_at AND c.day_start < r.ends_at
      GROUP BY 1, 2
      HAVING SUM(c.paid_orders) <> 0 OR SUM(c.paid_amount) <> 0
          OR SUM(c.paid_orders) FILTER (WHERE c.campaign_id IS NOT NULL) <> 0
          OR SUM(c.paid_amount) FILTER (WHERE c.campaign_id IS NOT NULL) <> 0
      ORDER BY 1, 2
      ON CONFLICT (period, customer_id) DO UPDATE
        SET paid_orders = d.paid_orders + EXCLUDED.paid_orders, paid_amount = d.paid_amount + EXCLUDED.paid_amount,
            attributed_orders = d.attributed_orders + EXCLUDED.attributed_orders,
            attributed_amount = d.attributed_amount + EXCLUDED.attributed_amount;
      DELETE FROM siyu.drill_sales AS d
      USING (SELECT DISTINCT r.period, c.customer_id
             FROM (SELECT customer_id, day_start, campaign_id, -paid_orders, -paid_amount FROM old_rows) AS c (customer_id, day_start, campaign_id, paid_orders, paid_amount)
             JOIN siyu.drill_sales_ranges AS r ON c.day_start >= r.starts_at AND c.day_start < r.ends_at) AS x
      WHERE d.period = x.period AND d.customer_id = x.customer_id AND d.paid_orders = 0 AND d.attributed_orders = 0;
      RETURN NULL;
    END
  $$;

-- Every held range counted again with the new columns (a range rolled ahead
-- too; a dropped range's rows waiting in siyu.period_range_drops go now).
TRUNCATE siyu.drill_sales;
SELECT siyu.build_drill_sales();
ANALYZE siyu.drill_sales;
