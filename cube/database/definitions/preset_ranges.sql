-- after: 017 (it reads nothing; migration 018's period table is its first user)
--
-- The ranges, as of a day: what web/src/lib/date-range.ts gives for each
-- preset (dateRangeFor) and its comparisons (previousPeriod: the same number
-- of days ending the day before; yearAgo: the same dates a year earlier, 29
-- February becoming 28 February, as PostgreSQL's date - interval '1 year'
-- does), each range once. 'all' is all time. test/cube/database/period-sales.test.ts
-- holds the two to the same list.
CREATE OR REPLACE FUNCTION siyu.preset_ranges(as_of date) RETURNS TABLE (period text, first_day date, last_day date)
  LANGUAGE sql STABLE
  AS $$
    WITH presets (first_day, last_day) AS (
      VALUES (as_of - 29, as_of), (as_of - 89, as_of), (as_of - 364, as_of),
             (date_trunc('month', as_of::timestamp)::date, as_of),
             ((date_trunc('month', as_of::timestamp) - interval '1 month')::date, (date_trunc('month', as_of::timestamp) - interval '1 day')::date),
             (date_trunc('quarter', as_of::timestamp)::date, as_of),
             (date_trunc('year', as_of::timestamp)::date, as_of),
             (as_of, as_of), (as_of - 1, as_of - 1),
             (as_of - (extract(ISODOW FROM as_of)::int - 1), as_of),
             (as_of - 6, as_of)
    ), ranges AS (
      SELECT first_day, last_day FROM presets
      UNION SELECT first_day - (last_day - first_day + 1), first_day - 1 FROM presets
      UNION SELECT (first_day - interval '1 year')::date, (last_day - interval '1 year')::date FROM presets
    )
    SELECT to_char(first_day, 'YYYY-MM-DD') || '..' || to_char(last_day, 'YYYY-MM-DD'), first_day, last_day FROM ranges WHERE as_of IS NOT NULL
    UNION ALL SELECT 'all', NULL, NULL
  $$;
