-- The sales drill lists of the date presets, ranked from stored rows (issue
-- 19, docs/performance.md "The drill list"): per preset range and customer,
-- the customer's paid orders and paid amount in it. The list behind the
-- overview's GMV (buyers, 客单价) on a preset is then "the range's rows in
-- index order": its first page and any deep page read the index from the
-- top, its total counts the range's rows, instead of summing every customer
-- day of the range per customer and sorting the sums at each page.
--
-- Only the brand's own lists: no team, employee, channel or campaign slice,
-- and only for the roles that see every fact (exec, ops, admin). Those are
-- the long lists (every buyer of the range); a team role's list, or one cut
-- by a filter, is its slice of the customer-day table and stays there.
--
-- Fed from the customer-day table's own change (statement-level triggers on
-- siyu.customer_days, with transition tables), so refunds, moves, deletes,
-- imports and the seed's rebuild reach it through that table. Its sums are
-- additive: each statement's rows (new +, old −) summed per range and
-- customer and added; a row whose paid orders reach zero is removed.

-- The ranges held now: siyu.drill_ranges(as_of) when last rolled. A range's
-- days are [starts_at, ends_at) as instants of local midnight, as
-- siyu.customer_days.day_start is.
CREATE TABLE siyu.drill_sales_ranges (
  period    text PRIMARY KEY,
  starts_at timestamptz NOT NULL,
  ends_at   timestamptz NOT NULL,
  as_of     date
);

CREATE TABLE siyu.drill_sales (
  period      text NOT NULL,
  customer_id integer NOT NULL,
  paid_orders integer NOT NULL,
  paid_amount numeric(16, 2) NOT NULL,
  CONSTRAINT drill_sales_key PRIMARY KEY (period, customer_id)
) WITH (fillfactor = 80);
-- The list's order (GMV largest first, then the customer id) with every
-- column a page shows: a page, however deep, is read from this index alone,
-- and grouping by (customer, GMV, orders), which Cube writes for a list of
-- dimensions, follows its order instead of sorting.
CREATE INDEX drill_sales_rank_idx ON siyu.drill_sales (period, paid_amount DESC, customer_id, paid_orders);
SELECT siyu.track_data_changes('drill_sales');

-- The ranges a sales drill list is opened on: the presets themselves as of
-- a day (web/src/lib/date-range.ts, dateRangeFor, as siyu.preset_ranges
-- lists them), not their 环比/同比 comparisons, and 'all' for 全部. Every
-- preset ends on as-of but 昨日 (the day before) and 上月 (last month).
CREATE FUNCTION siyu.drill_ranges(as_of date) RETURNS TABLE (period text, first_day date, last_day date)
  LANGUAGE sql STABLE
  AS $$
    SELECT r.period, r.first_day, r.last_day
    FROM siyu.preset_ranges(as_of) AS r
    WHERE r.period = 'all'
       OR r.last_day = as_of
       OR (r.first_day = as_of - 1 AND r.last_day = as_of - 1)
       OR (r.first_day = (date_trunc('month', as_of::timestamp) - interval '1 month')::date
           AND r.last_day = (date_trunc('month', as_of::timestamp) - interval '1 day')::date)
  $$;

-- Counts the named ranges (all held ranges when null) afresh from the
-- customer-day table: one pass over its rows in customer order (its key),
-- each customer's sums per range side by side, then one row per range where
-- they bought.
CREATE FUNCTION siyu.build_drill_sales(periods text[] DEFAULT NULL) RETURNS bigint
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
      EXECUTE format($f$
        INSERT INTO siyu.drill_sales (period, customer_id, paid_orders, paid_amount)
        SELECT p.period, s.customer_id, s.orders[p.i], s.amounts[p.i]
        FROM (SELECT cd.customer_id, ARRAY[%s]::numeric[] AS amounts, ARRAY[%s]::bigint[] AS orders
              FROM siyu.customer_days AS cd
              WHERE cd.day_start >= $1
              GROUP BY cd.customer_id) AS s
        CROSS JOIN unnest($2::text[]) WITH ORDINALITY AS p (period, i)
        WHERE s.orders[p.i] > 0
        ORDER BY 1, 4 DESC, 2$f$, amounts, orders)
      USING first_start, names;
      GET DIAGNOSTICS built = ROW_COUNT;
      RETURN built;
    END
  $$;

