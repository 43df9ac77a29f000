-- The participants' period table (migration 028), part two: its roll-over,
-- the triggers that keep it exact, and its first build on an existing
-- database. Split from 028 only to keep each file under 400 lines (test/ci);
-- 029 and 030 neither read nor write these tables, so applying this part
-- after them changes nothing. The seed builds the table only where this
-- part is in (it looks for siyu.roll_period_participants).

-- Moves the table to the ranges of siyu.as_of(): ranges no longer offered
-- go, ranges still offered (上月 and its comparisons all month, the earlier
-- ranges of the calendar presets, 全部) stay as they are; a new range is
-- shifted from the held range nearest to it (fewest days in one and not the
-- other: migration 018's rule) when fewer days differ than it has, the
-- others (今日, a range no held one is near) are built together in one
-- pass. `whole` counts every range afresh. Writers of participations and
-- campaign orders wait meanwhile (EXCLUSIVE: readers do not).
CREATE FUNCTION siyu.roll_period_participants(whole boolean DEFAULT false) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      today date := siyu.as_of();
      done bigint := 0;
      targets siyu.participant_periods[];
      sources siyu.participant_periods[];
      fresh text[];
    BEGIN
      IF NOT whole AND EXISTS (SELECT 1 FROM siyu.participant_periods)
         AND NOT EXISTS (SELECT 1 FROM siyu.participant_periods WHERE as_of IS DISTINCT FROM today) THEN
        RETURN 0;
      END IF;
      LOCK TABLE siyu.period_participants IN EXCLUSIVE MODE;
      IF whole THEN
        TRUNCATE siyu.period_participants;
        DELETE FROM siyu.participant_periods;
      END IF;
      CREATE TEMPORARY TABLE IF NOT EXISTS participant_periods_held (LIKE siyu.participant_periods) ON COMMIT DROP;
      TRUNCATE participant_periods_held;
      INSERT INTO participant_periods_held SELECT * FROM siyu.participant_periods;
      UPDATE siyu.participant_periods SET as_of = today WHERE as_of IS DISTINCT FROM today;
      WITH added AS (
        INSERT INTO siyu.participant_periods (period, starts_at, ends_at, as_of)
        SELECT r.period, coalesce(siyu.local_midnight(r.first_day), '-infinity'), coalesce(siyu.local_midnight(r.last_day + 1), 'infinity'), today
        FROM siyu.preset_ranges(today) AS r
        ON CONFLICT (period) DO NOTHING
        RETURNING *),
      paired AS (
        SELECT ROW(a.period, a.starts_at, a.ends_at, a.as_of)::siyu.participant_periods AS target, n.source, n.source_period
        FROM added AS a
        LEFT JOIN LATERAL (
          SELECT ROW(h.period, h.starts_at, h.ends_at, h.as_of)::siyu.participant_periods AS source, h.period AS source_period
          FROM participant_periods_held AS h
          WHERE a.starts_at > '-infinity' AND h.starts_at > '-infinity'
            AND abs(extract(EPOCH FROM h.starts_at - a.starts_at)) + abs(extract(EPOCH FROM h.ends_at - a.ends_at))
                < extract(EPOCH FROM a.ends_at - a.starts_at)
          ORDER BY abs(extract(EPOCH FROM h.starts_at - a.starts_at)) + abs(extract(EPOCH FROM h.ends_at - a.ends_at)), h.period
          LIMIT 1) AS n ON true)
      SELECT ARRAY_AGG(target ORDER BY (target).period) FILTER (WHERE source_period IS NOT NULL),
             ARRAY_AGG(source ORDER BY (target).period) FILTER (WHERE source_period IS NOT NULL),
             ARRAY_AGG((target).period) FILTER (WHERE source_period IS NULL)
      INTO targets, sources, fresh
      FROM paired;
      IF fresh IS NOT NULL THEN
        done := done + siyu.build_period_participants(fresh);
      END IF;
      IF targets IS NOT NULL THEN
        done := done + siyu.shift_period_participants(targets, sources);
      END IF;
      DELETE FROM siyu.participant_periods AS pp
      WHERE NOT EXISTS (SELECT 1 FROM siyu.preset_ranges(today) AS r WHERE r.period = pp.period);
      DELETE FROM siyu.period_participants AS p
      WHERE p.period IN (SELECT h.period FROM participant_periods_held AS h)
        AND NOT EXISTS (SELECT 1 FROM siyu.participant_periods AS pp WHERE pp.period = p.period);
      RETURN done;
    END
  $$;

-- A statement on siyu.participant_conversions: before = the touched
-- customers' rows now, without the statement's new rows, plus its old ones;
-- after = their rows now. Every writer of that table (migration 019's
-- functions) holds the customers' bucket locks already, to its commit, so a
-- second writer of the same customer waits and then reads these rows. A
-- period is not rolled meanwhile: the ROW EXCLUSIVE lock conflicts with the
-- roll-over's EXCLUSIVE. A statement touching more than 5,000 customers (the
-- whole rebuild of migration 019's table, a bulk load) counts every range
-- afresh instead, under an EXCLUSIVE lock.
CREATE FUNCTION siyu.period_participants_on_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      customers integer[];
      new_facts siyu.participation_fact[] := '{}';
      old_facts siyu.participation_fact[] := '{}';
      new_ids integer[] := '{}';
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM siyu.participant_periods) THEN
        RETURN NULL;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        new_facts := ARRAY(
          SELECT ROW(n.customer_id, e.team_id, n.employee_id, n.channel_id, n.campaign_id, n.joined_at, false, true, n.converted, n.invited)::siyu.participation_fact
          FROM new_rows AS n LEFT JOIN siyu.employees AS e ON e.id = n.employee_id);
        new_ids := ARRAY(SELECT n.participation_id FROM new_rows AS n);
      END IF;
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        old_facts := ARRAY(
          SELECT ROW(o.customer_id, e.team_id, o.employee_id, o.channel_id, o.campaign_id, o.joined_at, true, false, o.converted, o.invited)::siyu.participation_fact
          FROM old_rows AS o LEFT JOIN siyu.employees AS e ON e.id = o.employee_id);
      END IF;
      customers := ARRAY(SELECT DISTINCT f.customer_id FROM unnest(new_facts || old_facts) AS f ORDER BY 1);
      IF cardinality(customers) = 0 THEN
        RETURN NULL;
      END IF;
      IF cardinality(customers) > 5000 THEN
        LOCK TABLE siyu.period_participants IN EXCLUSIVE MODE;
        PERFORM siyu.build_period_participants();
        RETURN NULL;
      END IF;
      LOCK TABLE siyu.period_participants IN ROW EXCLUSIVE MODE;
      PERFORM siyu.lock_customer_buckets(customers);
      PERFORM siyu.period_participants_apply(ARRAY(
        SELECT ROW(pc.customer_id, e.team_id, pc.employee_id, pc.channel_id, pc.campaign_id, pc.joined_at, true, true, pc.converted, pc.invited)::siyu.participation_fact
        FROM siyu.participant_conversions AS pc LEFT JOIN siyu.employees AS e ON e.id = pc.employee_id
        WHERE pc.customer_id = ANY (customers) AND pc.participation_id <> ALL (new_ids)
      ) || old_facts || new_facts);
      RETURN NULL;
    END
  $$;
