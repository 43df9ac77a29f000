-- The custom-range drill list's deep page ranked by two processes (issue 19,
-- docs/performance.md "The custom-range drill list's deep page by two
-- processes (built, migration 069)").
--
-- Migration 067's ranking is one core's work from start to end: a year's
-- 392,000 first and last rows read from their indexes, hashed and joined by
-- customer, sorted by the GMV in cents; about 500–550 ms of CPU at 1M, bound
-- by memory latency (the join and the sort of the same rows from temporary
-- tables took as long), so the page's 800 ms held on a quiet machine only.
-- Here the same statement may run with one parallel worker beside it: both
-- read half of each index, build one shared hash, probe it and sort their
-- halves, and the leader merges the two sorted halves (Gather Merge) up to
-- the page. The order is unchanged and total: the GMV in cents descending,
-- then the customer id, unique.
--
-- The planner does not choose that plan at the default parallel costs (the
-- range's index pages are few for what they hold), so the function sets the
-- costs it needs, for this statement only: no set-up or per-row cost for a
-- worker, no minimum index size, and one worker at most (on two cores a
-- second adds a process without a core; at 1M it took 351 ms against 376 for
-- one). Its text and its other settings are migration 067's. Nothing else
-- of the list changes: its first pages stay on migration 063's walk, in one
-- process.
ALTER FUNCTION siyu.sales_drill_range_ranked(timestamptz, timestamptz, integer, integer)
  SET max_parallel_workers_per_gather = 1
  SET parallel_setup_cost = 0
  SET parallel_tuple_cost = 0
  SET min_parallel_index_scan_size = 0;
