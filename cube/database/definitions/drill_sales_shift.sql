-- after: 037 (siyu.roll_ahead_step, migration 037, is its caller)
--
-- The drill lists' tables (migrations 029, 033) shifted from a held range to
-- a new one that overlaps it (a rolling window a day later), instead of
-- counted afresh: their rows are per customer, so only the customers with a
-- customer-day row on a day in one range and not the other can differ; the
-- others' rows are copied under the new range's name, and the touched ones
-- counted in the new range as the builds count them. The caller holds the
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
      INSERT INTO siyu.drill_sales (period, customer_id, paid_orders, paid_amount)
      SELECT target.period, d.customer_id, d.paid_orders, d.paid_amount
      FROM siyu.drill_sales AS d
      WHERE d.period = source.period
        AND NOT EXISTS (SELECT 1 FROM unnest(touched) AS t (customer_id) WHERE t.customer_id = d.customer_id)
      ORDER BY d.paid_amount DESC, d.customer_id;
      GET DIAGNOSTICS copied = ROW_COUNT;
      INSERT INTO siyu.drill_sales (period, customer_id, paid_orders, paid_amount)
      SELECT target.period, cd.customer_id, SUM(cd.paid_orders), SUM(cd.paid_amount)
      FROM siyu.customer_days AS cd
      WHERE cd.customer_id = ANY (touched) AND cd.day_start >= target.starts_at AND cd.day_start < target.ends_at
      GROUP BY cd.customer_id
      HAVING SUM(cd.paid_orders) > 0;
      GET DIAGNOSTICS counted = ROW_COUNT;
      RETURN copied + counted;
    END
  $$;

CREATE OR REPLACE FUNCTION siyu.shift_drill_sales_slices(source siyu.drill_sales_slice_ranges, target siyu.drill_sales_slice_ranges) RETURNS bigint
  LANGUAGE plpgsql
  SET work_mem = '64MB'
  AS $$
    DECLARE
      touched integer[] := siyu.drill_shift_touched(source.starts_at, source.ends_at, target.starts_at, target.ends_at);
      copied bigint;
      counted bigint;
    BEGIN
      INSERT INTO siyu.drill_sales_slices
        (period, slice, team_id, employee_id, channel_id, campaign_id, customer_id, paid_orders, paid_amount, owner_id, owner_team_id)
      SELECT target.period, d.slice, d.team_id, d.employee_id, d.channel_id, d.campaign_id, d.customer_id, d.paid_orders, d.paid_amount,
             d.owner_id, d.owner_team_id
      FROM siyu.drill_sales_slices AS d
      WHERE d.period = source.period
        AND NOT EXISTS (SELECT 1 FROM unnest(touched) AS t (customer_id) WHERE t.customer_id = d.customer_id)
      ORDER BY 2, 9 DESC;
      GET DIAGNOSTICS copied = ROW_COUNT;
      -- siyu.build_drill_sales_slices' count (migration 033), for the touched customers only.
      INSERT INTO siyu.drill_sales_slices
        (period, slice, team_id, employee_id, channel_id, campaign_id, customer_id, paid_orders, paid_amount, owner_id, owner_team_id)
      SELECT target.period, s.slice, s.team_id, s.employee_id, s.channel_id, s.campaign_id, s.customer_id, s.paid_orders, s.paid_amount,
             c.owner_employee_id, oe.team_id
      FROM (
        SELECT CASE GROUPING(e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id)
                 WHEN 7 THEN 'team' WHEN 3 THEN 'team,employee' WHEN 13 THEN 'channel' ELSE 'campaign' END AS slice,
               e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id, cd.customer_id,
               SUM(cd.paid_orders)::int AS paid_orders, SUM(cd.paid_amount) AS paid_amount
        FROM siyu.customer_days AS cd
        LEFT JOIN siyu.employees AS e ON e.id = cd.employee_id
        WHERE cd.customer_id = ANY (touched) AND cd.day_start >= target.starts_at AND cd.day_start < target.ends_at
        GROUP BY cd.customer_id, GROUPING SETS ((e.team_id), (e.team_id, cd.employee_id), (cd.channel_id), (cd.campaign_id))
      ) AS s
      JOIN siyu.customers AS c ON c.id = s.customer_id
      LEFT JOIN siyu.employees AS oe ON oe.id = c.owner_employee_id
      WHERE s.paid_orders > 0
        AND CASE s.slice WHEN 'team' THEN s.team_id IS NOT NULL WHEN 'team,employee' THEN s.employee_id IS NOT NULL
                         WHEN 'campaign' THEN s.campaign_id IS NOT NULL ELSE true END;
      GET DIAGNOSTICS counted = ROW_COUNT;
      RETURN copied + counted;
    END
  $$;
