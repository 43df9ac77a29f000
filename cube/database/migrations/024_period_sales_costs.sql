-- The period table's costs (issue 19, docs/performance.md, "The period table
-- for the presets"): migration 018 built it range by range with a
-- COUNT(DISTINCT) per slice (twelve sorts of each range's rows, 32 ranges),
-- shifted each new range of a roll-over on its own, summed a changed
-- customer's cells in every range, and named each cell's slice through a
-- SQL function that was not inlined. Same table, same answers; these
-- functions replace 018's.

-- Inlined (not STRICT, one expression): GROUPING(team_id, employee_id,
-- channel_id, campaign_id) → the slice's name.
CREATE OR REPLACE FUNCTION siyu.period_slice(grouping_bits integer) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT (ARRAY['team,employee,channel,campaign', 'team,employee,channel', 'team,employee,campaign', 'team,employee',
                  'team,channel,campaign', 'team,channel', 'team,campaign', 'team',
                  'employee,channel,campaign', 'employee,channel', 'employee,campaign', 'employee',
                  'channel,campaign', 'channel', 'campaign', 'brand'])[grouping_bits + 1]
  $$;

-- An order's change touches the brand's, its team's and its employee's rows
-- of every range holding its day: room on each page for the new version
-- keeps those updates HOT (no new index entry per order).
ALTER TABLE siyu.period_sales SET (fillfactor = 70);

-- The ranges a build or a shift works on, numbered: one bit each in a
-- bigint mask (this transaction's own table).
CREATE FUNCTION siyu.period_sales_scratch() RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      CREATE TEMPORARY TABLE IF NOT EXISTS period_bits (
        bit integer, period text, starts_at timestamptz, ends_at timestamptz, was_starts timestamptz, was_ends timestamptz
      ) ON COMMIT DROP;
      TRUNCATE period_bits;
    END
  $$;

-- The change a set of facts makes to the ranges of period_bits, per range,
-- slice and slice value: without a COUNT(DISTINCT) and without a pass per
-- range. Per slice, each customer's rows are folded into one per slice value
-- (the OR of their masks: the ranges they bought in, before and now); per
-- value and pair of masks the customers are counted, and a pair adds its
-- count to the ranges whose bit it gained and takes it from those it lost,
-- as one vector of per-range counts per slice value (no row per range and
-- pair: millions). The sums need no customer: per value and pair of masks,
-- added to each range whose bit differs. `facts` is a query of
-- customer-day rows summed per customer, slice columns and the masks of the
-- ranges their days were in ("was") and are in ("now"): customer_id,
-- team_id, employee_id, channel_id, campaign_id, was, now, orders, cents
-- (the amount in cents: bigint sums). A build has "was" 0. One statement,
-- its steps in memory (CTEs; a temporary table's scans went through 8 MB of
-- local buffers, twenty-four times).
CREATE FUNCTION siyu.period_sales_deltas(facts text) RETURNS SETOF siyu.period_sales
  LANGUAGE plpgsql
  AS $$
    DECLARE
      sets constant text[] := ARRAY['', 'channel_id', 'campaign_id', 'channel_id,campaign_id',
        'team_id', 'team_id,channel_id', 'team_id,campaign_id', 'team_id,channel_id,campaign_id',
        'team_id,employee_id', 'team_id,employee_id,channel_id', 'team_id,employee_id,campaign_id',
        'team_id,employee_id,channel_id,campaign_id'];
      cols text;
      keys text;
      buyers text[] := '{}';
      sums text[] := '{}';
      width integer := (SELECT max(bit) + 1 FROM period_bits);
      moved text;
    BEGIN
      IF width IS NULL THEN
        RETURN;
      END IF;
      FOREACH cols IN ARRAY sets LOOP
        SELECT string_agg(CASE WHEN c = ANY (string_to_array(cols, ',')) THEN c ELSE 'NULL::integer' END, ', ' ORDER BY o)
        INTO keys
        FROM unnest(ARRAY['team_id', 'employee_id', 'channel_id', 'campaign_id']) WITH ORDINALITY AS k (c, o);
        buyers := buyers || format(
          'SELECT %1$L, %2$s, was, now, count(*) FROM (SELECT customer_id %3$s, bit_or(was) AS was, bit_or(now) AS now
           FROM folded GROUP BY customer_id %3$s) AS c WHERE was <> now GROUP BY 1, 2, 3, 4, 5, 6, 7',
          coalesce(nullif(replace(cols, '_id', ''), ''), 'brand'), keys, CASE WHEN cols = '' THEN '' ELSE ', ' || cols END);
        sums := sums || format('SELECT %1$L, %2$s, was, now, sum(orders)::bigint, sum(cents)::bigint FROM fine GROUP BY 1, 2, 3, 4, 5, 6, 7',
          coalesce(nullif(replace(cols, '_id', ''), ''), 'brand'), keys);
      END LOOP;
      -- (bit i of now) - (bit i of was), for i below width: the sign a pair of masks gives range i.
      SELECT string_agg(format('((now >> %1$s) & 1) - ((was >> %1$s) & 1)', i), '|' ORDER BY i) INTO moved
      FROM generate_series(0, width - 1) AS i;
      RETURN QUERY EXECUTE format(
        'WITH facts AS MATERIALIZED (%4$s),
         folded AS MATERIALIZED (
           SELECT customer_id, team_id, employee_id, channel_id, campaign_id, bit_or(was) AS was, bit_or(now) AS now
           FROM facts GROUP BY 1, 2, 3, 4, 5),
         fine AS MATERIALIZED (
           SELECT team_id, employee_id, channel_id, campaign_id, was, now, sum(orders)::bigint AS orders, sum(cents)::bigint AS cents
           FROM facts WHERE was <> now GROUP BY 1, 2, 3, 4, 5, 6),
         b (slice, team_id, employee_id, channel_id, campaign_id, was, now, n) AS (%1$s),
         s (slice, team_id, employee_id, channel_id, campaign_id, was, now, orders, cents) AS (%2$s),
         vb AS (SELECT slice, team_id, employee_id, channel_id, campaign_id, ARRAY[%3$s] AS v FROM b GROUP BY 1, 2, 3, 4, 5),
         moves AS (
           SELECT m.was, m.now, pb.bit, (((m.now >> pb.bit) & 1) - ((m.was >> pb.bit) & 1))::integer AS sign
           FROM (SELECT DISTINCT was, now FROM fine) AS m JOIN period_bits AS pb ON ((m.was # m.now) >> pb.bit) & 1 = 1),
         cells (bit, slice, team_id, employee_id, channel_id, campaign_id, buyers, orders, cents) AS (
           SELECT mv.bit, s.slice, s.team_id, s.employee_id, s.channel_id, s.campaign_id, 0::bigint, mv.sign * s.orders, mv.sign * s.cents
           FROM s JOIN moves AS mv ON mv.was = s.was AND mv.now = s.now
           UNION ALL
           SELECT x.k - 1, vb.slice, vb.team_id, vb.employee_id, vb.channel_id, vb.campaign_id, x.v::bigint, 0, 0
           FROM vb CROSS JOIN LATERAL unnest(vb.v) WITH ORDINALITY AS x (v, k) WHERE x.v <> 0)
         SELECT pb.period, c.slice, c.team_id, c.employee_id, c.channel_id, c.campaign_id,
                sum(c.buyers)::integer, sum(c.orders)::integer, (sum(c.cents) / 100.0)::numeric(16, 2)
         FROM cells AS c JOIN period_bits AS pb ON pb.bit = c.bit
         GROUP BY 1, 2, 3, 4, 5, 6
         HAVING sum(c.buyers) <> 0 OR sum(c.orders) <> 0 OR sum(c.cents) <> 0',
        array_to_string(buyers, ' UNION ALL '), array_to_string(sums, ' UNION ALL '),
        (SELECT string_agg(format('sum(n * (%s))', m), ', ' ORDER BY o) FROM unnest(string_to_array(moved, '|')) WITH ORDINALITY AS t (m, o)),
        facts);
    END
  $$;

-- Adds signed rows to the table and removes the rows left with no buyer
-- (by their address, as migration 018's apply does).
CREATE FUNCTION siyu.period_sales_merge(deltas siyu.period_sales[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    DECLARE
      emptied tid[];
    BEGIN
      WITH upserted AS (
        INSERT INTO siyu.period_sales AS ps
        SELECT * FROM UNNEST(deltas) ORDER BY period, slice, team_id, employee_id, channel_id, campaign_id
        ON CONFLICT ON CONSTRAINT period_sales_key DO UPDATE
          SET buyers = ps.buyers + EXCLUDED.buyers,
              paid_orders = ps.paid_orders + EXCLUDED.paid_orders,
              paid_amount = ps.paid_amount + EXCLUDED.paid_amount
        RETURNING ps.ctid AS address, ps.buyers)
      SELECT ARRAY_AGG(address) FILTER (WHERE buyers = 0) INTO emptied FROM upserted;
      IF emptied IS NOT NULL THEN
        DELETE FROM siyu.period_sales WHERE ctid = ANY (emptied);
      END IF;
    END
  $$;

-- Builds the given ranges' rows from the customer-day table (all the
-- table's ranges when null), 62 ranges at a time (one bit each): one pass
-- over the customer-day rows of the days they cover, whatever their number.
CREATE OR REPLACE FUNCTION siyu.build_period_sales(periods text[] DEFAULT NULL) RETURNS bigint
  LANGUAGE plpgsql
  SET work_mem = '256MB'
  AS $$
    DECLARE
      built bigint := 0;
      added bigint;
      chunk integer := 0;
      lo timestamptz;
      hi timestamptz;
    BEGIN
      DELETE FROM siyu.period_sales WHERE periods IS NULL OR period = ANY (periods);
      LOOP
        PERFORM siyu.period_sales_scratch();
        INSERT INTO period_bits (bit, period, starts_at, ends_at)
        SELECT (row_number() OVER (ORDER BY s.period) - 1)::integer, s.period, s.starts_at, s.ends_at
        FROM (SELECT * FROM siyu.sales_periods WHERE periods IS NULL OR period = ANY (periods) ORDER BY period OFFSET chunk * 62 LIMIT 62) AS s;
        EXIT WHEN NOT FOUND;
        SELECT min(starts_at), max(ends_at) INTO lo, hi FROM period_bits;
        -- Literal bounds: a short range reads its days through the BRIN index, all time the whole table.
        INSERT INTO siyu.period_sales
        SELECT * FROM siyu.period_sales_deltas(format(
          'SELECT cd.customer_id, e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id, 0::bigint AS was, d.mask AS now,
                  cd.paid_orders AS orders, (cd.paid_amount * 100)::bigint AS cents
           FROM siyu.customer_days AS cd
           JOIN (SELECT days.day_start, bit_or(1::bigint << b.bit) AS mask
                 FROM (SELECT DISTINCT day_start FROM siyu.customer_days WHERE day_start >= %1$L AND day_start < %2$L) AS days
                 JOIN period_bits AS b ON days.day_start >= b.starts_at AND days.day_start < b.ends_at
                 GROUP BY 1) AS d ON d.day_start = cd.day_start
           LEFT JOIN siyu.employees AS e ON e.id = cd.employee_id
           WHERE cd.day_start >= %1$L AND cd.day_start < %2$L', lo, hi));
        GET DIAGNOSTICS added = ROW_COUNT;
        built := built + added;
        chunk := chunk + 1;
      END LOOP;
      RETURN built;
    END
  $$;

-- New ranges from held ones they overlap, all at once: `pairs` names each
-- new range and the held range it starts from. The held rows are copied
-- under the new keys; then only the customers with a row on a day in one
-- range of a pair and not the other can count differently, and only in
-- that pair: their rows in such pairs' ranges are the facts ("was": in the
-- held range, "now": in the new), and the change they make is added.
CREATE FUNCTION siyu.shift_period_sales(pairs siyu.sales_periods[], sources siyu.sales_periods[]) RETURNS bigint
  LANGUAGE plpgsql
  SET work_mem = '256MB'
  AS $$
    DECLARE
      copied bigint;
      lo timestamptz;
      hi timestamptz;
    BEGIN
      INSERT INTO siyu.period_sales
      SELECT t.period, ps.slice, ps.team_id, ps.employee_id, ps.channel_id, ps.campaign_id, ps.buyers, ps.paid_orders, ps.paid_amount
      FROM generate_series(1, cardinality(pairs)) AS k
      CROSS JOIN LATERAL (SELECT (pairs[k]).period) AS t (period)
      JOIN siyu.period_sales AS ps ON ps.period = (sources[k]).period;
      GET DIAGNOSTICS copied = ROW_COUNT;

      FOR chunk IN 0 .. (cardinality(pairs) - 1) / 62 LOOP
        PERFORM siyu.period_sales_scratch();
        INSERT INTO period_bits
        SELECT k - 1 - chunk * 62, (pairs[k]).period, (pairs[k]).starts_at, (pairs[k]).ends_at, (sources[k]).starts_at, (sources[k]).ends_at
        FROM generate_series(chunk * 62 + 1, least(cardinality(pairs), (chunk + 1) * 62)) AS k;
        SELECT least(min(starts_at), min(was_starts)), greatest(max(ends_at), max(was_ends)) INTO lo, hi FROM period_bits;
        PERFORM siyu.period_sales_merge(ARRAY(SELECT d FROM siyu.period_sales_deltas(format(
          'WITH days AS (
             SELECT days.day_start,
                    bit_or(CASE WHEN days.day_start >= b.was_starts AND days.day_start < b.was_ends THEN 1::bigint << b.bit ELSE 0 END) AS was,
                    bit_or(CASE WHEN days.day_start >= b.starts_at AND days.day_start < b.ends_at THEN 1::bigint << b.bit ELSE 0 END) AS now
             FROM (SELECT DISTINCT day_start FROM siyu.customer_days WHERE day_start >= %1$L AND day_start < %2$L) AS days
             CROSS JOIN period_bits AS b
             GROUP BY 1),
           touched AS (
             SELECT cd.customer_id, bit_or(d.was # d.now) AS pairs
             FROM siyu.customer_days AS cd JOIN days AS d ON d.day_start = cd.day_start
             WHERE d.was <> d.now AND cd.day_start = ANY (ARRAY(SELECT day_start FROM days WHERE was <> now))
             GROUP BY 1)
           SELECT cd.customer_id, e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id,
                  d.was & t.pairs AS was, d.now & t.pairs AS now, SUM(cd.paid_orders) AS orders, (SUM(cd.paid_amount) * 100)::bigint AS cents
           FROM touched AS t
           JOIN siyu.customer_days AS cd ON cd.customer_id = t.customer_id
           JOIN days AS d ON d.day_start = cd.day_start
           LEFT JOIN siyu.employees AS e ON e.id = cd.employee_id
           WHERE (d.was | d.now) & t.pairs <> 0
           GROUP BY 1, 2, 3, 4, 5, 6, 7', lo, hi)) AS d));
      END LOOP;
      RETURN copied;
    END
  $$;
DROP FUNCTION siyu.shift_period_sales(siyu.sales_periods, siyu.sales_periods);

-- Migration 018's roll-over with the new ranges built in two statements:
-- the shifted ones together (shift_period_sales above), the others (today's,
-- a range no held one is near) together (build_period_sales). Which held
-- range a new one starts from is 018's rule.
CREATE OR REPLACE FUNCTION siyu.roll_period_sales(whole boolean DEFAULT false) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      today date := siyu.as_of();
      done bigint := 0;
      targets siyu.sales_periods[];
      sources siyu.sales_periods[];
      fresh text[];
    BEGIN
      IF NOT whole AND EXISTS (SELECT 1 FROM siyu.sales_periods)
         AND NOT EXISTS (SELECT 1 FROM siyu.sales_periods WHERE as_of IS DISTINCT FROM today) THEN
        RETURN 0;
      END IF;
      LOCK TABLE siyu.period_sales IN EXCLUSIVE MODE;
      IF whole THEN
        TRUNCATE siyu.period_sales;
        DELETE FROM siyu.sales_periods;
      END IF;
      CREATE TEMPORARY TABLE IF NOT EXISTS period_sales_held (LIKE siyu.sales_periods) ON COMMIT DROP;
      TRUNCATE period_sales_held;
      INSERT INTO period_sales_held SELECT * FROM siyu.sales_periods;
      UPDATE siyu.sales_periods SET as_of = today WHERE as_of IS DISTINCT FROM today;
      WITH added AS (
        INSERT INTO siyu.sales_periods (period, starts_at, ends_at, as_of)
        SELECT r.period, coalesce(siyu.local_midnight(r.first_day), '-infinity'), coalesce(siyu.local_midnight(r.last_day + 1), 'infinity'), today
        FROM siyu.preset_ranges(today) AS r
        ON CONFLICT (period) DO NOTHING
        RETURNING *),
      paired AS (
        SELECT ROW(a.period, a.starts_at, a.ends_at, a.as_of)::siyu.sales_periods AS target, n.source, n.source_period
        FROM added AS a
        LEFT JOIN LATERAL (
          SELECT ROW(h.period, h.starts_at, h.ends_at, h.as_of)::siyu.sales_periods AS source, h.period AS source_period
          FROM period_sales_held AS h
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
        done := done + siyu.build_period_sales(fresh);
      END IF;
      IF targets IS NOT NULL THEN
        done := done + siyu.shift_period_sales(targets, sources);
      END IF;
      DELETE FROM siyu.sales_periods AS sp
      WHERE NOT EXISTS (SELECT 1 FROM siyu.preset_ranges(today) AS r WHERE r.period = sp.period);
      DELETE FROM siyu.period_sales AS ps
      WHERE ps.period IN (SELECT h.period FROM period_sales_held AS h)
        AND NOT EXISTS (SELECT 1 FROM siyu.sales_periods AS sp WHERE sp.period = ps.period);
      RETURN done;
    END
  $$;

-- Migration 018's per-change apply, cut to what can change: a customer's
-- cells move only in the ranges holding a day of their change (elsewhere
-- their before and after are the same rows), so the other ranges are not
-- summed, and the changed cells go through period_sales_merge.
CREATE OR REPLACE FUNCTION siyu.period_sales_apply(facts siyu.period_fact[], target text DEFAULT NULL) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF cardinality(facts) = 0 THEN
        RETURN;
      END IF;
      PERFORM siyu.period_sales_merge(ARRAY(
        SELECT ROW(c.period, siyu.period_slice(c.g), c.team_id, c.employee_id, c.channel_id, c.campaign_id,
                   SUM((c.now_orders > 0)::int - (c.was_orders > 0)::int)::int,
                   SUM(c.now_orders - c.was_orders)::int, SUM(c.now_amount - c.was_amount))::siyu.period_sales
        FROM (
          SELECT p.period, f.customer_id, f.team_id, f.employee_id, f.channel_id, f.campaign_id,
                 GROUPING(f.team_id, f.employee_id, f.channel_id, f.campaign_id) AS g,
                 SUM(f.was_orders) AS was_orders, SUM(f.now_orders) AS now_orders,
                 SUM(f.was_amount) AS was_amount, SUM(f.now_amount) AS now_amount
          FROM UNNEST(facts) AS f
          JOIN siyu.sales_periods AS p
            ON CASE WHEN target IS NULL THEN f.day_start >= p.starts_at AND f.day_start < p.ends_at ELSE p.period = target END
          WHERE (f.customer_id, p.period) IN (
            SELECT ch.customer_id, cp.period
            FROM UNNEST(facts) AS ch
            JOIN siyu.sales_periods AS cp
              ON CASE WHEN target IS NULL THEN ch.day_start >= cp.starts_at AND ch.day_start < cp.ends_at ELSE cp.period = target END
            WHERE ch.was_orders IS DISTINCT FROM ch.now_orders OR ch.was_amount IS DISTINCT FROM ch.now_amount
)
          GROUP BY p.period, f.customer_id, GROUPING SETS (
            (), (f.channel_id), (f.campaign_id), (f.channel_id, f.campaign_id),
            (f.team_id), (f.team_id, f.channel_id), (f.team_id, f.campaign_id), (f.team_id, f.channel_id, f.campaign_id),
            (f.team_id, f.employee_id), (f.team_id, f.employee_id, f.channel_id), (f.team_id, f.employee_id, f.campaign_id),
            (f.team_id, f.employee_id, f.channel_id, f.campaign_id))
        ) AS c
        GROUP BY c.period, c.g, c.team_id, c.employee_id, c.channel_id, c.campaign_id
        HAVING SUM((c.now_orders > 0)::int - (c.was_orders > 0)::int) <> 0 OR SUM(c.now_orders - c.was_orders) <> 0
            OR SUM(c.now_amount - c.was_amount) <> 0));
    END
  $$;
