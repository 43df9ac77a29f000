// GMV and paid orders of a date range by month, from the monthly sales table
// (siyu.sales_months, migration 041) for the range's whole months and the
// hourly sales table (siyu.sales_hours, migration 032) for its partial edge
// months: both kept exact by triggers on the orders, so a new order is read
// at the next tick with nothing rebuilt (docs/performance.md, "The monthly
// sales table"). The overview's GMV trend by month (近90天, 近12个月, 本季度,
// 本年, 全部) reads it instead of the orders' rollup, whose current month's
// partition every order rebuilt. A range of whole business days with no
// employee filter (the page's presets for exec, ops and managers) is read at
// the team's grain instead (teamRanged below: the team month and team day
// tables, migrations 054 and 051, docs/performance.md "The team month table").
//
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
// The range is read with FILTER_PARAMS of the view's member (FILTER_PARAMS in
// Cube 0.33 sees the queried names only; converted_customers.js says why a JS
// model). With no range (all time) every month is whole.
const ROW = `channel_id, campaign_id, employee_id`;
const ranged = (from, to) => `
    WITH parts AS (
      SELECT lm AT TIME ZONE siyu.business_tz() AS ms, (lm + interval '1 month') AT TIME ZONE siyu.business_tz() AS me, b.f, b.e
      FROM (SELECT ${from}::timestamptz AS f, ${to}::timestamptz + interval '1 millisecond' AS e) AS b,
           generate_series(date_trunc('month', b.f AT TIME ZONE siyu.business_tz()),
                           date_trunc('month', (b.e - interval '1 millisecond') AT TIME ZONE siyu.business_tz()), interval '1 month') AS lm
    ), edges AS (
      SELECT ms, me, GREATEST(ms, f) AS lo, LEAST(me, e) AS hi, (LEAST(me, e) - GREATEST(ms, f)) * 2 <= (me - ms) AS by_hours
      FROM parts WHERE NOT (ms >= f AND me <= e)
    )
    SELECT s.month_start AS period_start, s.${ROW.replaceAll(', ', ', s.')}, s.orders, s.paid_orders, s.paid_amount
    FROM parts AS p JOIN siyu.sales_months AS s ON s.month_start = p.ms
    WHERE p.ms >= p.f AND p.me <= p.e
    UNION ALL
    SELECT h.hour_start, h.${ROW.replaceAll(', ', ', h.')}, h.orders, h.paid_orders, h.paid_amount
    FROM siyu.sales_hours AS h
    WHERE (h.hour_start >= (SELECT lo FROM edges WHERE by_hours AND ms = (SELECT min(ms) FROM parts))
       AND h.hour_start < (SELECT hi FROM edges WHERE by_hours AND ms = (SELECT min(ms) FROM parts)))
       OR (h.hour_start >= (SELECT lo FROM edges WHERE by_hours AND ms = (SELECT max(ms) FROM parts) AND ms > (SELECT min(ms) FROM parts))
       AND h.hour_start < (SELECT hi FROM edges WHERE by_hours AND ms = (SELECT max(ms) FROM parts) AND ms > (SELECT min(ms) FROM parts)))
    UNION ALL
    SELECT x.lo, k.${ROW.replaceAll(', ', ', k.')}, SUM(k.orders)::int, SUM(k.paid_orders)::int, SUM(k.paid_amount)
    FROM edges AS x CROSS JOIN LATERAL (
      SELECT ${ROW}, orders, paid_orders, paid_amount FROM siyu.sales_months AS s WHERE s.month_start = x.ms
      UNION ALL
      SELECT ${ROW}, -orders, -paid_orders, -paid_amount FROM siyu.sales_hours AS h
      WHERE (h.hour_start >= x.ms AND h.hour_start < x.lo) OR (h.hour_start >= x.hi AND h.hour_start < x.me)
    ) AS k
    WHERE NOT x.by_hours
    GROUP BY x.lo, k.${ROW.replaceAll(', ', ', k.')}
    HAVING SUM(k.orders) <> 0`;
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
const teamMonth = `SELECT month_start, ${TEAM_ROW}, orders, paid_orders, paid_amount FROM siyu.sales_team_months`;
const teamRanged = (from, to) => `
    WITH parts AS (
      SELECT lm AT TIME ZONE siyu.business_tz() AS ms, (lm + interval '1 month') AT TIME ZONE siyu.business_tz() AS me, b.f, b.e
      FROM (SELECT ${from}::timestamptz AS f, ${to}::timestamptz + interval '1 millisecond' AS e) AS b,
           generate_series(date_trunc('month', b.f AT TIME ZONE siyu.business_tz()),
                           date_trunc('month', (b.e - interval '1 millisecond') AT TIME ZONE siyu.business_tz()), interval '1 month') AS lm
    ), edges AS (
      SELECT ms, me, GREATEST(ms, f) AS lo, LEAST(me, e) AS hi, (LEAST(me, e) - GREATEST(ms, f)) * 2 <= (me - ms) AS by_days
      FROM parts WHERE NOT (ms >= f AND me <= e)
    )
    SELECT m.month_start AS period_start, m.${TEAM_ROW.replaceAll(', ', ', m.')}, NULL::integer AS employee_id, m.orders, m.paid_orders, m.paid_amount
    FROM parts AS p JOIN (${teamMonth}) AS m ON m.month_start = p.ms
    WHERE p.ms >= p.f AND p.me <= p.e
    UNION ALL
    SELECT d.day_start, d.${TEAM_ROW.replaceAll(', ', ', d.')}, NULL::integer, d.orders, d.paid_orders, d.paid_amount
    FROM siyu.sales_team_days AS d
    WHERE (d.day_start >= (SELECT lo FROM edges WHERE by_days AND ms = (SELECT min(ms) FROM parts))
       AND d.day_start < (SELECT hi FROM edges WHERE by_days AND ms = (SELECT min(ms) FROM parts)))
       OR (d.day_start >= (SELECT lo FROM edges WHERE by_days AND ms = (SELECT max(ms) FROM parts) AND ms > (SELECT min(ms) FROM parts))
       AND d.day_start < (SELECT hi FROM edges WHERE by_days AND ms = (SELECT max(ms) FROM parts) AND ms > (SELECT min(ms) FROM parts)))
    UNION ALL
    SELECT x.lo, k.${TEAM_ROW.replaceAll(', ', ', k.')}, NULL::integer, SUM(k.orders)::int, SUM(k.paid_orders)::int, SUM(k.paid_amount)
    FROM edges AS x CROSS JOIN LATERAL (
      SELECT ${TEAM_ROW}, orders, paid_orders, paid_amount FROM (${teamMonth}) AS m WHERE m.month_start = x.ms
      UNION ALL
      SELECT ${TEAM_ROW}, -orders, -paid_orders, -paid_amount FROM siyu.sales_team_days AS d
      WHERE (d.day_start >= x.ms AND d.day_start < x.lo) OR (d.day_start >= x.hi AND d.day_start < x.me)
    ) AS k
    WHERE NOT x.by_days
    GROUP BY x.lo, k.${TEAM_ROW.replaceAll(', ', ', k.')}
    HAVING SUM(k.orders) <> 0`;
