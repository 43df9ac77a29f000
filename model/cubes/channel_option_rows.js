// The filter bar's channel and campaign lists (web/src/lib/filters.ts, the
// channel_options view): the channels and campaigns of the spend and the
// campaign-attributed paid orders, by credited employee (what
// channel_roi.channel and .campaign listed), and for the whole brand the
// customers' source channels too. Read from two small tables kept exact by
// triggers (migration 060) instead of a UNION of the spend, the monthly sales
// table and the customers at every query:
// - siyu.channel_option_keys: each channel × campaign × employee key, with a
//   reference count per source (the spend rows, the attributed paid months of
//   siyu.sales_months, the registration days of siyu.registration_days);
//   a team's or an employee's list (the role's limit is a filter on team_id
//   or employee_id) reads it through its employee index;
// - siyu.channel_option_pairs: the keys' channel × campaign pairs, a few
//   hundred rows, for a query not cut by a team or an employee (the whole
//   brand): its rows carry no employee.
// Their counter (siyu.data_changes 'channel_option_keys') moves only when a
// key appears or goes, so an order or a customer that adds no key keeps every
// cached list. A JS model: the YAML compiler of Cube 0.33 has no FILTER_PARAMS
// function calls.
const KEYS = `SELECT channel_id, campaign_id, employee_id FROM siyu.channel_option_keys`;
const PAIRS = `SELECT channel_id, campaign_id, NULL::integer AS employee_id FROM siyu.channel_option_pairs`;
const cut = (...filters) => filters.some((filter) => filter('x') !== '1 = 1');

cube(`channel_option_rows`, {
  sql: cut(FILTER_PARAMS.channel_options.team_id.filter, FILTER_PARAMS.channel_options.team.filter, FILTER_PARAMS.channel_options.employee_id.filter)
    ? KEYS
    : PAIRS,
  title: `渠道与活动选项`,
  description: `The channels and campaigns of the spend, the attributed paid orders and the customers' sources (the filter bar's channel and campaign lists).`,
  public: false,
  refresh_key: {
    every: `2 second`,
    sql: `SELECT CONCAT_WS('/', siyu.data_version('channel_option_keys'), siyu.dimensions_version())`,
  },

  joins: {
    employees: { relationship: `many_to_one`, sql: `${CUBE}.employee_id = ${employees.id}` },
    channels: { relationship: `many_to_one`, sql: `${CUBE}.channel_id = ${channels.id}` },
    campaigns: { relationship: `many_to_one`, sql: `${CUBE}.campaign_id = ${campaigns.id}` },
  },

  dimensions: {
    key: {
      sql: `CONCAT_WS('/', ${CUBE}.channel_id, ${CUBE}.campaign_id, ${CUBE}.employee_id)`,
      type: `string`,
      primary_key: true,
    },
  },
});
