-- The filter bar's channel and campaign lists from a small kept table (issue
-- 19, docs/performance.md "The filter bar's channel and campaign keys"): one
-- row per channel × campaign × credited employee key that the lists offer,
-- the keys the `channel_option_rows` cube (model/cubes/filter_options.yml)
-- computed at every query as a UNION of the spend, the monthly sales table's
-- attributed paid keys (migration 041, 100,000+ rows at a million customers)
-- and the channels some customer came from: 90–200 ms a page at 1M, re-run
-- for everyone after every new customer or order.
--
-- Each row carries how many rows of each source give it (reference counts),
-- so a delete or an update removes a key exactly when its last source row
-- goes:
--   spend_rows   the campaign_spend rows with this (channel, campaign, employee);
--   paid_months  the siyu.sales_months rows with a campaign and a paid order
--                (paid_orders > 0) with this key;
--   source_days  for (channel, NULL, NULL): the siyu.registration_days rows
--                (migration 044) with a customer (customers > 0) of this
--                source channel.
-- A row is there while one of the three is above 0. Kept by statement-level
-- triggers on those three tables, in the writer's transaction. The monthly
-- and registration tables are themselves kept by triggers on the orders and
-- the customers: a new order in a key's month that already has a paid order,
-- or a new customer on a day, channel and owner that already has one, changes
-- no count here and writes nothing; only a key's first paid order of a month,
-- a month's last refund, a new spend row and the like write a row.
--
-- Its own change counter in siyu.data_changes ('channel_option_keys') moves
-- only when a key appears or goes (not at every count change): the cube's
-- refresh key, so an order or a customer that adds no key leaves every
-- user's cached list valid.
CREATE TABLE siyu.channel_option_keys (
  channel_id  integer NOT NULL,
  campaign_id integer,
  employee_id integer,
  spend_rows  bigint NOT NULL DEFAULT 0,
  paid_months bigint NOT NULL DEFAULT 0,
  source_days bigint NOT NULL DEFAULT 0,
  CONSTRAINT channel_option_keys_key UNIQUE NULLS NOT DISTINCT (channel_id, campaign_id, employee_id)
);
-- One employee's keys (a staff member's list; a manager's, one employee of the team at a time).
CREATE INDEX channel_option_keys_employee_idx ON siyu.channel_option_keys (employee_id) INCLUDE (channel_id, campaign_id);

-- The whole brand's list needs no employee: the channel × campaign pairs of
-- the keys, with how many keys give each (a few hundred rows), kept by
-- siyu.channel_option_keys_add as keys appear and go. A query not cut by a
-- team or an employee reads these (model/cubes/channel_option_rows.js).
CREATE TABLE siyu.channel_option_pairs (
  channel_id  integer NOT NULL,
  campaign_id integer,
  key_rows    bigint NOT NULL,
  CONSTRAINT channel_option_pairs_key UNIQUE NULLS NOT DISTINCT (channel_id, campaign_id)
);

-- The counter the refresh key reads; bumped by siyu.channel_option_keys_add
-- and the clears below when the set of keys changes (no per-statement
-- counter trigger: that would move it at every count change).
INSERT INTO siyu.data_changes (table_name) VALUES ('channel_option_keys');

CREATE FUNCTION siyu.channel_option_keys_bump() RETURNS void
  LANGUAGE sql
  AS $$ UPDATE siyu.data_changes SET changes = changes + 1 WHERE table_name = 'channel_option_keys' $$;

-- Takes removed keys out of their pairs (`gone`: one (channel, campaign, 1)
-- per removed key); a pair left with no key goes. Returns one row per removed key.
CREATE FUNCTION siyu.channel_option_unpair(gone siyu.channel_option_pairs[]) RETURNS SETOF integer
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF gone IS NULL OR cardinality(gone) = 0 THEN
        RETURN;
      END IF;
      -- Every removed key's pair is there: an upsert of the negative count,
      -- in key order as every other write of the table.
      INSERT INTO siyu.channel_option_pairs AS pair
      SELECT channel_id, campaign_id, -count(*) FROM UNNEST(gone) GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT ON CONSTRAINT channel_option_pairs_key DO UPDATE SET key_rows = pair.key_rows + EXCLUDED.key_rows;
      DELETE FROM siyu.channel_option_pairs AS pair
      USING (SELECT DISTINCT channel_id, campaign_id FROM UNNEST(gone)) AS g
      WHERE pair.channel_id = g.channel_id AND pair.campaign_id IS NOT DISTINCT FROM g.campaign_id AND pair.key_rows = 0;
      RETURN QUERY SELECT 1 FROM UNNEST(gone);
    END
  $$;

