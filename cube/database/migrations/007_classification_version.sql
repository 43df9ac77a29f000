-- Changes when anything the classification reads changes: a customer, an
-- event, an order or a refund, a booking or an arrival, a follow-up, or a
-- setting (the as-of date). The refresh key of every cube and rollup built on
-- siyu.customer_classification, in one place.
CREATE FUNCTION siyu.classification_version() RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT CONCAT_WS('/',
      (SELECT MAX(id) FROM siyu.customers),
      (SELECT MAX(id) FROM siyu.events),
      (SELECT MAX(id) FROM siyu.orders),
      (SELECT COUNT(*) FROM siyu.orders WHERE status = 'refunded'),
      (SELECT MAX(id) FROM siyu.appointments),
      (SELECT COUNT(arrived_at) FROM siyu.appointments),
      (SELECT MAX(id) FROM siyu.follow_ups),
      (SELECT STRING_AGG(key || '=' || value, ',' ORDER BY key) FROM siyu.settings))
  $$;
