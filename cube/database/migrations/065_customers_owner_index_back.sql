-- Migration 062's customer index led by the owner and carrying the customer id
-- is taken back: PostgreSQL 18 can skip-scan it by the id alone, and with the
-- statistics of a freshly loaded table it chose that index-only walk, one
-- walk over every owner per customer, for the builds that join each of a
-- brand's customers by id (the owner period table's and the sliced drill
-- lists'): in a clean-clone CI run an import's `rebuild_period_owners()`
-- ran past 234 s and `roll_drill_sales_slices(true)` past 714 s, where both
-- take seconds (docs/performance.md, "Migration 062's index taken back").
-- The owner index alone is back; a team role's churn page sorts its owners'
-- customers by id again (42-72 ms at 200,000 customers instead of 1 ms).
CREATE INDEX customers_owner_idx ON siyu.customers (owner_employee_id);
DROP INDEX siyu.customers_owner_order_idx;
