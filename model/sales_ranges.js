// The sales of a date range from the kept sales tables, shared by the model
// files that read them (Cube's export and import between JS model files; Cube
// resolves './name' from the model's root): month_sales.js (the GMV trend by
// month) and range_drill.js (the custom-range drill list's total).
//
// By the credited employee: whole months from the monthly sales table
// (siyu.sales_months, migration 041), partial edge months from the hourly
// sales table (siyu.sales_hours, migration 032); both kept exact by triggers
// on the orders (docs/performance.md, "The monthly sales table").
// The edge months read by hours are bounded by one-value subqueries (the first
// and the last month's edge), not joined to the edges: joined, PostgreSQL read
// every hour of the range (a staff member's whole year of hours through their
// index, 12,818 rows at 200k for 238 kept) and filtered them; bounded, each
// edge is an index range (docs/performance.md, "The ROI list from the
// customer-day table": the staff GMV trend's edge months).
// An edge month is read the cheaper way: its hours inside the range when
// they are fewer than half the month, else the month's row less its hours
// outside the range, summed per key (a key whose orders in the range come to
// none is left out, as it has no order there). Each row is dated at or after
// the range's start inside its own month, so the range filter Cube adds keeps
// it and a grouping by month (or quarter, or year) puts it in its month; a
// grouping by day or hour would not, and cube/engine/month-trend.ts refuses it.
// Both grains' builder: \`months\` a query of month_start, the row's key columns and the sums; \`fine\` the day or hour
// table (its start column \`at\`) for the edge months; \`team\` adds the team rows' empty employee.
const monthsAndEdges = (from, to, { months, fine, at, row, team }) => {
  const cols = (t) => `${t}.${row.replaceAll(', ', `, ${t}.`)}`;
  const noEmployee = team ? ', NULL::integer' : '';
  return `
    WITH parts AS (
      SELECT lm AT TIME ZONE siyu.business_tz() AS ms, (lm + interval '1 month') AT TIME ZONE siyu.business_tz() AS me, b.f, b.e
      FROM (SELECT ${from}::timestamptz AS f, ${to}::timestamptz + interval '1 millisecond' AS e) AS b,
           generate_series(date_trunc('month', b.f AT TIME ZONE siyu.business_tz()),
                           date_trunc('month', (b.e - interval '1 millisecond') AT TIME ZONE siyu.business_tz()), interval '1 month') AS lm
    ), edges AS (
      SELECT ms, me, GREATEST(ms, f) AS lo, LEAST(me, e) AS hi, (LEAST(me, e) - GREATEST(ms, f)) * 2 <= (me - ms) AS by_fine
      FROM parts WHERE NOT (ms >= f AND me <= e)
    )
    SELECT m.month_start AS period_start, ${cols('m')}${team ? ', NULL::integer AS employee_id' : ''}, m.orders, m.paid_orders, m.paid_amount
    FROM parts AS p JOIN (${months}) AS m ON m.month_start = p.ms
    WHERE p.ms >= p.f AND p.me <= p.e
    UNION ALL
    SELECT d.${at}, ${cols('d')}${noEmployee}, d.orders, d.paid_orders, d.paid_amount
    FROM ${fine} AS d
    WHERE (d.${at} >= (SELECT lo FROM edges WHERE by_fine AND ms = (SELECT min(ms) FROM parts))
       AND d.${at} < (SELECT hi FROM edges WHERE by_fine AND ms = (SELECT min(ms) FROM parts)))
       OR (d.${at} >= (SELECT lo FROM edges WHERE by_fine AND ms = (SELECT max(ms) FROM parts) AND ms > (SELECT min(ms) FROM parts))
       AND d.${at} < (SELECT hi FROM edges WHERE by_fine AND ms = (SELECT max(ms) FROM parts) AND ms > (SELECT min(ms) FROM parts)))
    UNION ALL
    SELECT x.lo, ${cols('k')}${noEmployee}, SUM(k.orders)::int, SUM(k.paid_orders)::int, SUM(k.paid_amount)
    FROM edges AS x CROSS JOIN LATERAL (
      SELECT ${row}, orders, paid_orders, paid_amount FROM (${months}) AS m WHERE m.month_start = x.ms
      UNION ALL
      SELECT ${row}, -orders, -paid_orders, -paid_amount FROM ${fine} AS d
      WHERE (d.${at} >= x.ms AND d.${at} < x.lo) OR (d.${at} >= x.hi AND d.${at} < x.me)
    ) AS k
    WHERE NOT x.by_fine
    GROUP BY x.lo, ${cols('k')}
    HAVING SUM(k.orders) <> 0`;
};
export const ROW = `channel_id, campaign_id, employee_id`;
export const ranged = (from, to) => monthsAndEdges(from, to, {
  months: `SELECT month_start, ${ROW}, orders, paid_orders, paid_amount FROM siyu.sales_months`, fine: `siyu.sales_hours`, at: `hour_start`, row: ROW,
});
// The same range at the team's grain, for a range of whole business days and
// no employee filter: whole months from the team month table
// (siyu.sales_team_months, migration 054: at most channels × campaigns × teams
// rows a month, about a ninth of the monthly table's), edge months from the
// team day table (siyu.sales_team_days, migration 051: at most channels ×
// campaigns × teams rows a day, where the hours hold about one row per
// order), either their days inside the range or the month's rows less its
// days outside, as above; both at the credited employee's team now, kept
// through team moves. Its rows have no employee (month-trend.ts and
// day-grain.ts refuse the view's employee members but as a top-level filter,
// which reads the rows below, by employee: FILTER_PARAMS sees the queried
// names only).
const TEAM_ROW = `channel_id, campaign_id, team_id`;
export const teamRanged = (from, to) => monthsAndEdges(from, to, {
  months: `SELECT month_start, ${TEAM_ROW}, orders, paid_orders, paid_amount FROM siyu.sales_team_months`, fine: `siyu.sales_team_days`, at: `day_start`, row: TEAM_ROW, team: true,
});
// Whether both bounds are business midnights (the range's last instant is a day's last millisecond).
export const wholeDays = (from, to) => `(${from}::timestamptz AT TIME ZONE siyu.business_tz())::time = '00:00'
      AND ((${to}::timestamptz + interval '1 millisecond') AT TIME ZONE siyu.business_tz())::time = '00:00'`;
// The range's paid orders and GMV at the brand level, rows to be summed (the
// custom-range drill list's total): at the team's grain for whole business
// days (the pages' ranges), by employee otherwise; each row dated inside the
// range, so the range filter Cube adds keeps it.
export const rangeSums = (from, to) => `
    SELECT t.period_start, t.paid_orders, t.paid_amount FROM (${teamRanged(from, to)}) AS t WHERE ${wholeDays(from, to)}
    UNION ALL
    SELECT t.period_start, t.paid_orders, t.paid_amount FROM (${ranged(from, to)}) AS t WHERE NOT (${wholeDays(from, to)})`;
