-- The ROI, spend and CAC tiles without a rollup rebuild after a write (issue
-- 19, docs/performance.md "The returns day table"): one row per business day,
-- channel, campaign and employee of the `campaign_returns` cube's three facts,
-- summed: the spend lines (by `spent_on`), the paid orders that carry a
-- campaign (by `ordered_at`, credited employee) and the newly registered
-- customers (by `registered_at` and source channel; no campaign, no
-- employee). Kept exact by statement-level triggers on campaign_spend, orders
-- and customers, in the writer's transaction, so a write changes a row or
-- two here and the table's own change counter (migration 008): the next
-- query reads it, nothing is rebuilt. The cube reads it in place of the
-- three tables (model/cubes/campaign_returns.yml).
--
-- Each side keeps its own count of facts (spend lines, paid orders,
-- customers), so a slice whose only fact is a 0-amount spend line is still a
-- row (spend 0, as on the facts), a truncate of one table zeroes only its own
-- columns, and a row is removed once none of the three has a fact in it.
--
-- The employee's team is not a column: it is read through siyu.employees at
-- query time, as before, so a team move rewrites nothing here.
--
-- The day is the local midnight in the business time zone, stored as that
-- instant (as siyu.customer_days stores it): a day, week, month, quarter or
-- year in the business zone is whole days of this table; an hour is not (the
-- server refuses it, cube/engine/day-grain.ts). Keyed by the absolute day:
-- nothing rolls over at midnight.
CREATE TABLE siyu.returns_days (
  day_start   timestamptz NOT NULL,
  channel_id  integer NOT NULL,
  campaign_id integer,
  employee_id integer,
  spend_lines integer NOT NULL,
  spend       numeric(16, 2) NOT NULL,
  paid_orders integer NOT NULL,
  attributed  numeric(16, 2) NOT NULL,
  acquired    integer NOT NULL,
  CONSTRAINT returns_days_key UNIQUE NULLS NOT DISTINCT (day_start, channel_id, campaign_id, employee_id)
);
-- One employee's days (a staff member's every query is limited to them; a
-- manager's to the team's employees).
CREATE INDEX returns_days_employee_idx ON siyu.returns_days (employee_id, day_start);

SELECT siyu.track_data_changes('returns_days');

-- The business day an instant falls in, as the instant it starts.
CREATE FUNCTION siyu.returns_day_start(ts timestamptz) RETURNS timestamptz
  LANGUAGE sql STABLE
  AS $$ SELECT siyu.local_midnight(siyu.local_date(ts)) $$;

