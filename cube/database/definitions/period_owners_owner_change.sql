-- after: 026 (migration 027 creates the tables it writes and its trigger on
-- siyu.customers, customers_owner_change_periods)
--
-- A customer given to another owner: all their rows, "before" under the old
-- owner and the old owner's team, "after" under the new. The customers'
-- bucket locks (migration 013's) make an order writer of the same customer
-- wait, or wait for it.
CREATE OR REPLACE FUNCTION siyu.period_owners_on_owner_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM new_customers AS n JOIN old_customers AS o ON o.id = n.id
                     WHERE o.owner_employee_id IS DISTINCT FROM n.owner_employee_id) THEN
        RETURN NULL;
      END IF;
      CREATE TEMPORARY TABLE IF NOT EXISTS period_owners_moved (customer_id integer, old_owner integer, new_owner integer) ON COMMIT DROP;
      TRUNCATE period_owners_moved;
      INSERT INTO period_owners_moved
      SELECT n.id, o.owner_employee_id, n.owner_employee_id
      FROM new_customers AS n JOIN old_customers AS o ON o.id = n.id
      WHERE o.owner_employee_id IS DISTINCT FROM n.owner_employee_id
        AND EXISTS (SELECT 1 FROM siyu.customer_days AS cd WHERE cd.customer_id = n.id);
      PERFORM pg_advisory_xact_lock(hashtext('siyu.customer_days'), b.bucket)
      FROM (SELECT DISTINCT customer_id % 256 AS bucket FROM period_owners_moved ORDER BY 1) AS b;
      -- After the buckets, as an order writer takes them (customer_days_add) before this lock.
      LOCK TABLE siyu.period_owners IN ROW EXCLUSIVE MODE;
      PERFORM siyu.period_owners_apply(ARRAY(
        SELECT ROW(cd.customer_id, cd.day_start, side.team_id, side.owner_id, cd.channel_id, cd.campaign_id,
                   side.was * cd.paid_orders, (1 - side.was) * cd.paid_orders)::siyu.period_owner_fact
        FROM period_owners_moved AS m
        JOIN siyu.customer_days AS cd ON cd.customer_id = m.customer_id
        LEFT JOIN siyu.employees AS oe ON oe.id = m.old_owner
        LEFT JOIN siyu.employees AS ne ON ne.id = m.new_owner
        CROSS JOIN LATERAL (VALUES (1, m.old_owner, oe.team_id), (0, m.new_owner, ne.team_id)) AS side (was, owner_id, team_id)));
      RETURN NULL;
    END
  $$;
