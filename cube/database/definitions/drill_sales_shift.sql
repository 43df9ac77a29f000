-- after: 037 (siyu.roll_ahead_step, migration 037, is its caller)
--
-- The drill list's table (migration 029) shifted from a held range to a new
-- one that overlaps it (a rolling window a day later), instead of counted
-- afresh: its rows are per customer, so only the customers with a
-- customer-day row on a day in one range and not the other can differ; the
-- others' rows are copied under the new range's name, and the touched ones
-- counted in the new range as the build counts them (with their attributed
-- part, migration 058: its columns exist before anything calls this). The caller holds the
-- table's EXCLUSIVE lock and has listed the new range.

-- The customers with a customer day in one of the two ranges and not the
-- other (all such days lie between the two starts or between the two ends).
CREATE OR REPLACE FUNCTION siyu.drill_shift_touched(source_starts timestamptz, source_ends timestamptz,
                                                    target_starts timestamptz, target_ends timestamptz) RETURNS integer[]
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(array_agg(DISTINCT cd.customer_id), '{}')
    FROM siyu.customer_days AS cd
    WHERE ((cd.day_start >= least(source_starts, target_starts) AND cd.day_start < greatest(source_starts, target_starts))
        OR (cd.day_start >= least(source_ends, target_ends) AND cd.day_start < greatest(source_ends, target_ends)))
      AND (cd.day_start >= source_starts AND cd.day_start < source_ends) <> (cd.day_start >= target_starts AND cd.day_start < target_ends)
  $$;

CREATE OR REPLACE FUNCTION siyu.shift_drill_sales(source siyu.drill_sales_ranges, target siyu.drill_sales_ranges) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      touched integer[] := siyu.drill_shift_touched(source.starts_at, source.ends_at, target.starts_at, target.ends_at);
      copied bigint;
      counted bigint;
    BEGIN
      INSERT INTO siyu.drill_sales (period, customer_id, paid_orders, paid_amount, attributed_orders, attributed_amount)
      SELECT target.period, d.customer_id, d.paid_orders, d.paid_amount, d.attributed_orders, d.attributed_amount
      FROM siyu.drill_sales AS d
      WHERE d.period = source.period
        AND NOT EXISTS (SELECT 1 FROM unnest(touched) AS t (customer_id) WHERE t.customer_id = d.customer_id)
      ORDER BY d.paid_amount DESC, d.customer_id;
      GET DIAGNOSTICS copied = ROW_COUNT;
      INSERT INTO siyu.drill_sales (period, customer_id, paid_orders, paid_amount, attributed_orders, attributed_amount)
      SELECT target.period, cd.customer_id, SUM(cd.paid_orders), SUM(cd.paid_amount),
             coalesce(SUM(cd.paid_orders) FILTER (WHERE cd.campaign_id IS NOT NULL), 0),
             coalesce(SUM(cd.paid_amount) FILTER (WHERE cd.campaign_id IS NOT NULL), 0)
      FROM siyu.customer_days AS cd
      WHERE cd.customer_id = ANY (touched) AND cd.day_start >= target.starts_at AND cd.day_start < target.ends_at
      GROUP BY cd.customer_id
      HAVING SUM(cd.paid_orders) > 0;
      GET DIAGNOSTICS counted = ROW_COUNT;
      RETURN copied + counted;
    END
  $$;

