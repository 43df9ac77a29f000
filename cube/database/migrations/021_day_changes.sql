-- Which business days a write reached, per table, so that a rollup
-- partitioned by month rebuilds only the months a write touched (issue 19:
-- freshness that costs O(change), not O(history)). A partition's refresh key
-- sums the counters of its own days (`FILTER_PARAMS` on the partition's time
-- dimension, which Cube fills with each partition's range:
-- docs/performance.md), so a new order today rebuilds this month's
-- partition, a refund of an order from March rebuilds March's, and the other
-- months are left as they are.
--
-- day_start is the local midnight of the business day (as
-- siyu.customer_days stores it). The row at '-infinity' counts writes that
-- reached every day: a TRUNCATE, or a bulk load that ran with the day
-- triggers disabled (the seed, a large import), which bumps it itself
-- (siyu.touch_all_days). Every partition's key includes it.
CREATE TABLE siyu.data_changes_by_day (
  table_name text NOT NULL,
  day_start  timestamptz NOT NULL,
  changes    bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (table_name, day_start)
);

-- Bumps the given days of a table, in day order, so two writers that touch
-- the same days lock their rows in the same order and cannot deadlock.
CREATE FUNCTION siyu.count_days(data_table text, days timestamptz[]) RETURNS void
  LANGUAGE sql
  AS $$
    INSERT INTO siyu.data_changes_by_day AS d (table_name, day_start, changes)
    SELECT data_table, day_start, 1 FROM (SELECT DISTINCT unnest(days) AS day_start) AS u
    WHERE day_start IS NOT NULL
    ORDER BY day_start
    ON CONFLICT (table_name, day_start) DO UPDATE SET changes = d.changes + 1
  $$;

-- Every day of a table at once: after a TRUNCATE or a load with the triggers off.
CREATE FUNCTION siyu.touch_all_days(data_table text) RETURNS void
  LANGUAGE sql
  AS $$ SELECT siyu.count_days(data_table, ARRAY['-infinity'::timestamptz]) $$;

-- The statement-level trigger: TG_ARGV[0] is the SQL of a row's business
-- day start (its local midnight, as the rollups' partitions cut), written by
-- the migration that attaches it; the days come from the statement's
-- transition tables (an UPDATE's old and new rows both count: an order moved
-- to another day changes both).
CREATE FUNCTION siyu.count_day_changes() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      days timestamptz[];
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        PERFORM siyu.touch_all_days(TG_TABLE_NAME);
        RETURN NULL;
      END IF;
      EXECUTE CASE TG_OP
        WHEN 'INSERT' THEN format('SELECT ARRAY(SELECT DISTINCT %s FROM changed_new)', TG_ARGV[0])
        WHEN 'DELETE' THEN format('SELECT ARRAY(SELECT DISTINCT %s FROM changed_old)', TG_ARGV[0])
        ELSE format('SELECT ARRAY(SELECT %1$s FROM changed_old UNION SELECT %1$s FROM changed_new)', TG_ARGV[0])
      END INTO days;
      PERFORM siyu.count_days(TG_TABLE_NAME, days);
      RETURN NULL;
    END
  $$;

-- Attaches the day counters to a data table: its four statement-level
-- triggers, named <table>_day_changes_<event>, and every day marked changed
-- once (what was built before knew nothing of the days).
CREATE FUNCTION siyu.track_day_changes(data_table text, day_start_sql text) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON siyu.%I REFERENCING NEW TABLE AS changed_new
                      FOR EACH STATEMENT EXECUTE FUNCTION siyu.count_day_changes(%L)', data_table || '_day_changes_insert', data_table, day_start_sql);
      EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON siyu.%I REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
                      FOR EACH STATEMENT EXECUTE FUNCTION siyu.count_day_changes(%L)', data_table || '_day_changes_update', data_table, day_start_sql);
      EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON siyu.%I REFERENCING OLD TABLE AS changed_old
                      FOR EACH STATEMENT EXECUTE FUNCTION siyu.count_day_changes(%L)', data_table || '_day_changes_delete', data_table, day_start_sql);
      EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON siyu.%I
                      FOR EACH STATEMENT EXECUTE FUNCTION siyu.count_day_changes(%L)', data_table || '_day_changes_truncate', data_table, day_start_sql);
      PERFORM siyu.touch_all_days(data_table);
    END
  $$;
REVOKE EXECUTE ON FUNCTION siyu.track_day_changes(text, text) FROM PUBLIC;

-- The tables the partitioned rollups read, each by the time its rollups
-- partition on: an order by when it was placed, spend by its day, a
-- customer by registration.
SELECT siyu.track_day_changes('orders', 'siyu.local_midnight(siyu.local_date(ordered_at))');
SELECT siyu.track_day_changes('campaign_spend', 'siyu.local_midnight(spent_on)');
SELECT siyu.track_day_changes('customers', 'siyu.local_midnight(siyu.local_date(registered_at))');

-- The builds of the rollups as they were before (whole, not partitioned, or
-- under a name PostgreSQL cut at 63 bytes: test/model/rollup-names.test.ts)
-- are no rollup's any more; Cube would leave them behind. A migrator that
-- does not own them (another role built them) leaves them too: they cost
-- space, not answers.
DO $$
  DECLARE
    stale record;
  BEGIN
    FOR stale IN
      SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'siyu_pre_aggregations'
        AND table_name ~ '^(orders_sales_by_(day|hour)_|campaign_returns_(returns|spend)_by_day_|customers_registrations_by_day|customers_action_first_order_follow_up)'
    LOOP
      BEGIN
        EXECUTE format('DROP TABLE siyu_pre_aggregations.%I', stale.table_name);
      EXCEPTION WHEN insufficient_privilege THEN
        NULL;
      END;
    END LOOP;
  END
$$;
