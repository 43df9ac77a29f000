// One row per owned customer with a paid order in the query's date range: the
// customer's first paid day in the range, read from the customer paid-day
// table (siyu.customer_paid_days, migration 036: one row per customer and
// paid day with their previous and next paid day and their owner now). The
// first paid day in [from, to] is the row in the range whose previous paid
// day is before `from` (or none), one per customer: so the count by owner or
// team is a plain count of index rows, with no distinct, sort or grouping
// per customer (docs/performance.md, "Custom ranges": 0.8 s instead of 19 s
// for a 138-day range at 1M).
//
// The range is pushed in with FILTER_PARAMS, which in Cube 0.33 sees only the
// queried member's own name: the view's (staff_converted.order_date), the
// only way this cube is asked. With no range (all time) the filter renders
// `1 = 1`, and each customer's first paid day ever (no previous day) is the
// row. A JS model because the condition needs the range's start twice (the
// YAML compiler's FILTER_PARAMS takes a column name only).
// test/model/staff-converted.test.ts checks both the SQL and the numbers.
//
// The owner is a column of the table, kept by a trigger on the customers; the
// owner's team is read now through siyu.employees (a team move rewrites
// nothing). A staff member's or a manager's filter reaches the owner index.
const firstDayInRange = (filter) => {
  const range = filter((from, to) => `paid_day.day_start >= ${from}::timestamptz AND paid_day.day_start <= ${to}::timestamptz
        AND (paid_day.prev_day IS NULL OR paid_day.prev_day < ${from}::timestamptz)`);
  return range === '1 = 1' ? 'paid_day.prev_day IS NULL' : range;
};

cube(`converted_customers`, {
  sql: `
    SELECT paid_day.customer_id, paid_day.owner_id AS employee_id, owner.team_id, team.name AS team, paid_day.day_start AS first_day
    FROM siyu.customer_paid_days AS paid_day
    JOIN siyu.employees AS owner ON owner.id = paid_day.owner_id
    LEFT JOIN siyu.teams AS team ON team.id = owner.team_id
    WHERE ${firstDayInRange(FILTER_PARAMS.staff_converted.order_date.filter)}`,
  title: `转化用户`,
  description: `Each customer an employee owns now who has a paid order in the range, once, dated at their first paid day in the range (siyu.customer_paid_days, migration 036, kept exact by triggers on the customer-day table and the customers). The staff pages' 转化用户数 reads it instead of staff_activity's stacked facts.`,
  public: false,
  // Live data: docs/performance.md, "Refresh keys": the paid days (orders, owners) and the teams.
  refresh_key: {
    every: `2 second`,
    sql: `SELECT CONCAT_WS('/', siyu.data_version('customer_paid_days', 'customers'), siyu.dimensions_version())`,
  },

  joins: {
    // The owner's name (their id and team are the table's columns).
    employees: {
      relationship: `many_to_one`,
      sql: `${CUBE}.employee_id = ${employees.id}`,
    },
  },

  dimensions: {
    customer_id: { title: `客户ID`, sql: `${CUBE}.customer_id`, type: `number`, primary_key: true },
    employee_id: { title: `员工ID`, description: `The owner's id.`, sql: `${CUBE}.employee_id`, type: `number` },
    team_id: { title: `团队ID`, description: `The owner's team's id, now.`, sql: `${CUBE}.team_id`, type: `number` },
    team: { title: `团队`, description: `The owner's team's name, now.`, sql: `${CUBE}.team`, type: `string` },
    // A range only: each customer is one row, at their first paid day in the
    // range, so a granularity would put a customer in the bucket of that day
    // alone (not "converted in each month").
    order_date: {
      title: `下单日期`,
      description: `The first business day in the range with a paid order of the customer; for a date range, not a granularity.`,
      sql: `${CUBE}.first_day`,
      type: `time`,
    },
  },

  measures: {
    // One row per customer: a plain count is the distinct count.
    converted_customers: {
      title: `转化用户数`,
      description: `Owned customers with at least one paid order in the range; equals staff_activity.converted_customers.`,
      type: `count`,
    },
  },
});
