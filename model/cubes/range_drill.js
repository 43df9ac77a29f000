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
import { rangeSums } from './sales_ranges';

// The condition for a customer's first row of the range (on the table as \`t\`).
const firstRow = (filter, t = 'f') => {
  const sql = filter((from, to) => `${t}.day_start >= ${from}::timestamptz AND ${t}.day_start <= ${to}::timestamptz
        AND COALESCE(${t}.any_prev_day, '-infinity'::timestamptz) < ${from}::timestamptz`);
  return sql === '1 = 1' ? `${t}.any_prev_day IS NULL` : sql;
};
const lastRow = (filter) => {
  const sql = filter((from, to) => `l.day_start >= ${from}::timestamptz AND l.day_start <= ${to}::timestamptz
        AND COALESCE(l.next_day, 'infinity'::timestamptz) > ${to}::timestamptz`);
  return sql === '1 = 1' ? 'l.next_day IS NULL' : sql;
};

// With a range, the same rows from siyu.sales_drill_range_rows (migration 052): the same join with the plan it needs
// (skip scans, a hash join), which the planner does not choose for it (docs/performance.md, "The custom-range drill
// list at 200k").
const rangeRows = (filter) => {
  const sql = filter((from, to) => `siyu.sales_drill_range_rows(${from}::timestamptz, ${to}::timestamptz)`);
  return sql === '1 = 1' ? null : sql;
};

