-- The sales tiles of the date presets from one row each (issue 19, plan item
-- 1, docs/performance.md): per range of days the pages offer as a preset
-- (and each preset's 环比 and 同比 range) and per slice, the distinct buyers,
-- paid orders and paid amount. A tile on a preset reads one row instead of
-- counting a range's customer days.
--
-- Fed from siyu.customer_days (migration 013), so refunds, moves and deletes
-- of orders reach it through the change that table already computes.
-- The ranges, as of a day: siyu.preset_ranges (definitions/preset_ranges.sql).

-- The ranges the table holds now: those of siyu.as_of() when it was last
-- rolled. A range's days are [starts_at, ends_at) as instants of local
-- midnight, as siyu.customer_days.day_start is.
CREATE TABLE siyu.sales_periods (
  period    text PRIMARY KEY,
  starts_at timestamptz NOT NULL,
  ends_at   timestamptz NOT NULL,
  as_of     date
);

-- One row per range and slice. `slice` names the columns the row is cut by
-- (team, employee, channel, campaign, in that order, joined by ','; 'brand'
-- for none); a column not in the slice is null. A null in a sliced column is
-- a value of its own (orders credited to no employee, in no campaign), hence
-- NULLS NOT DISTINCT. An employee row carries its employee's team (the team
-- now), so a staff member's row is also their team's.
CREATE TABLE siyu.period_sales (
  period      text NOT NULL,
  slice       text NOT NULL,
  team_id     integer,
  employee_id integer,
  channel_id  integer,
  campaign_id integer,
  buyers      integer NOT NULL,
  paid_orders integer NOT NULL,
  paid_amount numeric(16, 2) NOT NULL,
  CONSTRAINT period_sales_key UNIQUE NULLS NOT DISTINCT (period, slice, team_id, employee_id, channel_id, campaign_id)
);
SELECT siyu.track_data_changes('period_sales');

-- A fact as the maintenance reads it: a customer-day row with its employee's
-- team, its paid orders and amount before ("was") and after ("now") a change.
CREATE TYPE siyu.period_fact AS (
  customer_id integer, day_start timestamptz, team_id integer, employee_id integer, channel_id integer, campaign_id integer,
  was_orders integer, was_amount numeric, now_orders integer, now_amount numeric
);

-- GROUPING(team_id, employee_id, channel_id, campaign_id) → the slice's name.
CREATE FUNCTION siyu.period_slice(grouping_bits integer) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT
  AS $$
    SELECT coalesce(nullif(concat_ws(',',
      CASE WHEN grouping_bits & 8 = 0 THEN 'team' END, CASE WHEN grouping_bits & 4 = 0 THEN 'employee' END,
      CASE WHEN grouping_bits & 2 = 0 THEN 'channel' END, CASE WHEN grouping_bits & 1 = 0 THEN 'campaign' END), ''), 'brand')
  $$;

