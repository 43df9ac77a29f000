-- The period tables' roll-over without holding order writers for the whole
-- of it, and one lock order for their writers (issue 19, docs/performance.md
-- "Rolling the period tables ahead, and their lock order").
--
-- The five trigger-kept period tables (period_sales 018/024, drill_sales 029,
-- drill_sales_slices 033, period_participants 028/031, period_owners 027)
-- each keep their list of ranges (sales_periods, drill_sales_ranges,
-- drill_sales_slice_ranges, participant_periods, owner_periods), and every
-- writer of a table maintains every range on that list, whatever the as-of
-- date. So the next day's ranges can be added to the lists ahead of the as-of
-- date moving, one range of one table per transaction
-- (siyu.roll_ahead_step, called in a loop by cube/database/roll-ahead.ts):
-- each step takes its table's EXCLUSIVE lock for that one range's shift from
-- the nearest held range (the roll-overs' own rule and functions; the drill
-- lists' shift in definitions/drill_sales_shift.sql) or build,
-- and the writers keep the range exact from its commit on. The roll-over the
-- as-of date's move fires (each table's settings trigger) then finds the new
-- ranges held; the ranges no longer offered leave the lists there, and their
-- rows are dropped after it, a batch per transaction (siyu.roll_drop_step).
-- A move nobody prepared rolls as before (the drill lists' drop old ranges by name now).
--
-- Lock order. Every order writer takes its customers' bucket locks first
-- (customer_days_add, lock_customer_buckets), then writes, and bumps the
-- change counter row of (siyu.data_changes), period_sales, drill_sales,
-- drill_sales_slices, period_participants and period_owners in this order
-- (the triggers' names: customer_days_* on the orders writes the first three,
-- participant_conversions_* the fourth, period_owners_* the last). Each
-- counter row is held to the commit. The triggers below make the other
-- writers of these tables take their bucket locks before any of those rows:
-- - an owner change (UPDATE of customers.owner_employee_id): the changed
--   customers' buckets, in order, before the customers' own triggers
--   (customers_changes bumps the customers' counter; the period owners and
--   sliced drill lists' triggers took their buckets after it), and the sliced
--   drill lists' trigger now fires before the owner period table's (it fired
--   after: the opposite of the order writers' order);
-- - a team move (UPDATE of employees.team_id): every bucket, in order, before
--   any of the four period tables' move triggers (they took buckets one table
--   after another, after writing the previous table), so a move waits for
--   the writers in flight and the writers after it wait for its commit;
-- - the as-of date's move (the settings' roll-over triggers fire in their
--   names' order: drill_sales, drill_sales_slices, period_participants,
--   period_sales, period_owners): every bucket, then the five tables'
--   EXCLUSIVE locks in the writers' order, when as-of moved (a team move's
--   triggers take the tables in another order, after every bucket).
-- test/cube/database/period-lock-order.test.ts saw 97 deadlocks without these.

-- The buckets of the customers whose owner a statement changed.
CREATE FUNCTION siyu.period_tables_owner_buckets() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext('siyu.customer_days'), b.bucket)
      FROM (SELECT DISTINCT n.id % 256 AS bucket
            FROM new_customers AS n JOIN old_customers AS o ON o.id = n.id
            WHERE o.owner_employee_id IS DISTINCT FROM n.owner_employee_id
            ORDER BY 1) AS b;
      RETURN NULL;
    END
  $$;
CREATE TRIGGER customers_a_owner_buckets AFTER UPDATE ON siyu.customers
  REFERENCING OLD TABLE AS old_customers NEW TABLE AS new_customers
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_tables_owner_buckets();
ALTER TRIGGER drill_sales_slices_owner_change ON siyu.customers RENAME TO customers_owner_change_drill_slices; -- before period_owners'

-- Every bucket when a statement moved an employee to another team.
CREATE FUNCTION siyu.period_tables_move_buckets() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM new_employees AS n JOIN old_employees AS o ON o.id = n.id WHERE o.team_id IS DISTINCT FROM n.team_id) THEN
        PERFORM pg_advisory_xact_lock(hashtext('siyu.customer_days'), b) FROM generate_series(0, 255) AS b;
      END IF;
      RETURN NULL;
    END
  $$;
CREATE TRIGGER a_employee_move_buckets AFTER UPDATE ON siyu.employees
  REFERENCING OLD TABLE AS old_employees NEW TABLE AS new_employees
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_tables_move_buckets();