-- A statement's change of the customer-day table (its transition tables:
-- new rows +, old rows −), summed per range and customer and added; then the
-- rows left with no paid order removed. A row at zero paid orders has no
-- amount left either (both are sums of the same customer days); below zero
-- is a step of one writer's statement (its update's −1 before its insert's
-- +1), kept for the next. The transition tables are read as tables, so a
-- statement of millions of rows (the customer-day table's whole rebuild, an
-- import's bulk path) is summed like any other; a statement that changed no
-- row (the customer-day table's delete of emptied rows, mostly) does nothing.
-- The bucket locks of siyu.customer_days_add (migration 013) are held by the
-- writer already, so two writers of one customer take turns here too.
CREATE FUNCTION siyu.drill_sales_on_insert() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM new_rows) THEN
        RETURN NULL;
      END IF;
      -- A roll-over holds EXCLUSIVE while it replaces ranges: wait for it before
      -- reading the ranges (the statements below take snapshots with its ranges).
      LOCK TABLE siyu.drill_sales IN ROW EXCLUSIVE MODE;
      INSERT INTO siyu.drill_sales AS d (period, customer_id, paid_orders, paid_amount)
      SELECT r.period, c.customer_id, SUM(c.paid_orders), SUM(c.paid_amount)
      FROM (SELECT customer_id, day_start, paid_orders, paid_amount FROM new_rows) AS c (customer_id, day_start, paid_orders, paid_amount)
      JOIN siyu.drill_sales_ranges AS r ON c.day_start >= r.starts_at AND c.day_start < r.ends_at
      GROUP BY 1, 2
      HAVING SUM(c.paid_orders) <> 0 OR SUM(c.paid_amount) <> 0
      ORDER BY 1, 2
      ON CONFLICT (period, customer_id) DO UPDATE
        SET paid_orders = d.paid_orders + EXCLUDED.paid_orders, paid_amount = d.paid_amount + EXCLUDED.paid_amount;
      DELETE FROM siyu.drill_sales AS d
      USING (SELECT DISTINCT r.period, c.customer_id
             FROM (SELECT customer_id, day_start, paid_orders, paid_amount FROM new_rows) AS c (customer_id, day_start, paid_orders, paid_amount)
             JOIN siyu.drill_sales_ranges AS r ON c.day_start >= r.starts_at AND c.day_start < r.ends_at) AS x
      WHERE d.period = x.period AND d.customer_id = x.customer_id AND d.paid_orders = 0;
      RETURN NULL;
    END
  $$;
CREATE FUNCTION siyu.drill_sales_on_update() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM new_rows) THEN
        RETURN NULL;
      END IF;
      -- A roll-over holds EXCLUSIVE while it replaces ranges: wait for it before
      -- reading the ranges (the statements below take snapshots with its ranges).
      LOCK TABLE siyu.drill_sales IN ROW EXCLUSIVE MODE;
      INSERT INTO siyu.drill_sales AS d (period, customer_id, paid_orders, paid_amount)
      SELECT r.period, c.customer_id, SUM(c.paid_orders), SUM(c.paid_amount)
      FROM (SELECT customer_id, day_start, paid_orders, paid_amount FROM new_rows
            UNION ALL SELECT customer_id, day_start, -paid_orders, -paid_amount FROM old_rows) AS c (customer_id, day_start, paid_orders, paid_amount)
      JOIN siyu.drill_sales_ranges AS r ON c.day_start >= r.starts_at AND c.day_start < r.ends_at
      GROUP BY 1, 2
      HAVING SUM(c.paid_orders) <> 0 OR SUM(c.paid_amount) <> 0
      ORDER BY 1, 2
      ON CONFLICT (period, customer_id) DO UPDATE
        SET paid_orders = d.paid_orders + EXCLUDED.paid_orders, paid_amount = d.paid_amount + EXCLUDED.paid_amount;
      DELETE FROM siyu.drill_sales AS d
      USING (SELECT DISTINCT r.period, c.customer_id
             FROM (SELECT customer_id, day_start, paid_orders, paid_amount FROM new_rows
            UNION ALL SELECT customer_id, day_start, -paid_orders, -paid_amount FROM old_rows) AS c (customer_id, day_start, paid_orders, paid_amount)
             JOIN siyu.drill_sales_ranges AS r ON c.day_start >= r.starts_at AND c.day_start < r.ends_at) AS x
      WHERE d.period = x.period AND d.customer_id = x.customer_id AND d.paid_orders = 0;
      RETURN NULL;
    END
  $$;
