-- The sales drill lists of the date presets cut by one slice (issue 19,
-- docs/performance.md "The drill list"): per preset range, slice and
-- customer, the customer's paid orders and paid amount in it. Beside
-- siyu.drill_sales (migration 029, the whole brand's lists), this answers
-- - a manager's list (the orders credited to their team, `slice` 'team') and
--   a staff member's (credited to them, 'team,employee'), each row carrying
--   the customer's owner and the owner's team, so the role's owner limit
--   (a team role names only the customers its scope owns) is a filter on
--   the row while the list is read in its index's order;
-- - an executive's or operator's list cut by one team, employee, channel
--   or campaign (the slices 'team', 'team,employee', 'channel', 'campaign',
--   named as siyu.period_sales names them, cube/engine/period-slice.ts).
--
-- Kept exact by recounting customers: a statement that changes the
-- customer-day table (its own triggers), a customer's owner (siyu.customers)
-- or an employee's team (siyu.employees) recounts every range's rows of the
-- customers it touched from the customer-day table, with the owners and
-- teams as they are now. A recount is one customer's few customer days per
-- order; past 5,000 customers (the customer-day table's whole rebuild, an
-- import's bulk path) the whole table is counted again instead.

-- The ranges held now (as siyu.drill_sales_ranges, its own copy so each
-- table rolls on its own): siyu.drill_ranges(as_of), days [starts_at, ends_at).
CREATE TABLE siyu.drill_sales_slice_ranges (
  period    text PRIMARY KEY,
  starts_at timestamptz NOT NULL,
  ends_at   timestamptz NOT NULL,
  as_of     date
);

-- A column not in the row's slice is null; the employee rows carry the
-- employee's team (now). Rows with a null slice value (orders credited to no
-- employee, in no campaign) are not kept: no filter or role selects them.
CREATE TABLE siyu.drill_sales_slices (
  period        text NOT NULL,
  slice         text NOT NULL,
  team_id       integer,
  employee_id   integer,
  channel_id    integer,
  campaign_id   integer,
  customer_id   integer NOT NULL,
  paid_orders   integer NOT NULL,
  paid_amount   numeric(16, 2) NOT NULL,
  owner_id      integer,
  owner_team_id integer
) WITH (fillfactor = 90);
CREATE INDEX drill_sales_slices_customer_idx ON siyu.drill_sales_slices (customer_id);
-- Per slice, the list's order (GMV largest first, then the customer id) with
-- what a page shows and the owner column the team role's limit tests: a
-- page, however deep, is read from one index in order.
CREATE INDEX drill_sales_slices_team_idx ON siyu.drill_sales_slices (period, team_id, paid_amount DESC, customer_id)
  INCLUDE (paid_orders, owner_team_id) WHERE slice = 'team';
CREATE INDEX drill_sales_slices_employee_idx ON siyu.drill_sales_slices (period, employee_id, paid_amount DESC, customer_id)
  INCLUDE (paid_orders, owner_id) WHERE slice = 'team,employee';
CREATE INDEX drill_sales_slices_channel_idx ON siyu.drill_sales_slices (period, channel_id, paid_amount DESC, customer_id)
  INCLUDE (paid_orders) WHERE slice = 'channel';
CREATE INDEX drill_sales_slices_campaign_idx ON siyu.drill_sales_slices (period, campaign_id, paid_amount DESC, customer_id)
  INCLUDE (paid_orders) WHERE slice = 'campaign';
SELECT siyu.track_data_changes('drill_sales_slices');

-- Counts the named ranges (all held when null) from the customer-day table
-- and adds their rows; the caller has removed the old ones. One range at a
-- time, so each aggregate is one range's customer days.
CREATE FUNCTION siyu.build_drill_sales_slices(periods text[] DEFAULT NULL) RETURNS bigint
  LANGUAGE plpgsql
  SET work_mem = '64MB'
  AS $$
    DECLARE
      built bigint := 0;
      added bigint;
      r siyu.drill_sales_slice_ranges;
    BEGIN
      FOR r IN SELECT * FROM siyu.drill_sales_slice_ranges WHERE periods IS NULL OR period = ANY (periods) ORDER BY period
      LOOP
        INSERT INTO siyu.drill_sales_slices
          (period, slice, team_id, employee_id, channel_id, campaign_id, customer_id, paid_orders, paid_amount, owner_id, owner_team_id)
        SELECT r.period, s.slice, s.team_id, s.employee_id, s.channel_id, s.campaign_id, s.customer_id, s.paid_orders, s.paid_amount,
               c.owner_employee_id, oe.team_id
        FROM (
          SELECT CASE GROUPING(e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id)
                   WHEN 7 THEN 'team' WHEN 3 THEN 'team,employee' WHEN 13 THEN 'channel' ELSE 'campaign' END AS slice,
                 e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id, cd.customer_id,
                 SUM(cd.paid_orders)::int AS paid_orders, SUM(cd.paid_amount) AS paid_amount
          FROM siyu.customer_days AS cd
          LEFT JOIN siyu.employees AS e ON e.id = cd.employee_id
          WHERE cd.day_start >= r.starts_at AND cd.day_start < r.ends_at
          GROUP BY cd.customer_id, GROUPING SETS ((e.team_id), (e.team_id, cd.employee_id), (cd.channel_id), (cd.campaign_id))
        ) AS s
        JOIN siyu.customers AS c ON c.id = s.customer_id
        LEFT JOIN siyu.employees AS oe ON oe.id = c.owner_employee_id
        WHERE s.paid_orders > 0
          AND CASE s.slice WHEN 'team' THEN s.team_id IS NOT NULL WHEN 'team,employee' THEN s.employee_id IS NOT NULL
                           WHEN 'campaign' THEN s.campaign_id IS NOT NULL ELSE true END
        ORDER BY 1, 2, 9 DESC;
        GET DIAGNOSTICS added = ROW_COUNT;
        built := built + added;
      END LOOP;
      RETURN built;
    END
  $$;

-- Recounts the given customers' rows in every held range (see the header):
-- the same count as siyu.build_drill_sales_slices, for these customers.
-- The caller holds their bucket locks (migration 013's), so two writers of
-- one customer take turns; a roll-over holds EXCLUSIVE meanwhile and a
-- recount waits for it before it reads the ranges.
CREATE FUNCTION siyu.recount_drill_sales_slices(customers integer[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF customers IS NULL OR cardinality(customers) = 0 THEN
        RETURN;
      END IF;
      IF cardinality(customers) > 5000 THEN
        LOCK TABLE siyu.drill_sales_slices IN EXCLUSIVE MODE;
        DELETE FROM siyu.drill_sales_slices;
        PERFORM siyu.build_drill_sales_slices();
        RETURN;
      END IF;
      LOCK TABLE siyu.drill_sales_slices IN ROW EXCLUSIVE MODE;
      DELETE FROM siyu.drill_sales_slices WHERE customer_id = ANY (customers);
      -- The build's count for these customers only, every range in one statement: their customer days read by the
      -- customer-day table's key (a statement of its own, so its plan is the key's, not the build's range scan).
      INSERT INTO siyu.drill_sales_slices
        (period, slice, team_id, employee_id, channel_id, campaign_id, customer_id, paid_orders, paid_amount, owner_id, owner_team_id)
      SELECT s.period, s.slice, s.team_id, s.employee_id, s.channel_id, s.campaign_id, s.customer_id, s.paid_orders, s.paid_amount,
             c.owner_employee_id, oe.team_id
      FROM (
        SELECT r.period, CASE GROUPING(e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id)
                 WHEN 7 THEN 'team' WHEN 3 THEN 'team,employee' WHEN 13 THEN 'channel' ELSE 'campaign' END AS slice,
               e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id, cd.customer_id,
               SUM(cd.paid_orders)::int AS paid_orders, SUM(cd.paid_amount) AS paid_amount
        FROM siyu.customer_days AS cd
        JOIN siyu.drill_sales_slice_ranges AS r ON cd.day_start >= r.starts_at AND cd.day_start < r.ends_at
        LEFT JOIN siyu.employees AS e ON e.id = cd.employee_id
        WHERE cd.customer_id = ANY (customers)
        GROUP BY r.period, cd.customer_id, GROUPING SETS ((e.team_id), (e.team_id, cd.employee_id), (cd.channel_id), (cd.campaign_id))
      ) AS s
      JOIN siyu.customers AS c ON c.id = s.customer_id
      LEFT JOIN siyu.employees AS oe ON oe.id = c.owner_employee_id
      WHERE s.paid_orders > 0
        AND CASE s.slice WHEN 'team' THEN s.team_id IS NOT NULL WHEN 'team,employee' THEN s.employee_id IS NOT NULL
                         WHEN 'campaign' THEN s.campaign_id IS NOT NULL ELSE true END
      ORDER BY 1, 2;
    END
  $$;

CREATE FUNCTION siyu.drill_sales_slices_on_insert() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.recount_drill_sales_slices(ARRAY(SELECT DISTINCT customer_id FROM new_rows));
      RETURN NULL;
    END
  $$;
CREATE FUNCTION siyu.drill_sales_slices_on_update() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.recount_drill_sales_slices(ARRAY(SELECT customer_id FROM new_rows UNION SELECT customer_id FROM old_rows));
      RETURN NULL;
    END
  $$;
CREATE FUNCTION siyu.drill_sales_slices_on_delete() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.recount_drill_sales_slices(ARRAY(SELECT DISTINCT customer_id FROM old_rows));
      RETURN NULL;
    END
  $$;
CREATE FUNCTION siyu.drill_sales_slices_on_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      TRUNCATE siyu.drill_sales_slices;
      RETURN NULL;
    END
  $$;
CREATE TRIGGER drill_sales_slices_insert AFTER INSERT ON siyu.customer_days
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.drill_sales_slices_on_insert();
CREATE TRIGGER drill_sales_slices_update AFTER UPDATE ON siyu.customer_days
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.drill_sales_slices_on_update();
CREATE TRIGGER drill_sales_slices_delete AFTER DELETE ON siyu.customer_days
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.drill_sales_slices_on_delete();
CREATE TRIGGER drill_sales_slices_truncate AFTER TRUNCATE ON siyu.customer_days
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.drill_sales_slices_on_truncate();

-- Takes the customers' bucket locks in order (as an order writer does in
-- siyu.customer_days_add), then recounts them.
CREATE FUNCTION siyu.recount_drill_sales_slices_locked(customers integer[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext('siyu.customer_days'), b.bucket)
      FROM (SELECT DISTINCT c % 256 AS bucket FROM unnest(customers) AS c ORDER BY 1) AS b;
      PERFORM siyu.recount_drill_sales_slices(customers);
    END
  $$;

-- A customer given to another owner: their rows carry the new owner and team.
CREATE FUNCTION siyu.drill_sales_slices_on_owner_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.recount_drill_sales_slices_locked(ARRAY(
        SELECT n.id FROM new_customers AS n JOIN old_customers AS o ON o.id = n.id
        WHERE o.owner_employee_id IS DISTINCT FROM n.owner_employee_id
          AND EXISTS (SELECT 1 FROM siyu.customer_days AS cd WHERE cd.customer_id = n.id)));
      RETURN NULL;
    END
  $$;
CREATE TRIGGER drill_sales_slices_owner_change AFTER UPDATE ON siyu.customers
  REFERENCING OLD TABLE AS old_customers NEW TABLE AS new_customers FOR EACH STATEMENT EXECUTE FUNCTION siyu.drill_sales_slices_on_owner_change();

-- An employee moved to another team: the customers with a day credited to
-- them (their team rows move) and the customers they own (their owner's team
-- moves) are recounted.
CREATE FUNCTION siyu.drill_sales_slices_on_employee_move() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM new_employees AS n JOIN old_employees AS o ON o.id = n.id WHERE o.team_id IS DISTINCT FROM n.team_id) THEN
        RETURN NULL;
      END IF;
      PERFORM siyu.recount_drill_sales_slices_locked(ARRAY(
        WITH moved AS (SELECT n.id FROM new_employees AS n JOIN old_employees AS o ON o.id = n.id WHERE o.team_id IS DISTINCT FROM n.team_id)
        SELECT cd.customer_id FROM siyu.customer_days AS cd WHERE cd.employee_id IN (SELECT id FROM moved)
        UNION
        SELECT c.id FROM siyu.customers AS c
        WHERE c.owner_employee_id IN (SELECT id FROM moved) AND EXISTS (SELECT 1 FROM siyu.customer_days AS cd WHERE cd.customer_id = c.id)));
      RETURN NULL;
    END
  $$;
CREATE TRIGGER drill_sales_slices_employee_move AFTER UPDATE ON siyu.employees
  REFERENCING OLD TABLE AS old_employees NEW TABLE AS new_employees FOR EACH STATEMENT EXECUTE FUNCTION siyu.drill_sales_slices_on_employee_move();

-- Moves the held ranges to siyu.as_of() (a no-op when they are its ranges), as
-- siyu.roll_drill_sales does: ranges no longer offered removed, new ones
-- counted; `whole` counts every range afresh. Order writers wait meanwhile.
CREATE FUNCTION siyu.roll_drill_sales_slices(whole boolean DEFAULT false) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      today date := siyu.as_of();
      fresh text[];
    BEGIN
      IF NOT whole AND EXISTS (SELECT 1 FROM siyu.drill_sales_slice_ranges)
         AND NOT EXISTS (SELECT 1 FROM siyu.drill_sales_slice_ranges WHERE as_of IS DISTINCT FROM today) THEN
        RETURN 0;
      END IF;
      LOCK TABLE siyu.drill_sales_slices IN EXCLUSIVE MODE;
      IF whole THEN
        TRUNCATE siyu.drill_sales_slices;
        DELETE FROM siyu.drill_sales_slice_ranges;
      END IF;
      DELETE FROM siyu.drill_sales_slices AS d
      WHERE NOT EXISTS (SELECT 1 FROM siyu.drill_ranges(today) AS r WHERE r.period = d.period);
      DELETE FROM siyu.drill_sales_slice_ranges AS h
      WHERE NOT EXISTS (SELECT 1 FROM siyu.drill_ranges(today) AS r WHERE r.period = h.period);
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

CREATE FUNCTION siyu.drill_sales_slices_on_settings() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.roll_drill_sales_slices();
      RETURN NULL;
    END
  $$;
CREATE TRIGGER drill_sales_slices_as_of AFTER INSERT OR UPDATE OR DELETE ON siyu.settings
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.drill_sales_slices_on_settings();

SELECT siyu.roll_drill_sales_slices(true);
ANALYZE siyu.drill_sales_slices;