cube(`range_drill`, {
  sql: rangeRows(FILTER_PARAMS.sales_drill_range.order_date.filter) === null ? `
    SELECT f.customer_id, f.day_start,
           l.running_amount - f.running_amount + f.paid_amount AS paid_amount,
           l.running_orders - f.running_orders + f.paid_orders AS paid_orders
    FROM siyu.sales_paid_days AS f
    JOIN siyu.sales_paid_days AS l ON l.customer_id = f.customer_id
    WHERE ${firstRow(FILTER_PARAMS.sales_drill_range.order_date.filter)}
      AND ${lastRow(FILTER_PARAMS.sales_drill_range.order_date.filter)}` : `
    SELECT r.customer_id, r.day_start, r.paid_amount, r.paid_orders
    FROM ${rangeRows(FILTER_PARAMS.sales_drill_range.order_date.filter)} AS r`,
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

// The same list's pages by GMV (largest first, then the customer id), any depth: rows `skip` + 1 .. `top` of the list
// above, in its order, from siyu.sales_drill_range_page (migration 066). A page ending within 1000 is read by migration
// 063's threshold walk over the customers' lifetime GMV (siyu.sales_drill_range_top); a deeper one is ranked in full in
// PostgreSQL by the GMV in cents and cut there, so Cube groups and orders the page's rows only. `top` (the page's
// offset plus its size; required, cube/engine/access-rules.ts) and `skip` (its offset; none: 0) are each asked as one
// `equals` filter and pushed into the function's call; every row carries both, so Cube's own conditions on them hold.
// Any other filter on them (a second value, another operator) gives no rows.
// test/model/drill-range.test.ts checks the pages against the full ranking and plain SQL.
const pageNumber = (filter, none) => {
  const sql = filter((n) => `(${n})::int`);
  return sql === '1 = 1' ? none : sql.includes(' AND ') ? 'NULL::int' : sql;
};
const pageRows = (range, top, skip) => {
  const n = pageNumber(top, 'NULL::int');
  const from = pageNumber(skip, '0');
  const sql = range((a, b) => `siyu.sales_drill_range_page(${a}::timestamptz, ${b}::timestamptz, ${from}, ${n})`);
  return { n, skip: from, from: sql === '1 = 1' ? `siyu.sales_drill_range_page(NULL, NULL, ${from}, ${n})` : sql };
};
cube(`range_drill_top`, {
  sql: `
    SELECT r.customer_id, r.day_start, r.paid_amount, r.paid_orders,
           ${pageRows(FILTER_PARAMS.sales_drill_range_top.order_date.filter, FILTER_PARAMS.sales_drill_range_top.top.filter, FILTER_PARAMS.sales_drill_range_top.skip.filter).n} AS top,
           ${pageRows(FILTER_PARAMS.sales_drill_range_top.order_date.filter, FILTER_PARAMS.sales_drill_range_top.top.filter, FILTER_PARAMS.sales_drill_range_top.skip.filter).skip} AS skip
    FROM ${pageRows(FILTER_PARAMS.sales_drill_range_top.order_date.filter, FILTER_PARAMS.sales_drill_range_top.top.filter, FILTER_PARAMS.sales_drill_range_top.skip.filter).from} AS r`,
  title: `区间客户销售前列`,
  description: `A page of the custom-range sales drill list by GMV (siyu.sales_drill_range_page, migration 066; its first pages by migration 063's walk): the same rows, numbers and order as range_drill's rows there.`,
  public: false,
  refresh_key: {
    every: `2 second`,
    sql: `SELECT siyu.data_version('sales_paid_days')`,
  },

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
    // How many of the list's first customers are asked: one equals filter, required.
    top: {
      title: `前N名`,
      description: `The number of first customers asked (largest GMV first, then the customer id); filter it with equals and one value.`,
      sql: `${CUBE}.top`,
      type: `number`,
    },
    // How many of the list's first customers the page passes over (its offset): one equals filter, none for 0.
    skip: {
      title: `跳过前N名`,
      description: `The number of first customers the page passes over (its offset); filter it with equals and one value, or leave it out for 0.`,
      sql: `${CUBE}.skip`,
      type: `number`,
    },
  },
});

// The same list's total and header: the range's buyers (one first row per
// customer in siyu.sales_paid_days, migration 046: a row in the range whose
// previous paid day is before it; an index-only count), and its GMV and paid
// orders from the kept sales tables (model/sales_ranges.js: the team month and
// team day tables for whole days, the month and hour tables otherwise), where
// they were the customers' last rows' running amounts less their first rows'
// (a second scan of as many rows, and a numeric sum of both: about 190 ms of CPU
// for a year at 1M against 60 ms now, docs/performance.md). The same numbers as
// sales_range at the brand level, checked against plain SQL and the tile in
// test/model/drill-range.test.ts.
// The range's first rows counted where they are read, in one row dated at the range's start (so the range filter Cube
// adds keeps it), not passed up one by one to Cube's count: 60 ms of CPU against 90 for a year at 1M.
const firstRows = (filter) => {
  const from = filter((f) => `${f}::timestamptz`);
  return `SELECT ${from === '1 = 1' ? 'NULL::timestamptz' : from} AS day_start, count(*) AS buyers
    FROM siyu.sales_paid_days AS paid WHERE ${firstRow(filter, 'paid')}`;
};
const rangeSales = (filter) => {
  const sql = filter((from, to) => rangeSums(from, to));
  return sql === '1 = 1' ? `SELECT month_start AS period_start, paid_orders, paid_amount FROM siyu.sales_team_months` : sql;
};

// A slice of the sales tables whose orders were all refunded has no amount (NULL), as orders.gmv gives it.
cube(`range_drill_totals`, {
  sql: `
    SELECT b.day_start, b.buyers, NULL::numeric AS amount, NULL::integer AS orders
    FROM (${firstRows(FILTER_PARAMS.sales_drill_range_totals.order_date.filter)}) AS b
    UNION ALL
    SELECT s.period_start, NULL, CASE WHEN s.paid_orders > 0 THEN s.paid_amount END, s.paid_orders
    FROM (${rangeSales(FILTER_PARAMS.sales_drill_range_totals.order_date.filter)}) AS s`,
  title: `区间客户销售合计`,
  description: `The custom-range sales drill list's total and header: its buyers from the first rows of siyu.sales_paid_days in the range (migration 046), its GMV and paid orders from the kept sales tables (team month and day tables, migrations 054 and 051; month and hour tables, 041 and 032): the same numbers as sales_range at the brand level.`,
  public: false,
  // Live data: the paid-day table's counter and the sales tables' (as month_sales).
  refresh_key: {
    every: `2 second`,
    sql: `SELECT CONCAT_WS('/', siyu.data_version('sales_paid_days'), siyu.data_version('sales_months'), siyu.data_version('sales_hours'), siyu.data_version('sales_team_days'), siyu.data_version('sales_team_months'))`,
  },

  dimensions: {
    // A range only.
    order_date: {
      title: `下单日期`,
      description: `A paid business day of the range's first rows, or a day or month of its sales; for a date range, not a granularity.`,
      sql: `${CUBE}.day_start`,
      type: `time`,
    },
  },

  measures: {
    buyers: {
      title: `购买人数`,
      description: `Number of distinct customers with at least one paid order in the range (one first row each); equals sales_range.buyers.`,
      sql: `${CUBE}.buyers`,
      type: `sum`,
    },
    gmv: {
      title: `GMV`,
      description: `Sum of the amount of paid orders in the range (refunded orders excluded); equals sales_range.gmv.`,
      sql: `${CUBE}.amount`,
      type: `sum`,
      format: `currency`,
    },
    order_count: {
      title: `订单数`,
      description: `Number of paid orders in the range; equals sales_range.order_count.`,
      sql: `${CUBE}.orders`,
      type: `sum`,
    },
    spend_per_buyer: {
      title: `客单价`,
      description: `GMV divided by the number of distinct buyers; equals sales_range.spend_per_buyer.`,
      sql: `${gmv} / NULLIF(${buyers}, 0)`,
      type: `number`,
      format: `currency`,
    },
  },
});
