-- after: 008 (it reads the change counters, siyu.data_version)
--
-- Changes when anything the classification reads changes: a customer, an
-- event, an order or a refund, a booking or an arrival, a follow-up, or a
-- setting (the as-of date; the settings' values stay in it, so the same
-- as-of gives the same version after a settings round trip), and when its
-- rules change: the checksum of the definition of
-- siyu.customer_classification (definitions/customer_classification.sql) as
-- applied. With the facts unchanged, the materialized classification (009),
-- the kept journey days (010) and every rollup keyed on the version would
-- otherwise go on serving the old rules. The refresh key of every cube and
-- rollup built on siyu.customer_classification, in one place.
CREATE OR REPLACE FUNCTION siyu.classification_version() RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT CONCAT_WS('/',
      (SELECT 'rules=' || LEFT(checksum, 12) FROM siyu.schema_definitions WHERE name = 'customer_classification'),
      siyu.data_version('customers', 'events', 'orders', 'appointments', 'follow_ups', 'settings'),
      (SELECT STRING_AGG(key || '=' || value, ',' ORDER BY key) FROM siyu.settings))
  $$;