// The employee grain's rows with the employee's team now (as the view's join to the employees gave it).
const withTeam = (rows) => `
    SELECT r.period_start, r.channel_id, r.campaign_id, e.team_id, r.employee_id, r.orders, r.paid_orders, r.paid_amount
    FROM (${rows}) AS r LEFT JOIN siyu.employees AS e ON e.id = r.employee_id`;
// Whether both bounds are business midnights (the range's last instant is a day's last millisecond).
const wholeDays = (from, to) => `(${from}::timestamptz AT TIME ZONE siyu.business_tz())::time = '00:00'
      AND ((${to}::timestamptz + interval '1 millisecond') AT TIME ZONE siyu.business_tz())::time = '00:00'`;
const source = (dateFilter, employeeFilter, nameFilter) => {
  const byEmployee = employeeFilter('r.employee_id') !== '1 = 1' || nameFilter('r.employee_id') !== '1 = 1';
  const sql = dateFilter((from, to) => (byEmployee
    ? withTeam(ranged(from, to))
    : `SELECT * FROM (${teamRanged(from, to)}) AS t WHERE ${wholeDays(from, to)}
    UNION ALL
    SELECT * FROM (${withTeam(ranged(from, to))}) AS t WHERE NOT (${wholeDays(from, to)})`));
  return sql === '1 = 1'
    ? withTeam(`SELECT month_start AS period_start, ${ROW}, orders, paid_orders, paid_amount FROM siyu.sales_months`)
    : sql;
};

