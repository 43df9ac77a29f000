// GMV and paid orders by business day at the whole brand's and a team's
// grain: the overview's GMV trend by day (今日 to 62 days), for every role
// (docs/performance.md, "The team day table").
//
// Read from the team day table (siyu.sales_team_days, migration 051: day ×
// channel × campaign × the credited employee's team now), at most channels ×
// campaigns × teams rows a day, when the query names no employee; with an
// employee filter (a staff member's row limit, cube/engine/access-rules.ts),
// from that employee's rows of the daily sales table (siyu.sales_days,
// migration 042, through its employee index) with their team now. Both kept
// exact by triggers on the orders (and the team table on team moves), so a
// new order is read at the next tick with nothing rebuilt. The employee is
// known only through the filter: cube/engine/day-grain.ts refuses the view's
// employee_id anywhere but a top-level filter, which FILTER_PARAMS sees
// (FILTER_PARAMS in Cube 0.33 sees the queried names only; month_sales.js).
const TEAM_ROWS = `
    SELECT day_start, channel_id, campaign_id, team_id, NULL::integer AS employee_id, orders, paid_orders, paid_amount
    FROM siyu.sales_team_days`;
const employeeRows = (condition) => `
    SELECT s.day_start, s.channel_id, s.campaign_id, e.team_id, s.employee_id, s.orders, s.paid_orders, s.paid_amount
    FROM siyu.sales_days AS s LEFT JOIN siyu.employees AS e ON e.id = s.employee_id
    WHERE ${condition}`;
const source = (employeeFilter) => {
  const condition = employeeFilter('s.employee_id');
  return condition === '1 = 1' ? TEAM_ROWS : employeeRows(condition);
};

cube(`team_days`, {
  sql: source(FILTER_PARAMS.sales_day_trend.employee_id.filter),
  title: `团队日销售`,
  description: `Orders summed per business day, channel, campaign and the credited employee's team (siyu.sales_team_days, migration 051), or one employee's day rows (siyu.sales_days, migration 042), kept exact by triggers on the orders.`,
  public: false,
  // Live data: both tables' counters, and the names and teams they are read with (as sales_days).
  refresh_key: {
    every: `2 second`,
    sql: `SELECT CONCAT_WS('/', siyu.data_version('sales_team_days'), siyu.data_version('sales_days'), siyu.dimensions_version())`,
  },

  joins: {
    // The team on the row (the team table's own column: the employee's team now, kept through moves).
    teams: { relationship: `many_to_one`, sql: `${CUBE}.team_id = ${teams.id}` },
    channels: { relationship: `many_to_one`, sql: `${CUBE}.channel_id = ${channels.id}` },
    campaigns: { relationship: `many_to_one`, sql: `${CUBE}.campaign_id = ${campaigns.id}` },
  },

  dimensions: {
    key: {
      sql: `CONCAT_WS('/', ${CUBE}.day_start, ${CUBE}.channel_id, ${CUBE}.campaign_id, ${CUBE}.team_id, ${CUBE}.employee_id)`,
      type: `string`,
      primary_key: true,
    },
    team_id: { sql: `${CUBE}.team_id`, type: `number` },
    // Only for a filter (a staff member's limit): NULL on the team rows.
    employee_id: { sql: `${CUBE}.employee_id`, type: `number` },
    // Days, not instants: group by day or coarser (cube/engine/day-grain.ts refuses hours).
    order_date: {
      title: `下单时间`,
      description: `The business day of the orders.`,
      sql: `${CUBE}.day_start`,
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
