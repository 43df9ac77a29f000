// The sales drill list of any date range over the whole brand: one row per
// customer with a paid order in the range, their GMV and paid orders there,
// read from two rows of the sales paid-day table (siyu.sales_paid_days,
// migrations 038 and 046) instead of summing all of them: their first row of
// the range (its day in the range, their previous paid day before it, or
// none) and their last (its day in the range, their next paid day after it,
// or none), each read by a skip scan of its own index (migration 046). The
// GMV is the last row's running amount less the first row's running amount
// before it; the orders likewise (docs/performance.md, "The
// custom-range drill list").
//
// The range is pushed in with FILTER_PARAMS of the view's member
// (sales_drill_range.order_date: in Cube 0.33 FILTER_PARAMS sees the queried
// name only), as converted_customers.js does; a JS model because the
// condition needs the range's start and end more than once. With no range
// (all time) the first row is the customer's first ever, the last their last.
// test/model/drill-range.test.ts checks the SQL and the numbers per role.
const firstRow = (filter) => {
  const sql = filter((from, to) => `f.day_start >= ${from}::timestamptz AND f.day_start <= ${to}::timestamptz
        AND COALESCE(f.any_prev_day, '-infinity'::timestamptz) < ${from}::timestamptz`);
  return sql === '1 = 1' ? 'f.any_prev_day IS NULL' : sql;
};
const lastRow = (filter) => {
  const sql = filter((from, to) => `l.day_start >= ${from}::timestamptz AND l.day_start <= ${to}::timestamptz
        AND COALESCE(l.next_day, 'infinity'::timestamptz) > ${to}::timestamptz`);
  return sql === '1 = 1' ? 'l.next_day IS NULL' : sql;
};

cube(`range_drill`, {
  sql: `
    SELECT f.customer_id, f.day_start,
           l.running_amount - f.running_amount + f.paid_amount AS paid_amount,
           l.running_orders - f.running_orders + f.paid_orders AS paid_orders
    FROM siyu.sales_paid_days AS f
    JOIN siyu.sales_paid_days AS l ON l.customer_id = f.customer_id
    WHERE ${firstRow(FILTER_PARAMS.sales_drill_range.order_date.filter)}
      AND ${lastRow(FILTER_PARAMS.sales_drill_range.order_date.filter)}`,
  title: `区间客户销售`,
  description: `Paid orders and GMV per customer of any date range (siyu.sales_paid_days' running amounts, migration 046, kept exact by the triggers on the customer-day table): the sales drill list of a custom range for the roles that see every fact.`,
  public: false,
  // Live data: docs/performance.md, "Refresh keys": the paid days (orders).
  refresh_key: {
    every: `2 second`,
    sql: `SELECT siyu.data_version('sales_paid_days')`,
  },

  // One row per customer, so the list's columns are dimensions.
  dimensions: {
    key: {
      sql: `${CUBE}.customer_id`,
      type: `number`,
      primary_key: true,
    },
    customer_id: {
      title: `客户ID`,
      sql: `${CUBE}.customer_id`,
      type: `number`,
    },
    // A range only: the customer's first paid day in the range.
    order_date: {
      title: `下单日期`,
      description: `The customer's first paid business day in the range; for a date range, not a granularity.`,
      sql: `${CUBE}.day_start`,
      type: `time`,
    },
    gmv: {
      title: `GMV`,
      description: `The customer's paid amount in the range (refunded orders excluded); equals their sales_drill.gmv.`,
      sql: `${CUBE}.paid_amount`,
      type: `number`,
      format: `currency`,
    },
    order_count: {
      title: `订单数`,
      description: `The customer's paid orders in the range; equals their sales_drill.order_count.`,
      sql: `${CUBE}.paid_orders`,
      type: `number`,
    },
  },
});
