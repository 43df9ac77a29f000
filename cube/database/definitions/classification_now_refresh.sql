-- after: 026 (it writes the table, the queue, the sums and the builds of migration 026)
--
-- Brings siyu.classification_now up to date; called with the build lock
-- held (siyu.classification_now_version). Returns the version it holds.
CREATE OR REPLACE FUNCTION siyu.classification_now_refresh() RETURNS text
  LANGUAGE plpgsql VOLATILE
  SET search_path = pg_catalog, siyu
  AS $$
    DECLARE
      wanted text := siyu.classification_version();
      built siyu.classification_builds;
      day date := siyu.as_of();
      rules text := (SELECT checksum FROM siyu.schema_definitions WHERE name = 'customer_classification');
      zone text := siyu.business_tz();
      bulk numeric := siyu.classification_bulk_marker();
      everything boolean;
      ids integer[];
      whole boolean;
      changed bigint := 0;
      n bigint;
      old_t record;
      new_t record;
      started timestamptz := clock_timestamp();
    BEGIN
      SELECT * INTO built FROM siyu.classification_builds;
      IF built.facts_version = wanted AND NOT EXISTS (SELECT 1 FROM siyu.classification_dirty) THEN
        RETURN built.version;
      END IF;
      -- The queue first: every write committed before this statement is in
      -- what the statements below read.
      WITH taken AS (DELETE FROM siyu.classification_dirty RETURNING customer_id)
      SELECT coalesce(bool_or(customer_id IS NULL), FALSE), array_agg(DISTINCT customer_id) FILTER (WHERE customer_id IS NOT NULL)
      INTO everything, ids FROM taken;
      whole := built.version IS NULL OR everything
        OR built.rules IS DISTINCT FROM rules OR built.zone IS DISTINCT FROM zone
        OR built.as_of IS DISTINCT FROM day OR built.bulk IS DISTINCT FROM bulk
        OR coalesce(cardinality(ids), 0) > greatest(10000, (SELECT reltuples FROM pg_class WHERE oid = 'siyu.classification_now'::regclass) / 5);

      IF whole THEN
        DROP TABLE IF EXISTS pg_temp.classification_fresh;
        CREATE TEMP TABLE classification_fresh ON COMMIT DROP AS
          SELECT * FROM siyu.customer_classification(day);
        ANALYZE pg_temp.classification_fresh;
        DELETE FROM siyu.classification_now AS t
          WHERE NOT EXISTS (SELECT 1 FROM pg_temp.classification_fresh AS f WHERE f.customer_id = t.customer_id);
        GET DIAGNOSTICS n = ROW_COUNT;
        changed := changed + n;
        -- Only the rows that differ are written (one hash join, not a probe
        -- per row): readers meanwhile read the previous rows.
        UPDATE siyu.classification_now AS t SET (
            as_of, paid_orders, paid_amount, first_paid_date, last_paid_date, first_category,
            days_since_first_order, recency_days, engaged, asked, appealed, shared,
            activity_points, value_points, referred_customers, missed_date, last_contact_date, days_to_birthday,
            lifecycle_stage, rfm_segment, aipl_stage, five_a_stage, value_quadrant,
            is_birthday_soon, is_booked_not_arrived, is_high_value_slipping, is_first_order_follow_up
          ) = ROW(
            f.as_of, f.paid_orders, f.paid_amount, f.first_paid_date, f.last_paid_date, f.first_category,
            f.days_since_first_order, f.recency_days, f.engaged, f.asked, f.appealed, f.shared,
            f.activity_points, f.value_points, f.referred_customers, f.missed_date, f.last_contact_date,
            f.days_to_birthday, f.lifecycle_stage, f.rfm_segment, f.aipl_stage, f.five_a_stage,
            f.value_quadrant, f.is_birthday_soon, f.is_booked_not_arrived, f.is_high_value_slipping,
            f.is_first_order_follow_up)
          FROM pg_temp.classification_fresh AS f
          WHERE f.customer_id = t.customer_id AND ROW(t.*) IS DISTINCT FROM ROW(f.*);
        GET DIAGNOSTICS n = ROW_COUNT;
        changed := changed + n;
        INSERT INTO siyu.classification_now
          SELECT f.* FROM pg_temp.classification_fresh AS f
          WHERE NOT EXISTS (SELECT 1 FROM siyu.classification_now AS t WHERE t.customer_id = f.customer_id);
        GET DIAGNOSTICS n = ROW_COUNT;
        changed := changed + n;
        DROP TABLE pg_temp.classification_fresh;
        PERFORM siyu.classification_now_recount();
        SELECT * INTO new_t FROM siyu.classification_now_thresholds();
        -- The lists' plans join it by customer: the planner needs its size.
        ANALYZE siyu.classification_now;
      ELSE
        SELECT built.mean_r, built.mean_f, built.mean_m, built.median_activity, built.median_value INTO old_t;
        IF coalesce(cardinality(ids), 0) > 0 THEN
          -- The written customers' inputs now (EXECUTE: planned with the list in hand, through each fact's customer index).
          DROP TABLE IF EXISTS pg_temp.classification_new;
          EXECUTE 'CREATE TEMP TABLE classification_new ON COMMIT DROP AS SELECT * FROM siyu.classification_inputs($1, $2)'
            USING day, ids;
          -- Their old and new inputs into the sums and histograms.
          UPDATE siyu.classification_sums AS s
            SET buyers = s.buyers + d.buyers, recency_sum = s.recency_sum + d.recency_sum,
                orders_sum = s.orders_sum + d.orders_sum, amount_sum = s.amount_sum + d.amount_sum
            FROM (
              SELECT coalesce(sum(sign), 0) AS buyers, coalesce(sum(sign * recency_days), 0) AS recency_sum,
                     coalesce(sum(sign * paid_orders), 0) AS orders_sum, coalesce(sum(sign * paid_amount), 0) AS amount_sum
              FROM (SELECT 1 AS sign, recency_days, paid_orders, paid_amount FROM pg_temp.classification_new WHERE paid_orders > 0
                    UNION ALL
                    SELECT -1, recency_days, paid_orders, paid_amount FROM siyu.classification_now
                    WHERE customer_id = ANY (ids) AND paid_orders > 0) AS moved
            ) AS d;
          INSERT INTO siyu.classification_points AS p (measure, points, customers)
            SELECT measure, points, sum(sign) FROM (
              SELECT 'activity' AS measure, activity_points::numeric AS points, 1 AS sign FROM pg_temp.classification_new
              UNION ALL SELECT 'value', value_points, 1 FROM pg_temp.classification_new
              UNION ALL SELECT 'activity', activity_points::numeric, -1 FROM siyu.classification_now WHERE customer_id = ANY (ids)
              UNION ALL SELECT 'value', value_points, -1 FROM siyu.classification_now WHERE customer_id = ANY (ids)) AS moved
            GROUP BY measure, points
            HAVING sum(sign) <> 0
            ON CONFLICT (measure, points) DO UPDATE SET customers = p.customers + EXCLUDED.customers;
          DELETE FROM siyu.classification_points WHERE customers = 0;
        END IF;
        SELECT * INTO new_t FROM siyu.classification_now_thresholds();
        IF coalesce(cardinality(ids), 0) > 0 THEN
          -- The written customers, classified whole with the new thresholds.
          DELETE FROM siyu.classification_now AS t
            WHERE t.customer_id = ANY (ids)
              AND NOT EXISTS (SELECT 1 FROM pg_temp.classification_new AS f WHERE f.customer_id = t.customer_id);
          GET DIAGNOSTICS n = ROW_COUNT;
          changed := changed + n;
          INSERT INTO siyu.classification_now AS t
            SELECT f.*, s.*
            FROM pg_temp.classification_new AS f
            CROSS JOIN LATERAL siyu.classification_stages(
              f.paid_orders, f.paid_amount, f.first_category, f.days_since_first_order, f.recency_days,
              f.engaged, f.asked, f.appealed, f.shared, f.activity_points, f.value_points, f.referred_customers,
              f.missed_date, f.days_to_birthday,
              new_t.mean_r, new_t.mean_f, new_t.mean_m, new_t.median_activity, new_t.median_value) AS s
            ON CONFLICT (customer_id) DO UPDATE SET (
              as_of, paid_orders, paid_amount, first_paid_date, last_paid_date, first_category,
              days_since_first_order, recency_days, engaged, asked, appealed, shared,
              activity_points, value_points, referred_customers, missed_date, last_contact_date, days_to_birthday,
              lifecycle_stage, rfm_segment, aipl_stage, five_a_stage, value_quadrant,
              is_birthday_soon, is_booked_not_arrived, is_high_value_slipping, is_first_order_follow_up
            ) = ROW(
              EXCLUDED.as_of, EXCLUDED.paid_orders, EXCLUDED.paid_amount, EXCLUDED.first_paid_date, EXCLUDED.last_paid_date, EXCLUDED.first_category,
              EXCLUDED.days_since_first_order, EXCLUDED.recency_days, EXCLUDED.engaged, EXCLUDED.asked, EXCLUDED.appealed, EXCLUDED.shared,
              EXCLUDED.activity_points, EXCLUDED.value_points, EXCLUDED.referred_customers, EXCLUDED.missed_date, EXCLUDED.last_contact_date,
              EXCLUDED.days_to_birthday, EXCLUDED.lifecycle_stage, EXCLUDED.rfm_segment, EXCLUDED.aipl_stage, EXCLUDED.five_a_stage,
              EXCLUDED.value_quadrant, EXCLUDED.is_birthday_soon, EXCLUDED.is_booked_not_arrived, EXCLUDED.is_high_value_slipping,
              EXCLUDED.is_first_order_follow_up)
            WHERE ROW(t.*) IS DISTINCT FROM ROW(EXCLUDED.*);
          GET DIAGNOSTICS n = ROW_COUNT;
          changed := changed + n;
          DROP TABLE pg_temp.classification_new;
        END IF;
        -- A threshold moved: the customers whose value lies between its old
        -- and new place are classified again (every customer when one side
        -- is NULL). Each comparison is strict (R below the mean, F, M and the
        -- points above it), so a customer's side changes only if its value
        -- is in [old, new] (or [new, old]); recency, orders and points are
        -- whole numbers, so the whole numbers in that range (none, mostly:
        -- a write moves a mean by a fraction), each through its index.
        IF ROW(old_t.mean_r, old_t.mean_f, old_t.mean_m, old_t.median_activity, old_t.median_value)
           IS DISTINCT FROM ROW(new_t.mean_r, new_t.mean_f, new_t.mean_m, new_t.median_activity, new_t.median_value) THEN
          EXECUTE $sql$
            WITH crossers AS (
              SELECT t.customer_id, s.*
              FROM siyu.classification_now AS t
              CROSS JOIN LATERAL siyu.classification_stages(
                t.paid_orders, t.paid_amount, t.first_category, t.days_since_first_order, t.recency_days,
                t.engaged, t.asked, t.appealed, t.shared, t.activity_points, t.value_points, t.referred_customers,
                t.missed_date, t.days_to_birthday, $1, $2, $3, $4, $5) AS s
              WHERE $11
                 OR ($1 <> $6 AND t.paid_orders > 0 AND t.recency_days BETWEEN ceil(least($1, $6))::integer AND floor(greatest($1, $6))::integer)
                 OR ($2 <> $7 AND t.paid_orders > 0 AND t.paid_orders BETWEEN ceil(least($2, $7))::bigint AND floor(greatest($2, $7))::bigint)
                 OR ($3 <> $8 AND t.paid_orders > 0 AND t.paid_amount BETWEEN least($3, $8) AND greatest($3, $8))
                 OR ($4 <> $9 AND t.activity_points BETWEEN ceil(least($4, $9))::bigint AND floor(greatest($4, $9))::bigint)
                 OR ($5 <> $10 AND t.value_points BETWEEN ceil(least($5, $10))::numeric AND floor(greatest($5, $10))::numeric)
            )
            UPDATE siyu.classification_now AS t
              SET lifecycle_stage = c.lifecycle_stage, rfm_segment = c.rfm_segment, aipl_stage = c.aipl_stage,
                  five_a_stage = c.five_a_stage, value_quadrant = c.value_quadrant, is_birthday_soon = c.is_birthday_soon,
                  is_booked_not_arrived = c.is_booked_not_arrived, is_high_value_slipping = c.is_high_value_slipping,
                  is_first_order_follow_up = c.is_first_order_follow_up
              FROM crossers AS c
              WHERE c.customer_id = t.customer_id
                AND ROW(t.lifecycle_stage, t.rfm_segment, t.aipl_stage, t.five_a_stage, t.value_quadrant, t.is_birthday_soon,
                        t.is_booked_not_arrived, t.is_high_value_slipping, t.is_first_order_follow_up)
                    IS DISTINCT FROM ROW(c.lifecycle_stage, c.rfm_segment, c.aipl_stage, c.five_a_stage, c.value_quadrant,
                        c.is_birthday_soon, c.is_booked_not_arrived, c.is_high_value_slipping, c.is_first_order_follow_up)
          $sql$
          USING new_t.mean_r, new_t.mean_f, new_t.mean_m, new_t.median_activity, new_t.median_value,
                old_t.mean_r, old_t.mean_f, old_t.mean_m, old_t.median_activity, old_t.median_value,
                (old_t.mean_r IS NULL OR new_t.mean_r IS NULL OR old_t.median_activity IS NULL OR new_t.median_activity IS NULL
                 OR old_t.median_value IS NULL OR new_t.median_value IS NULL);
          GET DIAGNOSTICS n = ROW_COUNT;
          changed := changed + n;
        END IF;
      END IF;

      -- Facts written while it was built make the next call refresh again:
      -- the facts' version recorded is the one read before the queue was taken.
      INSERT INTO siyu.classification_builds (version, built_at, took_ms, facts_version, rules, zone, as_of, bulk,
                                              mean_r, mean_f, mean_m, median_activity, median_value, kind, customers, rows_changed)
      VALUES (CASE WHEN changed > 0 OR built.version IS NULL THEN wanted ELSE built.version END,
              now(), (EXTRACT(EPOCH FROM clock_timestamp() - started) * 1000)::integer, wanted, rules, zone, day, bulk,
              new_t.mean_r, new_t.mean_f, new_t.mean_m, new_t.median_activity, new_t.median_value,
              CASE WHEN whole THEN 'whole' ELSE 'customers' END, CASE WHEN whole THEN NULL ELSE coalesce(cardinality(ids), 0) END, changed)
      ON CONFLICT (only_row) DO UPDATE
        SET version = EXCLUDED.version, built_at = EXCLUDED.built_at, took_ms = EXCLUDED.took_ms,
            facts_version = EXCLUDED.facts_version, rules = EXCLUDED.rules, zone = EXCLUDED.zone, as_of = EXCLUDED.as_of,
            bulk = EXCLUDED.bulk, mean_r = EXCLUDED.mean_r, mean_f = EXCLUDED.mean_f, mean_m = EXCLUDED.mean_m,
            median_activity = EXCLUDED.median_activity, median_value = EXCLUDED.median_value, kind = EXCLUDED.kind,
            customers = EXCLUDED.customers, rows_changed = EXCLUDED.rows_changed;
      RETURN (SELECT version FROM siyu.classification_builds);
    END
  $$;
REVOKE EXECUTE ON FUNCTION siyu.classification_now_refresh() FROM PUBLIC;