-- Adds signed rows (a statement's change), summed per key, in key order. As
-- siyu.sales_hours_add: INSERT … ON CONFLICT DO UPDATE adds to the latest
-- committed row and holds it to the writer's commit, so two writers of one
-- key take turns and both count; key order keeps two statements from waiting
-- on each other's rows. A row left with no fact of any side is removed.
CREATE FUNCTION siyu.returns_days_add(changes siyu.returns_days[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF changes IS NULL OR cardinality(changes) = 0 THEN
        RETURN;
      END IF;
      INSERT INTO siyu.returns_days AS r
      SELECT c.day_start, c.channel_id, c.campaign_id, c.employee_id,
             SUM(c.spend_lines)::int, SUM(c.spend), SUM(c.paid_orders)::int, SUM(c.attributed), SUM(c.acquired)::int
      FROM UNNEST(changes) AS c
      GROUP BY 1, 2, 3, 4
      HAVING SUM(c.spend_lines) <> 0 OR SUM(c.spend) <> 0 OR SUM(c.paid_orders) <> 0 OR SUM(c.attributed) <> 0 OR SUM(c.acquired) <> 0
      ORDER BY 1, 2, 3, 4
      ON CONFLICT ON CONSTRAINT returns_days_key DO UPDATE
        SET spend_lines = r.spend_lines + EXCLUDED.spend_lines, spend = r.spend + EXCLUDED.spend,
            paid_orders = r.paid_orders + EXCLUDED.paid_orders, attributed = r.attributed + EXCLUDED.attributed,
            acquired = r.acquired + EXCLUDED.acquired;

      DELETE FROM siyu.returns_days AS r
      USING (SELECT DISTINCT c.day_start, c.channel_id, c.campaign_id, c.employee_id FROM UNNEST(changes) AS c) AS touched
      WHERE r.day_start = touched.day_start AND r.channel_id = touched.channel_id
        AND r.campaign_id IS NOT DISTINCT FROM touched.campaign_id AND r.employee_id IS NOT DISTINCT FROM touched.employee_id
        AND r.spend_lines = 0 AND r.paid_orders = 0 AND r.acquired = 0;
    END
  $$;

-- Each side's signed change, from the statement's transition tables (named
-- old_rows and new_rows on each of the three tables): the new rows +1, the
-- old rows -1 (an update is both: a refund leaves the paid orders, a move
-- goes from the old key to the new one; an update of other columns cancels
-- out and adds nothing). One call per INSERT, UPDATE or DELETE whatever its
-- size. A branch names only the transition tables its event has.
CREATE FUNCTION siyu.returns_days_on_spend() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      d siyu.returns_days[];
    BEGIN
      IF TG_OP = 'INSERT' THEN
        d := ARRAY(SELECT ROW(siyu.local_midnight(n.spent_on), n.channel_id, n.campaign_id, n.employee_id, 1, n.amount, 0, 0, 0)::siyu.returns_days
                   FROM new_rows AS n);
      ELSIF TG_OP = 'DELETE' THEN
        d := ARRAY(SELECT ROW(siyu.local_midnight(o.spent_on), o.channel_id, o.campaign_id, o.employee_id, -1, -o.amount, 0, 0, 0)::siyu.returns_days
                   FROM old_rows AS o);
      ELSE
        d := ARRAY(SELECT ROW(siyu.local_midnight(n.spent_on), n.channel_id, n.campaign_id, n.employee_id, 1, n.amount, 0, 0, 0)::siyu.returns_days
                   FROM new_rows AS n
                   UNION ALL
                   SELECT ROW(siyu.local_midnight(o.spent_on), o.channel_id, o.campaign_id, o.employee_id, -1, -o.amount, 0, 0, 0)::siyu.returns_days
                   FROM old_rows AS o);
      END IF;
      PERFORM siyu.returns_days_add(d);
      RETURN NULL;
    END
  $$;

-- Only paid orders with a campaign (siyu.paid_orders with a campaign: the
-- cube's attributed GMV) are carried: a write of other orders costs a scan of
-- its own rows.
CREATE FUNCTION siyu.returns_days_on_orders() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      d siyu.returns_days[];
    BEGIN
      IF TG_OP = 'INSERT' THEN
        d := ARRAY(SELECT ROW(siyu.returns_day_start(n.ordered_at), n.channel_id, n.campaign_id, n.employee_id, 0, 0, 1, n.amount, 0)::siyu.returns_days
                   FROM new_rows AS n WHERE n.status = 'paid' AND n.campaign_id IS NOT NULL);
      ELSIF TG_OP = 'DELETE' THEN
        d := ARRAY(SELECT ROW(siyu.returns_day_start(o.ordered_at), o.channel_id, o.campaign_id, o.employee_id, 0, 0, -1, -o.amount, 0)::siyu.returns_days
                   FROM old_rows AS o WHERE o.status = 'paid' AND o.campaign_id IS NOT NULL);
      ELSE
        d := ARRAY(SELECT ROW(siyu.returns_day_start(n.ordered_at), n.channel_id, n.campaign_id, n.employee_id, 0, 0, 1, n.amount, 0)::siyu.returns_days
                   FROM new_rows AS n WHERE n.status = 'paid' AND n.campaign_id IS NOT NULL
                   UNION ALL
                   SELECT ROW(siyu.returns_day_start(o.ordered_at), o.channel_id, o.campaign_id, o.employee_id, 0, 0, -1, -o.amount, 0)::siyu.returns_days
                   FROM old_rows AS o WHERE o.status = 'paid' AND o.campaign_id IS NOT NULL);
      END IF;
      PERFORM siyu.returns_days_add(d);
      RETURN NULL;
    END
  $$;

-- Summed per day and source channel first: an update of other columns of
-- many customers cancels out here and reaches nothing.
CREATE FUNCTION siyu.returns_days_on_customers() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      d siyu.returns_days[];
    BEGIN
      IF TG_OP = 'INSERT' THEN
        d := ARRAY(SELECT ROW(siyu.returns_day_start(n.registered_at), n.source_channel_id, NULL, NULL, 0, 0, 0, 0, COUNT(*))::siyu.returns_days
                   FROM new_rows AS n GROUP BY siyu.returns_day_start(n.registered_at), n.source_channel_id);
      ELSIF TG_OP = 'DELETE' THEN
        d := ARRAY(SELECT ROW(siyu.returns_day_start(o.registered_at), o.source_channel_id, NULL, NULL, 0, 0, 0, 0, -COUNT(*))::siyu.returns_days
                   FROM old_rows AS o GROUP BY siyu.returns_day_start(o.registered_at), o.source_channel_id);
      ELSE
        d := ARRAY(SELECT ROW(siyu.returns_day_start(x.registered_at), x.source_channel_id, NULL, NULL, 0, 0, 0, 0, SUM(x.sign))::siyu.returns_days
                   FROM (SELECT n.registered_at, n.source_channel_id, 1 AS sign FROM new_rows AS n
                         UNION ALL SELECT o.registered_at, o.source_channel_id, -1 FROM old_rows AS o) AS x
                   GROUP BY siyu.returns_day_start(x.registered_at), x.source_channel_id
                   HAVING SUM(x.sign) <> 0);
      END IF;
      PERFORM siyu.returns_days_add(d);
      RETURN NULL;
    END
  $$;

-- A truncate empties its own side of every row (TG_TABLE_NAME), and removes the rows left with no fact.
CREATE FUNCTION siyu.returns_days_on_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF TG_TABLE_NAME = 'campaign_spend' THEN
        UPDATE siyu.returns_days SET spend_lines = 0, spend = 0 WHERE spend_lines <> 0 OR spend <> 0;
      ELSIF TG_TABLE_NAME = 'orders' THEN
        UPDATE siyu.returns_days SET paid_orders = 0, attributed = 0 WHERE paid_orders <> 0 OR attributed <> 0;
      ELSE
        UPDATE siyu.returns_days SET acquired = 0 WHERE acquired <> 0;
      END IF;
      DELETE FROM siyu.returns_days WHERE spend_lines = 0 AND paid_orders = 0 AND acquired = 0;
      RETURN NULL;
    END
  $$;

DO $$
  DECLARE
    t text;
    fn text;
  BEGIN
    FOREACH t IN ARRAY ARRAY['campaign_spend', 'orders', 'customers'] LOOP
      fn := CASE t WHEN 'campaign_spend' THEN 'returns_days_on_spend' WHEN 'orders' THEN 'returns_days_on_orders' ELSE 'returns_days_on_customers' END;
      EXECUTE format('CREATE TRIGGER returns_days_insert AFTER INSERT ON siyu.%I REFERENCING NEW TABLE AS new_rows
                      FOR EACH STATEMENT EXECUTE FUNCTION siyu.%I()', t, fn);
      EXECUTE format('CREATE TRIGGER returns_days_update AFTER UPDATE ON siyu.%I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                      FOR EACH STATEMENT EXECUTE FUNCTION siyu.%I()', t, fn);
      EXECUTE format('CREATE TRIGGER returns_days_delete AFTER DELETE ON siyu.%I REFERENCING OLD TABLE AS old_rows
                      FOR EACH STATEMENT EXECUTE FUNCTION siyu.%I()', t, fn);
      EXECUTE format('CREATE TRIGGER returns_days_truncate AFTER TRUNCATE ON siyu.%I
                      FOR EACH STATEMENT EXECUTE FUNCTION siyu.returns_days_on_truncate()', t);
    END LOOP;
  END
$$;

-- The table as the three facts give it now: the seed's end (whose COPY runs
-- with the insert triggers off), the import's afterCustomerDays (its bulk
-- load of orders runs without them, cube/import/write.ts SUMMARIES), a test's
-- check, and below for an existing database. Writers of the three wait
-- meanwhile (SHARE).
CREATE FUNCTION siyu.returns_days_fresh() RETURNS SETOF siyu.returns_days
  LANGUAGE sql STABLE
  AS $$
    SELECT day_start, channel_id, campaign_id, employee_id,
           SUM(spend_lines)::int, SUM(spend), SUM(paid_orders)::int, SUM(attributed), SUM(acquired)::int
    FROM (
      SELECT siyu.local_midnight(s.spent_on) AS day_start, s.channel_id, s.campaign_id, s.employee_id,
             1 AS spend_lines, s.amount AS spend, 0 AS paid_orders, 0::numeric AS attributed, 0 AS acquired
      FROM siyu.campaign_spend AS s
      UNION ALL
      SELECT siyu.returns_day_start(o.ordered_at), o.channel_id, o.campaign_id, o.employee_id, 0, 0, 1, o.amount, 0
      FROM siyu.paid_orders AS o WHERE o.campaign_id IS NOT NULL
      UNION ALL
      SELECT siyu.returns_day_start(c.registered_at), c.source_channel_id, NULL, NULL, 0, 0, 0, 0, 1
      FROM siyu.customers AS c
    ) AS f
    GROUP BY 1, 2, 3, 4
  $$;

CREATE FUNCTION siyu.rebuild_returns_days() RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      built bigint;
    BEGIN
      LOCK TABLE siyu.campaign_spend, siyu.orders, siyu.customers IN SHARE MODE;
      TRUNCATE siyu.returns_days;
      INSERT INTO siyu.returns_days SELECT * FROM siyu.returns_days_fresh() ORDER BY 1, 2, 3, 4;
      GET DIAGNOSTICS built = ROW_COUNT;
      RETURN built;
    END
  $$;

SELECT siyu.rebuild_returns_days();
