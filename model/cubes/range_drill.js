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
// customer), GMV and paid orders, summed over the same two kinds of rows
// without pairing them: a customer's GMV is their last row's running amount
// less their first row's running amount before it, so the range's GMV is the
// sum of the last rows' running amounts less the sum of the first rows'
// amounts before them. Two skip scans and one sum, where sales_range (the
// tile's view) reads every row in range; the same numbers (a first row is the
// tile's first_of_group at the brand level), checked against plain SQL and
// the tile in test/model/drill-range.test.ts.
const totalsRows = (filter) => {
  const first = filter((from, to) => `paid.day_start >= ${from}::timestamptz AND paid.day_start <= ${to}::timestamptz
        AND COALESCE(paid.any_prev_day, '-infinity'::timestamptz) < ${from}::timestamptz`);
  const last = filter((from, to) => `paid.day_start >= ${from}::timestamptz AND paid.day_start <= ${to}::timestamptz
        AND COALESCE(paid.next_day, 'infinity'::timestamptz) > ${to}::timestamptz`);
  return {
    first: first === '1 = 1' ? 'paid.any_prev_day IS NULL' : first,
    last: last === '1 = 1' ? 'paid.next_day IS NULL' : last,
  };
};

cube(`range_drill_totals`, {
  sql: `
    SELECT paid.day_start, 1 AS first_row, paid.paid_amount - paid.running_amount AS amount, paid.paid_orders - paid.running_orders AS orders
    FROM siyu.sales_paid_days AS paid
    WHERE ${totalsRows(FILTER_PARAMS.sales_drill_range_totals.order_date.filter).first}
    UNION ALL
    SELECT paid.day_start, 0, paid.running_amount, paid.running_orders
    FROM siyu.sales_paid_days AS paid
    WHERE ${totalsRows(FILTER_PARAMS.sales_drill_range_totals.order_date.filter).last}`,
  title: `区间客户销售合计`,
  description: `The custom-range sales drill list's total and header (its buyers, GMV and paid orders) from the first and last rows of siyu.sales_paid_days in the range (migration 046): the same numbers as sales_range at the brand level.`,
  public: false,
  refresh_key: {
    every: `2 second`,
    sql: `SELECT siyu.data_version('sales_paid_days')`,
  },

  dimensions: {
    // A range only.
    order_date: {
      title: `下单日期`,
      description: `A paid business day of the range's first or last rows; for a date range, not a granularity.`,
      sql: `${CUBE}.day_start`,
      type: `time`,
    },
  },

  measures: {
    buyers: {
      title: `购买人数`,
      description: `Number of distinct customers with at least one paid order in the range (one first row each); equals sales_range.buyers.`,
      sql: `CASE WHEN ${CUBE}.first_row = 1 THEN 1 END`,
      type: `count`,
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
