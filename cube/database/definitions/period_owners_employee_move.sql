-- after: 026 (migration 027 creates the tables it writes and its trigger on
-- siyu.employees, period_owners_employee_move)
--
-- An employee moved to another team takes the rows of the customers they own
-- to it: all those customers' rows, "before" with the old team, "after" with
-- the new.
CREATE OR REPLACE FUNCTION siyu.period_owners_on_employee_move() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM new_employees AS n JOIN old_employees AS o ON o.id = n.id WHERE o.team_id IS DISTINCT FROM n.team_id) THEN
        RETURN NULL;
      END IF;
      CREATE TEMPORARY TABLE IF NOT EXISTS period_owners_moved_team (customer_id integer, owner_id integer, old_team integer, new_team integer) ON COMMIT DROP;
      TRUNCATE period_owners_moved_team;
      INSERT INTO period_owners_moved_team
      SELECT c.id, n.id, o.team_id, n.team_id
      FROM new_employees AS n JOIN old_employees AS o ON o.id = n.id
      JOIN siyu.customers AS c ON c.owner_employee_id = n.id
      WHERE o.team_id IS DISTINCT FROM n.team_id
        AND EXISTS (SELECT 1 FROM siyu.customer_days AS cd WHERE cd.customer_id = c.id);
      PERFORM pg_advisory_xact_lock(hashtext('siyu.customer_days'), b.bucket)
      FROM (SELECT DISTINCT customer_id % 256 AS bucket FROM period_owners_moved_team ORDER BY 1) AS b;
      LOCK TABLE siyu.period_owners IN ROW EXCLUSIVE MODE;
      PERFORM siyu.period_owners_apply(ARRAY(
        SELECT ROW(cd.customer_id, cd.day_start, side.team_id, m.owner_id, cd.channel_id, cd.campaign_id,
                   side.was * cd.paid_orders, (1 - side.was) * cd.paid_orders)::siyu.period_owner_fact
        FROM period_owners_moved_team AS m
        JOIN siyu.customer_days AS cd ON cd.customer_id = m.customer_id
        CROSS JOIN LATERAL (VALUES (1, m.old_team), (0, m.new_team)) AS side (was, team_id)));
      RETURN NULL;
    END
  $$;
