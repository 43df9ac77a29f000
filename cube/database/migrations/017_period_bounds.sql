-- A campaign's period failed in siyu.period_bounds (migration 015): once the
-- period is a constant (a literal, or a SQL function's plan with its
-- argument's value), PostgreSQL folds the calendar branch's casts such as
-- 'campaign:夏促'::int and raises an error, although that branch is never
-- taken. Here each part of a calendar period is taken by a regular
-- expression that gives null on any other period, and null folds to null.
CREATE OR REPLACE FUNCTION siyu.period_bounds(period text, OUT starts_at timestamptz, OUT ends_at timestamptz)
  LANGUAGE sql STABLE STRICT
  AS $$
    SELECT c.starts_at, c.ends_at FROM siyu.campaigns c
    WHERE period LIKE 'campaign:%' AND c.name = substr(period, 10)
    UNION ALL
    SELECT siyu.local_midnight(d.first), siyu.local_midnight((d.first + d.step)::date)
    FROM (
      SELECT make_date(p.y, coalesce(p.m, p.q * 3 - 2, 1), 1) AS first,
             CASE WHEN p.m IS NOT NULL THEN interval '1 month'
                  WHEN p.q IS NOT NULL THEN interval '3 months'
                  ELSE interval '1 year' END AS step
      FROM (
        SELECT substring(period FROM '^(\d{4})(?:-(?:\d{2}|Q[1-4]))?$')::int AS y,
               substring(period FROM '^\d{4}-(\d{2})$')::int AS m,
               substring(period FROM '^\d{4}-Q([1-4])$')::int AS q
      ) p
      WHERE period NOT LIKE 'campaign:%' AND p.y IS NOT NULL
    ) d
  $$;
