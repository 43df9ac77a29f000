-- The attributed GMV and ROI drill lists (issue 19, docs/performance.md "The
-- ROI list from the customer-day table"): the customer-day table's campaign
-- rows (about one in ten) by day, carrying every column the lists read, so a
-- range's attributed rows are read from this index alone (an index-only scan:
-- the seed vacuums the table, autovacuum keeps its visibility map) instead of
-- every row of the range's pages. Partial: rows without a campaign are neither
-- in it nor cost anything to write. Nothing else changes: the triggers that
-- keep siyu.customer_days (migration 013) keep it.
CREATE INDEX customer_days_attributed_idx ON siyu.customer_days (day_start, customer_id)
  INCLUDE (campaign_id, channel_id, employee_id, paid_orders, paid_amount)
  WHERE campaign_id IS NOT NULL;
