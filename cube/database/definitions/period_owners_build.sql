-- after: 026 (migration 027, which creates siyu.owner_periods and
-- siyu.period_owners, is its first caller; PL/pgSQL resolves them when
-- called)
--
-- Builds the given ranges' rows from the customer-day table (all of
-- siyu.owner_periods when null) in one pass over the days they cover, 62
-- ranges at a time (one bit each of a bigint mask; the presets give 32-34).
-- Each day gets the mask of the ranges holding it. Per customer and
-- channel/campaign cut, the days in order: the customer bought in range i
-- when a day's mask has bit i ("once": the OR of the masks), and bought
-- twice in range i when one day holds two paid orders there or two of their
-- days both lie in it; ranges are runs of days, so two such days exist
-- exactly when two consecutive ones of the customer's days do ("twice": the
-- OR of each day's mask with the one before, lag()). The customers are then
-- counted per owner, team or brand and cut, and pair of masks, as one vector
-- of per-range counts (no row per range and customer; no COUNT(DISTINCT)).
-- The owner and team are the customer's, so a customer is one row of each
-- cut.
CREATE OR REPLACE FUNCTION siyu.build_period_owners(periods text[] DEFAULT NULL) RETURNS bigint
  LANGUAGE plpgsql
  SET work_mem = '256MB'
  AS $$
    DECLARE
      built bigint := 0;
      added bigint;
      chunk integer := 0;
      width integer;
      lo timestamptz;
      hi timestamptz;
      once_sums text;
      twice_sums text;
      cuts text;
    BEGIN
      DELETE FROM siyu.period_owners WHERE periods IS NULL OR period = ANY (periods);
      IF to_regclass('pg_temp.period_owner_bits') IS NULL THEN
        CREATE TEMPORARY TABLE period_owner_bits (bit integer, period text, starts_at timestamptz, ends_at timestamptz) ON COMMIT DROP;
      END IF;
      LOOP
        TRUNCATE period_owner_bits;
        INSERT INTO period_owner_bits
        SELECT (row_number() OVER (ORDER BY o.period) - 1)::integer, o.period, o.starts_at, o.ends_at
        FROM (SELECT * FROM siyu.owner_periods WHERE periods IS NULL OR period = ANY (periods) ORDER BY period OFFSET chunk * 62 LIMIT 62) AS o;
        EXIT WHEN NOT FOUND;
        SELECT count(*), min(starts_at), max(ends_at) INTO width, lo, hi FROM period_owner_bits;
        -- GROUPING(channel_id, campaign_id) of each cut: 3 none, 1 channel, 2 campaign, 0 both.
        SELECT string_agg(format(
                 'SELECT customer_id, %1$s, %2$s, bit_or(mask), bit_or(CASE WHEN orders >= 2 THEN mask ELSE mask & prev END)
                  FROM (SELECT x.*, lag(x.mask, 1, 0::bigint) OVER (PARTITION BY customer_id%3$s ORDER BY day_start) AS prev
                        FROM (SELECT cd.customer_id%4$s, cd.day_start, max(d.mask) AS mask, sum(cd.paid_orders) AS orders
                              FROM siyu.customer_days AS cd JOIN days AS d ON d.day_start = cd.day_start
                              WHERE cd.day_start >= %5$L AND cd.day_start < %6$L
                              GROUP BY cd.customer_id%4$s, cd.day_start) AS x) AS w
                  GROUP BY customer_id%3$s',
                 c.g, c.cols, c.part, c.part_cd, lo, hi), ' UNION ALL ' ORDER BY c.g DESC)
        INTO cuts
        FROM (VALUES (3, 'NULL::integer, NULL::integer', '', ''), (1, 'channel_id, NULL::integer', ', channel_id', ', cd.channel_id'),
                     (2, 'NULL::integer, campaign_id', ', campaign_id', ', cd.campaign_id'),
                     (0, 'channel_id, campaign_id', ', channel_id, campaign_id', ', cd.channel_id, cd.campaign_id')) AS c (g, cols, part, part_cd);
        SELECT string_agg(format('sum(n * ((once >> %s) & 1))', i), ', ' ORDER BY i),
               string_agg(format('sum(n * ((twice >> %s) & 1))', i), ', ' ORDER BY i)
        INTO once_sums, twice_sums
        FROM generate_series(0, width - 1) AS i;
        -- Literal bounds: a short range reads its days through the BRIN index, all time the whole table.
        EXECUTE format($q$
          WITH days AS (
            SELECT d.day_start, bit_or(1::bigint << b.bit) AS mask
            FROM (SELECT DISTINCT day_start FROM siyu.customer_days WHERE day_start >= %1$L AND day_start < %2$L) AS d
            JOIN period_owner_bits AS b ON d.day_start >= b.starts_at AND d.day_start < b.ends_at
            GROUP BY 1),
          -- Each cut on its own: its days in order per customer and cut value (one sort of the rows,
          -- not of four times as many as one GROUPING SETS gives), then folded.
          folded (customer_id, g, channel_id, campaign_id, once, twice) AS (
            %5$s),
          counted AS (
            SELECT f.g, f.channel_id, f.campaign_id, e.team_id, c.owner_employee_id AS owner_id, f.once, f.twice, count(*) AS n
            FROM folded AS f JOIN siyu.customers AS c ON c.id = f.customer_id LEFT JOIN siyu.employees AS e ON e.id = c.owner_employee_id
            GROUP BY 1, 2, 3, 4, 5, 6, 7),
          vectors AS (
            SELECT GROUPING(team_id, owner_id) * 4 + g AS bits, team_id, owner_id, channel_id, campaign_id,
                   ARRAY[%3$s] AS once, ARRAY[%4$s] AS twice
            FROM counted
            GROUP BY g, channel_id, campaign_id, GROUPING SETS ((), (team_id), (team_id, owner_id)))
          INSERT INTO siyu.period_owners
          SELECT b.period, siyu.period_owner_slice(v.bits), v.team_id, v.owner_id, v.channel_id, v.campaign_id, v.once[b.bit + 1], v.twice[b.bit + 1]
          FROM vectors AS v JOIN period_owner_bits AS b ON v.once[b.bit + 1] > 0$q$,
          lo, hi, once_sums, twice_sums, cuts);
        GET DIAGNOSTICS added = ROW_COUNT;
        built := built + added;
        chunk := chunk + 1;
      END LOOP;
      RETURN built;
    END
  $$;
