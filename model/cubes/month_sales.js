// GMV and paid orders of a date range by month, from the monthly sales table
// (siyu.sales_months, migration 041) for the range's whole months and the
// hourly sales table (siyu.sales_hours, migration 032) for its partial edge
// months: both kept exact by triggers on the orders, so a new order is read
// at the next tick with nothing rebuilt (docs/performance.md, "The monthly
// sales table"). The overview's GMV trend by month (近90天, 近12个月, 本季度,
// 本年, 全部) reads it instead of the orders' rollup, whose current month's
// partition every order rebuilt. A range of whole business days with no
// employee filter (the page's presets for exec, ops and managers) is read at
// the team's grain instead (teamRanged in model/sales_ranges.js: the team month and team day
// tables, migrations 054 and 051, docs/performance.md "The team month table").
//
// The range is read with FILTER_PARAMS of the view's member (FILTER_PARAMS in
// Cube 0.33 sees the queried names only; converted_customers.js says why a JS
// model). With no range (all time) every month is whole.
import { ranged, teamRanged, wholeDays, ROW } from './sales_ranges';

// The employee grain's rows with the employee's team now (as the view's join to the employees gave it).
const withTeam = (rows) => `
    SELECT r.period_start, r.channel_id, r.campaign_id, e.team_id, r.employee_id, r.orders, r.paid_orders, r.paid_amount
    FROM (${rows}) AS r LEFT JOIN siyu.employees AS e ON e.id = r.employee_id`;
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
