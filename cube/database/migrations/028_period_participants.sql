-- Participants, converted participants and fission of the date presets from
-- one row each (issue 19, plan item 1, docs/performance.md "The period table
-- for the participants"): per range of days the pages offer as a preset
-- (and each preset's 环比 and 同比 range) and per slice, the distinct
-- participants, the distinct converted participants and the invited
-- participations, counted on siyu.participant_conversions (migration 019)
-- by the participation's join time, with the participant_conversions
-- cube's definitions. A tile on a preset reads one row instead of counting
-- a range's participations.
--
-- Fed from siyu.participant_conversions' own changes (statement-level
-- triggers on it below), so everything that changes a participation or its
-- converted flag (participations inserted, moved, deleted; orders
-- converting or un-converting a participant) reaches it through the change
-- that table already computes. That table is written only by its own
-- functions (plain INSERT, UPDATE of the flag, DELETE, TRUNCATE; no
-- INSERT … ON CONFLICT), so each statement's transition tables are its
-- whole change.
--
-- Functions and triggers of its own: it shares only the ranges' definition
-- (siyu.preset_ranges) and the customer bucket locks (migration 019's
-- siyu.lock_customer_buckets) with the sales period table (018, 024).

-- The ranges the table holds now: those of siyu.as_of() when it was last
-- rolled, [starts_at, ends_at) as instants of local midnight.
CREATE TABLE siyu.participant_periods (
  period    text PRIMARY KEY,
  starts_at timestamptz NOT NULL,
  ends_at   timestamptz NOT NULL,
  as_of     date
);

-- One row per range and slice, as siyu.period_sales: `slice` names the
-- columns the row is cut by (team, employee, channel, campaign, in that
-- order, joined by ','; 'brand' for none); a column not in the slice is
-- null; a null in a sliced column is a value (no promoting employee). The
-- team is the promoting employee's team now (participation_performance
-- reads it through the employees), so moving an employee moves their
-- participants' rows (a trigger on siyu.employees below).
CREATE TABLE siyu.period_participants (
  period       text NOT NULL,
  slice        text NOT NULL,
  team_id      integer,
  employee_id  integer,
  channel_id   integer,
  campaign_id  integer,
  participants integer NOT NULL,
  converted    integer NOT NULL,
  fission      integer NOT NULL,
  CONSTRAINT period_participants_key UNIQUE NULLS NOT DISTINCT (period, slice, team_id, employee_id, channel_id, campaign_id)
) WITH (fillfactor = 70);
SELECT siyu.track_data_changes('period_participants');