-- One step of the roll-over ahead of `next_day`: the first of next_day's
-- ranges a table does not hold yet (tables in the writers' order, the
-- longest range first), added to its list (as_of: today's, so the settings'
-- roll-over stays a no-op until as-of moves) and counted, under the table's
-- EXCLUSIVE lock for this step only. Returns 'table period', or null when
-- every table holds every range of next_day.
CREATE FUNCTION siyu.roll_ahead_step(next_day date) RETURNS text
  LANGUAGE plpgsql
  AS $$
    DECLARE
      today date := siyu.as_of();
      t record;
      wanted record;
      source record;
      pass integer;
    BEGIN
      IF next_day IS NULL OR next_day IS NOT DISTINCT FROM today THEN
        RETURN NULL;
      END IF;
      IF siyu.fill_drill_sales_slices() THEN
        RETURN 'drill_sales_slices: a chunk of customers';
      END IF;
      FOR t IN
        SELECT * FROM (VALUES (1, 'period_sales', 'sales_periods', true), (2, 'drill_sales', 'drill_sales_ranges', false),
                              (3, 'drill_sales_slices', 'drill_sales_slice_ranges', false),
                              (4, 'period_participants', 'participant_periods', true), (5, 'period_owners', 'owner_periods', true))
          AS v (n, tbl, ranges, preset)
        ORDER BY n
      LOOP
        -- Looked for first without the lock (a table with nothing to add is not locked), then again under it.
        FOR pass IN 1 .. 2 LOOP
          IF pass = 2 THEN
            EXECUTE format('LOCK TABLE siyu.%I IN EXCLUSIVE MODE', t.tbl);
          END IF;
          EXECUTE format(
            'SELECT r.period, coalesce(siyu.local_midnight(r.first_day), ''-infinity'') AS starts_at,
                    coalesce(siyu.local_midnight(r.last_day + 1), ''infinity'') AS ends_at
             FROM %s AS r WHERE NOT EXISTS (SELECT 1 FROM siyu.%I AS h WHERE h.period = r.period)
             ORDER BY r.last_day - r.first_day DESC NULLS FIRST, r.period LIMIT 1',
            CASE WHEN t.preset THEN 'siyu.preset_ranges($1)' ELSE 'siyu.drill_ranges($1)' END, t.ranges)
            INTO wanted USING next_day;
          EXIT WHEN wanted.period IS NULL;
        END LOOP;
        CONTINUE WHEN wanted.period IS NULL;
        -- The nearest held range (migration 018's rule), before the new one is listed.
        EXECUTE format(
          'SELECT h.* FROM siyu.%I AS h
           WHERE $1 > ''-infinity'' AND h.starts_at > ''-infinity''
             AND abs(extract(EPOCH FROM h.starts_at - $1)) + abs(extract(EPOCH FROM h.ends_at - $2)) < extract(EPOCH FROM $2 - $1)
           ORDER BY abs(extract(EPOCH FROM h.starts_at - $1)) + abs(extract(EPOCH FROM h.ends_at - $2)), h.period
           LIMIT 1', t.ranges)
          INTO source USING wanted.starts_at, wanted.ends_at;
        -- Its rows left from an earlier as-of date, if still waiting to be dropped, go first.
        DELETE FROM siyu.period_range_drops WHERE table_name = t.tbl AND period = wanted.period;
        IF FOUND THEN
          EXECUTE format('DELETE FROM siyu.%I WHERE period = $1', t.tbl) USING wanted.period;
        END IF;
        EXECUTE format('INSERT INTO siyu.%I (period, starts_at, ends_at, as_of) VALUES ($1, $2, $3, $4)', t.ranges)
          USING wanted.period, wanted.starts_at, wanted.ends_at, today;
        IF t.tbl = 'period_sales' AND source.period IS NOT NULL THEN
          PERFORM siyu.shift_period_sales(ARRAY[ROW(wanted.period, wanted.starts_at, wanted.ends_at, today)::siyu.sales_periods],
                                          ARRAY[ROW(source.period, source.starts_at, source.ends_at, source.as_of)::siyu.sales_periods]);
        ELSIF t.tbl = 'period_sales' THEN
          PERFORM siyu.build_period_sales(ARRAY[wanted.period]);
        ELSIF t.tbl = 'period_participants' AND source.period IS NOT NULL THEN
          PERFORM siyu.shift_period_participants(ARRAY[ROW(wanted.period, wanted.starts_at, wanted.ends_at, today)::siyu.participant_periods],
                                                 ARRAY[ROW(source.period, source.starts_at, source.ends_at, source.as_of)::siyu.participant_periods]);
        ELSIF t.tbl = 'period_participants' THEN
          PERFORM siyu.build_period_participants(ARRAY[wanted.period]);
        ELSIF t.tbl = 'period_owners' AND source.period IS NOT NULL THEN
          PERFORM siyu.shift_period_owners(ROW(source.period, source.starts_at, source.ends_at, source.as_of)::siyu.owner_periods,
                                           ROW(wanted.period, wanted.starts_at, wanted.ends_at, today)::siyu.owner_periods);
        ELSIF t.tbl = 'period_owners' THEN
          PERFORM siyu.build_period_owners(ARRAY[wanted.period]);
        ELSIF t.tbl = 'drill_sales' AND source.period IS NOT NULL THEN
          -- definitions/drill_sales_shift.sql
          PERFORM siyu.shift_drill_sales(ROW(source.period, source.starts_at, source.ends_at, source.as_of)::siyu.drill_sales_ranges,
                                         ROW(wanted.period, wanted.starts_at, wanted.ends_at, today)::siyu.drill_sales_ranges);
        ELSIF t.tbl = 'drill_sales' THEN
          PERFORM siyu.build_drill_sales(ARRAY[wanted.period]);
        ELSE
          -- Listed now, counted a chunk of customers per step after (definitions/drill_sales_shift.sql).
          INSERT INTO siyu.drill_slice_fills (period, next_customer, last_customer)
          SELECT wanted.period, coalesce(min(id), 0), coalesce(max(id), 0) FROM siyu.customers;
        END IF;
        RETURN t.tbl || ' ' || wanted.period;
      END LOOP;
      RETURN NULL;
    END
  $$;

-- The ranges the as-of move leaves behind, when it was rolled ahead: their
-- rows are dropped after the move, a batch per transaction
-- (siyu.roll_drop_step), instead of inside it under the five tables'
-- EXCLUSIVE locks (the sliced drill lists' old ranges are most of its rows).
-- Nobody writes them meanwhile: they are off their table's list of ranges,
-- which every writer reads. A range listed again while its rows wait here
-- (as-of moved back) has them dropped first, under its table's lock.
CREATE TABLE siyu.period_range_drops (
  table_name text NOT NULL,
  period     text NOT NULL,
  PRIMARY KEY (table_name, period)
);

-- The sliced drill lists' ranges listed ahead and not yet counted for every
-- customer (siyu.fill_drill_sales_slices): from next_customer on.
CREATE TABLE siyu.drill_slice_fills (
  period        text PRIMARY KEY,
  next_customer integer NOT NULL,
  last_customer integer NOT NULL
);

-- Drops every waiting range's rows now (the tables' EXCLUSIVE locks held).
CREATE FUNCTION siyu.period_range_drops_now() RETURNS void
  LANGUAGE plpgsql
  AS $$
    DECLARE
      d record;
    BEGIN
      FOR d IN DELETE FROM siyu.period_range_drops RETURNING * LOOP
        EXECUTE format('DELETE FROM siyu.%I WHERE period = $1', d.table_name) USING d.period;
      END LOOP;
    END
  $$;

-- The five tables' locks in the writers' order when the as-of date moved;
-- rows of ranges dropped later finished first. After a roll-over ahead
-- (moveAsOf sets siyu.period_drops = 'later' for its statement): the ranges
-- no longer offered leave the lists here, their rows wait for
-- siyu.roll_drop_step, and each table's roll-over (the triggers after this
-- one) finds its new ranges held and nothing to drop.
CREATE FUNCTION siyu.period_tables_as_of_locks() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      t record;
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM siyu.sales_periods WHERE as_of IS DISTINCT FROM siyu.as_of())
         AND NOT EXISTS (SELECT 1 FROM siyu.drill_sales_ranges WHERE as_of IS DISTINCT FROM siyu.as_of())
         AND NOT EXISTS (SELECT 1 FROM siyu.drill_sales_slice_ranges WHERE as_of IS DISTINCT FROM siyu.as_of())
         AND NOT EXISTS (SELECT 1 FROM siyu.participant_periods WHERE as_of IS DISTINCT FROM siyu.as_of())
         AND NOT EXISTS (SELECT 1 FROM siyu.owner_periods WHERE as_of IS DISTINCT FROM siyu.as_of()) THEN
        RETURN NULL;
      END IF;
      -- Every bucket first, as a team move: a move holds them all and then writes the tables in its triggers' order.
      PERFORM pg_advisory_xact_lock(hashtext('siyu.customer_days'), b) FROM generate_series(0, 255) AS b;
      LOCK TABLE siyu.period_sales, siyu.drill_sales, siyu.drill_sales_slices, siyu.period_participants, siyu.period_owners
        IN EXCLUSIVE MODE;
      -- A range listed ahead and not yet counted for every customer is counted now.
      WHILE siyu.fill_drill_sales_slices(1000000) LOOP
      END LOOP;
      PERFORM siyu.period_range_drops_now();
      IF current_setting('siyu.period_drops', true) IS DISTINCT FROM 'later' THEN
        RETURN NULL;
      END IF;
      FOR t IN
        SELECT * FROM (VALUES ('period_sales', 'sales_periods', true), ('drill_sales', 'drill_sales_ranges', false),
                              ('drill_sales_slices', 'drill_sales_slice_ranges', false),
                              ('period_participants', 'participant_periods', true), ('period_owners', 'owner_periods', true))
          AS v (tbl, ranges, preset)
      LOOP
        EXECUTE format(
          'WITH gone AS (
             DELETE FROM siyu.%I AS h WHERE NOT EXISTS (SELECT 1 FROM %s AS r WHERE r.period = h.period) RETURNING h.period)
           INSERT INTO siyu.period_range_drops SELECT $2, period FROM gone ON CONFLICT DO NOTHING',
          t.ranges, CASE WHEN t.preset THEN 'siyu.preset_ranges($1)' ELSE 'siyu.drill_ranges($1)' END)
          USING siyu.as_of(), t.tbl;
        -- Every new range held: the table's own roll-over (next) has nothing to do, and skips its scans.
        EXECUTE format(
          'UPDATE siyu.%1$I SET as_of = $1
           WHERE NOT EXISTS (SELECT 1 FROM %2$s AS r WHERE NOT EXISTS (SELECT 1 FROM siyu.%1$I AS h WHERE h.period = r.period))',
          t.ranges, CASE WHEN t.preset THEN 'siyu.preset_ranges($1)' ELSE 'siyu.drill_ranges($1)' END)
          USING siyu.as_of();
      END LOOP;
      RETURN NULL;
    END
  $$;
