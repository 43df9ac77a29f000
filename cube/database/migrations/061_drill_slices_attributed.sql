-- The attributed GMV and ROI drill lists of the date presets for a manager, a
-- staff member, and an executive's or operator's list cut by one team,
-- employee, channel or campaign, from stored rows (issue 19,
-- docs/performance.md "The team roles' and cut attributed drill lists from
-- stored rows"): siyu.drill_sales_slices (migration 033) carries, beside a
-- customer's paid orders and amount in a range and slice, the attributed part
-- of them (the customer days with a campaign, as attributed_drill counts
-- them), as migration 058 did for siyu.drill_sales. A manager's list is then
-- its team's rows with an attributed order in the order of a partial index,
-- instead of its team's campaign customer days grouped at each query.
--
-- Kept as the paid columns are: every writer recounts a customer's rows
-- (siyu.recount_drill_sales_slices, replaced here, and the roll-ahead's fill,
-- definitions/drill_sales_shift.sql), so an order moving to or from a
-- campaign (a customer-day row's campaign changed) is recounted like any
-- other change. An attributed order is a paid one: a row with an attributed
-- order always has a paid one, and the rows kept are the same.
--
-- Cheap to apply on a big table: the columns are added with a constant
-- default (no rewrite), only the rows with an attributed order are updated
-- (from the held ranges' campaign customer days, grouped apart, in one pass
-- over the table), then the partial indexes are built.
ALTER TABLE siyu.drill_sales_slices
  ADD COLUMN attributed_orders integer NOT NULL DEFAULT 0,
  ADD COLUMN attributed_amount numeric(16, 2) NOT NULL DEFAULT 0;

-- Migration 033's build with the attributed part counted beside.
CREATE OR REPLACE FUNCTION siyu.build_drill_sales_slices(periods text[] DEFAULT NULL) RETURNS bigint
  LANGUAGE plpgsql
  SET work_mem = '64MB'
  AS $$
    DECLARE
      built bigint := 0;
      added bigint;
      r siyu.drill_sales_slice_ranges;
    BEGIN
      FOR r IN SELECT * FROM siyu.drill_sales_slice_ranges WHERE periods IS NULL OR period = ANY (periods) ORDER BY period
      LOOP
        INSERT INTO siyu.drill_sales_slices
          (period, slice, team_id, employee_id, channel_id, campaign_id, customer_id, paid_orders, paid_amount, owner_id, owner_team_id,
           attributed_orders, attributed_amount)
        SELECT r.period, s.slice, s.team_id, s.employee_id, s.channel_id, s.campaign_id, s.customer_id, s.paid_orders, s.paid_amount,
               c.owner_employee_id, oe.team_id, s.attributed_orders, s.attributed_amount
        FROM (
          SELECT CASE GROUPING(e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id)
                   WHEN 7 THEN 'team' WHEN 3 THEN 'team,employee' WHEN 13 THEN 'channel' ELSE 'campaign' END AS slice,
                 e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id, cd.customer_id,
                 SUM(cd.paid_orders)::int AS paid_orders, SUM(cd.paid_amount) AS paid_amount,
                 coalesce(SUM(cd.paid_orders) FILTER (WHERE cd.campaign_id IS NOT NULL), 0)::int AS attributed_orders,
                 coalesce(SUM(cd.paid_amount) FILTER (WHERE cd.campaign_id IS NOT NULL), 0) AS attributed_amount
          FROM siyu.customer_days AS cd
          LEFT JOIN siyu.employees AS e ON e.id = cd.employee_id
          WHERE cd.day_start >= r.starts_at AND cd.day_start < r.ends_at
          GROUP BY cd.customer_id, GROUPING SETS ((e.team_id), (e.team_id, cd.employee_id), (cd.channel_id), (cd.campaign_id))
        ) AS s
        JOIN siyu.customers AS c ON c.id = s.customer_id
        LEFT JOIN siyu.employees AS oe ON oe.id = c.owner_employee_id
        WHERE s.paid_orders > 0
          AND CASE s.slice WHEN 'team' THEN s.team_id IS NOT NULL WHEN 'team,employee' THEN s.employee_id IS NOT NULL
                           WHEN 'campaign' THEN s.campaign_id IS NOT NULL ELSE true END
        ORDER BY 1, 2, 9 DESC;
        GET DIAGNOSTICS added = ROW_COUNT;
        built := built + added;
      END LOOP;
      RETURN built;
    END
  $$;

-- Migration 033's recount with the attributed part counted beside (the same count as the build, for these customers).
CREATE OR REPLACE FUNCTION siyu.recount_drill_sales_slices(customers integer[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF customers IS NULL OR cardinality(customers) = 0 THEN
        RETURN;
      END IF;
      IF cardinality(customers) > 5000 THEN
        LOCK TABLE siyu.drill_sales_slices IN EXCLUSIVE MODE;
        DELETE FROM siyu.drill_sales_slices;
        PERFORM siyu.build_drill_sales_slices();
        RETURN;
      END IF;
      LOCK TABLE siyu.drill_sales_slices IN ROW EXCLUSIVE MODE;
      DELETE FROM siyu.drill_sales_slices WHERE customer_id = ANY (customers);
      -- The build's count for these customers only, every range in one statement: their customer days read by the
      -- customer-day table's key (a statement of its own, so its plan is the key's, not the build's range scan).
      INSERT INTO siyu.drill_sales_slices
        (period, slice, team_id, employee_id, channel_id, campaign_id, customer_id, paid_orders, paid_amount, owner_id, owner_team_id,
         attributed_orders, attributed_amount)
      SELECT s.period, s.slice, s.team_id, s.employee_id, s.channel_id, s.campaign_id, s.customer_id, s.paid_orders, s.paid_amount,
             c.owner_employee_id, oe.team_id, s.attributed_orders, s.attributed_amount
      FROM (
        SELECT r.period, CASE GROUPING(e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id)
                 WHEN 7 THEN 'team' WHEN 3 THEN 'team,employee' WHEN 13 THEN 'channel' ELSE 'campaign' END AS slice,
               e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id, cd.customer_id,
               SUM(cd.paid_orders)::int AS paid_orders, SUM(cd.paid_amount) AS paid_amount,
               coalesce(SUM(cd.paid_orders) FILTER (WHERE cd.campaign_id IS NOT NULL), 0)::int AS attributed_orders,
               coalesce(SUM(cd.paid_amount) FILTER (WHERE cd.campaign_id IS NOT NULL), 0) AS attributed_amount
        FROM siyu.customer_days AS cd
        JOIN siyu.drill_sales_slice_ranges AS r ON cd.day_start >= r.starts_at AND cd.day_start < r.ends_at
        LEFT JOIN siyu.employees AS e ON e.id = cd.employee_id
        WHERE cd.customer_id = ANY (customers)
        GROUP BY r.period, cd.customer_id, GROUPING SETS ((e.team_id), (e.team_id, cd.employee_id), (cd.channel_id), (cd.campaign_id))
      ) AS s
      JOIN siyu.customers AS c ON c.id = s.customer_id
      LEFT JOIN siyu.employees AS oe ON oe.id = c.owner_employee_id
      WHERE s.paid_orders > 0
        AND CASE s.slice WHEN 'team' THEN s.team_id IS NOT NULL WHEN 'team,employee' THEN s.employee_id IS NOT NULL
                         WHEN 'campaign' THEN s.campaign_id IS NOT NULL ELSE true END
      ORDER BY 1, 2;
    END
  $$;

-- The rows held now, filled in place (see the header). Writers wait meanwhile, as for a roll-over.
LOCK TABLE siyu.drill_sales_slices IN EXCLUSIVE MODE;
SET LOCAL work_mem = '256MB';
-- The held ranges' campaign customer days grouped as the build groups them (about one customer day in eight), apart,
-- so that the update is one pass over the table joined to them by hash (a group with no row, a null team or employee,
-- matches none, as the build keeps none).
CREATE TEMPORARY TABLE drill_slices_attributed_fill ON COMMIT DROP AS
SELECT r.period, CASE GROUPING(e.team_id, cd.employee_id, cd.channel_id, cd.campaign_id)
         WHEN 7 THEN 'team' WHEN 3 THEN 'team,employee' WHEN 13 THEN 'channel' ELSE 'campaign' END AS slice,
       cd.customer_id, coalesce(e.team_id, -1) AS team_id, coalesce(cd.employee_id, -1) AS employee_id,
       coalesce(cd.channel_id, -1) AS channel_id, coalesce(cd.campaign_id, -1) AS campaign_id,
       SUM(cd.paid_orders)::int AS attributed_orders, SUM(cd.paid_amount) AS attributed_amount
FROM siyu.customer_days AS cd
JOIN siyu.drill_sales_slice_ranges AS r ON cd.day_start >= r.starts_at AND cd.day_start < r.ends_at
LEFT JOIN siyu.employees AS e ON e.id = cd.employee_id
WHERE cd.campaign_id IS NOT NULL
GROUP BY r.period, cd.customer_id, GROUPING SETS ((e.team_id), (e.team_id, cd.employee_id), (cd.channel_id), (cd.campaign_id))
HAVING SUM(cd.paid_orders) <> 0 OR SUM(cd.paid_amount) <> 0;
ANALYZE drill_slices_attributed_fill;
-- By hash: a nested loop on the customer index fetched each customer's every row once per group (283 s at 200k
-- under load 9, against 24 s by hash; docs/performance.md).
SET LOCAL enable_nestloop = off;
SET LOCAL enable_mergejoin = off;
UPDATE siyu.drill_sales_slices AS d
SET attributed_orders = a.attributed_orders, attributed_amount = a.attributed_amount
FROM drill_slices_attributed_fill AS a
WHERE d.period = a.period AND d.slice = a.slice AND d.customer_id = a.customer_id
  AND coalesce(d.team_id, -1) = a.team_id AND coalesce(d.employee_id, -1) = a.employee_id
  AND coalesce(d.channel_id, -1) = a.channel_id AND coalesce(d.campaign_id, -1) = a.campaign_id;
RESET enable_nestloop;
RESET enable_mergejoin;
RESET work_mem;

-- Per slice a list needs, the attributed list's order (attributed GMV largest first, then the customer id) over the
-- rows with an attributed order, with what a page shows and the owner column a team role's limit tests: a manager's
-- list (and a list cut by a team) on the team rows, a staff member's (and one cut by an employee) on the employee
-- rows, a list cut by a channel or a campaign on theirs.
CREATE INDEX drill_sales_slices_attributed_team_idx ON siyu.drill_sales_slices (period, team_id, attributed_amount DESC, customer_id)
  INCLUDE (attributed_orders, owner_team_id) WHERE slice = 'team' AND attributed_orders > 0;
CREATE INDEX drill_sales_slices_attributed_employee_idx ON siyu.drill_sales_slices (period, employee_id, attributed_amount DESC, customer_id)
  INCLUDE (attributed_orders, owner_id) WHERE slice = 'team,employee' AND attributed_orders > 0;
CREATE INDEX drill_sales_slices_attributed_channel_idx ON siyu.drill_sales_slices (period, channel_id, attributed_amount DESC, customer_id)
  INCLUDE (attributed_orders) WHERE slice = 'channel' AND attributed_orders > 0;
CREATE INDEX drill_sales_slices_attributed_campaign_idx ON siyu.drill_sales_slices (period, campaign_id, attributed_amount DESC, customer_id)
  INCLUDE (attributed_orders) WHERE slice = 'campaign' AND attributed_orders > 0;
ANALYZE siyu.drill_sales_slices;
