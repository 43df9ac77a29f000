// GMV, paid orders and distinct buyers of any date range by the credited
// employee, their team (now) or the whole brand, read from the sales paid-day
// table (siyu.sales_paid_days, migration 038: one row per customer, business
// day and credited employee with paid orders, with the customer's previous
// paid day with the same employee, with the same team now and with anyone).
// A customer's first row in the range at a level (their previous day of that
// level before the range's start, or none) is one per customer and group of
// that level, so the buyers are a plain count of the range's rows' flags, and
// the GMV the sum of the same rows: no distinct count, sort or grouping per
// customer (docs/performance.md, "The sales paid-day table").
//
// The level is the deepest the query is cut by (employee, team, or the
// brand), after the role's limits: cube/engine/range-level.ts adds it as a
// filter on the view's `level`, which the SQL below reads with FILTER_PARAMS
// (of the view's members: FILTER_PARAMS in Cube 0.33 sees the queried names
// only), as it reads the range's start (converted_customers.js says why a JS
// model). With no range (all time) a first row is one with no previous day.
// Channel and campaign are not here (the previous days are over every
// channel): a query cut by them stays on the customer-day table (sales_buyers).
const previous = (levelFilter) => {
  const sql = levelFilter((level) => `CASE ${level}::text WHEN 'employee' THEN paid.prev_day WHEN 'team' THEN paid.team_prev_day ELSE paid.any_prev_day END`);
  return sql === '1 = 1' ? 'paid.any_prev_day' : sql;
};
const levelOf = (levelFilter) => {
  const sql = levelFilter((level) => `${level}::text`);
  return sql === '1 = 1' ? `'brand'::text` : sql;
};
const first = (dateFilter, levelFilter) => {
  const sql = dateFilter((from) => `(${previous(levelFilter)} IS NULL OR ${previous(levelFilter)} < ${from}::timestamptz)`);
  return sql === '1 = 1' ? `${previous(levelFilter)} IS NULL` : sql;
};
const inRange = (dateFilter) => dateFilter((from, to) => `paid.day_start >= ${from}::timestamptz AND paid.day_start <= ${to}::timestamptz`);

cube(`range_sales`, {
  sql: `
    SELECT paid.customer_id, paid.day_start, paid.employee_id, paid.paid_orders, paid.paid_amount,
           ${first(FILTER_PARAMS.sales_range.order_date.filter, FILTER_PARAMS.sales_range.level.filter)} AS first_of_group,
           ${levelOf(FILTER_PARAMS.sales_range.level.filter)} AS level
    FROM siyu.sales_paid_days AS paid
    WHERE ${inRange(FILTER_PARAMS.sales_range.order_date.filter)}`,
  title: `区间销售`,
  description: `Paid orders per customer, business day and credited employee, with the customer's previous paid day per level (siyu.sales_paid_days, migration 038, kept exact by triggers on the customer-day table and the employees' teams).`,
  public: false,
  // Live data: docs/performance.md, "Refresh keys": the paid days (orders) and the teams.
  refresh_key: {
    every: `2 second`,
    sql: `SELECT CONCAT_WS('/', siyu.data_version('sales_paid_days'), siyu.dimensions_version())`,
  },

  joins: {
    // The credited employee now, and their team now (employees → teams).
    employees: {
      relationship: `many_to_one`,
      sql: `${CUBE}.employee_id = ${employees.id}`,
    },
  },

  dimensions: {
    key: {
      sql: `CONCAT_WS('/', ${CUBE}.customer_id, ${CUBE}.day_start, ${CUBE}.employee_id)`,
      type: `string`,
      primary_key: true,
    },
    // A range only: a customer is counted at their first row in the range.
    order_date: {
      title: `下单日期`,
      description: `The business day of the paid orders; for a date range, not a granularity.`,
      sql: `${CUBE}.day_start`,
      type: `time`,
    },
    level: {
      title: `层级`,
      description: `The level the buyers are counted at (employee, team or brand), chosen by the server from the query's dimensions and filters.`,
      sql: `${CUBE}.level`,
      type: `string`,
    },
  },

  measures: {
    gmv: {
      title: `GMV`,
      description: `Sum of the amount of paid orders (refunded orders excluded); equals orders.gmv.`,
      sql: `${CUBE}.paid_amount`,
      type: `sum`,
      format: `currency`,
    },
    order_count: {
      title: `订单数`,
      description: `Number of paid orders; equals orders.order_count.`,
      sql: `${CUBE}.paid_orders`,
      type: `sum`,
    },
    // One flagged row per customer and group of the query's level: a plain count is the distinct count.
    buyers: {
      title: `购买人数`,
      description: `Number of distinct customers with at least one paid order; equals orders.buyers.`,
      sql: `CASE WHEN ${CUBE}.first_of_group THEN 1 END`,
      type: `count`,
    },
    spend_per_buyer: {
      title: `客单价`,
      description: `GMV divided by the number of distinct buyers; equals orders.spend_per_buyer.`,
      sql: `${gmv} / NULLIF(${buyers}, 0)`,
      type: `number`,
      format: `currency`,
    },
  },
});
