-- The per-customer classification as of any day,
-- siyu.customer_classification(day), is a repeatable definition:
-- cube/database/definitions/customer_classification.sql, applied right after
-- this migration and again whenever its rules change (cube/database/migrate.ts).

-- The days a journey can start or end on: every day from the first
-- registration to as-of. The journey cube filters it to the two days asked
-- for before classifying, so only those two are computed.
CREATE FUNCTION siyu.classification_days() RETURNS SETOF date
  LANGUAGE sql STABLE
  AS $$
    SELECT day::date
    FROM generate_series(
           (SELECT min(siyu.local_date(registered_at)) FROM siyu.customers),
           siyu.as_of(),
           INTERVAL '1 day') AS days (day)
  $$;
