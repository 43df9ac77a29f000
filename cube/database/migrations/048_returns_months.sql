-- The long-range ROI and spend tiles by month without a scan of every day
-- (issue 19, docs/performance.md "The monthly returns table"): the returns
-- day table (migration 043) summed per business month, channel, campaign and
-- employee, with the same five sums. Kept exact by statement-level triggers
-- on siyu.returns_days itself, in the writer's transaction: whatever changes
-- a day row (the facts' triggers, a rebuild, a truncate) changes its month's
-- row by the same signed amount, so a month's row is always the sum of its
-- days' rows. No function of the day table is replaced.
--
-- Read by the `month_returns` cube (model/cubes/month_returns.js, view
-- `returns_trend`): a range's whole months here, its partial edge months
-- from the day table (their days inside the range). The team is not a
-- column: joined through siyu.employees at query time, as for the days.
--
-- The month starts at the local midnight of its first day in the business
-- time zone (siyu.local_month_start, migration 041), stored as that instant.
CREATE TABLE siyu.returns_months (
  month_start timestamptz NOT NULL,
  channel_id  integer NOT NULL,
  campaign_id integer,
  employee_id integer,
  spend_lines integer NOT NULL,
  spend       numeric(16, 2) NOT NULL,
  paid_orders integer NOT NULL,
  attributed  numeric(16, 2) NOT NULL,
  acquired    integer NOT NULL,
  CONSTRAINT returns_months_key UNIQUE NULLS NOT DISTINCT (month_start, channel_id, campaign_id, employee_id)
);
-- One employee's months (a staff member's every query is limited to them; a
-- manager's to the team's employees).
CREATE INDEX returns_months_employee_idx ON siyu.returns_months (employee_id, month_start);

SELECT siyu.track_data_changes('returns_months');

-- Adds signed day rows (a statement's change to the day table), summed per
-- month and key, in key order. As siyu.returns_days_add: the upsert adds to
-- the latest committed row and holds it to the writer's commit, so two
-- writers of one key take turns and both count. A row left with no fact of
-- any side is removed.
CREATE FUNCTION siyu.returns_months_add(changes siyu.returns_days[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    BEGIN
      IF changes IS NULL OR cardinality(changes) = 0 THEN
        RETURN;
      END IF;
      INSERT INTO siyu.returns_months AS r
      SELECT siyu.local_month_start(c.day_start), c.channel_id, c.campaign_id, c.employee_id,
             SUM(c.spend_lines)::int, SUM(c.spend), SUM(c.paid_orders)::int, SUM(c.attributed), SUM(c.acquired)::int
      FROM UNNEST(changes) AS c
      GROUP BY 1, 2, 3, 4
      HAVING SUM(c.spend_lines) <> 0 OR SUM(c.spend) <> 0 OR SUM(c.paid_orders) <> 0 OR SUM(c.attributed) <> 0 OR SUM(c.acquired) <> 0
      ORDER BY 1, 2, 3, 4
      ON CONFLICT ON CONSTRAINT returns_months_key DO UPDATE
        SET spend_lines = r.spend_lines + EXCLUDED.spend_lines, spend = r.spend + EXCLUDED.spend,
            paid_orders = r.paid_orders + EXCLUDED.paid_orders, attributed = r.attributed + EXCLUDED.attributed,
            acquired = r.acquired + EXCLUDED.acquired;

      DELETE FROM siyu.returns_months AS r
      USING (SELECT DISTINCT siyu.local_month_start(c.day_start) AS month_start, c.channel_id, c.campaign_id, c.employee_id
             FROM UNNEST(changes) AS c) AS touched
      WHERE r.month_start = touched.month_start AND r.channel_id = touched.channel_id
        AND r.campaign_id IS NOT DISTINCT FROM touched.campaign_id AND r.employee_id IS NOT DISTINCT FROM touched.employee_id
        AND r.spend_lines = 0 AND r.paid_orders = 0 AND r.acquired = 0;
    END
  $$;

-- The day table's change: its new rows +1, its old rows -1 (the upsert of
-- siyu.returns_days_add fires both the insert and the update triggers, each
-- with its own rows; its removal of empty rows the delete trigger, with rows
-- of zeros). A branch names only the transition tables its event has.
CREATE FUNCTION siyu.returns_months_on_days() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      d siyu.returns_days[];
    BEGIN
      IF TG_OP = 'INSERT' THEN
        d := ARRAY(SELECT n::siyu.returns_days FROM new_rows AS n);
      ELSIF TG_OP = 'DELETE' THEN
        d := ARRAY(SELECT ROW(o.day_start, o.channel_id, o.campaign_id, o.employee_id,
                              -o.spend_lines, -o.spend, -o.paid_orders, -o.attributed, -o.acquired)::siyu.returns_days
                   FROM old_rows AS o);
      ELSE
        d := ARRAY(SELECT n::siyu.returns_days FROM new_rows AS n
                   UNION ALL
                   SELECT ROW(o.day_start, o.channel_id, o.campaign_id, o.employee_id,
                              -o.spend_lines, -o.spend, -o.paid_orders, -o.attributed, -o.acquired)::siyu.returns_days
                   FROM old_rows AS o);
      END IF;
      PERFORM siyu.returns_months_add(d);
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.returns_months_on_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      TRUNCATE siyu.returns_months;
      RETURN NULL;
    END
  $$;

CREATE TRIGGER returns_months_insert AFTER INSERT ON siyu.returns_days
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.returns_months_on_days();
CREATE TRIGGER returns_months_update AFTER UPDATE ON siyu.returns_days
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.returns_months_on_days();
CREATE TRIGGER returns_months_delete AFTER DELETE ON siyu.returns_days
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.returns_months_on_days();
CREATE TRIGGER returns_months_truncate AFTER TRUNCATE ON siyu.returns_days
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.returns_months_on_truncate();

-- The table as the day table gives it now: the seed's end (which holds
-- returns_months_insert while the day table is built, seed/kept-tables.ts), a
-- test's check, and below for an existing database. Writers of the day table
-- wait meanwhile (SHARE).
CREATE FUNCTION siyu.returns_months_fresh() RETURNS SETOF siyu.returns_months
  LANGUAGE sql STABLE
  AS $$
    SELECT siyu.local_month_start(d.day_start), d.channel_id, d.campaign_id, d.employee_id,
           SUM(d.spend_lines)::int, SUM(d.spend), SUM(d.paid_orders)::int, SUM(d.attributed), SUM(d.acquired)::int
    FROM siyu.returns_days AS d
    GROUP BY 1, 2, 3, 4
  $$;

CREATE FUNCTION siyu.rebuild_returns_months() RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      built bigint;
    BEGIN
      LOCK TABLE siyu.returns_days IN SHARE MODE;
      TRUNCATE siyu.returns_months;
      INSERT INTO siyu.returns_months SELECT * FROM siyu.returns_months_fresh() ORDER BY 1, 2, 3, 4;
      GET DIAGNOSTICS built = ROW_COUNT;
      RETURN built;
    END
  $$;

SELECT siyu.rebuild_returns_months();
