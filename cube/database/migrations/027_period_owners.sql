-- The repurchase rate (复购率) and the staff pages' converted customers
-- (转化用户) of the date presets from stored rows (issue 19, plan item 1,
-- docs/performance.md, "The owner period table"): per preset range (and each
-- preset's 环比 and 同比) and slice, the customers with a paid order in the
-- range (buyers) and those with two or more (repeat buyers), cut by the
-- CUSTOMER'S OWNER and the owner's team (now), the order's channel and
-- campaign: how customer_insights, buyer_repurchase and staff_converted cut
-- these numbers (their row rules are the owner and the owner's team).
--
-- Not part of siyu.period_sales (migration 018): that table is cut by the
-- order's credited employee, this one by the customer's owner. It follows
-- siyu.customer_days (migration 013): its own statement-level triggers on the
-- orders fire after the customer-day table's (trigger names sort after
-- customer_days_*) and read the customers' rows as that table now holds them;
-- triggers on the customers (owner changes) and the employees (team moves)
-- move a customer's rows between owners and teams. It keeps its own list of
-- ranges (siyu.owner_periods) and its own roll-over, so nothing of 018/024 is
-- replaced.

CREATE TABLE siyu.owner_periods (
  period    text PRIMARY KEY,
  starts_at timestamptz NOT NULL,
  ends_at   timestamptz NOT NULL,
  as_of     date
);

-- `slice` names the columns the row is cut by (team, owner, channel,
-- campaign in that order, joined by ','; 'brand' for none). A null in a
-- sliced column is a value (no owner, no campaign). An employee always has a
-- team, so a null team in a team slice is exactly the customers without an
-- owner; an owner row carries the owner's team (now).
CREATE TABLE siyu.period_owners (
  period        text NOT NULL,
  slice         text NOT NULL,
  team_id       integer,
  owner_id      integer,
  channel_id    integer,
  campaign_id   integer,
  buyers        integer NOT NULL,
  repeat_buyers integer NOT NULL,
  CONSTRAINT period_owners_key UNIQUE NULLS NOT DISTINCT (period, slice, team_id, owner_id, channel_id, campaign_id)
) WITH (fillfactor = 70);
SELECT siyu.track_data_changes('period_owners');

-- A customer-day row as the maintenance reads it: its customer's owner and
-- owner's team, its paid orders before ("was") and after ("now") a change.
CREATE TYPE siyu.period_owner_fact AS (
  customer_id integer, day_start timestamptz, team_id integer, owner_id integer, channel_id integer, campaign_id integer,
  was integer, now integer
);

-- GROUPING(team_id, owner_id, channel_id, campaign_id) → the slice's name.
CREATE FUNCTION siyu.period_owner_slice(grouping_bits integer) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT (ARRAY['team,owner,channel,campaign', 'team,owner,channel', 'team,owner,campaign', 'team,owner',
                  'team,channel,campaign', 'team,channel', 'team,campaign', 'team',
                  'owner,channel,campaign', 'owner,channel', 'owner,campaign', 'owner',
                  'channel,campaign', 'channel', 'campaign', 'brand'])[grouping_bits + 1]
  $$;

-- Adds signed rows and removes the rows left with no buyer (by address, as
-- migration 018's period_sales_merge does).
CREATE FUNCTION siyu.period_owners_merge(deltas siyu.period_owners[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    DECLARE
      emptied tid[];
    BEGIN
      IF cardinality(deltas) = 0 THEN
        RETURN;
      END IF;
      WITH upserted AS (
        INSERT INTO siyu.period_owners AS po
        SELECT * FROM UNNEST(deltas) ORDER BY period, slice, team_id, owner_id, channel_id, campaign_id
        ON CONFLICT ON CONSTRAINT period_owners_key DO UPDATE
          SET buyers = po.buyers + EXCLUDED.buyers,
              repeat_buyers = po.repeat_buyers + EXCLUDED.repeat_buyers
        RETURNING po.ctid AS address, po.buyers)
      SELECT ARRAY_AGG(address) FILTER (WHERE buyers = 0) INTO emptied FROM upserted;
      IF emptied IS NOT NULL THEN
        DELETE FROM siyu.period_owners WHERE ctid = ANY (emptied);
      END IF;
    END
  $$;

-- Applies the change of complete customers: `facts` holds every
-- customer-day row of each customer it names, before and after (each side
-- with the owner and team it is counted under). Per range, customer and
-- slice value both sides are summed: a customer is a buyer of a cell with
-- paid orders above zero there, a repeat buyer with two or more, so the
-- cell changes by (now) - (was) of each. Only the ranges holding a day whose
-- orders changed are summed (elsewhere both sides are the same rows). With
-- `target`, the facts are that one range's (the roll-over's shift).
CREATE FUNCTION siyu.period_owners_apply(facts siyu.period_owner_fact[], target text DEFAULT NULL) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF cardinality(facts) = 0 THEN
        RETURN;
      END IF;
      PERFORM siyu.period_owners_merge(ARRAY(
        SELECT ROW(c.period, siyu.period_owner_slice(c.g), c.team_id, c.owner_id, c.channel_id, c.campaign_id,
                   SUM((c.now > 0)::int - (c.was > 0)::int)::int, SUM((c.now >= 2)::int - (c.was >= 2)::int)::int)::siyu.period_owners
        FROM (
          SELECT p.period, f.customer_id, f.team_id, f.owner_id, f.channel_id, f.campaign_id,
                 GROUPING(f.team_id, f.owner_id, f.channel_id, f.campaign_id) AS g, SUM(f.was) AS was, SUM(f.now) AS now
          FROM UNNEST(facts) AS f
          JOIN siyu.owner_periods AS p
            ON CASE WHEN target IS NULL THEN f.day_start >= p.starts_at AND f.day_start < p.ends_at ELSE p.period = target END
          WHERE (f.customer_id, p.period) IN (
            SELECT ch.customer_id, cp.period
            FROM UNNEST(facts) AS ch
            JOIN siyu.owner_periods AS cp
              ON CASE WHEN target IS NULL THEN ch.day_start >= cp.starts_at AND ch.day_start < cp.ends_at ELSE cp.period = target END
            WHERE ch.was IS DISTINCT FROM ch.now)
          GROUP BY p.period, f.customer_id, GROUPING SETS (
            (), (f.channel_id), (f.campaign_id), (f.channel_id, f.campaign_id),
            (f.team_id), (f.team_id, f.channel_id), (f.team_id, f.campaign_id), (f.team_id, f.channel_id, f.campaign_id),
            (f.team_id, f.owner_id), (f.team_id, f.owner_id, f.channel_id), (f.team_id, f.owner_id, f.campaign_id),
            (f.team_id, f.owner_id, f.channel_id, f.campaign_id))
        ) AS c
        GROUP BY c.period, c.g, c.team_id, c.owner_id, c.channel_id, c.campaign_id
        HAVING SUM((c.now > 0)::int - (c.was > 0)::int) <> 0 OR SUM((c.now >= 2)::int - (c.was >= 2)::int) <> 0));
    END
  $$;

-- The one-pass build, siyu.build_period_owners, is a definition
-- (definitions/period_owners_build.sql), as are the owner-change and
-- team-move trigger functions (definitions/period_owners_owner_change.sql,
-- period_owners_employee_move.sql): applied before this migration.

-- A new range from a held one it overlaps (a rolling window a day later):
-- the held rows copied under the new key, then the change of only the
-- customers with a row on a day in one range and not the other ("was":
-- their rows in the held range, "now": in the new).
CREATE FUNCTION siyu.shift_period_owners(source siyu.owner_periods, target siyu.owner_periods) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      copied bigint;
    BEGIN
      INSERT INTO siyu.period_owners
      SELECT target.period, po.slice, po.team_id, po.owner_id, po.channel_id, po.campaign_id, po.buyers, po.repeat_buyers
      FROM siyu.period_owners AS po WHERE po.period = source.period;
      GET DIAGNOSTICS copied = ROW_COUNT;
      PERFORM siyu.period_owners_apply(ARRAY(
        SELECT ROW(cd.customer_id, cd.day_start, e.team_id, c.owner_employee_id, cd.channel_id, cd.campaign_id,
                   CASE WHEN w.in_source THEN cd.paid_orders ELSE 0 END, CASE WHEN w.in_target THEN cd.paid_orders ELSE 0 END)::siyu.period_owner_fact
        FROM siyu.customer_days AS cd
        JOIN siyu.customers AS c ON c.id = cd.customer_id
        LEFT JOIN siyu.employees AS e ON e.id = c.owner_employee_id
        CROSS JOIN LATERAL (SELECT cd.day_start >= source.starts_at AND cd.day_start < source.ends_at AS in_source,
                                   cd.day_start >= target.starts_at AND cd.day_start < target.ends_at AS in_target) AS w
        WHERE (w.in_source OR w.in_target)
          AND cd.customer_id IN (
            SELECT x.customer_id FROM siyu.customer_days AS x
            WHERE (x.day_start >= source.starts_at AND x.day_start < source.ends_at)
               <> (x.day_start >= target.starts_at AND x.day_start < target.ends_at)
              AND x.day_start >= least(source.starts_at, target.starts_at) AND x.day_start < greatest(source.ends_at, target.ends_at))),
        target.period);
      RETURN copied;
    END
  $$;

-- Moves the table to the ranges of siyu.as_of(), as migration 018's roll-over
-- moves siyu.period_sales (its rule for which held range a new one starts
-- from): ranges still offered stay, a new range is shifted from the nearest
-- held one when fewer days differ than it has, else built; ranges no longer
-- offered go. `whole` rebuilds every range. Order writers wait meanwhile
-- (EXCLUSIVE: readers do not).
CREATE FUNCTION siyu.roll_period_owners(whole boolean DEFAULT false) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      today date := siyu.as_of();
      done bigint := 0;
      fresh siyu.owner_periods;
      nearest siyu.owner_periods;
      unshifted text[] := '{}';
    BEGIN
      IF NOT whole AND EXISTS (SELECT 1 FROM siyu.owner_periods)
         AND NOT EXISTS (SELECT 1 FROM siyu.owner_periods WHERE as_of IS DISTINCT FROM today) THEN
        RETURN 0;
      END IF;
      LOCK TABLE siyu.period_owners IN EXCLUSIVE MODE;
      IF whole THEN
        TRUNCATE siyu.period_owners;
        DELETE FROM siyu.owner_periods;
      END IF;
      CREATE TEMPORARY TABLE IF NOT EXISTS period_owners_held (LIKE siyu.owner_periods) ON COMMIT DROP;
      TRUNCATE period_owners_held;
      INSERT INTO period_owners_held SELECT * FROM siyu.owner_periods;
      UPDATE siyu.owner_periods SET as_of = today WHERE as_of IS DISTINCT FROM today;
      FOR fresh IN
        INSERT INTO siyu.owner_periods (period, starts_at, ends_at, as_of)
        SELECT r.period, coalesce(siyu.local_midnight(r.first_day), '-infinity'), coalesce(siyu.local_midnight(r.last_day + 1), 'infinity'), today
        FROM siyu.preset_ranges(today) AS r
        ON CONFLICT (period) DO NOTHING
        RETURNING *
      LOOP
        SELECT h.* INTO nearest FROM period_owners_held AS h
        WHERE fresh.starts_at > '-infinity' AND h.starts_at > '-infinity'
          AND abs(extract(EPOCH FROM h.starts_at - fresh.starts_at)) + abs(extract(EPOCH FROM h.ends_at - fresh.ends_at))
              < extract(EPOCH FROM fresh.ends_at - fresh.starts_at)
        ORDER BY abs(extract(EPOCH FROM h.starts_at - fresh.starts_at)) + abs(extract(EPOCH FROM h.ends_at - fresh.ends_at)), h.period
        LIMIT 1;
        IF FOUND THEN
          done := done + siyu.shift_period_owners(nearest, fresh);
        ELSE
          unshifted := unshifted || fresh.period;
        END IF;
      END LOOP;
      -- The ranges no held one is near (all of them for a whole build; today's), in one pass.
      IF cardinality(unshifted) > 0 THEN
        done := done + siyu.build_period_owners(unshifted);
      END IF;
      DELETE FROM siyu.owner_periods AS op
      WHERE NOT EXISTS (SELECT 1 FROM siyu.preset_ranges(today) AS r WHERE r.period = op.period);
      DELETE FROM siyu.period_owners AS po
      WHERE po.period IN (SELECT h.period FROM period_owners_held AS h)
        AND NOT EXISTS (SELECT 1 FROM siyu.owner_periods AS op WHERE op.period = po.period);
      RETURN done;
    END
  $$;

-- The whole table afresh (the seed's end, a bulk rebuild of the customer-day table).
CREATE FUNCTION siyu.rebuild_period_owners() RETURNS bigint
  LANGUAGE sql
  AS $$ SELECT siyu.roll_period_owners(true) $$;

-- A change of the customer-day table (the signed rows migration 013's
-- customer_days_delta gives for a statement on the orders), already added to
-- it: after = the touched customers' rows now, before = after - change. The
-- customer_days_add of the same statement took the customers' bucket locks
-- (held to the commit), so a second writer of one customer waits for the
-- first's commit and reads its rows. More than 5,000 customers in one
-- statement: every range counted afresh instead.
CREATE FUNCTION siyu.period_owners_add(changes siyu.customer_days[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF changes IS NULL OR cardinality(changes) = 0 THEN
        RETURN;
      END IF;
      IF (SELECT count(DISTINCT c.customer_id) FROM UNNEST(changes) AS c) > 5000 THEN
        LOCK TABLE siyu.period_owners IN EXCLUSIVE MODE;
        PERFORM siyu.build_period_owners();
        RETURN;
      END IF;
      LOCK TABLE siyu.period_owners IN ROW EXCLUSIVE MODE;
      PERFORM siyu.period_owners_apply(ARRAY(
        SELECT ROW(f.customer_id, f.day_start, e.team_id, c.owner_employee_id, f.channel_id, f.campaign_id, f.was, f.now)::siyu.period_owner_fact
        FROM (
          SELECT cd.customer_id, cd.day_start, cd.channel_id, cd.campaign_id, cd.paid_orders AS was, cd.paid_orders AS now
          FROM siyu.customer_days AS cd
          WHERE cd.customer_id IN (SELECT DISTINCT ch.customer_id FROM UNNEST(changes) AS ch)
          UNION ALL
          SELECT ch.customer_id, ch.day_start, ch.channel_id, ch.campaign_id, -ch.paid_orders, 0
          FROM UNNEST(changes) AS ch
          WHERE ch.paid_orders <> 0
        ) AS f
        LEFT JOIN siyu.customers AS c ON c.id = f.customer_id
        LEFT JOIN siyu.employees AS e ON e.id = c.owner_employee_id));
    END
  $$;

-- Whether the customer-day table follows this statement on the orders: a bulk
-- load disables its triggers and rebuilds it after (the import), and this
-- table is then built again from it (period_owners_on_days below).
CREATE FUNCTION siyu.customer_days_follow(trigger_name text) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce((SELECT t.tgenabled <> 'D' FROM pg_trigger AS t WHERE t.tgrelid = 'siyu.orders'::regclass AND t.tgname = trigger_name), false)
  $$;

CREATE FUNCTION siyu.period_owners_on_insert() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF siyu.customer_days_follow('customer_days_insert') THEN
        PERFORM siyu.period_owners_add(siyu.customer_days_delta('{}'::siyu.orders[], (SELECT ARRAY_AGG(ROW(n.*)::siyu.orders) FROM new_orders AS n WHERE n.status = 'paid')));
      END IF;
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.period_owners_on_update() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF siyu.customer_days_follow('customer_days_update') THEN
        PERFORM siyu.period_owners_add(siyu.customer_days_delta(
          (SELECT ARRAY_AGG(ROW(o.*)::siyu.orders) FROM old_orders AS o WHERE o.status = 'paid'),
          (SELECT ARRAY_AGG(ROW(n.*)::siyu.orders) FROM new_orders AS n WHERE n.status = 'paid')));
      END IF;
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.period_owners_on_delete() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF siyu.customer_days_follow('customer_days_delete') THEN
        PERFORM siyu.period_owners_add(siyu.customer_days_delta((SELECT ARRAY_AGG(ROW(o.*)::siyu.orders) FROM old_orders AS o WHERE o.status = 'paid'), '{}'::siyu.orders[]));
      END IF;
      RETURN NULL;
    END
  $$;

-- Named after customer_days_*: triggers of one event fire in name order, so these read the customer-day table changed.
CREATE TRIGGER period_owners_insert AFTER INSERT ON siyu.orders
  REFERENCING NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_owners_on_insert();
CREATE TRIGGER period_owners_update AFTER UPDATE ON siyu.orders
  REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_owners_on_update();
CREATE TRIGGER period_owners_delete AFTER DELETE ON siyu.orders
  REFERENCING OLD TABLE AS old_orders FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_owners_on_delete();

-- The customer-day table emptied (the orders truncated, or its rebuild's first
-- step): so is this one. Rows put in straight, not by the orders' triggers
-- (trigger depth 1: the rebuild's INSERT, the streamed import's), rebuild it
-- whole; rows the orders' triggers add (depth 2) are followed above.
CREATE FUNCTION siyu.period_owners_on_days_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      TRUNCATE siyu.period_owners;
      RETURN NULL;
    END
  $$;
CREATE TRIGGER period_owners_truncate AFTER TRUNCATE ON siyu.customer_days
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_owners_on_days_truncate();

CREATE FUNCTION siyu.period_owners_on_days() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF pg_trigger_depth() = 1 THEN
        PERFORM siyu.rebuild_period_owners();
      END IF;
      RETURN NULL;
    END
  $$;
CREATE TRIGGER period_owners_rebuilt AFTER INSERT ON siyu.customer_days
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_owners_on_days();

-- A customer given to another owner moves their rows
-- (siyu.period_owners_on_owner_change, definitions/). Named to fire first
-- of the customers' update triggers (before migration 022's
-- customers_owner_day_changes): the bucket locks are taken before any day
-- counter row is, as an order writer takes them (its customer_days_*
-- triggers fire before its day counters'); the other order deadlocked.
CREATE TRIGGER customers_owner_change_periods AFTER UPDATE ON siyu.customers
  REFERENCING OLD TABLE AS old_customers NEW TABLE AS new_customers FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_owners_on_owner_change();

-- An employee moved to another team takes their customers' rows to it
-- (siyu.period_owners_on_employee_move, definitions/).
CREATE TRIGGER period_owners_employee_move AFTER UPDATE ON siyu.employees
  REFERENCING OLD TABLE AS old_employees NEW TABLE AS new_employees FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_owners_on_employee_move();

-- The as-of date is a setting: a statement that changes the settings rolls
-- the table when as-of moved (a no-op otherwise). Its own trigger, named to
-- fire after migration 018's period_sales_as_of: both take their table's
-- EXCLUSIVE lock, and an order writer takes period_sales' lock before this
-- table's, so the roll-over takes them in the same order (no deadlock).
CREATE FUNCTION siyu.period_owners_on_settings() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.roll_period_owners();
      RETURN NULL;
    END
  $$;
CREATE TRIGGER roll_period_owners AFTER INSERT OR UPDATE OR DELETE ON siyu.settings
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_owners_on_settings();

SELECT siyu.rebuild_period_owners();
