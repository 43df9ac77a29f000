-- The staff touches' rollup (staff_activity.touches_by_day) by month too,
-- each month rebuilt only when a write reached its days (migration 021 says
-- how). Its facts are stacked: each owned customer on its registration day,
-- each paid order of an owned customer on its order day (credited to the
-- customer's owner), each follow-up and each booking. The customers and the
-- orders already count their days (021); the follow-ups and the
-- appointments count theirs here. An appointment's arrival is an UPDATE of
-- its row, counted on its booking day, where the fact stands.
SELECT siyu.track_day_changes('follow_ups', 'siyu.local_midnight(siyu.local_date(occurred_at))');
SELECT siyu.track_day_changes('appointments', 'siyu.local_midnight(siyu.local_date(booked_at))');

-- A customer given to another owner moves the facts of every paid order of
-- theirs to the new owner, on those orders' days, which the customer's own
-- row (its registration day) does not name. Those days are counted under
-- 'owned_orders', which only the touches' rollup reads: the sales rollups
-- do not depend on the customer's owner and need no rebuild.
CREATE FUNCTION siyu.count_owner_change_days() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.count_days('owned_orders', ARRAY(
        SELECT DISTINCT siyu.local_midnight(siyu.local_date(o.ordered_at))
        FROM changed_old AS old_row
        JOIN changed_new AS new_row ON new_row.id = old_row.id
        JOIN siyu.orders AS o ON o.customer_id = new_row.id
        WHERE old_row.owner_employee_id IS DISTINCT FROM new_row.owner_employee_id));
      RETURN NULL;
    END
  $$;

CREATE TRIGGER customers_owner_day_changes AFTER UPDATE ON siyu.customers
  REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.count_owner_change_days();

SELECT siyu.touch_all_days('owned_orders');
