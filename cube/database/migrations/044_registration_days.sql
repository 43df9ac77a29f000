-- New customers without a rollup rebuild after a write (issue 19,
-- docs/performance.md "The registrations table"): one row per business day,
-- source channel and owner employee, with how many customers registered that
-- day. It replaces the `customers.registrations` rollup, whose month
-- partition every new customer rebuilt (0.4–0.9 s for the overview's 新增客户
-- at a million customers while it ran). Kept exact by statement-level
-- triggers on the customers, in the writer's transaction: an insert, a
-- delete, an update of registered_at, source_channel_id or owner_employee_id
-- (an owner change moves the customer to the new owner's row), a truncate.
-- The owner's team is read at query time (500 employees), so moving an
-- employee to another team rewrites nothing.
--
-- The day is stored as the instant its local midnight starts in the business
-- time zone (as siyu.sales_hours stores the hour): Cube's date ranges and day
-- granularity, in that zone, put each row on its own day.
CREATE TABLE siyu.registration_days (
  day_start         timestamptz NOT NULL,
  source_channel_id integer NOT NULL,
  owner_employee_id integer,
  customers         integer NOT NULL,
  CONSTRAINT registration_days_key UNIQUE NULLS NOT DISTINCT (day_start, source_channel_id, owner_employee_id)
);
-- One owner's days (a staff member's every query is limited to them).
CREATE INDEX registration_days_owner_idx ON siyu.registration_days (owner_employee_id, day_start);

-- Adds a statement's signed change, summed per day, channel and owner, in key
-- order: two writers that touch the same rows lock them in the same order (no
-- deadlock), and the upsert holds a row to the writer's commit, so two
-- writers of one key take turns and both count. Keys whose net change is 0
-- are not written (an update of a name or a phone writes nothing). A row
-- that falls to 0 stays (the cube reads the rows above 0) until a rebuild.
CREATE FUNCTION siyu.registration_days_add(changes jsonb) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      INSERT INTO siyu.registration_days AS kept (day_start, source_channel_id, owner_employee_id, customers)
      SELECT c.day_start, c.source_channel_id, c.owner_employee_id, SUM(c.n)
      FROM jsonb_to_recordset(changes) AS c (day_start timestamptz, source_channel_id integer, owner_employee_id integer, n integer)
      GROUP BY 1, 2, 3
      HAVING SUM(c.n) <> 0
      ORDER BY 1, 2, 3
      ON CONFLICT ON CONSTRAINT registration_days_key DO UPDATE SET customers = kept.customers + EXCLUDED.customers;
    END
  $$;

CREATE FUNCTION siyu.registration_days_on_insert() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.registration_days_add((
        SELECT jsonb_agg(jsonb_build_object('day_start', day, 'source_channel_id', source_channel_id, 'owner_employee_id', owner_employee_id, 'n', n))
        FROM (SELECT siyu.local_midnight(siyu.local_date(registered_at)) AS day, source_channel_id, owner_employee_id, count(*) AS n FROM new_rows GROUP BY 1, 2, 3) AS g));
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.registration_days_on_delete() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.registration_days_add((
        SELECT jsonb_agg(jsonb_build_object('day_start', day, 'source_channel_id', source_channel_id, 'owner_employee_id', owner_employee_id, 'n', -n))
        FROM (SELECT siyu.local_midnight(siyu.local_date(registered_at)) AS day, source_channel_id, owner_employee_id, count(*) AS n FROM old_rows GROUP BY 1, 2, 3) AS g));
      RETURN NULL;
    END
  $$;

-- An update may move a customer to another day, channel or owner (or change
-- its id): the old rows leave their keys, the new rows join theirs. Rows whose
-- keyed columns did not change cancel out.
CREATE FUNCTION siyu.registration_days_on_update() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.registration_days_add((
        SELECT jsonb_agg(jsonb_build_object('day_start', day, 'source_channel_id', source_channel_id, 'owner_employee_id', owner_employee_id, 'n', n))
        FROM (SELECT day, source_channel_id, owner_employee_id, sum(n) AS n
              FROM (SELECT siyu.local_midnight(siyu.local_date(registered_at)) AS day, source_channel_id, owner_employee_id, -1 AS n FROM old_rows
                    UNION ALL
                    SELECT siyu.local_midnight(siyu.local_date(registered_at)), source_channel_id, owner_employee_id, 1 FROM new_rows) AS moves
              GROUP BY 1, 2, 3 HAVING sum(n) <> 0) AS g));
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.registration_days_on_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      TRUNCATE siyu.registration_days;
      RETURN NULL;
    END
  $$;

CREATE TRIGGER registration_days_insert AFTER INSERT ON siyu.customers
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.registration_days_on_insert();
CREATE TRIGGER registration_days_update AFTER UPDATE ON siyu.customers
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.registration_days_on_update();
CREATE TRIGGER registration_days_delete AFTER DELETE ON siyu.customers
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.registration_days_on_delete();
CREATE TRIGGER registration_days_truncate AFTER TRUNCATE ON siyu.customers
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.registration_days_on_truncate();

-- The whole table again, from the customers (a bulk load may call it after
-- writing with the triggers off; this migration builds it once). Writers of
-- customers wait meanwhile (SHARE).
CREATE FUNCTION siyu.rebuild_registration_days() RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      built bigint;
    BEGIN
      LOCK TABLE siyu.customers IN SHARE MODE;
      TRUNCATE siyu.registration_days;
      INSERT INTO siyu.registration_days (day_start, source_channel_id, owner_employee_id, customers)
      SELECT siyu.local_midnight(siyu.local_date(registered_at)), source_channel_id, owner_employee_id, count(*)
      FROM siyu.customers
      GROUP BY 1, 2, 3
      ORDER BY 1, 2, 3;
      GET DIAGNOSTICS built = ROW_COUNT;
      RETURN built;
    END
  $$;

SELECT siyu.rebuild_registration_days();
