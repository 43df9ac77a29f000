-- What a rollup copies from the dimension tables: an employee's team and
-- name, a team's name, a channel's or a campaign's name and type. A rollup
-- built before one of them changed would keep answering with the old one, so
-- every rollup's refresh key includes this fingerprint (a few hundred rows at
-- a large brand's scale: cheap to read every 2 seconds).
CREATE FUNCTION siyu.dimensions_version() RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT md5(concat_ws('|',
      (SELECT string_agg(concat_ws('/', id, team_id, name), ',' ORDER BY id) FROM siyu.employees),
      (SELECT string_agg(concat_ws('/', id, name), ',' ORDER BY id) FROM siyu.teams),
      (SELECT string_agg(concat_ws('/', id, name, type, kind), ',' ORDER BY id) FROM siyu.channels),
      (SELECT string_agg(concat_ws('/', id, name, type), ',' ORDER BY id) FROM siyu.campaigns)))
  $$;
