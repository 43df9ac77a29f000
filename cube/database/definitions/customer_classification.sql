-- after: 005 (it reads the facts, siyu.paid_orders and siyu.local_date; the
-- as-of table siyu.classification_now, migrations 009 and 026, is built and
-- kept with it)
--
-- The per-customer classification as of any day, written once: the
-- customer_profiles cube reads it at siyu.as_of() (kept as the table
-- siyu.classification_now), and the journey flows (customer_journeys,
-- siyu.classification_on) at the two days a person compares. Only facts on
-- or before the day count, the customer's registration included: a customer
-- registered later did not exist yet on that day. The definitions are in
-- docs/metric-catalogue.md (lifecycle, RFM, AIPL, 5A, value quadrant and the
-- action lists).
--
-- The rules come in four parts, each written once here, so that the whole
-- classification of a day (siyu.customer_classification, below) and the
-- as-of table kept up to date customer by customer (migration 026) apply the
-- same text:
-- 1. siyu.classification_inputs(day, customers): what each customer's facts
--    add up to by the day (orders, points, referrals, bookings, contacts);
--    every customer, or only the listed ones (a write's customers);
-- 2. siyu.classification_thresholds(...): the brand-wide thresholds (RFM's
--    means over buyers, the value quadrant's medians over all customers)
--    from sums and histograms of those inputs, which migration 026 keeps
--    from each write's old and new inputs instead of reading every customer;
-- 3. siyu.classification_stages(inputs, thresholds): one customer's stages
--    and action flags;
-- 4. siyu.customer_classification(day): the three together over every
--    customer.
--
-- Changing a rule is an edit of this file: the migrator applies it again,
-- and siyu.classification_version() carries this file's checksum, so the
-- as-of table (rebuilt whole when the checksum changed), the kept journey
-- days and every rollup keyed on the version follow the new rule even when
-- no fact changed. The signatures stay: a change of the columns needs a
-- versioned migration (the as-of table has the columns of
-- siyu.customer_classification).
--
-- 高价值客户流失预警 (high_value_slipping) means slipping, not lost: a
-- high-value customer (M high: paid amount above the mean over buyers, the 重要
-- half of RFM) whose last paid order is 45–120 days before as-of (migration
-- 011; before it, 重要保持 or 重要挽留, which in a brand where most buyers have
-- gone quiet listed customers silent for well over a year).

-- 1. Each customer's inputs as of a day: only_customers NULL for every
-- customer registered by then, or the customers listed (each fact table is
-- read through its customer index).
CREATE OR REPLACE FUNCTION siyu.classification_inputs(as_of_date date, only_customers integer[])
  RETURNS TABLE (
  customer_id integer, as_of date, paid_orders bigint, paid_amount numeric,
  first_paid_date date, last_paid_date date, first_category text,
  days_since_first_order integer, recency_days integer,
  engaged boolean, asked boolean, appealed boolean, shared boolean,
  activity_points bigint, value_points numeric, referred_customers bigint,
  missed_date date, last_contact_date date, days_to_birthday integer
  )
  LANGUAGE sql STABLE
  AS $$
    WITH params AS (
      SELECT as_of_date AS as_of
    ),
    paid AS (
      SELECT paid_order.customer_id,
             COUNT(*) AS paid_orders,
             SUM(paid_order.amount) AS paid_amount,
             MIN(siyu.local_date(paid_order.ordered_at)) AS first_paid_date,
             MAX(siyu.local_date(paid_order.ordered_at)) AS last_paid_date,
             (ARRAY_AGG(paid_order.category
                        ORDER BY paid_order.ordered_at, paid_order.id))[1]
               AS first_category
      FROM siyu.paid_orders AS paid_order
      CROSS JOIN params
      WHERE siyu.local_date(paid_order.ordered_at) <= params.as_of
        AND (only_customers IS NULL OR paid_order.customer_id = ANY (only_customers))
      GROUP BY paid_order.customer_id
    ),
    engagement AS (
      SELECT event.customer_id,
             BOOL_OR(event.type IN ('view', 'like', 'comment', 'share',
                                    'consult', 'booking')) AS engaged,
             BOOL_OR(event.type IN ('consult', 'booking')) AS asked,
             BOOL_OR(event.type IN ('view', 'like', 'comment')) AS appealed,
             BOOL_OR(event.type = 'share') AS shared,
             SUM(CASE event.type
                   WHEN 'register' THEN 10
                   WHEN 'view' THEN 1
                   WHEN 'like' THEN 1
                   WHEN 'comment' THEN 2
                   WHEN 'share' THEN 5
                   WHEN 'consult' THEN 3
                   WHEN 'booking' THEN 5
                   WHEN 'visit' THEN 5
                   ELSE 0
                 END) AS activity_points
      FROM siyu.events AS event
      CROSS JOIN params
      WHERE siyu.local_date(event.occurred_at) <= params.as_of
        AND (only_customers IS NULL OR event.customer_id = ANY (only_customers))
      GROUP BY event.customer_id
    ),
    referrals AS (
      SELECT referred.referred_by_customer_id AS customer_id,
             COUNT(*) AS referred_customers
      FROM siyu.customers AS referred
      CROSS JOIN params
      WHERE referred.referred_by_customer_id IS NOT NULL
        AND siyu.local_date(referred.registered_at) <= params.as_of
        AND (only_customers IS NULL OR referred.referred_by_customer_id = ANY (only_customers))
      GROUP BY referred.referred_by_customer_id
    ),
    missed AS (
      SELECT appointment.customer_id,
             MAX(siyu.local_date(appointment.scheduled_for)) AS missed_date
      FROM siyu.appointments AS appointment
      CROSS JOIN params
      WHERE siyu.local_date(appointment.booked_at) <= params.as_of
        AND (appointment.arrived_at IS NULL
             OR siyu.local_date(appointment.arrived_at) > params.as_of)
        AND params.as_of - siyu.local_date(appointment.scheduled_for)
            BETWEEN 1 AND 14
        AND (only_customers IS NULL OR appointment.customer_id = ANY (only_customers))
      GROUP BY appointment.customer_id
    ),
    contacts AS (
      SELECT follow_up.customer_id,
             MAX(siyu.local_date(follow_up.occurred_at)) AS last_contact_date
      FROM siyu.follow_ups AS follow_up
      CROSS JOIN params
      WHERE siyu.local_date(follow_up.occurred_at) <= params.as_of
        AND (only_customers IS NULL OR follow_up.customer_id = ANY (only_customers))
      GROUP BY follow_up.customer_id
    ),
    base AS (
      SELECT customer.id AS customer_id,
             params.as_of,
             COALESCE(paid.paid_orders, 0) AS paid_orders,
             COALESCE(paid.paid_amount, 0) AS paid_amount,
             paid.first_paid_date,
             paid.last_paid_date,
             paid.first_category,
             params.as_of - paid.first_paid_date AS days_since_first_order,
             params.as_of - paid.last_paid_date AS recency_days,
             COALESCE(engagement.engaged, FALSE) AS engaged,
             COALESCE(engagement.asked, FALSE) AS asked,
             COALESCE(engagement.appealed, FALSE) AS appealed,
             COALESCE(engagement.shared, FALSE) AS shared,
             COALESCE(engagement.activity_points, 0) AS activity_points,
             FLOOR(COALESCE(paid.paid_amount, 0) / 10) AS value_points,
             COALESCE(referrals.referred_customers, 0)
               AS referred_customers,
             missed.missed_date,
             contacts.last_contact_date,
             siyu.next_birthday(customer.birthday, params.as_of)
               - params.as_of AS days_to_birthday
      FROM siyu.customers AS customer
      CROSS JOIN params
      LEFT JOIN paid ON paid.customer_id = customer.id
      LEFT JOIN engagement ON engagement.customer_id = customer.id
      LEFT JOIN referrals ON referrals.customer_id = customer.id
      LEFT JOIN contacts ON contacts.customer_id = customer.id
      LEFT JOIN missed ON missed.customer_id = customer.id
      WHERE siyu.local_date(customer.registered_at) <= params.as_of
        AND (only_customers IS NULL OR customer.id = ANY (only_customers))
    )

    SELECT * FROM base
  $$;

-- The median of a histogram (distinct values and how many customers have
-- each) exactly as PERCENTILE_CONT(0.5) gives it over the customers' values
-- as double precision: with n values sorted, the value at 0-based position
-- floor(0.5 * (n - 1)), moved towards the next one by the fraction left
-- (PostgreSQL's percentile_cont_final_common and float8 lerp: lo + f * (hi
-- - lo)). NULL for no values. O(distinct values), not a sort of every
-- customer.
CREATE OR REPLACE FUNCTION siyu.classification_median(vals double precision[], counts bigint[])
  RETURNS double precision
  LANGUAGE sql IMMUTABLE
  AS $$
    WITH h AS (
      SELECT u.v, sum(u.c) OVER (ORDER BY u.v) AS upto
      FROM unnest(vals, counts) AS u (v, c)
      WHERE u.c > 0
    ),
    p AS (
      SELECT 0.5::double precision * ((SELECT max(h.upto) FROM h) - 1)::double precision AS pos
    ),
    ends AS (
      SELECT p.pos,
             (SELECT min(h.v) FROM h WHERE h.upto > floor(p.pos)) AS lo,
             (SELECT min(h.v) FROM h WHERE h.upto > ceil(p.pos)) AS hi
      FROM p
    )
    SELECT CASE
             WHEN ends.pos IS NULL THEN NULL
             WHEN floor(ends.pos) = ceil(ends.pos) THEN ends.lo
             ELSE ends.lo + ((ends.pos - floor(ends.pos)) * (ends.hi - ends.lo))
           END
    FROM ends
  $$;

-- 2. The brand-wide thresholds: RFM compares with the means of recency,
-- frequency and money over buyers (customers with a paid order: AVG, which
-- is the sum over the count in numeric), the value quadrant with the
-- medians of activity and value points over all customers
-- (PERCENTILE_CONT(0.5), siyu.classification_median). From the buyers'
-- count and sums and the points' histograms.
CREATE OR REPLACE FUNCTION siyu.classification_thresholds(
  buyers bigint, recency_sum numeric, orders_sum numeric, amount_sum numeric,
  activity_values bigint[], activity_counts bigint[], value_values numeric[], value_counts bigint[])
  RETURNS TABLE (mean_r numeric, mean_f numeric, mean_m numeric,
                 median_activity double precision, median_value double precision)
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT recency_sum / NULLIF(buyers, 0)::numeric,
           orders_sum / NULLIF(buyers, 0)::numeric,
           amount_sum / NULLIF(buyers, 0)::numeric,
           siyu.classification_median(activity_values::double precision[], activity_counts),
           siyu.classification_median(value_values::double precision[], value_counts)
  $$;

-- 3. One customer's stages and action flags from their inputs and the
-- thresholds. A set-returning SQL function of one SELECT: PostgreSQL inlines
-- it where it is joined (LATERAL), so it costs what the expressions cost.
CREATE OR REPLACE FUNCTION siyu.classification_stages(
  paid_orders bigint, paid_amount numeric, first_category text,
  days_since_first_order integer, recency_days integer,
  engaged boolean, asked boolean, appealed boolean, shared boolean,
  activity_points bigint, value_points numeric, referred_customers bigint,
  missed_date date, days_to_birthday integer,
  mean_r numeric, mean_f numeric, mean_m numeric,
  median_activity double precision, median_value double precision)
  RETURNS TABLE (
  lifecycle_stage text, rfm_segment text, aipl_stage text, five_a_stage text,
  value_quadrant text, is_birthday_soon boolean, is_booked_not_arrived boolean,
  is_high_value_slipping boolean, is_first_order_follow_up boolean
  )
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT lifecycle_stage, rfm_segment, aipl_stage, five_a_stage, value_quadrant,
           COALESCE(days_to_birthday BETWEEN 1 AND 15, FALSE)
             AS is_birthday_soon,
           missed_date IS NOT NULL AS is_booked_not_arrived,
           -- M high (the 重要 half of RFM) and quiet for 45 to 120 days: past a
           -- normal gap between orders, not yet churned (more than 120).
           COALESCE(LEFT(rfm_segment, 2) = '重要'
                    AND recency_days BETWEEN 45 AND 120, FALSE)
             AS is_high_value_slipping,
           (paid_orders = 1
            AND first_category = 'traffic'
            AND days_since_first_order BETWEEN 0 AND 29) IS TRUE
             AS is_first_order_follow_up
    FROM (
      SELECT CASE
               WHEN paid_orders = 0 THEN 'prospect'
               WHEN days_since_first_order BETWEEN 0 AND 30 THEN 'new'
               WHEN recency_days BETWEEN 0 AND 60 THEN 'active'
               WHEN recency_days BETWEEN 61 AND 120 THEN 'sleeping'
               ELSE 'churned'
             END AS lifecycle_stage,
             CASE WHEN paid_orders > 0 THEN
               CASE WHEN paid_amount > mean_m
                 THEN '重要' ELSE '一般' END ||
               CASE
                 WHEN recency_days < mean_r
                      AND paid_orders > mean_f THEN '价值'
                 WHEN recency_days < mean_r THEN '发展'
                 WHEN paid_orders > mean_f THEN '保持'
                 ELSE '挽留'
               END
             END AS rfm_segment,
             CASE
               WHEN paid_orders >= 2 THEN 'L'
               WHEN paid_orders = 1 THEN 'P'
               WHEN engaged THEN 'I'
               ELSE 'A'
             END AS aipl_stage,
             CASE
               WHEN paid_orders >= 1
                    AND (referred_customers > 0 OR shared)
                 THEN 'advocate'
               WHEN paid_orders >= 1 THEN 'act'
               WHEN asked THEN 'ask'
               WHEN appealed THEN 'appeal'
               ELSE 'aware'
             END AS five_a_stage,
             CASE
               WHEN activity_points > median_activity
                    AND value_points > median_value
                 THEN 'both'
               WHEN activity_points > median_activity
                 THEN 'koc'
               WHEN value_points > median_value THEN 'gmv'
               ELSE 'neither'
             END AS value_quadrant
    ) AS classified
  $$;

-- 4. Every customer registered by the day, classified.
CREATE OR REPLACE FUNCTION siyu.customer_classification(as_of_date date)
  RETURNS TABLE (
  customer_id integer, as_of date, paid_orders bigint, paid_amount numeric,
  first_paid_date date, last_paid_date date, first_category text,
  days_since_first_order integer, recency_days integer,
  engaged boolean, asked boolean, appealed boolean, shared boolean,
  activity_points bigint, value_points numeric, referred_customers bigint,
  missed_date date, last_contact_date date, days_to_birthday integer,
  lifecycle_stage text, rfm_segment text, aipl_stage text, five_a_stage text,
  value_quadrant text, is_birthday_soon boolean, is_booked_not_arrived boolean,
  is_high_value_slipping boolean, is_first_order_follow_up boolean
  )
  LANGUAGE sql STABLE
  AS $$
    WITH base AS (
      SELECT * FROM siyu.classification_inputs(as_of_date, NULL)
    ),
    sums AS (
      SELECT count(*) FILTER (WHERE paid_orders > 0) AS buyers,
             sum(recency_days) FILTER (WHERE paid_orders > 0)::numeric AS recency_sum,
             sum(paid_orders) FILTER (WHERE paid_orders > 0) AS orders_sum,
             sum(paid_amount) FILTER (WHERE paid_orders > 0) AS amount_sum
      FROM base
    ),
    activity_histogram AS (
      SELECT array_agg(points ORDER BY points) AS vals, array_agg(customers ORDER BY points) AS counts
      FROM (SELECT activity_points AS points, count(*) AS customers FROM base GROUP BY 1) AS h
    ),
    value_histogram AS (
      SELECT array_agg(points ORDER BY points) AS vals, array_agg(customers ORDER BY points) AS counts
      FROM (SELECT value_points AS points, count(*) AS customers FROM base GROUP BY 1) AS h
    ),
    -- Computed once (MATERIALIZED: inlined, the medians would be computed
    -- again for every customer).
    thresholds AS MATERIALIZED (
      SELECT t.*
      FROM sums CROSS JOIN activity_histogram AS activity CROSS JOIN value_histogram AS value
      CROSS JOIN LATERAL siyu.classification_thresholds(
        sums.buyers, sums.recency_sum, sums.orders_sum, sums.amount_sum,
        activity.vals, activity.counts, value.vals, value.counts) AS t
    )
    SELECT base.*, stages.*
    FROM base
    CROSS JOIN thresholds
    CROSS JOIN LATERAL siyu.classification_stages(
      base.paid_orders, base.paid_amount, base.first_category,
      base.days_since_first_order, base.recency_days,
      base.engaged, base.asked, base.appealed, base.shared,
      base.activity_points, base.value_points, base.referred_customers,
      base.missed_date, base.days_to_birthday,
      thresholds.mean_r, thresholds.mean_f, thresholds.mean_m,
      thresholds.median_activity, thresholds.median_value) AS stages
  $$;
