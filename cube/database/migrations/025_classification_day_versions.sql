-- A past journey day survives the writes that cannot change it (issue 19:
-- freshness that costs O(change)). A kept day (migration 010) was tagged
-- with the facts' version of the whole brand, so a new order today made
-- every kept day, last month's included, classify every customer again from
-- the raw facts (70–150 s a day at a million customers).
--
-- siyu.customer_classification(day) reads only facts dated on or before
-- the day, each by the date the day counters (migrations 021, 022) count it
-- on:
-- - orders by when they were placed; a refund or a correction of an order is
--   an UPDATE of its row, counted on the order's own day (old and new row),
--   which is the day the paid-order rules read it on;
-- - customers by registration: a customer, their birthday, and the referral
--   they count for their referrer exist on a day only once registered;
-- - follow-ups by when they happened; appointments by when they were booked
--   (an arrival is an UPDATE of the booking's row, counted on its booking
--   day, and a day reads only bookings made by then);
-- - events by when they happened: counted from here on.
-- Every other input reaches all days at once: the classification's rules
-- (the checksum of its definition) and the business time zone (every local
-- date). The as-of date is not one: siyu.classification_on answers as-of
-- from siyu.classification_now, which keeps its own version.
SELECT siyu.track_day_changes('events', 'siyu.local_midnight(siyu.local_date(occurred_at))');

-- The version of one day's classification: the rules, the time zone, and the
-- sum of the day counters of every table the classification reads over the
-- days up to it (the '-infinity' rows, a TRUNCATE's or a bulk load's,
-- included). The counters only grow, so the sum changes exactly when a write
-- reached one of those days; a write dated after the day leaves it as it is.
-- One index range per table over the days' rows: well under a millisecond.
CREATE FUNCTION siyu.classification_day_version(on_day date) RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT CONCAT_WS('/',
      (SELECT 'rules=' || LEFT(checksum, 12) FROM siyu.schema_definitions WHERE name = 'customer_classification'),
      'tz=' || siyu.business_tz(),
      'days=' || (SELECT coalesce(sum(changes), 0) FROM siyu.data_changes_by_day
                  WHERE table_name IN ('orders', 'customers', 'events', 'follow_ups', 'appointments')
                    AND day_start <= siyu.local_midnight(on_day)))
  $$;

-- As migration 010 wrote it, each day tagged with its own version.
CREATE OR REPLACE FUNCTION siyu.classification_on(on_day date)
  RETURNS TABLE (customer_id integer, lifecycle_stage text, rfm_segment text, aipl_stage text, five_a_stage text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, siyu
  ROWS 100000
  AS $$
    DECLARE
      wanted text;
      started timestamptz;
    BEGIN
      IF on_day = siyu.as_of() THEN
        -- Brought up to date the way every other reader of it does.
        PERFORM siyu.classification_now_version();
        RETURN QUERY SELECT now_row.customer_id, now_row.lifecycle_stage, now_row.rfm_segment, now_row.aipl_stage, now_row.five_a_stage
          FROM siyu.classification_now AS now_row;
        RETURN;
      END IF;
      wanted := siyu.classification_day_version(on_day);
      IF NOT EXISTS (SELECT 1 FROM siyu.classification_day_builds AS b WHERE b.day = on_day AND b.version = wanted) THEN
        PERFORM pg_advisory_xact_lock(hashtext('siyu.classification_on'), on_day - DATE '2000-01-01');
        -- Read again: whoever held the lock may have built it meanwhile.
        wanted := siyu.classification_day_version(on_day);
        IF NOT EXISTS (SELECT 1 FROM siyu.classification_day_builds AS b WHERE b.day = on_day AND b.version = wanted) THEN
          started := clock_timestamp();
          DELETE FROM siyu.classification_day_builds AS b WHERE b.day = on_day;
          -- Facts written while it is built make the next call build again:
          -- the version recorded is the one read before the build.
          INSERT INTO siyu.classification_day_builds (day, version, built_at, took_ms) VALUES (on_day, wanted, now(), 0);
          INSERT INTO siyu.classification_day_rows (day, customer_id, lifecycle_stage, rfm_segment, aipl_stage, five_a_stage)
            SELECT on_day, c.customer_id, c.lifecycle_stage, c.rfm_segment, c.aipl_stage, c.five_a_stage
            FROM siyu.customer_classification(on_day) AS c;
          UPDATE siyu.classification_day_builds AS b
            SET took_ms = (EXTRACT(EPOCH FROM clock_timestamp() - started) * 1000)::integer
            WHERE b.day = on_day;
          DELETE FROM siyu.classification_day_builds AS b
            WHERE b.day NOT IN (SELECT k.day FROM siyu.classification_day_builds AS k ORDER BY k.built_at DESC, k.day DESC LIMIT siyu.classification_days_kept());
        END IF;
      END IF;
      RETURN QUERY SELECT r.customer_id, r.lifecycle_stage, r.rfm_segment, r.aipl_stage, r.five_a_stage
        FROM siyu.classification_day_rows AS r WHERE r.day = on_day;
    END
  $$;
