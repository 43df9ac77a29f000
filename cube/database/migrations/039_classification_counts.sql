-- The segments page's and the action lists' counts without a whole rollup
-- rebuild per write (issue 19, docs/performance.md "Classification counts").
-- The classification rollup and the four action-list count rollups were keyed
-- on siyu.classification_now_version(), which moves on every write: each new
-- order rebuilt all five from every customer (9.1–13.6 s and 3.3–4.9 s each at
-- a million customers). The as-of classification is already kept customer by
-- customer (migration 026); its counts are now kept the same way: one row per
-- owner, source channel and the five stages, with the customers, buyers,
-- lifetime GMV and churned buyers of the row and how many of them are on each
-- action list. Statement-level triggers on siyu.classification_now (the
-- refresh's writes, whole or per customer) add the rows it wrote and take out
-- the rows it replaced, under the customer's owner and source channel now;
-- triggers on siyu.customers move a customer's row when its owner, source
-- channel or id changes, or the customer comes or goes. The owner's team is
-- read at query time (a team move rewrites nothing).
--
-- Invariant: the table is the sum, over the classification rows whose customer
-- exists, of each row under its customer's current owner and source channel.
-- Both sides write under the classification's build lock (the advisory lock of
-- siyu.classification_now_version, held by the refresh to its commit): a
-- customers statement that moves classified customers waits for a refresh in
-- flight and then reads its committed rows, and a refresh reads the owners
-- committed before its statements (a writer that moves them waits for it).
-- Lock order (migration 037): the customers' triggers below fire after
-- customers_a_owner_buckets and customers_changes (names' order), so an owner
-- change takes its buckets and counter row first, then this lock; nothing that
-- holds this lock waits for a bucket or counter row.
CREATE TABLE siyu.classification_counts (
  owner_employee_id      integer,
  source_channel_id      integer,
  lifecycle_stage        text,
  rfm_segment            text,
  aipl_stage             text,
  five_a_stage           text,
  value_quadrant         text,
  customers              bigint NOT NULL,
  buyers                 bigint NOT NULL,
  lifetime_gmv           numeric NOT NULL,
  churned_buyers         bigint NOT NULL,
  birthday_soon          bigint NOT NULL,
  booked_not_arrived     bigint NOT NULL,
  high_value_slipping    bigint NOT NULL,
  first_order_follow_up  bigint NOT NULL,
  CONSTRAINT classification_counts_key UNIQUE NULLS NOT DISTINCT
    (owner_employee_id, source_channel_id, lifecycle_stage, rfm_segment, aipl_stage, five_a_stage, value_quadrant)
);
-- The rows a delta emptied, removed after each delta.
CREATE INDEX classification_counts_empty_idx ON siyu.classification_counts (owner_employee_id) WHERE customers = 0;

-- The statement that adds a delta: `moved` holds (sign, owner, channel,
-- classification row columns) per customer row moved in (+1) or out (-1).
-- Keys in their order, so two writers lock shared rows in the same order. A
-- text the trigger functions EXECUTE themselves: their transition tables are
-- visible to their own statements only.
CREATE FUNCTION siyu.classification_counts_sql(moved text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE
  AS $$
    BEGIN
      RETURN format($sql$
        INSERT INTO siyu.classification_counts AS k
        SELECT owner_employee_id, source_channel_id, lifecycle_stage, rfm_segment, aipl_stage, five_a_stage, value_quadrant,
               sum(sign), sum(sign) FILTER (WHERE paid_orders > 0), coalesce(sum(sign * paid_amount) FILTER (WHERE paid_orders > 0), 0),
               sum(sign) FILTER (WHERE paid_orders > 0 AND recency_days > 120),
               sum(sign) FILTER (WHERE is_birthday_soon), sum(sign) FILTER (WHERE is_booked_not_arrived),
               sum(sign) FILTER (WHERE is_high_value_slipping), sum(sign) FILTER (WHERE is_first_order_follow_up)
        FROM (%s) AS m
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        HAVING sum(sign) <> 0 OR sum(sign) FILTER (WHERE paid_orders > 0) <> 0 OR sum(sign * paid_amount) FILTER (WHERE paid_orders > 0) <> 0
            OR sum(sign) FILTER (WHERE paid_orders > 0 AND recency_days > 120) <> 0 OR sum(sign) FILTER (WHERE is_birthday_soon) <> 0
            OR sum(sign) FILTER (WHERE is_booked_not_arrived) <> 0 OR sum(sign) FILTER (WHERE is_high_value_slipping) <> 0
            OR sum(sign) FILTER (WHERE is_first_order_follow_up) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6, 7
        ON CONFLICT ON CONSTRAINT classification_counts_key DO UPDATE SET
          customers = k.customers + EXCLUDED.customers, buyers = k.buyers + coalesce(EXCLUDED.buyers, 0),
          lifetime_gmv = k.lifetime_gmv + EXCLUDED.lifetime_gmv, churned_buyers = k.churned_buyers + coalesce(EXCLUDED.churned_buyers, 0),
          birthday_soon = k.birthday_soon + coalesce(EXCLUDED.birthday_soon, 0),
          booked_not_arrived = k.booked_not_arrived + coalesce(EXCLUDED.booked_not_arrived, 0),
          high_value_slipping = k.high_value_slipping + coalesce(EXCLUDED.high_value_slipping, 0),
          first_order_follow_up = k.first_order_follow_up + coalesce(EXCLUDED.first_order_follow_up, 0)$sql$, moved);
    END
  $$;

-- A new group's sums arrive NULL where no row of it matched a filter: 0 instead.
CREATE FUNCTION siyu.classification_counts_zero() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      NEW.buyers := coalesce(NEW.buyers, 0); NEW.churned_buyers := coalesce(NEW.churned_buyers, 0);
      NEW.birthday_soon := coalesce(NEW.birthday_soon, 0); NEW.booked_not_arrived := coalesce(NEW.booked_not_arrived, 0);
      NEW.high_value_slipping := coalesce(NEW.high_value_slipping, 0); NEW.first_order_follow_up := coalesce(NEW.first_order_follow_up, 0);
      RETURN NEW;
    END
  $$;
CREATE TRIGGER classification_counts_zero BEFORE INSERT ON siyu.classification_counts
  FOR EACH ROW EXECUTE FUNCTION siyu.classification_counts_zero();

-- The classification's writes (the refresh, already under the build lock):
-- the rows it replaced out, the rows it wrote in, under their customers now.
CREATE FUNCTION siyu.classification_counts_now() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      side text := 'SELECT %s AS sign, c.owner_employee_id, c.source_channel_id, r.* FROM %I AS r JOIN siyu.customers AS c ON c.id = r.customer_id';
    BEGIN
      EXECUTE siyu.classification_counts_sql(CASE TG_OP
        WHEN 'INSERT' THEN format(side, 1, 'new_rows')
        WHEN 'DELETE' THEN format(side, -1, 'old_rows')
        ELSE format(side, 1, 'new_rows') || ' UNION ALL ' || format(side, -1, 'old_rows') END);
      DELETE FROM siyu.classification_counts WHERE customers = 0;
      RETURN NULL;
    END
  $$;

-- The customers' writes: a customer's classification row out under its old
-- owner and channel, in under its new ones. Only statements that may move a
-- classified customer take the build lock (an insert whose id has a row, any
-- deletion, an update of an owner, a channel or an id).
CREATE FUNCTION siyu.classification_counts_customers() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    DECLARE
      side text := 'SELECT %s AS sign, c.owner_employee_id, c.source_channel_id, r.* FROM %I AS c JOIN siyu.classification_now AS r ON r.customer_id = c.id';
      moves boolean;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        moves := EXISTS (SELECT 1 FROM new_rows AS n JOIN siyu.classification_now AS r ON r.customer_id = n.id);
      ELSIF TG_OP = 'DELETE' THEN
        -- Any deletion waits: a refresh in flight may be adding the customer's first row, not yet visible here.
        moves := EXISTS (SELECT 1 FROM old_rows);
      ELSE
        moves := EXISTS (SELECT 1 FROM old_rows AS o FULL JOIN new_rows AS n ON n.id = o.id
                         WHERE o.id IS NULL OR n.id IS NULL
                            OR ROW(o.owner_employee_id, o.source_channel_id) IS DISTINCT FROM ROW(n.owner_employee_id, n.source_channel_id));
      END IF;
      IF NOT moves THEN
        RETURN NULL;
      END IF;
      PERFORM pg_advisory_xact_lock(hashtext('siyu.classification_now'));
      EXECUTE siyu.classification_counts_sql(CASE TG_OP
        WHEN 'INSERT' THEN format(side, 1, 'new_rows')
        WHEN 'DELETE' THEN format(side, -1, 'old_rows')
        ELSE format(side, 1, 'new_rows') || ' UNION ALL ' || format(side, -1, 'old_rows') END);
      DELETE FROM siyu.classification_counts WHERE customers = 0;
      RETURN NULL;
    END
  $$;

CREATE FUNCTION siyu.classification_counts_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      TRUNCATE siyu.classification_counts;
      RETURN NULL;
    END
  $$;

-- The whole table again from the classification and the customers (this
-- migration builds it once; a bulk write that bypassed the triggers calls it).
CREATE FUNCTION siyu.rebuild_classification_counts() RETURNS bigint
  LANGUAGE plpgsql
  AS $$
    DECLARE
      written bigint;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext('siyu.classification_now'));
      DELETE FROM siyu.classification_counts;
      EXECUTE siyu.classification_counts_sql(
        'SELECT 1 AS sign, c.owner_employee_id, c.source_channel_id, r.* FROM siyu.classification_now AS r JOIN siyu.customers AS c ON c.id = r.customer_id');
      SELECT count(*) INTO written FROM siyu.classification_counts;
      RETURN written;
    END
  $$;

CREATE TRIGGER classification_counts_insert AFTER INSERT ON siyu.classification_now
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.classification_counts_now();
CREATE TRIGGER classification_counts_update AFTER UPDATE ON siyu.classification_now
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.classification_counts_now();
CREATE TRIGGER classification_counts_delete AFTER DELETE ON siyu.classification_now
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.classification_counts_now();
CREATE TRIGGER classification_counts_truncate AFTER TRUNCATE ON siyu.classification_now
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.classification_counts_truncate();

CREATE TRIGGER customers_classification_counts_insert AFTER INSERT ON siyu.customers
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.classification_counts_customers();
CREATE TRIGGER customers_classification_counts_update AFTER UPDATE ON siyu.customers
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.classification_counts_customers();
CREATE TRIGGER customers_classification_counts_delete AFTER DELETE ON siyu.customers
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION siyu.classification_counts_customers();
CREATE TRIGGER customers_classification_counts_truncate AFTER TRUNCATE ON siyu.customers
  FOR EACH STATEMENT EXECUTE FUNCTION siyu.classification_counts_truncate();

SELECT siyu.rebuild_classification_counts();