CREATE TRIGGER period_participants_insert AFTER INSERT ON siyu.participant_conversions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_participants_on_change();
CREATE TRIGGER period_participants_update AFTER UPDATE ON siyu.participant_conversions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_participants_on_change();
CREATE TRIGGER period_participants_delete AFTER DELETE ON siyu.participant_conversions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_participants_on_change();

CREATE FUNCTION siyu.period_participants_on_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      TRUNCATE siyu.period_participants;
      RETURN NULL;
    END
  $$;
CREATE TRIGGER period_participants_truncate AFTER TRUNCATE ON siyu.participant_conversions
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_participants_on_truncate();

-- An employee moved to another team takes their participants' rows to it:
-- for every customer with a participation of a moved employee, all their
-- participations, "before" with the old team and "after" with the new.
CREATE FUNCTION siyu.period_participants_on_employee_move() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      customers integer[];
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM new_employees AS n JOIN old_employees AS o ON o.id = n.id WHERE o.team_id IS DISTINCT FROM n.team_id)
         OR NOT EXISTS (SELECT 1 FROM siyu.participant_periods) THEN
        RETURN NULL;
      END IF;
      LOCK TABLE siyu.period_participants IN ROW EXCLUSIVE MODE;
      customers := ARRAY(
        SELECT DISTINCT pc.customer_id
        FROM siyu.participant_conversions AS pc JOIN new_employees AS n ON n.id = pc.employee_id JOIN old_employees AS o ON o.id = n.id
        WHERE o.team_id IS DISTINCT FROM n.team_id
        ORDER BY 1);
      IF cardinality(customers) = 0 THEN
        RETURN NULL;
      END IF;
      PERFORM siyu.lock_customer_buckets(customers);
      PERFORM siyu.period_participants_apply(ARRAY(
        WITH moves AS (
          SELECT n.id AS employee_id, o.team_id AS old_team
          FROM new_employees AS n JOIN old_employees AS o ON o.id = n.id WHERE o.team_id IS DISTINCT FROM n.team_id)
        SELECT ROW(pc.customer_id, side.team_id, pc.employee_id, pc.channel_id, pc.campaign_id, pc.joined_at, side.was, NOT side.was, pc.converted, pc.invited)::siyu.participation_fact
        FROM siyu.participant_conversions AS pc
        LEFT JOIN siyu.employees AS e ON e.id = pc.employee_id
        LEFT JOIN moves AS m ON m.employee_id = pc.employee_id
        CROSS JOIN LATERAL (VALUES (true, CASE WHEN m.employee_id IS NULL THEN e.team_id ELSE m.old_team END), (false, e.team_id)) AS side (was, team_id)
        WHERE pc.customer_id = ANY (customers)));
      RETURN NULL;
    END
  $$;
CREATE TRIGGER period_participants_employee_move AFTER UPDATE ON siyu.employees
  REFERENCING OLD TABLE AS old_employees NEW TABLE AS new_employees FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_participants_on_employee_move();

-- The as-of date is a setting: a statement that changes the settings rolls
-- the table when as-of moved (a no-op otherwise).
CREATE FUNCTION siyu.period_participants_on_settings() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM siyu.roll_period_participants();
      RETURN NULL;
    END
  $$;
CREATE TRIGGER period_participants_as_of AFTER INSERT OR UPDATE OR DELETE ON siyu.settings
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.period_participants_on_settings();

SELECT siyu.roll_period_participants(true);
