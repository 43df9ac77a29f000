-- The staff page's owned customers (名下客户数) by team and by a team's
-- employees counted every customer again after each customer write: 0.9–1.0 s
-- at a million customers (docs/benchmarks.md), one pass over the customers
-- grouped by owner. They are now one stored count per owner, kept exact by
-- statement-level triggers on the customers; the team is the owner's team,
-- read at query time (500 employees), so a team move rewrites nothing.
CREATE TABLE siyu.owner_customer_counts (
  employee_id  integer PRIMARY KEY,
  customers    bigint NOT NULL
);

-- Each trigger adds each owner's net change of its statement. The owners are
-- written in their id's order, so two writers that touch the same owners lock
-- their rows in the same order (no deadlock); a writer waits only for another
-- writer of the same owner's count, until that one commits. Owners whose net
-- change is 0 are not written (an update of a name or a phone touches none).
CREATE FUNCTION siyu.owner_customer_counts_insert() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      INSERT INTO siyu.owner_customer_counts AS kept (employee_id, customers)
        SELECT owner_employee_id, count(*) FROM new_rows WHERE owner_employee_id IS NOT NULL GROUP BY 1 ORDER BY 1
        ON CONFLICT (employee_id) DO UPDATE SET customers = kept.customers + EXCLUDED.customers;
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.owner_customer_counts_delete() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      INSERT INTO siyu.owner_customer_counts AS kept (employee_id, customers)
        SELECT owner_employee_id, -count(*) FROM old_rows WHERE owner_employee_id IS NOT NULL GROUP BY 1 ORDER BY 1
        ON CONFLICT (employee_id) DO UPDATE SET customers = kept.customers + EXCLUDED.customers;
      RETURN NULL;
    END
  $$;

-- An update may change the owner (or the id): the old rows leave their
-- owners, the new rows join theirs.
CREATE FUNCTION siyu.owner_customer_counts_update() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      INSERT INTO siyu.owner_customer_counts AS kept (employee_id, customers)
        SELECT employee_id, sum(n)
        FROM (SELECT owner_employee_id AS employee_id, -1 AS n FROM old_rows WHERE owner_employee_id IS NOT NULL
              UNION ALL
              SELECT owner_employee_id, 1 FROM new_rows WHERE owner_employee_id IS NOT NULL) AS moves
        GROUP BY 1 HAVING sum(n) <> 0 ORDER BY 1
        ON CONFLICT (employee_id) DO UPDATE SET customers = kept.customers + EXCLUDED.customers;
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.owner_customer_counts_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      TRUNCATE siyu.owner_customer_counts;
      RETURN NULL;
    END
  $$;

-- The whole count again, from the customers (a bulk load may call it after
-- writing with the triggers off; this migration builds it once).
CREATE FUNCTION siyu.rebuild_owner_customer_counts() RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      written bigint;
    BEGIN
      LOCK TABLE siyu.owner_customer_counts IN EXCLUSIVE MODE;
      DELETE FROM siyu.owner_customer_counts;
      INSERT INTO siyu.owner_customer_counts (employee_id, customers)
        SELECT owner_employee_id, count(*) FROM siyu.customers WHERE owner_employee_id IS NOT NULL GROUP BY 1;
      GET DIAGNOSTICS written = ROW_COUNT;
      RETURN written;
    END
  $$;

CREATE TRIGGER owner_customer_counts_insert AFTER INSERT ON siyu.customers
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.owner_customer_counts_insert();
CREATE TRIGGER owner_customer_counts_update AFTER UPDATE ON siyu.customers
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.owner_customer_counts_update();
CREATE TRIGGER owner_customer_counts_delete AFTER DELETE ON siyu.customers
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.owner_customer_counts_delete();
CREATE TRIGGER owner_customer_counts_truncate AFTER TRUNCATE ON siyu.customers
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.owner_customer_counts_truncate();

SELECT siyu.rebuild_owner_customer_counts();

-- The action lists' first page (the actions page, docs/performance.md): each
-- list's customers in its order, so a page is read from the front of its
-- index instead of every customer joined and sorted (4.1–4.5 s at a million
-- customers after a write). The expressions are the customer_profiles
-- dimensions the page orders by, ties by customer.
CREATE INDEX classification_now_birthday_soon_idx ON siyu.classification_now (days_to_birthday, customer_id)
  WHERE is_birthday_soon;
CREATE INDEX classification_now_booked_not_arrived_idx ON siyu.classification_now ((missed_date::timestamp) DESC, customer_id)
  WHERE is_booked_not_arrived;
