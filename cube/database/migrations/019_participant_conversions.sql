-- Participants and converted participants without asking the orders for
-- every participation (issue 19, docs/performance.md): one row per campaign
-- participation with whether it converted, kept current by the triggers
-- below. "Converted" is the catalogue's converted_count: the participant has
-- at least one paid order (siyu.paid_orders) carrying that campaign, of any
-- date. The raw cube decided it by an EXISTS per participation, which Cube's
-- SQL evaluated twice per row (two index probes each into the orders): at
-- 200,000 customers two thirds of the activities and channels pages'
-- participation queries.
--
-- The promoter's team is not a column: it is read through siyu.employees at
-- query time, so moving an employee rewrites nothing here.
CREATE TABLE siyu.participant_conversions (
  participation_id integer NOT NULL,
  campaign_id      integer NOT NULL,
  customer_id      integer NOT NULL,
  channel_id       integer NOT NULL,
  employee_id      integer,
  joined_at        timestamptz NOT NULL,
  invited          boolean NOT NULL,
  converted        boolean NOT NULL,
  CONSTRAINT participant_conversions_key PRIMARY KEY (participation_id)
);
-- The orders' trigger finds a customer's participations in a campaign by it
-- (one per pair: the participations are unique on it).
CREATE INDEX participant_conversions_customer_idx ON siyu.participant_conversions (customer_id, campaign_id);
-- A campaign's participations (the big-screen, a campaign's drill).
CREATE INDEX participant_conversions_campaign_idx ON siyu.participant_conversions (campaign_id);
-- A staff member's (their limit) or a manager's team's few promoters.
CREATE INDEX participant_conversions_employee_idx ON siyu.participant_conversions (employee_id, joined_at);
-- A range of join dates: the rows are in join order (the rebuild writes them
-- so, new participations are appended as they happen); a row out of order
-- only widens its block range.
CREATE INDEX participant_conversions_joined_idx ON siyu.participant_conversions USING brin (joined_at) WITH (pages_per_range = 16, autosummarize = on);

SELECT siyu.track_data_changes('participant_conversions');