CREATE FUNCTION siyu.drill_sales_on_delete() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM old_rows) THEN
        RETURN NULL;
      END IF;
      -- A roll-over holds EXCLUSIVE while it replaces ranges: wait for it before
      -- reading the ranges (the statements below take snapshots with its ranges).
      LOCK TABLE siyu.drill_sales IN ROW EXCLUSIVE MODE;
      INSERT INTO siyu.drill_sales AS d (period, customer_id, paid_orders, paid_amount)
      SELECT r.period, c.customer_id, SUM(c.paid_orders), SUM(c.paid_amount)
      FROM (SELECT customer_id, day_start, -paid_orders, -paid_amount FROM old_rows) AS c (customer_id, day_start, paid_orders, paid_amount)
      JOIN siyu.drill_sales_ranges AS r ON c.day_start >= r.starts_at AND c.day_start < r.ends_at
      GROUP BY 1, 2
      HAVING SUM(c.paid_orders) <> 0 OR SUM(c.paid_amount) <> 0
      ORDER BY 1, 2
      ON CONFLICT (period, customer_id) DO UPDATE
        SET paid_orders = d.paid_orders + EXCLUDED.paid_orders, paid_amount = d.paid_amount + EXCLUDED.paid_amount;
      DELETE FROM siyu.drill_sales AS d
      USING (SELECT DISTINCT r.period, c.customer_id
             FROM (SELECT customer_id, day_start, -paid_orders, -paid_amount FROM old_rows) AS c (customer_id, day_start, paid_orders, paid_amount)
             JOIN siyu.drill_sales_ranges AS r ON c.day_start >= r.starts_at AND c.day_start < r.ends_at) AS x
      WHERE d.period = x.period AND d.customer_id = x.customer_id AND d.paid_orders = 0;
      RETURN NULL;
    END
  $$;
CREATE FUNCTION siyu.drill_sales_on_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      TRUNCATE siyu.drill_sales;
      RETURN NULL;
    END
  $$;
CREATE TRIGGER drill_sales_insert AFTER INSERT ON siyu.customer_days
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.drill_sales_on_insert();
CREATE TRIGGER drill_sales_update AFTER UPDATE ON siyu.customer_days
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.drill_sales_on_update();
CREATE TRIGGER drill_sales_delete AFTER DELETE ON siyu.customer_days
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.drill_sales_on_delete();
CREATE TRIGGER drill_sales_truncate AFTER TRUNCATE ON siyu.customer_days
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.drill_sales_on_truncate();

-- Moves the held ranges to siyu.as_of() (a no-op when they are its ranges):
-- ranges no longer offered are removed, new ones counted from the
-- customer-day table; 'all' and a range still offered (上月 all month) stay.
-- `whole` counts every range afresh. Order writers wait meanwhile
-- (EXCLUSIVE; readers do not).
CREATE FUNCTION siyu.roll_drill_sales(whole boolean DEFAULT false) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      today date := siyu.as_of();
      fresh text[];
    BEGIN
      IF NOT whole AND EXISTS (SELECT 1 FROM siyu.drill_sales_ranges)
         AND NOT EXISTS (SELECT 1 FROM siyu.drill_sales_ranges WHERE as_of IS DISTINCT FROM today) THEN
        RETURN 0;
      END IF;
      LOCK TABLE siyu.drill_sales IN EXCLUSIVE MODE;
      IF whole THEN
        TRUNCATE siyu.drill_sales;
        DELETE FROM siyu.drill_sales_ranges;
      END IF;
      DELETE FROM siyu.drill_sales AS d
      WHERE NOT EXISTS (SELECT 1 FROM siyu.drill_ranges(today) AS r WHERE r.period = d.period);
      DELETE FROM siyu.drill_sales_ranges AS h
      WHERE NOT EXISTS (SELECT 1 FROM siyu.drill_ranges(today) AS r WHERE r.period = h.period);
      UPDATE siyu.drill_sales_ranges SET as_of = today WHERE as_of IS DISTINCT FROM today;
      WITH added AS (
        INSERT INTO siyu.drill_sales_ranges (period, starts_at, ends_at, as_of)
        SELECT r.period, coalesce(siyu.local_midnight(r.first_day), '-infinity'), coalesce(siyu.local_midnight(r.last_day + 1), 'infinity'), today
        FROM siyu.drill_ranges(today) AS r
        WHERE today IS NOT NULL
        ON CONFLICT (period) DO NOTHING
        RETURNING period)
      SELECT array_agg(period) INTO fresh FROM added;
      IF fresh IS NULL THEN
        RETURN 0;
      END IF;
      RETURN siyu.build_drill_sales(fresh);
    END
  $$;

-- The as-of date is a setting: a statement on the settings rolls the table
-- when as-of moved (its own trigger, beside the period table's).
CREATE FUNCTION siyu.drill_sales_on_settings() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.roll_drill_sales();
      RETURN NULL;
    END
  $$;
CREATE TRIGGER drill_sales_as_of AFTER INSERT OR UPDATE OR DELETE ON siyu.settings
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.drill_sales_on_settings();

SELECT siyu.roll_drill_sales(true);
ANALYZE siyu.drill_sales;