CREATE TRIGGER as_of_period_tables_locks AFTER INSERT OR UPDATE OR DELETE ON siyu.settings
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_tables_as_of_locks();

-- One batch of a waiting range's rows dropped; false when none wait. The
-- table's ROW EXCLUSIVE lock first, then the range looked up again: a
-- roll-over step that lists it again (EXCLUSIVE) drops its rows itself. Rows
-- another transaction holds are skipped, never waited for: the sliced drill
-- lists' recount of a customer (an order, an owner change, a team move)
-- deletes all the customer's rows, these included, in its own order.
CREATE FUNCTION siyu.roll_drop_step(batch integer DEFAULT 5000) RETURNS boolean
  LANGUAGE plpgsql
  AS $$
    DECLARE
      d record;
      gone bigint;
      cut text;
      cuts text[];
      left_over boolean := false;
    BEGIN
      SELECT * INTO d FROM siyu.period_range_drops ORDER BY table_name, period LIMIT 1;
      IF d.period IS NULL THEN
        RETURN false;
      END IF;
      EXECUTE format('LOCK TABLE siyu.%I IN ROW EXCLUSIVE MODE', d.table_name);
      PERFORM 1 FROM siyu.period_range_drops WHERE table_name = d.table_name AND period = d.period FOR UPDATE;
      IF NOT FOUND THEN
        RETURN true;
      END IF;
      -- The sliced drill lists' rows through each slice's partial index (no index leads with the range alone).
      cuts := CASE WHEN d.table_name = 'drill_sales_slices' THEN ARRAY['team', 'team,employee', 'channel', 'campaign'] ELSE ARRAY[NULL] END;
      FOREACH cut IN ARRAY cuts LOOP
        EXECUTE format('DELETE FROM siyu.%1$I WHERE ctid = ANY (ARRAY(SELECT ctid FROM siyu.%1$I WHERE period = $1 %2$s LIMIT $2 FOR UPDATE SKIP LOCKED))',
                       d.table_name, CASE WHEN cut IS NULL THEN '' ELSE format('AND slice = %L', cut) END)
          USING d.period, batch;
        GET DIAGNOSTICS gone = ROW_COUNT;
        IF gone > 0 THEN
          RETURN true;
        END IF;
      END LOOP;
      FOREACH cut IN ARRAY cuts LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM siyu.%1$I WHERE period = $1 %2$s)',
                       d.table_name, CASE WHEN cut IS NULL THEN '' ELSE format('AND slice = %L', cut) END)
          INTO left_over USING d.period;
        EXIT WHEN left_over;
      END LOOP;
      IF left_over THEN
        -- Held by a writer that deletes them itself: looked at again after it.
        PERFORM pg_sleep(0.05);
      ELSE
        DELETE FROM siyu.period_range_drops WHERE table_name = d.table_name AND period = d.period;
      END IF;
      RETURN true;
    END
  $$;

