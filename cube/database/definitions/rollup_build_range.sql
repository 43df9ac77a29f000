-- after: 021
-- The months the month-partitioned rollups are built over (their
-- build_range_start and build_range_end; migrations 021, 022). Without them
-- Cube takes the facts' own min and max, caches them for a second, and cuts
-- the last month's partition at that max: a partition built in the second
-- after a write dated past the old max (an order "now") left the write out
-- and still carried the write's refresh key, so it stayed wrong (seen: the
-- big-screen never showed orders written while it was open). So the end is
-- the start of the month after next, past anything written now, and the
-- start the first day of the year of the earliest order, customer or spend
-- (their time indexes; a follow-up or booking comes after its customer's
-- registration). Both change once a month or a year, not per write.
CREATE OR REPLACE FUNCTION siyu.rollup_months_start() RETURNS timestamptz
  LANGUAGE sql STABLE
  AS $$
    SELECT date_trunc('year', least(
             (SELECT min(ordered_at) FROM siyu.orders),
             (SELECT min(registered_at) FROM siyu.customers),
             (SELECT siyu.local_midnight(min(spent_on)) FROM siyu.campaign_spend),
             now()) AT TIME ZONE siyu.business_tz()) AT TIME ZONE siyu.business_tz()
  $$;

CREATE OR REPLACE FUNCTION siyu.rollup_months_end() RETURNS timestamptz
  LANGUAGE sql STABLE
  AS $$
    SELECT (date_trunc('month', greatest(
              (SELECT max(ordered_at) FROM siyu.orders),
              (SELECT max(registered_at) FROM siyu.customers),
              now()) AT TIME ZONE siyu.business_tz()) + interval '2 months') AT TIME ZONE siyu.business_tz()
  $$;
