-- The staff pages' follow-ups, bookings and arrivals without a rollup rebuild
-- after a write (issue 19, docs/performance.md "The registrations and touches
-- tables"): one row per business day and employee with the follow-ups that
-- employee made that day, the appointments they booked that day and how many
-- of those the customer arrived for (dated at the booking, as staff_activity
-- dates them). It replaces the `staff_activity.touches_by_day` rollup, whose
-- month partition every new customer, order, follow-up or booking rebuilt.
-- Kept exact by statement-level triggers on the follow-ups and the
-- appointments, in the writer's transaction; the employee's team is read at
-- query time, so moving an employee rewrites nothing.
--
-- The day is stored as the instant its local midnight starts in the business
-- time zone, as siyu.registration_days (migration 044).
CREATE TABLE siyu.touch_days (
  day_start   timestamptz NOT NULL,
  employee_id integer NOT NULL,
  follow_ups  integer NOT NULL,
  bookings    integer NOT NULL,
  arrivals    integer NOT NULL,
  PRIMARY KEY (day_start, employee_id)
);
-- One employee's days (a staff member's every query is limited to them).
CREATE INDEX touch_days_employee_idx ON siyu.touch_days (employee_id, day_start);

-- Adds a statement's signed change, summed per day and employee, in key order
-- (as siyu.registration_days_add: no deadlock, two writers of a key take
-- turns and both count). Keys whose net change is 0 are not written. A row
-- whose counts fall to 0 stays (the cube reads the rows with a touch) until a
-- rebuild.
CREATE FUNCTION siyu.touch_days_add(changes jsonb) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      INSERT INTO siyu.touch_days AS kept (day_start, employee_id, follow_ups, bookings, arrivals)
      SELECT c.day_start, c.employee_id, SUM(c.f), SUM(c.b), SUM(c.a)
      FROM jsonb_to_recordset(changes) AS c (day_start timestamptz, employee_id integer, f integer, b integer, a integer)
      GROUP BY 1, 2
      HAVING SUM(c.f) <> 0 OR SUM(c.b) <> 0 OR SUM(c.a) <> 0
      ORDER BY 1, 2
      ON CONFLICT (day_start, employee_id) DO UPDATE
        SET follow_ups = kept.follow_ups + EXCLUDED.follow_ups,
            bookings = kept.bookings + EXCLUDED.bookings,
            arrivals = kept.arrivals + EXCLUDED.arrivals;
    END
  $$;

-- A statement's follow-ups, per day and employee: new rows add, old rows take away.
CREATE FUNCTION siyu.touch_days_on_follow_ups() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      changes jsonb;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(jsonb_build_object('day_start', day, 'employee_id', employee_id, 'f', n, 'b', 0, 'a', 0)) INTO changes
        FROM (SELECT siyu.local_midnight(siyu.local_date(occurred_at)) AS day, employee_id, count(*) AS n FROM new_rows GROUP BY 1, 2) AS g;
      ELSIF TG_OP = 'DELETE' THEN
        SELECT jsonb_agg(jsonb_build_object('day_start', day, 'employee_id', employee_id, 'f', -n, 'b', 0, 'a', 0)) INTO changes
        FROM (SELECT siyu.local_midnight(siyu.local_date(occurred_at)) AS day, employee_id, count(*) AS n FROM old_rows GROUP BY 1, 2) AS g;
      ELSE
        SELECT jsonb_agg(jsonb_build_object('day_start', day, 'employee_id', employee_id, 'f', n, 'b', 0, 'a', 0)) INTO changes
        FROM (SELECT day, employee_id, sum(n) AS n
              FROM (SELECT siyu.local_midnight(siyu.local_date(occurred_at)) AS day, employee_id, -1 AS n FROM old_rows
                    UNION ALL
                    SELECT siyu.local_midnight(siyu.local_date(occurred_at)), employee_id, 1 FROM new_rows) AS moves
              GROUP BY 1, 2 HAVING sum(n) <> 0) AS g;
      END IF;
      PERFORM siyu.touch_days_add(changes);
      RETURN NULL;
    END
  $$;