CREATE INDEX classification_now_high_value_slipping_idx ON siyu.classification_now (paid_amount DESC, customer_id)
  WHERE is_high_value_slipping;
CREATE INDEX classification_now_first_order_follow_up_idx ON siyu.classification_now ((first_paid_date::timestamp), customer_id)
  WHERE is_first_order_follow_up;

-- The days a journey may name: from the first registration's local day to
-- as-of. The first day was the minimum of every customer's local day (a
-- pass over all the customers, twice per journey query: 0.5 s of 1.7 s at
-- 200,000); it is now read among the customers registered within a day of
-- the earliest one, through the registration index (a zone's offset moves by
-- hours, never a day, so the earliest local day is among them).
CREATE OR REPLACE FUNCTION siyu.classification_days() RETURNS SETOF date
  LANGUAGE sql STABLE
  AS $$
    SELECT day::date
    FROM generate_series(
           (SELECT min(siyu.local_date(registered_at)) FROM siyu.customers
            WHERE registered_at < (SELECT min(registered_at) FROM siyu.customers) + INTERVAL '1 day'),
           siyu.as_of(),
           INTERVAL '1 day') AS days (day)
  $$;

-- Has `on_day`'s classification current, as siyu.classification_on would
-- (the as-of table refreshed, a past day built when its version moved);
-- true when it had a past day built (which may have dropped the oldest kept
-- day).
CREATE FUNCTION siyu.journey_day_ready(on_day date) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, siyu
  AS $$
    BEGIN
      IF on_day = siyu.as_of() THEN
        PERFORM siyu.classification_now_version();
        RETURN FALSE;
      END IF;
      IF EXISTS (SELECT 1 FROM siyu.classification_day_builds AS b
                 WHERE b.day = on_day AND b.version = siyu.classification_day_version(on_day)) THEN
        RETURN FALSE;
      END IF;
      PERFORM count(*) FROM siyu.classification_on(on_day);
      RETURN TRUE;
    END
  $$;

-- Every customer's stages on two days, paired: what the journey cube reads.
-- It replaces two calls of siyu.classification_on, each of which copied its
-- day's rows (a million at a million customers) into a function result that
-- the query then sorted on disk to pair them: now both days are made current
-- first, then paired in one query straight on their tables, through their
-- customer indexes: a merge join, no sort and no hash table (a hash join of
-- a million customers spills Cube's work_mem to disk). The rows are the same:
-- a customer of the end day, with their start-day stages or not_registered.
CREATE FUNCTION siyu.journey_pairs(from_day date, to_day date)
  RETURNS TABLE (customer_id integer, from_lifecycle_stage text, to_lifecycle_stage text, from_rfm_segment text,
                 to_rfm_segment text, from_aipl_stage text, to_aipl_stage text, from_five_a_stage text, to_five_a_stage text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, siyu
  SET enable_hashjoin = off
  ROWS 100000
  AS $$
    DECLARE
      as_of date := siyu.as_of();
      day_sql text := 'SELECT customer_id, lifecycle_stage, rfm_segment, aipl_stage, five_a_stage FROM siyu.classification_day_rows WHERE day = %L';
      now_sql text := 'SELECT customer_id, lifecycle_stage, rfm_segment, aipl_stage, five_a_stage FROM siyu.classification_now';
    BEGIN
      -- Until neither day had to be built: building one may drop the other
      -- from the kept days (the oldest goes).
      WHILE siyu.journey_day_ready(from_day) OR siyu.journey_day_ready(to_day) LOOP
      END LOOP;
      RETURN QUERY EXECUTE format($q$
        SELECT later.customer_id,
               CASE WHEN earlier.customer_id IS NULL THEN 'not_registered' ELSE earlier.lifecycle_stage END,
               later.lifecycle_stage,
               CASE WHEN earlier.customer_id IS NULL THEN 'not_registered' ELSE COALESCE(earlier.rfm_segment, 'none') END,
               COALESCE(later.rfm_segment, 'none'),
               CASE WHEN earlier.customer_id IS NULL THEN 'not_registered' ELSE earlier.aipl_stage END,
               later.aipl_stage,
               CASE WHEN earlier.customer_id IS NULL THEN 'not_registered' ELSE earlier.five_a_stage END,
               later.five_a_stage
        FROM (%s) AS later
        LEFT JOIN (%s) AS earlier ON earlier.customer_id = later.customer_id$q$,
        CASE WHEN to_day = as_of THEN now_sql ELSE format(day_sql, to_day) END,
        CASE WHEN from_day = as_of THEN now_sql ELSE format(day_sql, from_day) END);
    END
  $$;
