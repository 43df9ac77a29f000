-- Speed of the as-of classifications (customer_profiles reads every fact once
-- per query through these helpers).

-- The business time zone is decided when the data is seeded and fixed for
-- that data, so it is declared IMMUTABLE: the planner then folds it into a
-- constant and siyu.local_date(ts) runs as ts AT TIME ZONE '<zone>' (ten
-- times faster than a zone looked up per row). After changing
-- siyu.settings.time_zone by hand, restart the product so no cached plan
-- keeps the old zone.
ALTER FUNCTION siyu.business_tz() IMMUTABLE;

-- A birthday in a given year; 29 February counts as 28 February in other years.
CREATE FUNCTION siyu.birthday_in_year(birthday date, year int) RETURNS date
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT make_date(
             year,
             extract(MONTH FROM birthday)::int,
             CASE WHEN extract(MONTH FROM birthday) = 2 AND extract(DAY FROM birthday) = 29
                       AND NOT ((year % 4 = 0 AND year % 100 <> 0) OR year % 400 = 0)
                  THEN 28 ELSE extract(DAY FROM birthday)::int END)
  $$;

-- The first birthday strictly after a day: one expression, so PostgreSQL
-- inlines it instead of running a function per customer.
CREATE OR REPLACE FUNCTION siyu.next_birthday(birthday date, after date) RETURNS date
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT CASE
             WHEN siyu.birthday_in_year(birthday, extract(YEAR FROM after)::int) > after
               THEN siyu.birthday_in_year(birthday, extract(YEAR FROM after)::int)
             ELSE siyu.birthday_in_year(birthday, extract(YEAR FROM after)::int + 1)
           END
  $$;