-- Writers of one customer take turns: the customer-day table's bucket locks
-- (migration 013: customer id modulo 256, in bucket order, held to the end
-- of the transaction), the same keys, so an order's two triggers and a
-- participation's take one lock per bucket in one order and cannot
-- deadlock each other. Each statement after the lock sees what the writer
-- before it committed (READ COMMITTED: a snapshot per statement), so the
-- converted flag, recomputed from the orders there, is the last committed
-- truth plus the writer's own rows.
CREATE FUNCTION siyu.lock_customer_buckets(customers integer[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext('siyu.customer_days'), touched.bucket)
      FROM (SELECT DISTINCT c % 256 AS bucket FROM UNNEST(customers) AS c ORDER BY 1) AS touched;
    END
  $$;

-- The converted flag of the participations of these (customer, campaign)
-- pairs, read again from the paid orders; only rows whose flag changes are
-- written.
CREATE FUNCTION siyu.participant_conversions_recheck(customers integer[], campaigns integer[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF cardinality(customers) = 0 THEN
        RETURN;
      END IF;
      PERFORM siyu.lock_customer_buckets(customers);
      UPDATE siyu.participant_conversions AS pc
      SET converted = NOT pc.converted
      FROM UNNEST(customers, campaigns) AS touched (customer_id, campaign_id)
      WHERE pc.customer_id = touched.customer_id AND pc.campaign_id = touched.campaign_id
        AND pc.converted <> EXISTS (
          SELECT 1 FROM siyu.paid_orders AS o WHERE o.customer_id = pc.customer_id AND o.campaign_id = pc.campaign_id);
    END
  $$;

-- Orders: the (customer, campaign) pairs whose number of paid orders the
-- statement changed (a new paid order, a refund or un-refund, a campaign or
-- customer move, a delete; an amount correction changes none). Statement
-- level, reading the transition tables: one call per statement whatever its
-- size (a row-level version drifted under concurrent writers, issue 19).
CREATE FUNCTION siyu.participant_conversions_on_orders() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      customers integer[];
      campaigns integer[];
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT COALESCE(ARRAY_AGG(customer_id), '{}'), COALESCE(ARRAY_AGG(campaign_id), '{}') INTO customers, campaigns
        FROM (SELECT DISTINCT n.customer_id, n.campaign_id FROM new_orders AS n WHERE n.status = 'paid' AND n.campaign_id IS NOT NULL) AS touched;
      ELSIF TG_OP = 'DELETE' THEN
        SELECT COALESCE(ARRAY_AGG(customer_id), '{}'), COALESCE(ARRAY_AGG(campaign_id), '{}') INTO customers, campaigns
        FROM (SELECT DISTINCT o.customer_id, o.campaign_id FROM old_orders AS o WHERE o.status = 'paid' AND o.campaign_id IS NOT NULL) AS touched;
      ELSE
        SELECT COALESCE(ARRAY_AGG(customer_id), '{}'), COALESCE(ARRAY_AGG(campaign_id), '{}') INTO customers, campaigns
        FROM (
          SELECT s.customer_id, s.campaign_id
          FROM (
            SELECT n.customer_id, n.campaign_id, 1 AS sign FROM new_orders AS n WHERE n.status = 'paid' AND n.campaign_id IS NOT NULL
            UNION ALL
            SELECT o.customer_id, o.campaign_id, -1 FROM old_orders AS o WHERE o.status = 'paid' AND o.campaign_id IS NOT NULL
          ) AS s
          GROUP BY 1, 2
          HAVING SUM(s.sign) <> 0
        ) AS touched;
      END IF;
      PERFORM siyu.participant_conversions_recheck(customers, campaigns);
      RETURN NULL;
    END
  $$;

-- Participations: a new one is copied with its flag read from the orders; a
-- deleted one removed; a changed one removed and copied again.
CREATE FUNCTION siyu.participant_conversions_on_participations() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM siyu.lock_customer_buckets(ARRAY(SELECT o.customer_id FROM old_participations AS o));
        DELETE FROM siyu.participant_conversions AS pc USING old_participations AS o WHERE pc.participation_id = o.id;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM siyu.lock_customer_buckets(ARRAY(SELECT n.customer_id FROM new_participations AS n));
        INSERT INTO siyu.participant_conversions
        SELECT n.id, n.campaign_id, n.customer_id, n.channel_id, n.employee_id, n.joined_at, n.invited_by_customer_id IS NOT NULL,
               EXISTS (SELECT 1 FROM siyu.paid_orders AS o WHERE o.customer_id = n.customer_id AND o.campaign_id = n.campaign_id)
        FROM new_participations AS n;
      END IF;
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.participant_conversions_on_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF TG_TABLE_NAME = 'campaign_participations' THEN
        TRUNCATE siyu.participant_conversions;
      ELSE
        UPDATE siyu.participant_conversions SET converted = false WHERE converted;
      END IF;
      RETURN NULL;
    END
  $$;

CREATE TRIGGER participant_conversions_insert AFTER INSERT ON siyu.orders
  REFERENCING NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION siyu.participant_conversions_on_orders();
CREATE TRIGGER participant_conversions_update AFTER UPDATE ON siyu.orders
  REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION siyu.participant_conversions_on_orders();
CREATE TRIGGER participant_conversions_delete AFTER DELETE ON siyu.orders
  REFERENCING OLD TABLE AS old_orders FOR EACH STATEMENT EXECUTE FUNCTION siyu.participant_conversions_on_orders();
CREATE TRIGGER participant_conversions_truncate AFTER TRUNCATE ON siyu.orders
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.participant_conversions_on_truncate();

CREATE TRIGGER participant_conversions_insert AFTER INSERT ON siyu.campaign_participations
  REFERENCING NEW TABLE AS new_participations FOR EACH STATEMENT EXECUTE FUNCTION siyu.participant_conversions_on_participations();
CREATE TRIGGER participant_conversions_update AFTER UPDATE ON siyu.campaign_participations
  REFERENCING OLD TABLE AS old_participations NEW TABLE AS new_participations FOR EACH STATEMENT EXECUTE FUNCTION siyu.participant_conversions_on_participations();
CREATE TRIGGER participant_conversions_delete AFTER DELETE ON siyu.campaign_participations
  REFERENCING OLD TABLE AS old_participations FOR EACH STATEMENT EXECUTE FUNCTION siyu.participant_conversions_on_participations();
CREATE TRIGGER participant_conversions_truncate AFTER TRUNCATE ON siyu.campaign_participations
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.participant_conversions_on_truncate();

-- The whole table from the participations and the orders: at the end of the
-- seed (whose COPY runs with the insert triggers disabled) and below for an
-- existing database. Writers of either wait meanwhile (SHARE: readers do
-- not). The converted pairs are found by one hash join instead of a probe per
-- participation; the rows go in by join time, and the indexes are built after
-- them by one sort each.
CREATE FUNCTION siyu.rebuild_participant_conversions() RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      built bigint;
    BEGIN
      LOCK TABLE siyu.campaign_participations, siyu.orders IN SHARE MODE;
      ALTER TABLE siyu.participant_conversions DROP CONSTRAINT participant_conversions_key;
      DROP INDEX siyu.participant_conversions_customer_idx, siyu.participant_conversions_campaign_idx,
        siyu.participant_conversions_employee_idx, siyu.participant_conversions_joined_idx;
      TRUNCATE siyu.participant_conversions;
      INSERT INTO siyu.participant_conversions
      SELECT p.id, p.campaign_id, p.customer_id, p.channel_id, p.employee_id, p.joined_at, p.invited_by_customer_id IS NOT NULL,
             bought.customer_id IS NOT NULL
      FROM siyu.campaign_participations AS p
      LEFT JOIN (SELECT DISTINCT o.customer_id, o.campaign_id FROM siyu.paid_orders AS o WHERE o.campaign_id IS NOT NULL) AS bought
        ON bought.customer_id = p.customer_id AND bought.campaign_id = p.campaign_id
      ORDER BY p.joined_at;
      GET DIAGNOSTICS built = ROW_COUNT;
      ALTER TABLE siyu.participant_conversions ADD CONSTRAINT participant_conversions_key PRIMARY KEY (participation_id);
      CREATE INDEX participant_conversions_customer_idx ON siyu.participant_conversions (customer_id, campaign_id);
      CREATE INDEX participant_conversions_campaign_idx ON siyu.participant_conversions (campaign_id);
      CREATE INDEX participant_conversions_employee_idx ON siyu.participant_conversions (employee_id, joined_at);
      CREATE INDEX participant_conversions_joined_idx ON siyu.participant_conversions USING brin (joined_at) WITH (pages_per_range = 16, autosummarize = on);
      RETURN built;
    END
  $$;

SELECT siyu.rebuild_participant_conversions();