-- Adds signed changes of the three counts, summed per key, in key order (two
-- writers of one key take turns, both count, and lock keys in the same
-- order); removes the keys whose counts all fell to 0; counts the keys added
-- and removed into their channel × campaign pairs and bumps the counter if a
-- key was added or removed. `changes` rows are (channel, campaign, employee,
-- spend change, paid-month change, source-day change).
CREATE FUNCTION siyu.channel_option_keys_add(changes siyu.channel_option_keys[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    DECLARE
      added bigint;
      removed bigint;
    BEGIN
      IF changes IS NULL OR cardinality(changes) = 0 THEN
        RETURN;
      END IF;
      WITH written AS (
        INSERT INTO siyu.channel_option_keys AS kept
        SELECT c.channel_id, c.campaign_id, c.employee_id, SUM(c.spend_rows), SUM(c.paid_months), SUM(c.source_days)
        FROM UNNEST(changes) AS c
        GROUP BY 1, 2, 3
        HAVING SUM(c.spend_rows) <> 0 OR SUM(c.paid_months) <> 0 OR SUM(c.source_days) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT ON CONSTRAINT channel_option_keys_key DO UPDATE
          SET spend_rows = kept.spend_rows + EXCLUDED.spend_rows,
              paid_months = kept.paid_months + EXCLUDED.paid_months,
              source_days = kept.source_days + EXCLUDED.source_days
        RETURNING kept.channel_id, kept.campaign_id, (xmax = 0) AS inserted
      ), new_keys AS (
        SELECT * FROM written WHERE inserted
      ), paired AS (
        INSERT INTO siyu.channel_option_pairs AS pair
        SELECT channel_id, campaign_id, count(*) FROM new_keys GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT ON CONSTRAINT channel_option_pairs_key DO UPDATE SET key_rows = pair.key_rows + EXCLUDED.key_rows
      )
      SELECT count(*) INTO added FROM new_keys;

      WITH gone AS (
        DELETE FROM siyu.channel_option_keys AS kept
        USING (SELECT DISTINCT c.channel_id, c.campaign_id, c.employee_id FROM UNNEST(changes) AS c) AS touched
        WHERE kept.channel_id = touched.channel_id
          AND kept.campaign_id IS NOT DISTINCT FROM touched.campaign_id
          AND kept.employee_id IS NOT DISTINCT FROM touched.employee_id
          AND kept.spend_rows = 0 AND kept.paid_months = 0 AND kept.source_days = 0
        RETURNING kept.channel_id, kept.campaign_id
      )
      SELECT count(*) INTO removed FROM siyu.channel_option_unpair(ARRAY(SELECT ROW(g.channel_id, g.campaign_id, 1)::siyu.channel_option_pairs FROM gone AS g));

      IF added > 0 OR removed > 0 THEN
        PERFORM siyu.channel_option_keys_bump();
      END IF;
    END
  $$;

-- A source emptied (a TRUNCATE of it, e.g. a rebuild of the monthly or
-- registration table): its count set to 0 everywhere, the keys left with no
-- source removed.
CREATE FUNCTION siyu.channel_option_keys_clear(source text) RETURNS void
  LANGUAGE plpgsql
  AS $$
    DECLARE
      removed bigint;
    BEGIN
      IF source = 'spend' THEN
        UPDATE siyu.channel_option_keys SET spend_rows = 0 WHERE spend_rows <> 0;
      ELSIF source = 'paid_months' THEN
        UPDATE siyu.channel_option_keys SET paid_months = 0 WHERE paid_months <> 0;
      ELSE
        UPDATE siyu.channel_option_keys SET source_days = 0 WHERE source_days <> 0;
      END IF;
      WITH gone AS (
        DELETE FROM siyu.channel_option_keys WHERE spend_rows = 0 AND paid_months = 0 AND source_days = 0
        RETURNING channel_id, campaign_id
      )
      SELECT count(*) INTO removed FROM siyu.channel_option_unpair(ARRAY(SELECT ROW(g.channel_id, g.campaign_id, 1)::siyu.channel_option_pairs FROM gone AS g));
      IF removed > 0 THEN
        PERFORM siyu.channel_option_keys_bump();
      END IF;
    END
  $$;

-- The spend: one count per spend row (a small table, rarely written).
CREATE FUNCTION siyu.channel_option_keys_on_spend() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        PERFORM siyu.channel_option_keys_add((
          SELECT ARRAY_AGG(ROW(channel_id, campaign_id, employee_id, n, 0, 0)::siyu.channel_option_keys)
          FROM (SELECT channel_id, campaign_id, employee_id, count(*) AS n FROM new_rows GROUP BY 1, 2, 3) AS g));
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM siyu.channel_option_keys_add((
          SELECT ARRAY_AGG(ROW(channel_id, campaign_id, employee_id, -n, 0, 0)::siyu.channel_option_keys)
          FROM (SELECT channel_id, campaign_id, employee_id, count(*) AS n FROM old_rows GROUP BY 1, 2, 3) AS g));
      ELSIF TG_OP = 'UPDATE' THEN
        PERFORM siyu.channel_option_keys_add((
          SELECT ARRAY_AGG(ROW(channel_id, campaign_id, employee_id, n, 0, 0)::siyu.channel_option_keys)
          FROM (SELECT channel_id, campaign_id, employee_id, sum(n) AS n
                FROM (SELECT channel_id, campaign_id, employee_id, -1 AS n FROM old_rows
                      UNION ALL
                      SELECT channel_id, campaign_id, employee_id, 1 FROM new_rows) AS moves
                GROUP BY 1, 2, 3 HAVING sum(n) <> 0) AS g));
      ELSE
        PERFORM siyu.channel_option_keys_clear('spend');
      END IF;
      RETURN NULL;
    END
  $$;

-- The monthly sales table: a month row counts while it has a campaign and a
-- paid order. Its upsert (INSERT … ON CONFLICT DO UPDATE) fires the INSERT
-- trigger with the new rows and the UPDATE trigger with the updated ones; an
-- update that leaves paid_orders above 0 cancels out and writes nothing.
CREATE FUNCTION siyu.channel_option_keys_on_sales_months() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        PERFORM siyu.channel_option_keys_add((
          SELECT ARRAY_AGG(ROW(channel_id, campaign_id, employee_id, 0, n, 0)::siyu.channel_option_keys)
          FROM (SELECT channel_id, campaign_id, employee_id, count(*) AS n FROM new_rows
                WHERE campaign_id IS NOT NULL AND paid_orders > 0 GROUP BY 1, 2, 3) AS g));
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM siyu.channel_option_keys_add((
          SELECT ARRAY_AGG(ROW(channel_id, campaign_id, employee_id, 0, -n, 0)::siyu.channel_option_keys)
          FROM (SELECT channel_id, campaign_id, employee_id, count(*) AS n FROM old_rows
                WHERE campaign_id IS NOT NULL AND paid_orders > 0 GROUP BY 1, 2, 3) AS g));
      ELSIF TG_OP = 'UPDATE' THEN
        PERFORM siyu.channel_option_keys_add((
          SELECT ARRAY_AGG(ROW(channel_id, campaign_id, employee_id, 0, n, 0)::siyu.channel_option_keys)
          FROM (SELECT channel_id, campaign_id, employee_id, sum(n) AS n
                FROM (SELECT channel_id, campaign_id, employee_id, -1 AS n FROM old_rows WHERE campaign_id IS NOT NULL AND paid_orders > 0
                      UNION ALL
                      SELECT channel_id, campaign_id, employee_id, 1 FROM new_rows WHERE campaign_id IS NOT NULL AND paid_orders > 0) AS moves
                GROUP BY 1, 2, 3 HAVING sum(n) <> 0) AS g));
      ELSE
        PERFORM siyu.channel_option_keys_clear('paid_months');
      END IF;
      RETURN NULL;
    END
  $$;

-- The registration table: a (day, channel, owner) row counts for its channel
-- while it has a customer (its rows that fall to 0 stay, migration 044).
CREATE FUNCTION siyu.channel_option_keys_on_registration_days() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        PERFORM siyu.channel_option_keys_add((
          SELECT ARRAY_AGG(ROW(source_channel_id, NULL, NULL, 0, 0, n)::siyu.channel_option_keys)
          FROM (SELECT source_channel_id, count(*) AS n FROM new_rows WHERE customers > 0 GROUP BY 1) AS g));
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM siyu.channel_option_keys_add((
          SELECT ARRAY_AGG(ROW(source_channel_id, NULL, NULL, 0, 0, -n)::siyu.channel_option_keys)
          FROM (SELECT source_channel_id, count(*) AS n FROM old_rows WHERE customers > 0 GROUP BY 1) AS g));
      ELSIF TG_OP = 'UPDATE' THEN
        PERFORM siyu.channel_option_keys_add((
          SELECT ARRAY_AGG(ROW(source_channel_id, NULL, NULL, 0, 0, n)::siyu.channel_option_keys)
          FROM (SELECT source_channel_id, sum(n) AS n
                FROM (SELECT source_channel_id, -1 AS n FROM old_rows WHERE customers > 0
                      UNION ALL
                      SELECT source_channel_id, 1 FROM new_rows WHERE customers > 0) AS moves
                GROUP BY 1 HAVING sum(n) <> 0) AS g));
      ELSE
        PERFORM siyu.channel_option_keys_clear('source_days');
      END IF;
      RETURN NULL;
    END
  $$;

CREATE TRIGGER channel_option_keys_insert AFTER INSERT ON siyu.campaign_spend
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.channel_option_keys_on_spend();
CREATE TRIGGER channel_option_keys_update AFTER UPDATE ON siyu.campaign_spend
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.channel_option_keys_on_spend();
CREATE TRIGGER channel_option_keys_delete AFTER DELETE ON siyu.campaign_spend
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.channel_option_keys_on_spend();
CREATE TRIGGER channel_option_keys_truncate AFTER TRUNCATE ON siyu.campaign_spend
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.channel_option_keys_on_spend();

CREATE TRIGGER channel_option_keys_insert AFTER INSERT ON siyu.sales_months
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.channel_option_keys_on_sales_months();
CREATE TRIGGER channel_option_keys_update AFTER UPDATE ON siyu.sales_months
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.channel_option_keys_on_sales_months();
CREATE TRIGGER channel_option_keys_delete AFTER DELETE ON siyu.sales_months
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.channel_option_keys_on_sales_months();
CREATE TRIGGER channel_option_keys_truncate AFTER TRUNCATE ON siyu.sales_months
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.channel_option_keys_on_sales_months();

CREATE TRIGGER channel_option_keys_insert AFTER INSERT ON siyu.registration_days
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.channel_option_keys_on_registration_days();
CREATE TRIGGER channel_option_keys_update AFTER UPDATE ON siyu.registration_days
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.channel_option_keys_on_registration_days();
CREATE TRIGGER channel_option_keys_delete AFTER DELETE ON siyu.registration_days
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.channel_option_keys_on_registration_days();
CREATE TRIGGER channel_option_keys_truncate AFTER TRUNCATE ON siyu.registration_days
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.channel_option_keys_on_registration_days();

-- The whole table again from its three sources (this migration builds it
-- once; the seed and the import need not: their rebuilds of the monthly and
-- registration tables truncate and refill them with these triggers on).
-- Writers of the sources wait meanwhile (SHARE).
CREATE FUNCTION siyu.rebuild_channel_option_keys() RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      built bigint;
    BEGIN
      LOCK TABLE siyu.campaign_spend, siyu.sales_months, siyu.registration_days IN SHARE MODE;
      DELETE FROM siyu.channel_option_keys;
      INSERT INTO siyu.channel_option_keys
      SELECT channel_id, campaign_id, employee_id, SUM(spend_rows), SUM(paid_months), SUM(source_days)
      FROM (SELECT channel_id, campaign_id, employee_id, count(*) AS spend_rows, 0 AS paid_months, 0 AS source_days
            FROM siyu.campaign_spend GROUP BY 1, 2, 3
            UNION ALL
            SELECT channel_id, campaign_id, employee_id, 0, count(*), 0
            FROM siyu.sales_months WHERE campaign_id IS NOT NULL AND paid_orders > 0 GROUP BY 1, 2, 3
            UNION ALL
            SELECT source_channel_id, NULL, NULL, 0, 0, count(*)
            FROM siyu.registration_days WHERE customers > 0 GROUP BY 1) AS sources
      GROUP BY 1, 2, 3
      ORDER BY 1, 2, 3;
      GET DIAGNOSTICS built = ROW_COUNT;
      DELETE FROM siyu.channel_option_pairs;
      INSERT INTO siyu.channel_option_pairs
      SELECT channel_id, campaign_id, count(*) FROM siyu.channel_option_keys GROUP BY 1, 2 ORDER BY 1, 2;
      PERFORM siyu.channel_option_keys_bump();
      RETURN built;
    END
  $$;

SELECT siyu.rebuild_channel_option_keys();
