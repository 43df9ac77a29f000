// One row per customer with a paid order in the query's date range (their
// first paid day in it), with whether they repeated there: two or more paid
// orders on that day, or a next paid day still in the range. Read from the
// customer paid-day table (siyu.customer_paid_days, migration 036), so the
// overview's repurchase rate (复购率) of a custom range is two plain counts
// of index rows, with no distinct count and no grouping per customer
// (docs/performance.md, "Custom ranges": 0.6 s instead of 7.7 s for a
// 138-day range at 1M). The previous and next paid days are over every
// channel and campaign: a rate cut by the order's channel or campaign stays on
// the customer-day table (buyer_repurchase; the overview picks,
// web/src/features/overview/kpis/build-query.ts).
//
// The range is pushed in with FILTER_PARAMS of the view's member
// (repurchase_buyers.order_date, the only way this cube is asked): its start
// and end are needed inside (converted_customers.js says why a JS model). With
// no range (all time) each customer's first paid day ever is the row, and they
// repeated when it holds two orders or they have a next paid day.
const inRange = (filter) => {
  const range = filter((from, to) => `paid_day.day_start >= ${from}::timestamptz AND paid_day.day_start <= ${to}::timestamptz
        AND (paid_day.prev_day IS NULL OR paid_day.prev_day < ${from}::timestamptz)`);
  return range === '1 = 1' ? 'paid_day.prev_day IS NULL' : range;
};
const repeated = (filter) => {
  const sql = filter((from, to) => `(paid_day.paid_orders >= 2 OR paid_day.next_day <= ${to}::timestamptz)`);
  return sql === '1 = 1' ? '(paid_day.paid_orders >= 2 OR paid_day.next_day IS NOT NULL)' : sql;
};

cube(`range_buyers`, {
  sql: `
    SELECT paid_day.customer_id, paid_day.owner_id, paid_day.day_start AS first_day,
           ${repeated(FILTER_PARAMS.repurchase_buyers.order_date.filter)} AS repeated
    FROM siyu.customer_paid_days AS paid_day
    WHERE ${inRange(FILTER_PARAMS.repurchase_buyers.order_date.filter)}`,
  title: `复购（客户）`,
  description: `Each customer with a paid order in the range, once, with whether they had two or more there (siyu.customer_paid_days, migration 036, kept exact by triggers on the customer-day table and the customers).`,
  public: false,
  // Live data: docs/performance.md, "Refresh keys": the paid days (orders, owners) and the teams.
  refresh_key: {
    every: `2 second`,
    sql: `SELECT CONCAT_WS('/', siyu.data_version('customer_paid_days', 'customers'), siyu.dimensions_version())`,
  },

  joins: {
    // The customer's owner now (a column of the table, kept by a trigger on the customers) and the owner's team now.
    owners: {
      relationship: `many_to_one`,
      sql: `${CUBE}.owner_id = ${owners.id}`,
    },
  },

  dimensions: {
    customer_id: { title: `客户ID`, sql: `${CUBE}.customer_id`, type: `number`, primary_key: true },
    // A range only (see converted_customers.js).
    order_date: {
      title: `下单日期`,
      description: `The first business day in the range with a paid order of the customer; for a date range, not a granularity.`,
      sql: `${CUBE}.first_day`,
      type: `time`,
    },
  },

  measures: {
    buyers: { title: `购买人数`, description: `Customers with a paid order in the range.`, type: `count` },
    repeat_buyers: {
      title: `复购人数`,
      description: `Customers with two or more paid orders in the range.`,
      type: `count`,
      filters: [{ sql: `${CUBE}.repeated` }],
    },
    repurchase_rate: {
      title: `复购率`,
      description: `Among customers with a paid order in the range, the share with two or more; equals buyer_repurchase.repurchase_rate with no channel or campaign.`,
      sql: `${repeat_buyers}::NUMERIC / NULLIF(${buyers}, 0)`,
      type: `number`,
      format: `percent`,
    },
  },
});
