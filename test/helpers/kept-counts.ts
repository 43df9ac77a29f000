/** The registrations and touches tables (migrations 044, 045) against the customers, follow-ups and appointments counted apart. */
import type { Sql } from 'postgres';
import { rowDifferences } from './differences.ts';

export async function keptCountDifferences(sql: Sql): Promise<string[]> {
  return rowDifferences(sql, `
      SELECT 'registration' AS kind, siyu.local_midnight(siyu.local_date(registered_at)) AS day_start, source_channel_id AS a, owner_employee_id AS b,
             count(*)::int AS n1, 0 AS n2, 0 AS n3
      FROM siyu.customers GROUP BY 1, 2, 3, 4
      UNION ALL
      SELECT 'touch', day_start, employee_id, NULL, sum(f)::int, sum(bk)::int, sum(ar)::int
      FROM (SELECT siyu.local_midnight(siyu.local_date(occurred_at)) AS day_start, employee_id, 1 AS f, 0 AS bk, 0 AS ar FROM siyu.follow_ups
            UNION ALL SELECT siyu.local_midnight(siyu.local_date(booked_at)), employee_id, 0, 1, (arrived_at IS NOT NULL)::int FROM siyu.appointments) AS x
      GROUP BY 1, 2, 3`, `
      SELECT 'registration' AS kind, day_start, source_channel_id AS a, owner_employee_id AS b, customers AS n1, 0 AS n2, 0 AS n3
      FROM siyu.registration_days WHERE customers <> 0
      UNION ALL
      SELECT 'touch', day_start, employee_id, NULL, follow_ups, bookings, arrivals FROM siyu.touch_days WHERE follow_ups <> 0 OR bookings <> 0 OR arrivals <> 0`);
}