-- The sliced drill lists (migration 033) filled a chunk of customers per
-- transaction instead of a range at once (a range of them is up to a third of
-- the table: 40 s at 200k under load, every order writer waiting). Their
-- writers recount a customer's rows in every listed range (delete, then
-- count: siyu.recount_drill_sales_slices), so once a range is listed, a
-- customer whose rows are counted in it under their bucket lock stays exact.
-- A chunk: every bucket lock (as a writer takes its own), the chunk's rows of
-- the range deleted (a writer since the listing may have counted some) and
-- counted from the customer-day table by its key, with their attributed part
-- (migration 061: its columns exist before anything calls this). Returns
-- whether customers are left; the range's row in siyu.drill_slice_fills goes
-- with the last.
CREATE OR REPLACE FUNCTION siyu.fill_drill_sales_slices(chunk integer DEFAULT 5000) RETURNS boolean
  LANGUAGE plpgsql
  SET work_mem = '64MB'
  AS $$
    DECLARE
      f record;
      r siyu.drill_sales_slice_ranges;
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM siyu.drill_slice_fills) THEN
        RETURN false;
      END IF;
      PERFORM pg_advisory_xact_lock(hashtext('siyu.customer_days'), b) FROM generate_series(0, 255) AS b;
      LOCK TABLE siyu.drill_sales_slices IN ROW EXCLUSIVE MODE;
      SELECT * INTO f FROM siyu.drill_slice_fills ORDER BY period LIMIT 1 FOR UPDATE;
      IF f.period IS NULL THEN
        RETURN false;
      END IF;
      SELECT * INTO r FROM siyu.drill_sales_slice_ranges WHERE period = f.period;
      IF r.period IS NOT NULL THEN
        DELETE FROM siyu.drill_sales_slices
        WHERE customer_id >= f.next_customer AND customer_id < f.next_customer + chunk AND period = r.period;
        -- siyu.build_drill_sales_slices' count (migrations 033, 061), for the chunk's customers.
        INSERT INTO siyu.drill_sales_slices
          (period, slice, team_id, employee_id, channel_id, campaign_id, customer_id, paid_orders, paid_amount, owner_id, owner_team_id,
           attributed_orders, attributed_amount)
        SELECT r.period, s.slice, s.team_id, s.employee_id, s.channel_id, s.campaign_id, s.customer_id, s.paid_orders, s.paid_amount,
               c.owner_employee_id, oe.team_id, s.attributed_orders, s.attributed_amount
        FROM (
          SELECT CASE GROUPING(e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id)
                   WHEN 7 THEN 'team' WHEN 3 THEN 'team,employee' WHEN 13 THEN 'channel' ELSE 'campaign' END AS slice,
                 e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id, cd.customer_id,
                 SUM(cd.paid_orders)::int AS paid_orders, SUM(cd.paid_amount) AS paid_amount,
                 coalesce(SUM(cd.paid_orders) FILTER (WHERE cd.campaign_id IS NOT NULL), 0)::int AS attributed_orders,
                 coalesce(SUM(cd.paid_amount) FILTER (WHERE cd.campaign_id IS NOT NULL), 0) AS attributed_amount
          FROM siyu.customer_days AS cd
          LEFT JOIN siyu.employees AS e ON e.id = cd.employee_id
          WHERE cd.customer_id >= f.next_customer AND cd.customer_id < f.next_customer + chunk
            AND cd.day_start >= r.starts_at AND cd.day_start < r.ends_at
          GROUP BY cd.customer_id, GROUPING SETS ((e.team_id), (e.team_id, cd.employee_id), (cd.channel_id), (cd.campaign_id))
        ) AS s
        JOIN siyu.customers AS c ON c.id = s.customer_id
        LEFT JOIN siyu.employees AS oe ON oe.id = c.owner_employee_id
        WHERE s.paid_orders > 0
          AND CASE s.slice WHEN 'team' THEN s.team_id IS NOT NULL WHEN 'team,employee' THEN s.employee_id IS NOT NULL
                           WHEN 'campaign' THEN s.campaign_id IS NOT NULL ELSE true END;
      END IF;
      IF r.period IS NULL OR f.next_customer + chunk > f.last_customer THEN
        DELETE FROM siyu.drill_slice_fills WHERE period = f.period;
      ELSE
        UPDATE siyu.drill_slice_fills SET next_customer = f.next_customer + chunk WHERE period = f.period;
      END IF;
      RETURN true;
    END
  $$;