-- Bookings and arrivals: an update may move a booking to another day or
-- employee, or mark (or unmark) its arrival.
CREATE FUNCTION siyu.touch_days_on_appointments() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      changes jsonb;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(jsonb_build_object('day_start', day, 'employee_id', employee_id, 'f', 0, 'b', b, 'a', a)) INTO changes
        FROM (SELECT siyu.local_midnight(siyu.local_date(booked_at)) AS day, employee_id, count(*) AS b, count(arrived_at) AS a
              FROM new_rows GROUP BY 1, 2) AS g;
      ELSIF TG_OP = 'DELETE' THEN
        SELECT jsonb_agg(jsonb_build_object('day_start', day, 'employee_id', employee_id, 'f', 0, 'b', -b, 'a', -a)) INTO changes
        FROM (SELECT siyu.local_midnight(siyu.local_date(booked_at)) AS day, employee_id, count(*) AS b, count(arrived_at) AS a
              FROM old_rows GROUP BY 1, 2) AS g;
      ELSE
        SELECT jsonb_agg(jsonb_build_object('day_start', day, 'employee_id', employee_id, 'f', 0, 'b', b, 'a', a)) INTO changes
        FROM (SELECT day, employee_id, sum(b) AS b, sum(a) AS a
              FROM (SELECT siyu.local_midnight(siyu.local_date(booked_at)) AS day, employee_id, -1 AS b, -(arrived_at IS NOT NULL)::int AS a FROM old_rows
                    UNION ALL
                    SELECT siyu.local_midnight(siyu.local_date(booked_at)), employee_id, 1, (arrived_at IS NOT NULL)::int FROM new_rows) AS moves
              GROUP BY 1, 2 HAVING sum(b) <> 0 OR sum(a) <> 0) AS g;
      END IF;
      PERFORM siyu.touch_days_add(changes);
      RETURN NULL;
    END
  $$;

-- A truncate empties one side: rows of that side alone go, the other side's counts stay.
CREATE FUNCTION siyu.touch_days_on_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF TG_TABLE_NAME = 'follow_ups' THEN
        DELETE FROM siyu.touch_days WHERE bookings = 0 AND arrivals = 0;
        UPDATE siyu.touch_days SET follow_ups = 0 WHERE follow_ups <> 0;
      ELSE
        DELETE FROM siyu.touch_days WHERE follow_ups = 0;
        UPDATE siyu.touch_days SET bookings = 0, arrivals = 0 WHERE bookings <> 0 OR arrivals <> 0;
      END IF;
      RETURN NULL;
    END
  $$;

CREATE TRIGGER touch_days_insert AFTER INSERT ON siyu.follow_ups
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.touch_days_on_follow_ups();
CREATE TRIGGER touch_days_update AFTER UPDATE ON siyu.follow_ups
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.touch_days_on_follow_ups();
CREATE TRIGGER touch_days_delete AFTER DELETE ON siyu.follow_ups
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.touch_days_on_follow_ups();
CREATE TRIGGER touch_days_truncate AFTER TRUNCATE ON siyu.follow_ups
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.touch_days_on_truncate();
CREATE TRIGGER touch_days_insert AFTER INSERT ON siyu.appointments
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.touch_days_on_appointments();
CREATE TRIGGER touch_days_update AFTER UPDATE ON siyu.appointments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.touch_days_on_appointments();
CREATE TRIGGER touch_days_delete AFTER DELETE ON siyu.appointments
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.touch_days_on_appointments();
CREATE TRIGGER touch_days_truncate AFTER TRUNCATE ON siyu.appointments
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.touch_days_on_truncate();

-- The whole table again, from the follow-ups and appointments (a bulk load
-- may call it after writing with the triggers off; this migration builds it
-- once). Writers of either wait meanwhile (SHARE).
CREATE FUNCTION siyu.rebuild_touch_days() RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      built bigint;
    BEGIN
      LOCK TABLE siyu.follow_ups, siyu.appointments IN SHARE MODE;
      TRUNCATE siyu.touch_days;
      INSERT INTO siyu.touch_days (day_start, employee_id, follow_ups, bookings, arrivals)
      SELECT day, employee_id, SUM(f), SUM(b), SUM(a)
      FROM (SELECT siyu.local_midnight(siyu.local_date(occurred_at)) AS day, employee_id, count(*) AS f, 0 AS b, 0 AS a
            FROM siyu.follow_ups GROUP BY 1, 2
            UNION ALL
            SELECT siyu.local_midnight(siyu.local_date(booked_at)), employee_id, 0, count(*), count(arrived_at)
            FROM siyu.appointments GROUP BY 1, 2) AS parts
      GROUP BY 1, 2
      ORDER BY 1, 2;
      GET DIAGNOSTICS built = ROW_COUNT;
      RETURN built;
    END
  $$;

SELECT siyu.rebuild_touch_days();