-- Migration 029's and 033's roll-overs with the rows of a range no longer
-- offered dropped by its name on the table's list (the key's or a slice's
-- index), not by a scan of the whole table for rows outside today's ranges
-- (the same rows: a table's rows are of its listed ranges, those waiting in
-- siyu.period_range_drops being dropped before these run), and not at all
-- when none goes (after a roll-over ahead the as-of move drops none here).
CREATE OR REPLACE FUNCTION siyu.roll_drill_sales(whole boolean DEFAULT false) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      today date := siyu.as_of();
      fresh text[];
      gone text[];
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
      WITH dropped AS (
        DELETE FROM siyu.drill_sales_ranges AS h
        WHERE NOT EXISTS (SELECT 1 FROM siyu.drill_ranges(today) AS r WHERE r.period = h.period)
        RETURNING h.period)
      SELECT array_agg(period) INTO gone FROM dropped;
      IF gone IS NOT NULL THEN
        DELETE FROM siyu.drill_sales WHERE period = ANY (gone);
      END IF;
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

CREATE OR REPLACE FUNCTION siyu.roll_drill_sales_slices(whole boolean DEFAULT false) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      today date := siyu.as_of();
      fresh text[];
      gone text[];
    BEGIN
      IF NOT whole AND EXISTS (SELECT 1 FROM siyu.drill_sales_slice_ranges)
         AND NOT EXISTS (SELECT 1 FROM siyu.drill_sales_slice_ranges WHERE as_of IS DISTINCT FROM today) THEN
        RETURN 0;
      END IF;
      LOCK TABLE siyu.drill_sales_slices IN EXCLUSIVE MODE;
      IF whole THEN
        TRUNCATE siyu.drill_sales_slices;
        DELETE FROM siyu.drill_sales_slice_ranges;
        DELETE FROM siyu.drill_slice_fills;
      END IF;
      WITH dropped AS (
        DELETE FROM siyu.drill_sales_slice_ranges AS h
        WHERE NOT EXISTS (SELECT 1 FROM siyu.drill_ranges(today) AS r WHERE r.period = h.period)
        RETURNING h.period)
      SELECT array_agg(period) INTO gone FROM dropped;
      IF gone IS NOT NULL THEN
        DELETE FROM siyu.drill_sales_slices WHERE period = ANY (gone);
      END IF;
      UPDATE siyu.drill_sales_slice_ranges SET as_of = today WHERE as_of IS DISTINCT FROM today;
      WITH added AS (
        INSERT INTO siyu.drill_sales_slice_ranges (period, starts_at, ends_at, as_of)
        SELECT r.period, coalesce(siyu.local_midnight(r.first_day), '-infinity'), coalesce(siyu.local_midnight(r.last_day + 1), 'infinity'), today
        FROM siyu.drill_ranges(today) AS r
        WHERE today IS NOT NULL
        ON CONFLICT (period) DO NOTHING
        RETURNING period)
      SELECT array_agg(period) INTO fresh FROM added;
      IF fresh IS NULL THEN
        RETURN 0;
      END IF;
      RETURN siyu.build_drill_sales_slices(fresh);
    END
  $$;
