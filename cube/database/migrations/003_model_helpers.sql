-- Helpers the data model uses, so each rule is written once.

-- A sale: a paid order (refunded orders never count as sales).
CREATE VIEW siyu.paid_orders AS
SELECT * FROM siyu.orders WHERE status = 'paid';

-- The start of a business day as a time (the inverse of siyu.local_date).
CREATE FUNCTION siyu.local_midnight(day date) RETURNS timestamptz
  LANGUAGE sql STABLE
  AS $$ SELECT day::timestamp AT TIME ZONE siyu.business_tz() $$;

-- The first birthday strictly after a day; 29 February counts as 28 February
-- in other years.
CREATE FUNCTION siyu.next_birthday(birthday date, after date) RETURNS date
  LANGUAGE sql IMMUTABLE STRICT
  AS $$
    SELECT min(candidate)
    FROM (
      SELECT make_date(
               year,
               extract(MONTH FROM birthday)::int,
               CASE WHEN extract(MONTH FROM birthday) = 2 AND extract(DAY FROM birthday) = 29
                         AND NOT ((year % 4 = 0 AND year % 100 <> 0) OR year % 400 = 0)
                    THEN 28 ELSE extract(DAY FROM birthday)::int END) AS candidate
      FROM (VALUES (extract(YEAR FROM after)::int), (extract(YEAR FROM after)::int + 1)) AS years (year)
    ) AS candidates
    WHERE candidate > after
  $$;
