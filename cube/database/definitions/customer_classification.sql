-- after: 005 (it reads the facts, siyu.paid_orders and siyu.local_date; the
-- materialized siyu.classification_now, migration 009, is built on it)
--
-- The per-customer classification as of any day, written once: the
-- customer_profiles cube reads it at siyu.as_of() (materialized as
-- siyu.classification_now), and the journey flows (customer_journeys,
-- siyu.classification_on) at the two days a person compares. Only facts on
-- or before the day count, the customer's registration included: a customer
-- registered later did not exist yet on that day. The definitions are in
-- docs/metric-catalogue.md (lifecycle, RFM, AIPL, 5A, value quadrant and the
-- action lists).
--
-- Changing a rule is an edit of this file: the migrator applies it again,
-- and siyu.classification_version() carries this file's checksum, so the
-- materialized classification, the kept journey days and every rollup keyed
-- on the version are rebuilt with the new rule even when no fact changed.
-- The signature stays: the materialized view depends on it (a change of the
-- columns needs a versioned migration that drops and re-creates the view).
--
-- 高价值客户流失预警 (high_value_slipping) means slipping, not lost: a
-- high-value customer (M high: paid amount above the mean over buyers, the 重要
-- half of RFM) whose last paid order is 45–120 days before as-of (migration
-- 011; before it, 重要保持 or 重要挽留, which in a brand where most buyers have
-- gone quiet listed customers silent for well over a year).
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
      GROUP BY event.customer_id
    ),
    referrals AS (
      SELECT referred.referred_by_customer_id AS customer_id,
             COUNT(*) AS referred_customers
      FROM siyu.customers AS referred
      CROSS JOIN params
      WHERE referred.referred_by_customer_id IS NOT NULL
        AND siyu.local_date(referred.registered_at) <= params.as_of
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
      GROUP BY appointment.customer_id
    ),
    contacts AS (
      SELECT follow_up.customer_id,
             MAX(siyu.local_date(follow_up.occurred_at)) AS last_contact_date
      FROM siyu.follow_ups AS follow_up
      CROSS JOIN params
      WHERE siyu.local_date(follow_up.occurred_at) <= params.as_of
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
    ),
    means AS (
      SELECT AVG(recency_days) AS mean_r,
             AVG(paid_orders) AS mean_f,
             AVG(paid_amount) AS mean_m
      FROM base
      WHERE paid_orders > 0
    ),
    medians AS (
      SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY activity_points)
               AS median_activity,
             PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY value_points)
               AS median_value
      FROM base
    ),
    classified AS (
      SELECT base.*,
             CASE
               WHEN base.paid_orders = 0 THEN 'prospect'
               WHEN base.days_since_first_order BETWEEN 0 AND 30 THEN 'new'
               WHEN base.recency_days BETWEEN 0 AND 60 THEN 'active'
               WHEN base.recency_days BETWEEN 61 AND 120 THEN 'sleeping'
               ELSE 'churned'
             END AS lifecycle_stage,
             CASE WHEN base.paid_orders > 0 THEN
               CASE WHEN base.paid_amount > means.mean_m
                 THEN '重要' ELSE '一般' END ||
               CASE
                 WHEN base.recency_days < means.mean_r
                      AND base.paid_orders > means.mean_f THEN '价值'
                 WHEN base.recency_days < means.mean_r THEN '发展'
                 WHEN base.paid_orders > means.mean_f THEN '保持'
                 ELSE '挽留'
               END
             END AS rfm_segment,
             CASE
               WHEN base.paid_orders >= 2 THEN 'L'
               WHEN base.paid_orders = 1 THEN 'P'
               WHEN base.engaged THEN 'I'
               ELSE 'A'
             END AS aipl_stage,
             CASE
               WHEN base.paid_orders >= 1
                    AND (base.referred_customers > 0 OR base.shared)
                 THEN 'advocate'
               WHEN base.paid_orders >= 1 THEN 'act'
               WHEN base.asked THEN 'ask'
               WHEN base.appealed THEN 'appeal'
               ELSE 'aware'
             END AS five_a_stage,
             CASE
               WHEN base.activity_points > medians.median_activity
                    AND base.value_points > medians.median_value
                 THEN 'both'
               WHEN base.activity_points > medians.median_activity
                 THEN 'koc'
               WHEN base.value_points > medians.median_value THEN 'gmv'
               ELSE 'neither'
             END AS value_quadrant
      FROM base
      CROSS JOIN means
      CROSS JOIN medians
    )
    SELECT classified.*,
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
    FROM classified
  $$;
