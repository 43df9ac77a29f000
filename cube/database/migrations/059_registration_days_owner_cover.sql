-- A team's new customers (issue 19, docs/performance.md "A team's new
-- customers from an index alone"): a manager's 新增客户 tile and list sum
-- the registration day table (migration 044) over the owners of one team.
-- With the owner index alone each owner's rows are scattered heap pages, so
-- the planner preferred a parallel scan of the whole range (885,000 rows at a
-- million customers, 290 ms) and hashed the team's 13 owners against it. The
-- same index carrying what the query reads makes each owner's range an
-- index-only scan (the table is vacuumed by the seed and autovacuum): 18 ms.
-- It replaces the owner index (same leading columns), so a write keeps one
-- index, not two.
CREATE INDEX registration_days_owner_cover_idx ON siyu.registration_days (owner_employee_id, day_start)
  INCLUDE (customers, source_channel_id);
DROP INDEX siyu.registration_days_owner_idx;
