-- Refresh keys that see every write, cheaply. Every statement that writes a
-- data table (a TRUNCATE, an UPDATE or a DELETE included, which the MAX(id)
-- keys could not see) bumps that table's counter in siyu.data_changes, in the
-- writer's own transaction, so a reader sees the new count exactly when it
-- sees the new rows. Reading a few counters replaces the MAX(id)s and the
-- COUNT(*)s over the facts (a scan of every order, every 2 seconds, at a
-- large brand's size).
CREATE TABLE siyu.data_changes (
  table_name text PRIMARY KEY,
  changes    bigint NOT NULL DEFAULT 0
);

CREATE FUNCTION siyu.count_data_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      UPDATE siyu.data_changes SET changes = changes + 1 WHERE table_name = TG_TABLE_NAME;
      RETURN NULL;
    END
  $$;

-- Each data table's counter and trigger (definitions/track_data_changes.sql).
SELECT siyu.track_data_changes('settings', 'teams', 'employees', 'channels', 'customers',
  'customer_identities', 'campaigns', 'campaign_spend', 'campaign_participations', 'orders',
  'events', 'follow_ups', 'appointments');

-- The refresh key of a cube or rollup: the change counters of the tables it
-- reads, e.g. siyu.data_version('orders', 'employees').
CREATE FUNCTION siyu.data_version(VARIADIC tables text[]) RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT STRING_AGG(table_name || '=' || changes, ',' ORDER BY table_name)
    FROM siyu.data_changes
    WHERE table_name = ANY (tables)
  $$;

-- What the classification reads. The settings' values stay in it, so the
-- same as-of gives the same version after a settings round trip.
CREATE OR REPLACE FUNCTION siyu.classification_version() RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT CONCAT_WS('/',
      siyu.data_version('customers', 'events', 'orders', 'appointments', 'follow_ups', 'settings'),
      (SELECT STRING_AGG(key || '=' || value, ',' ORDER BY key) FROM siyu.settings))
  $$;

-- What a rollup copies from the dimension tables (migration 006), from the
-- counters now.
CREATE OR REPLACE FUNCTION siyu.dimensions_version() RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT siyu.data_version('employees', 'teams', 'channels', 'campaigns')
  $$;