cube(`month_sales`, {
  sql: source(FILTER_PARAMS.sales_trend.order_date.filter, FILTER_PARAMS.sales_trend.employee_id.filter, FILTER_PARAMS.sales_trend.employee.filter),
  title: `月度销售`,
  description: `Orders summed per business month (whole months of the range) or hour (its edge months), channel, campaign and credited employee (siyu.sales_months, migration 041, and siyu.sales_hours, migration 032), or, for whole days and no employee filter, per month or day and the employee's team now (siyu.sales_team_months, migration 054, and siyu.sales_team_days, migration 051), kept exact by triggers.`,
  public: false,
  // Live data: both tables' counters, and the names and teams they are read with (as sales_hours).
  refresh_key: {
    every: `2 second`,
    sql: `SELECT CONCAT_WS('/', siyu.data_version('sales_months'), siyu.data_version('sales_hours'), siyu.data_version('sales_team_days'), siyu.data_version('sales_team_months'), siyu.dimensions_version())`,
  },

  joins: {
    // The employee (NULL on the team rows) and the row's team: the employee's team now, as for the orders.
    employees: { relationship: `many_to_one`, sql: `${CUBE}.employee_id = ${employees.id}` },
    teams: { relationship: `many_to_one`, sql: `${CUBE}.team_id = ${teams.id}` },
    channels: { relationship: `many_to_one`, sql: `${CUBE}.channel_id = ${channels.id}` },
    campaigns: { relationship: `many_to_one`, sql: `${CUBE}.campaign_id = ${campaigns.id}` },
  },

  dimensions: {
    key: {
      sql: `CONCAT_WS('/', ${CUBE}.period_start, ${CUBE}.channel_id, ${CUBE}.campaign_id, ${CUBE}.team_id, ${CUBE}.employee_id)`,
      type: `string`,
      primary_key: true,
    },
    team_id: { sql: `${CUBE}.team_id`, type: `number` },
    // Only for a filter (a staff member's limit): NULL on the team rows.
    employee_id: { sql: `${CUBE}.employee_id`, type: `number` },
    // By month, quarter or year only (cube/engine/month-trend.ts).
    order_date: {
      title: `下单时间`,
      description: `The business month of the orders; group by month, quarter or year.`,
      sql: `${CUBE}.period_start`,
      type: `time`,
    },
  },

  measures: {
    // As sales_hours.gmv: a slice whose orders were all refunded has no GMV (NULL), as orders.gmv gives it.
    gmv: {
      title: `GMV`,
      description: `Sum of the amount of paid orders (refunded orders excluded); equals orders.gmv.`,
      sql: `CASE WHEN ${CUBE}.paid_orders > 0 THEN ${CUBE}.paid_amount END`,
      type: `sum`,
      format: `currency`,
    },
    order_count: {
      title: `订单数`,
      description: `Number of paid orders; equals orders.order_count.`,
      sql: `${CUBE}.paid_orders`,
      type: `sum`,
    },
  },
});