-- A participation as the maintenance reads it: its slice columns (the
-- promoter's team now), join time, flags, and whether it is in the table
-- before (`was`) and after (`now`) the change.
CREATE TYPE siyu.participation_fact AS (
  customer_id integer, team_id integer, employee_id integer, channel_id integer, campaign_id integer,
  joined_at timestamptz, was boolean, now boolean, converted boolean, invited boolean
);

-- The change a set of facts makes to the given ranges (at most 62: one bit
-- each of a bigint), per range, slice and slice value, without a
-- COUNT(DISTINCT) and without a pass per range (migration 024's way for the
-- sales). Each participation gets the mask of the ranges holding its join
-- time; per slice, each customer's participations are folded into one row
-- per slice value (the OR of the masks where they are a participant, and a
-- converted one, before and after); per slice value, one vector of per-range
-- counts is summed over those rows (after's bit - before's bit). Fission
-- counts participations, not customers: summed from the rows themselves.
-- `facts` is a query giving siyu.participation_fact's columns; it may read
-- `given` as $1. A build gives every participation with `was` false.
CREATE FUNCTION siyu.period_participants_changes(ranges siyu.participant_periods[], facts text, given siyu.participation_fact[] DEFAULT NULL)
  RETURNS SETOF siyu.period_participants
  LANGUAGE plpgsql
  AS $$
    DECLARE
      sets constant text[] := ARRAY['', 'channel_id', 'campaign_id', 'channel_id,campaign_id',
        'team_id', 'team_id,channel_id', 'team_id,campaign_id', 'team_id,channel_id,campaign_id',
        'team_id,employee_id', 'team_id,employee_id,channel_id', 'team_id,employee_id,campaign_id',
        'team_id,employee_id,channel_id,campaign_id'];
      width integer := coalesce(cardinality(ranges), 0);
      mask text;
      pv text;
      cv text;
      cols text;
      keys text;
      grp text;
      name text;
      parts text[] := '{}';
    BEGIN
      IF width = 0 THEN
        RETURN;
      END IF;
      IF width > 62 THEN
        RAISE EXCEPTION 'period_participants_changes: % ranges, at most 62 at once', width;
      END IF;
      SELECT string_agg(format('CASE WHEN joined_at >= %L AND joined_at < %L THEN %s::bigint ELSE 0 END', u.starts_at, u.ends_at, 1::bigint << (u.k - 1)::integer), ' | ' ORDER BY u.k)
      INTO mask
      FROM unnest(ranges) WITH ORDINALITY AS u (period, starts_at, ends_at, as_of, k);
      SELECT string_agg(format('sum((n * (((np >> %1$s) & 1) - ((wp >> %1$s) & 1)))::integer)', i), ', ' ORDER BY i),
             string_agg(format('sum((n * (((nc >> %1$s) & 1) - ((wc >> %1$s) & 1)))::integer)', i), ', ' ORDER BY i)
      INTO pv, cv
      FROM generate_series(0, width - 1) AS i;
      FOREACH cols IN ARRAY sets LOOP
        SELECT string_agg(CASE WHEN c = ANY (string_to_array(cols, ',')) THEN c ELSE 'NULL::integer' END, ', ' ORDER BY o)
        INTO keys
        FROM unnest(ARRAY['team_id', 'employee_id', 'channel_id', 'campaign_id']) WITH ORDINALITY AS k (c, o);
        grp := CASE WHEN cols = '' THEN '' ELSE ', ' || cols END;
        name := coalesce(nullif(replace(cols, '_id', ''), ''), 'brand');
        -- Distinct customers: folded per customer and slice value first, then
        -- counted per slice value and masks (few: a mask is a set of ranges),
        -- so the per-range sums run over those counts, not over customers.
        parts := parts || format(
          'SELECT %1$L, %2$s, ARRAY[%3$s]::bigint[], ARRAY[%4$s]::bigint[], NULL::bigint[]
           FROM (SELECT %2$s, wp, np, wc, nc, count(*) AS n
                 FROM (SELECT customer_id %5$s, bit_or(wp) AS wp, bit_or(np) AS np, bit_or(wc) AS wc, bit_or(nc) AS nc
                       FROM folded GROUP BY customer_id %5$s) AS x
                 WHERE wp <> np OR wc <> nc GROUP BY 1, 2, 3, 4, 5, 6, 7, 8) AS y
           GROUP BY 1, 2, 3, 4, 5',
          name, keys, pv, cv, grp);
        -- Invited participations: each row counts.
        parts := parts || format(
          'SELECT %1$L, %2$s, NULL::bigint[], NULL::bigint[], ARRAY[%3$s]::bigint[]
           FROM (SELECT %2$s, wp, np, count(*) AS n FROM pr WHERE invited AND wp <> np GROUP BY 1, 2, 3, 4, 5, 6) AS y
           GROUP BY 1, 2, 3, 4, 5',
          name, keys, pv);
      END LOOP;
      RETURN QUERY EXECUTE format(
        'WITH facts AS MATERIALIZED (SELECT f.*, (%1$s) AS mask FROM (%2$s) AS f),
         pr AS MATERIALIZED (
           SELECT customer_id, team_id, employee_id, channel_id, campaign_id, invited,
                  CASE WHEN was THEN mask ELSE 0 END AS wp, CASE WHEN now THEN mask ELSE 0 END AS np,
                  CASE WHEN was AND converted THEN mask ELSE 0 END AS wc, CASE WHEN now AND converted THEN mask ELSE 0 END AS nc
           FROM facts WHERE mask <> 0),
         folded AS MATERIALIZED (
           SELECT customer_id, team_id, employee_id, channel_id, campaign_id,
                  bit_or(wp) AS wp, bit_or(np) AS np, bit_or(wc) AS wc, bit_or(nc) AS nc
           FROM pr GROUP BY 1, 2, 3, 4, 5),
         v (slice, team_id, employee_id, channel_id, campaign_id, p, c, f) AS (%3$s)
         SELECT r.period, v.slice, v.team_id, v.employee_id, v.channel_id, v.campaign_id,
                coalesce(sum(x.p), 0)::integer, coalesce(sum(x.c), 0)::integer, coalesce(sum(x.f), 0)::integer
         FROM v
         CROSS JOIN LATERAL unnest(v.p, v.c, v.f) WITH ORDINALITY AS x (p, c, f, k)
         JOIN unnest($2) WITH ORDINALITY AS r (period, starts_at, ends_at, as_of, k) ON r.k = x.k
         GROUP BY 1, 2, 3, 4, 5, 6
         HAVING coalesce(sum(x.p), 0) <> 0 OR coalesce(sum(x.c), 0) <> 0 OR coalesce(sum(x.f), 0) <> 0',
        mask, facts, array_to_string(parts, ' UNION ALL '))
      USING given, ranges;
    END
  $$;

-- Adds signed rows to the table and removes the rows left with no
-- participant (by their address, as siyu.period_sales_merge does).
CREATE FUNCTION siyu.period_participants_merge(deltas siyu.period_participants[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    DECLARE
      emptied tid[];
    BEGIN
      IF coalesce(cardinality(deltas), 0) = 0 THEN
        RETURN;
      END IF;
      WITH upserted AS (
        INSERT INTO siyu.period_participants AS pp
        SELECT * FROM UNNEST(deltas) ORDER BY period, slice, team_id, employee_id, channel_id, campaign_id
        ON CONFLICT ON CONSTRAINT period_participants_key DO UPDATE
          SET participants = pp.participants + EXCLUDED.participants,
              converted = pp.converted + EXCLUDED.converted,
              fission = pp.fission + EXCLUDED.fission
        RETURNING pp.ctid AS address, pp.participants)
      SELECT ARRAY_AGG(address) FILTER (WHERE participants = 0) INTO emptied FROM upserted;
      IF emptied IS NOT NULL THEN
        DELETE FROM siyu.period_participants WHERE ctid = ANY (emptied);
      END IF;
    END
  $$;

-- The change of a few facts (one statement's customers), per range, slice
-- and slice value: static SQL (planned once per session), as migration 018
-- counts an order's change; the mask form above is a statement of a few
-- hundred lines planned per call, which costs more than a small change
-- itself. Per range, slice and customer: a participant before or after,
-- converted before or after; per cell the differences are summed.
CREATE FUNCTION siyu.period_participants_small(facts siyu.participation_fact[]) RETURNS SETOF siyu.period_participants
  LANGUAGE sql STABLE
  AS $$
    SELECT c.period,
           (ARRAY['team,employee,channel,campaign', 'team,employee,channel', 'team,employee,campaign', 'team,employee',
                  'team,channel,campaign', 'team,channel', 'team,campaign', 'team',
                  'employee,channel,campaign', 'employee,channel', 'employee,campaign', 'employee',
                  'channel,campaign', 'channel', 'campaign', 'brand'])[c.g + 1],
           c.team_id, c.employee_id, c.channel_id, c.campaign_id,
           SUM(c.now_p::integer - c.was_p::integer)::integer, SUM(c.now_c::integer - c.was_c::integer)::integer, SUM(c.fission)::integer
    FROM (
      SELECT p.period, f.customer_id, f.team_id, f.employee_id, f.channel_id, f.campaign_id,
             GROUPING(f.team_id, f.employee_id, f.channel_id, f.campaign_id) AS g,
             bool_or(f.was) AS was_p, bool_or(f.now) AS now_p,
             coalesce(bool_or(f.was AND f.converted), false) AS was_c, coalesce(bool_or(f.now AND f.converted), false) AS now_c,
             SUM(CASE WHEN f.invited THEN f.now::integer - f.was::integer ELSE 0 END) AS fission
      FROM UNNEST(facts) AS f
      JOIN siyu.participant_periods AS p ON f.joined_at >= p.starts_at AND f.joined_at < p.ends_at
      GROUP BY p.period, f.customer_id, GROUPING SETS (
        (), (f.channel_id), (f.campaign_id), (f.channel_id, f.campaign_id),
        (f.team_id), (f.team_id, f.channel_id), (f.team_id, f.campaign_id), (f.team_id, f.channel_id, f.campaign_id),
        (f.team_id, f.employee_id), (f.team_id, f.employee_id, f.channel_id), (f.team_id, f.employee_id, f.campaign_id),
        (f.team_id, f.employee_id, f.channel_id, f.campaign_id))
    ) AS c
    GROUP BY c.period, c.g, c.team_id, c.employee_id, c.channel_id, c.campaign_id
    HAVING SUM(c.now_p::integer - c.was_p::integer) <> 0 OR SUM(c.now_c::integer - c.was_c::integer) <> 0 OR SUM(c.fission) <> 0
  $$;

-- Applies a change (facts as siyu.participation_fact[]) to every held
-- range: up to 2,000 facts by the static form, more by the mask form.
CREATE FUNCTION siyu.period_participants_apply(facts siyu.participation_fact[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    DECLARE
      chunk integer := 0;
      ranges siyu.participant_periods[];
    BEGIN
      IF coalesce(cardinality(facts), 0) = 0 THEN
        RETURN;
      END IF;
      -- The limit is a setting only so that the tests can send small changes through the mask form too.
      IF cardinality(facts) <= coalesce(nullif(current_setting('siyu.participants_small_limit', true), '')::integer, 2000) THEN
        PERFORM siyu.period_participants_merge(ARRAY(SELECT d FROM siyu.period_participants_small(facts) AS d));
        RETURN;
      END IF;
      LOOP
        ranges := ARRAY(SELECT p FROM siyu.participant_periods AS p ORDER BY p.period OFFSET chunk * 62 LIMIT 62);
        EXIT WHEN cardinality(ranges) = 0;
        PERFORM siyu.period_participants_merge(ARRAY(
          SELECT d FROM siyu.period_participants_changes(ranges, 'SELECT * FROM unnest($1::siyu.participation_fact[])', facts) AS d));
        chunk := chunk + 1;
      END LOOP;
    END
  $$;

-- Builds the given ranges' rows from the participant conversions (all the
-- held ranges when null), 62 ranges per pass over the participations of
-- the days they cover.
CREATE FUNCTION siyu.build_period_participants(periods text[] DEFAULT NULL) RETURNS bigint
  LANGUAGE plpgsql
  SET work_mem = '256MB'
  AS $$
    DECLARE
      built bigint := 0;
      added bigint;
      chunk integer := 0;
      ranges siyu.participant_periods[];
      lo timestamptz;
      hi timestamptz;
    BEGIN
      DELETE FROM siyu.period_participants WHERE periods IS NULL OR period = ANY (periods);
      LOOP
        ranges := ARRAY(
          SELECT p FROM siyu.participant_periods AS p WHERE periods IS NULL OR p.period = ANY (periods)
          ORDER BY p.period OFFSET chunk * 62 LIMIT 62);
        EXIT WHEN cardinality(ranges) = 0;
        SELECT min(u.starts_at), max(u.ends_at) INTO lo, hi FROM unnest(ranges) AS u;
        -- Literal bounds: a short range reads its rows through the BRIN index on the join time.
        INSERT INTO siyu.period_participants
        SELECT * FROM siyu.period_participants_changes(ranges, format(
          'SELECT pc.customer_id, e.team_id, pc.employee_id, pc.channel_id, pc.campaign_id, pc.joined_at,
                  false AS was, true AS now, pc.converted, pc.invited
           FROM siyu.participant_conversions AS pc LEFT JOIN siyu.employees AS e ON e.id = pc.employee_id
           WHERE pc.joined_at >= %L AND pc.joined_at < %L', lo, hi));
        GET DIAGNOSTICS added = ROW_COUNT;
        built := built + added;
        chunk := chunk + 1;
      END LOOP;
      RETURN built;
    END
  $$;

-- New ranges from held ones they overlap (a rolling window a day later,
-- 本月 with one more day), all at once: the held range's rows copied under
-- the new key, then only the customers with a participation on a day in one
-- range of a pair and not the other can count differently, and only in that
-- pair: per pair, their participations in the held range are "before",
-- those in the new one "after" (static SQL, as period_participants_small).
CREATE FUNCTION siyu.shift_period_participants(targets siyu.participant_periods[], sources siyu.participant_periods[]) RETURNS bigint
  LANGUAGE plpgsql
  SET work_mem = '256MB'
  AS $$
    DECLARE
      copied bigint;
    BEGIN
      INSERT INTO siyu.period_participants
      SELECT (targets[k]).period, pp.slice, pp.team_id, pp.employee_id, pp.channel_id, pp.campaign_id, pp.participants, pp.converted, pp.fission
      FROM generate_series(1, cardinality(targets)) AS k
      JOIN siyu.period_participants AS pp ON pp.period = (sources[k]).period;
      GET DIAGNOSTICS copied = ROW_COUNT;
      PERFORM siyu.period_participants_merge(ARRAY(
        WITH pairs AS (
          SELECT (targets[k]).period AS period, (sources[k]).starts_at AS was_starts, (sources[k]).ends_at AS was_ends,
                 (targets[k]).starts_at AS now_starts, (targets[k]).ends_at AS now_ends
          FROM generate_series(1, cardinality(targets)) AS k),
        touched AS (
          SELECT DISTINCT pr.period, pc.customer_id
          FROM pairs AS pr
          JOIN siyu.participant_conversions AS pc
            ON pc.joined_at >= least(pr.was_starts, pr.now_starts) AND pc.joined_at < greatest(pr.was_ends, pr.now_ends)
           AND (pc.joined_at >= pr.was_starts AND pc.joined_at < pr.was_ends) <> (pc.joined_at >= pr.now_starts AND pc.joined_at < pr.now_ends)),
        facts AS (
          SELECT pr.period, pc.customer_id, e.team_id, pc.employee_id, pc.channel_id, pc.campaign_id, pc.converted, pc.invited,
                 pc.joined_at >= pr.was_starts AND pc.joined_at < pr.was_ends AS was,
                 pc.joined_at >= pr.now_starts AND pc.joined_at < pr.now_ends AS now
          FROM touched AS t
          JOIN pairs AS pr ON pr.period = t.period
          JOIN siyu.participant_conversions AS pc ON pc.customer_id = t.customer_id
          LEFT JOIN siyu.employees AS e ON e.id = pc.employee_id)
        SELECT ROW(c.period,
               (ARRAY['team,employee,channel,campaign', 'team,employee,channel', 'team,employee,campaign', 'team,employee',
                      'team,channel,campaign', 'team,channel', 'team,campaign', 'team',
                      'employee,channel,campaign', 'employee,channel', 'employee,campaign', 'employee',
                      'channel,campaign', 'channel', 'campaign', 'brand'])[c.g + 1],
               c.team_id, c.employee_id, c.channel_id, c.campaign_id,
               SUM(c.now_p::integer - c.was_p::integer)::integer, SUM(c.now_c::integer - c.was_c::integer)::integer, SUM(c.fission)::integer)::siyu.period_participants
        FROM (
          SELECT f.period, f.customer_id, f.team_id, f.employee_id, f.channel_id, f.campaign_id,
                 GROUPING(f.team_id, f.employee_id, f.channel_id, f.campaign_id) AS g,
                 bool_or(f.was) AS was_p, bool_or(f.now) AS now_p,
                 coalesce(bool_or(f.was AND f.converted), false) AS was_c, coalesce(bool_or(f.now AND f.converted), false) AS now_c,
                 SUM(CASE WHEN f.invited THEN f.now::integer - f.was::integer ELSE 0 END) AS fission
          FROM facts AS f
          WHERE f.was OR f.now
          GROUP BY f.period, f.customer_id, GROUPING SETS (
            (), (f.channel_id), (f.campaign_id), (f.channel_id, f.campaign_id),
            (f.team_id), (f.team_id, f.channel_id), (f.team_id, f.campaign_id), (f.team_id, f.channel_id, f.campaign_id),
            (f.team_id, f.employee_id), (f.team_id, f.employee_id, f.channel_id), (f.team_id, f.employee_id, f.campaign_id),
            (f.team_id, f.employee_id, f.channel_id, f.campaign_id))
        ) AS c
        GROUP BY c.period, c.g, c.team_id, c.employee_id, c.channel_id, c.campaign_id
        HAVING SUM(c.now_p::integer - c.was_p::integer) <> 0 OR SUM(c.now_c::integer - c.was_c::integer) <> 0 OR SUM(c.fission) <> 0));
      RETURN copied;
    END
  $$;