-- Applies the change of complete customers: `facts` holds every customer-day
-- row of each customer it names, before and after. Per range, slice and
-- customer it sums both sides; a customer is a buyer of a cell when their
-- paid orders there are above zero, so the cell's buyers change by (now a
-- buyer) - (was a buyer), its sums by now - was. The slices are every
-- combination of {nothing, team, team and employee} with channel and
-- campaign: what the overview (team, channel, campaign filters), the staff
-- page (by team, by a team's employees) and the role limits (a manager's
-- team, a staff member's own id) cut by. With `target`, the facts are that
-- one range's (the caller has cut both sides to its days: the roll-over).
CREATE FUNCTION siyu.period_sales_apply(facts siyu.period_fact[], target text DEFAULT NULL) RETURNS void
  LANGUAGE plpgsql
  AS $$
    DECLARE
      deltas siyu.period_sales[];
      emptied tid[];
    BEGIN
      IF cardinality(facts) = 0 THEN
        RETURN;
      END IF;
      SELECT ARRAY_AGG(ROW(d.period, d.slice, d.team_id, d.employee_id, d.channel_id, d.campaign_id, d.buyers, d.paid_orders, d.paid_amount)::siyu.period_sales)
      INTO deltas
      FROM (
        SELECT c.period, siyu.period_slice(c.g) AS slice, c.team_id, c.employee_id, c.channel_id, c.campaign_id,
               SUM((c.now_orders > 0)::int - (c.was_orders > 0)::int)::int AS buyers,
               SUM(c.now_orders - c.was_orders)::int AS paid_orders, SUM(c.now_amount - c.was_amount) AS paid_amount
        FROM (
          SELECT p.period, f.customer_id, f.team_id, f.employee_id, f.channel_id, f.campaign_id,
                 GROUPING(f.team_id, f.employee_id, f.channel_id, f.campaign_id) AS g,
                 SUM(f.was_orders) AS was_orders, SUM(f.now_orders) AS now_orders,
                 SUM(f.was_amount) AS was_amount, SUM(f.now_amount) AS now_amount
          FROM UNNEST(facts) AS f
          JOIN siyu.sales_periods AS p
            ON CASE WHEN target IS NULL THEN f.day_start >= p.starts_at AND f.day_start < p.ends_at ELSE p.period = target END
          GROUP BY p.period, f.customer_id, GROUPING SETS (
            (), (f.channel_id), (f.campaign_id), (f.channel_id, f.campaign_id),
            (f.team_id), (f.team_id, f.channel_id), (f.team_id, f.campaign_id), (f.team_id, f.channel_id, f.campaign_id),
            (f.team_id, f.employee_id), (f.team_id, f.employee_id, f.channel_id), (f.team_id, f.employee_id, f.campaign_id),
            (f.team_id, f.employee_id, f.channel_id, f.campaign_id))
        ) AS c
        GROUP BY 1, 2, 3, 4, 5, 6
        HAVING SUM((c.now_orders > 0)::int - (c.was_orders > 0)::int) <> 0 OR SUM(c.now_orders - c.was_orders) <> 0
            OR SUM(c.now_amount - c.was_amount) <> 0
      ) AS d;
      IF deltas IS NULL THEN
        RETURN;
      END IF;

      -- The rows left with no buyer are removed by their row address, as the
      -- upsert returns it: matching the changed keys again could not use the
      -- key's index (nulls compared with IS NOT DISTINCT FROM), and an index
      -- on the buyers would make every update of a hot row (the brand's
      -- today) a non-HOT one.
      WITH upserted AS (
        INSERT INTO siyu.period_sales AS ps
        SELECT * FROM UNNEST(deltas) ORDER BY period, slice, team_id, employee_id, channel_id, campaign_id
        ON CONFLICT ON CONSTRAINT period_sales_key DO UPDATE
          SET buyers = ps.buyers + EXCLUDED.buyers,
              paid_orders = ps.paid_orders + EXCLUDED.paid_orders,
              paid_amount = ps.paid_amount + EXCLUDED.paid_amount
        RETURNING ps.ctid AS address, ps.buyers)
      SELECT ARRAY_AGG(address) FILTER (WHERE buyers = 0) INTO emptied FROM upserted;
      IF emptied IS NOT NULL THEN
        DELETE FROM siyu.period_sales WHERE ctid = ANY (emptied);
      END IF;
    END
  $$;

-- A change to siyu.customer_days (the signed rows customer_days_add is about
-- to add): before = the touched customers' rows now, after = those plus the
-- change. Called by customer_days_add with the customers' bucket locks
-- already held, so a second writer of the same customer waits for the
-- first's commit and then reads its rows (the "before" it builds on). A
-- period is not rolled meanwhile: the ROW EXCLUSIVE lock taken first is held
-- to the commit and conflicts with the roll-over's EXCLUSIVE.
CREATE FUNCTION siyu.period_sales_add(changes siyu.customer_days[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      LOCK TABLE siyu.period_sales IN ROW EXCLUSIVE MODE;
      PERFORM siyu.period_sales_apply(ARRAY(
        SELECT ROW(f.customer_id, f.day_start, e.team_id, f.employee_id, f.channel_id, f.campaign_id,
                   f.was_orders, f.was_amount, f.now_orders, f.now_amount)::siyu.period_fact
        FROM (
          SELECT cd.customer_id, cd.day_start, cd.employee_id, cd.channel_id, cd.campaign_id,
                 cd.paid_orders AS was_orders, cd.paid_amount AS was_amount, cd.paid_orders AS now_orders, cd.paid_amount AS now_amount
          FROM siyu.customer_days AS cd
          WHERE cd.customer_id IN (SELECT DISTINCT c.customer_id FROM UNNEST(changes) AS c)
          UNION ALL
          SELECT c.customer_id, c.day_start, c.employee_id, c.channel_id, c.campaign_id, 0, 0, c.paid_orders, c.paid_amount
          FROM UNNEST(changes) AS c
        ) AS f
        LEFT JOIN siyu.employees AS e ON e.id = f.employee_id));
    END
  $$;

-- Migration 013's function with the period table fed before the change is
-- added (the bucket locks are taken first, then the period's delta is read
-- against the rows as they are, then the rows change). The delta costs
-- per touched customer (their rows × ranges × slices); past 5,000 customers
-- in one statement counting every range afresh after the change costs less
-- (a statement touching 100,000 customers took over 2 minutes as a delta
-- on a 600-customer database), under an EXCLUSIVE lock so that no other
-- writer's delta lands between the count and the commit.
CREATE OR REPLACE FUNCTION siyu.customer_days_add(changes siyu.customer_days[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    DECLARE
      bulk boolean;
    BEGIN
      IF cardinality(changes) = 0 THEN
        RETURN;
      END IF;
      PERFORM pg_advisory_xact_lock(hashtext('siyu.customer_days'), touched.bucket)
      FROM (SELECT DISTINCT c.customer_id % 256 AS bucket FROM UNNEST(changes) AS c ORDER BY 1) AS touched;

      bulk := (SELECT count(DISTINCT c.customer_id) FROM UNNEST(changes) AS c) > 5000;
      IF bulk THEN
        LOCK TABLE siyu.period_sales IN EXCLUSIVE MODE;
      ELSE
        PERFORM siyu.period_sales_add(changes);
      END IF;

      INSERT INTO siyu.customer_days AS cd
      SELECT * FROM UNNEST(changes)
      ORDER BY customer_id, day_start, channel_id, campaign_id, employee_id
      ON CONFLICT ON CONSTRAINT customer_days_key DO UPDATE
        SET paid_orders = cd.paid_orders + EXCLUDED.paid_orders,
            paid_amount = cd.paid_amount + EXCLUDED.paid_amount;

      DELETE FROM siyu.customer_days AS cd
      USING (SELECT DISTINCT c.customer_id, c.day_start FROM UNNEST(changes) AS c) AS touched
      WHERE cd.customer_id = touched.customer_id AND cd.day_start = touched.day_start AND cd.paid_orders = 0;

      IF bulk THEN
        PERFORM siyu.build_period_sales();
      END IF;
    END
  $$;

-- An employee moved to another team takes their customers' rows to it: for
-- every customer with a row of a moved employee, all their rows, "before"
-- with the old team and "after" with the new (statement-level, reading the
-- statement's old and new employees).
CREATE FUNCTION siyu.period_sales_on_employee_move() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM new_employees AS n JOIN old_employees AS o ON o.id = n.id WHERE o.team_id IS DISTINCT FROM n.team_id) THEN
        RETURN NULL;
      END IF;
      LOCK TABLE siyu.period_sales IN ROW EXCLUSIVE MODE;
      PERFORM pg_advisory_xact_lock(hashtext('siyu.customer_days'), b.bucket)
      FROM (
        SELECT DISTINCT cd.customer_id % 256 AS bucket
        FROM siyu.customer_days AS cd JOIN new_employees AS n ON n.id = cd.employee_id JOIN old_employees AS o ON o.id = n.id
        WHERE o.team_id IS DISTINCT FROM n.team_id
        ORDER BY 1) AS b;
      PERFORM siyu.period_sales_apply(ARRAY(
        WITH moves AS (
          SELECT n.id AS employee_id, o.team_id AS old_team
          FROM new_employees AS n JOIN old_employees AS o ON o.id = n.id WHERE o.team_id IS DISTINCT FROM n.team_id)
        SELECT ROW(cd.customer_id, cd.day_start, side.team_id, cd.employee_id, cd.channel_id, cd.campaign_id,
                   side.was * cd.paid_orders, side.was * cd.paid_amount, (1 - side.was) * cd.paid_orders, (1 - side.was) * cd.paid_amount)::siyu.period_fact
        FROM siyu.customer_days AS cd
        LEFT JOIN siyu.employees AS e ON e.id = cd.employee_id
        LEFT JOIN moves AS m ON m.employee_id = cd.employee_id
        CROSS JOIN LATERAL (VALUES (1, CASE WHEN m.employee_id IS NULL THEN e.team_id ELSE m.old_team END), (0, e.team_id)) AS side (was, team_id)
        WHERE cd.customer_id IN (SELECT c.customer_id FROM siyu.customer_days AS c JOIN moves AS mv USING (employee_id))));
      RETURN NULL;
    END
  $$;
CREATE TRIGGER period_sales_employee_move AFTER UPDATE ON siyu.employees
  REFERENCING OLD TABLE AS old_employees NEW TABLE AS new_employees FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_sales_on_employee_move();

-- Builds the given ranges' rows from the customer-day table (all the
-- table's ranges when null): a COUNT(DISTINCT) per range and slice, one
-- range at a time so each aggregate stays in memory.
CREATE FUNCTION siyu.build_period_sales(periods text[] DEFAULT NULL) RETURNS bigint
  LANGUAGE plpgsql
  SET work_mem = '64MB'
  AS $$
    DECLARE
      built bigint := 0;
      added bigint;
      range_row siyu.sales_periods;
    BEGIN
      FOR range_row IN SELECT * FROM siyu.sales_periods WHERE periods IS NULL OR period = ANY (periods) ORDER BY period
      LOOP
        DELETE FROM siyu.period_sales WHERE period = range_row.period;
        INSERT INTO siyu.period_sales
        SELECT range_row.period, siyu.period_slice(GROUPING(e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id)),
               e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id,
               COUNT(DISTINCT cd.customer_id), SUM(cd.paid_orders), SUM(cd.paid_amount)
        FROM siyu.customer_days AS cd
        LEFT JOIN siyu.employees AS e ON e.id = cd.employee_id
        WHERE cd.day_start >= range_row.starts_at AND cd.day_start < range_row.ends_at
        GROUP BY GROUPING SETS (
          (), (cd.channel_id), (cd.campaign_id), (cd.channel_id, cd.campaign_id),
          (e.team_id), (e.team_id, cd.channel_id), (e.team_id, cd.campaign_id), (e.team_id, cd.channel_id, cd.campaign_id),
          (e.team_id, cd.employee_id), (e.team_id, cd.employee_id, cd.channel_id), (e.team_id, cd.employee_id, cd.campaign_id),
          (e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id))
        -- The grand total of an empty range is a row too: no buyers, no row.
        HAVING COUNT(*) > 0;
        GET DIAGNOSTICS added = ROW_COUNT;
        built := built + added;
      END LOOP;
      RETURN built;
    END
  $$;

-- A new range from an old one it overlaps (a rolling window a day later,
-- 本月 with one more day): the old range's rows copied under the new key,
-- then the change of the customers with a row on a day in one range and not
-- the other ("before": their rows in the old range; "after": in the new),
-- instead of counting the new range from scratch. Exact for any two ranges;
-- cheap when they differ by a few days.
CREATE FUNCTION siyu.shift_period_sales(source siyu.sales_periods, target siyu.sales_periods) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      copied bigint;
    BEGIN
      INSERT INTO siyu.period_sales
      SELECT target.period, ps.slice, ps.team_id, ps.employee_id, ps.channel_id, ps.campaign_id, ps.buyers, ps.paid_orders, ps.paid_amount
      FROM siyu.period_sales AS ps WHERE ps.period = source.period;
      GET DIAGNOSTICS copied = ROW_COUNT;
      PERFORM siyu.period_sales_apply(ARRAY(
        SELECT ROW(cd.customer_id, cd.day_start, e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id,
                   CASE WHEN in_source THEN cd.paid_orders ELSE 0 END, CASE WHEN in_source THEN cd.paid_amount ELSE 0 END,
                   CASE WHEN in_target THEN cd.paid_orders ELSE 0 END, CASE WHEN in_target THEN cd.paid_amount ELSE 0 END)::siyu.period_fact
        FROM siyu.customer_days AS cd
        LEFT JOIN siyu.employees AS e ON e.id = cd.employee_id
        CROSS JOIN LATERAL (SELECT cd.day_start >= source.starts_at AND cd.day_start < source.ends_at AS in_source,
                                   cd.day_start >= target.starts_at AND cd.day_start < target.ends_at AS in_target) AS w
        WHERE (in_source OR in_target)
          AND cd.customer_id IN (
            SELECT c.customer_id FROM siyu.customer_days AS c
            WHERE (c.day_start >= source.starts_at AND c.day_start < source.ends_at)
               <> (c.day_start >= target.starts_at AND c.day_start < target.ends_at)
              AND c.day_start >= least(source.starts_at, target.starts_at) AND c.day_start < greatest(source.ends_at, target.ends_at))),
        target.period);
      RETURN copied;
    END
  $$;

-- Moves the table to the ranges of siyu.as_of(): ranges no longer offered
-- go, ranges still offered (上月 and its comparisons all month, the earlier
-- ranges of the calendar presets) stay as they are; a new range is shifted
-- from the held range nearest to it (fewest days in one and not the other)
-- when fewer days differ than it has, else counted from the customer-day
-- table. `whole` counts every range afresh (after the customer-day table
-- was rebuilt). Writers of orders wait meanwhile (EXCLUSIVE: readers do
-- not).
CREATE FUNCTION siyu.roll_period_sales(whole boolean DEFAULT false) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      today date := siyu.as_of();
      done bigint := 0;
      fresh siyu.sales_periods;
      nearest siyu.sales_periods;
    BEGIN
      IF NOT whole AND EXISTS (SELECT 1 FROM siyu.sales_periods)
         AND NOT EXISTS (SELECT 1 FROM siyu.sales_periods WHERE as_of IS DISTINCT FROM today) THEN
        RETURN 0;
      END IF;
      LOCK TABLE siyu.period_sales IN EXCLUSIVE MODE;
      IF whole THEN
        TRUNCATE siyu.period_sales;
        DELETE FROM siyu.sales_periods;
      END IF;
      CREATE TEMPORARY TABLE IF NOT EXISTS period_sales_held (LIKE siyu.sales_periods) ON COMMIT DROP;
      TRUNCATE period_sales_held;
      INSERT INTO period_sales_held SELECT * FROM siyu.sales_periods;
      UPDATE siyu.sales_periods SET as_of = today WHERE as_of IS DISTINCT FROM today;
      FOR fresh IN
        INSERT INTO siyu.sales_periods (period, starts_at, ends_at, as_of)
        SELECT r.period, coalesce(siyu.local_midnight(r.first_day), '-infinity'), coalesce(siyu.local_midnight(r.last_day + 1), 'infinity'), today
        FROM siyu.preset_ranges(today) AS r
        ON CONFLICT (period) DO NOTHING
        RETURNING *
      LOOP
        SELECT h.* INTO nearest FROM period_sales_held AS h
        WHERE fresh.starts_at > '-infinity' AND h.starts_at > '-infinity'
          AND abs(extract(EPOCH FROM h.starts_at - fresh.starts_at)) + abs(extract(EPOCH FROM h.ends_at - fresh.ends_at))
              < extract(EPOCH FROM fresh.ends_at - fresh.starts_at)
        ORDER BY abs(extract(EPOCH FROM h.starts_at - fresh.starts_at)) + abs(extract(EPOCH FROM h.ends_at - fresh.ends_at)), h.period
        LIMIT 1;
        IF FOUND THEN
          done := done + siyu.shift_period_sales(nearest, fresh);
        ELSE
          done := done + siyu.build_period_sales(ARRAY[fresh.period]);
        END IF;
      END LOOP;
      DELETE FROM siyu.sales_periods AS sp
      WHERE NOT EXISTS (SELECT 1 FROM siyu.preset_ranges(today) AS r WHERE r.period = sp.period);
      DELETE FROM siyu.period_sales AS ps
      WHERE ps.period IN (SELECT h.period FROM period_sales_held AS h)
        AND NOT EXISTS (SELECT 1 FROM siyu.sales_periods AS sp WHERE sp.period = ps.period);
      RETURN done;
    END
  $$;

-- The as-of date is a setting: a statement that changes the settings rolls
-- the table when as-of moved (a no-op otherwise).
CREATE FUNCTION siyu.period_sales_on_settings() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.roll_period_sales();
      RETURN NULL;
    END
  $$;
CREATE TRIGGER period_sales_as_of AFTER INSERT OR UPDATE OR DELETE ON siyu.settings
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_sales_on_settings();

CREATE FUNCTION siyu.period_sales_on_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      TRUNCATE siyu.period_sales;
      RETURN NULL;
    END
  $$;
CREATE TRIGGER period_sales_truncate AFTER TRUNCATE ON siyu.customer_days
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_sales_on_truncate();

-- The customer-day table's whole rebuild (the seed's end, an import, this
-- migration) rebuilds the period table after it: migration 013's function
-- under another name, called first.
ALTER FUNCTION siyu.rebuild_customer_days() RENAME TO rebuild_customer_days_only;
CREATE FUNCTION siyu.rebuild_customer_days() RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      built bigint := siyu.rebuild_customer_days_only();
    BEGIN
      PERFORM siyu.roll_period_sales(true);
      RETURN built;
    END
  $$;

SELECT siyu.roll_period_sales(true);
