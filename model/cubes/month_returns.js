// Spend, campaign-attributed GMV and acquisitions of a date range by month,
// from the monthly returns table (siyu.returns_months, migration 048) for the
// range's whole months and the returns day table (siyu.returns_days,
// migration 043) for the days of its partial edge months: both kept exact by
// triggers (the facts' on the days, the days' on the months), so a write is
// read at the next tick with nothing rebuilt (docs/performance.md, "The
// monthly returns table"). The planner's 5-year history and the overview's
// spend trend by month read it instead of every day of the range.
//
// Each row is dated at or after the range's start inside its own month (a
// month's row at the month's start, a day's at the day's), so the range
// filter Cube adds keeps it and a grouping by month, quarter or year puts it
// in its month; by day or week it would not, and cube/engine/month-trend.ts
// refuses that (and cube/engine/day-grain.ts a range cut inside a day, which
// the day rows cannot answer). The range is read with FILTER_PARAMS of the
// view's date member the query names (one at most, month-trend.ts); with no
// range (all time) every month is whole. As month_sales.js.
const ROW = `channel_id, campaign_id, employee_id, spend, attributed, acquired`;
const ranged = (from, to) => `
    WITH parts AS (
      SELECT lm AT TIME ZONE siyu.business_tz() AS ms, (lm + interval '1 month') AT TIME ZONE siyu.business_tz() AS me, b.f, b.e
      FROM (SELECT ${from}::timestamptz AS f, ${to}::timestamptz + interval '1 millisecond' AS e) AS b,
           generate_series(date_trunc('month', b.f AT TIME ZONE siyu.business_tz()),
                           date_trunc('month', (b.e - interval '1 millisecond') AT TIME ZONE siyu.business_tz()), interval '1 month') AS lm
    )
    SELECT m.month_start AS period_start, ${ROW.split(', ').map((c) => `m.${c}`).join(', ')}
    FROM parts AS p JOIN siyu.returns_months AS m ON m.month_start = p.ms
    WHERE p.ms >= p.f AND p.me <= p.e
    UNION ALL
    SELECT d.day_start, ${ROW.split(', ').map((c) => `d.${c}`).join(', ')}
    FROM parts AS p JOIN siyu.returns_days AS d ON d.day_start >= GREATEST(p.ms, p.f) AND d.day_start < LEAST(p.me, p.e)
    WHERE NOT (p.ms >= p.f AND p.me <= p.e)`;
const source = (...dateFilters) => {
  const sql = dateFilters.map((filter) => filter((from, to) => ranged(from, to))).find((s) => s !== '1 = 1');
  return sql ?? `SELECT month_start AS period_start, ${ROW} FROM siyu.returns_months`;
};

cube(`month_returns`, {
  sql: source(FILTER_PARAMS.returns_trend.date.filter, FILTER_PARAMS.returns_trend.spend_date.filter, FILTER_PARAMS.returns_trend.order_date.filter),
  title: `月度投入产出`,
  description: `Spend, campaign-attributed GMV and acquisitions summed per business month (whole months of the range) or day (its edge months), channel, campaign and employee (siyu.returns_months, migration 048, and siyu.returns_days, migration 043, kept exact by triggers).`,
  public: false,
  // Live data: both tables' counters, and the names and teams they are read with (as campaign_returns).
  refresh_key: {
    every: `2 second`,
    sql: `SELECT CONCAT_WS('/', siyu.data_version('returns_months'), siyu.data_version('returns_days'), siyu.dimensions_version())`,
  },

  joins: {
    channels: { relationship: `many_to_one`, sql: `${CUBE}.channel_id = ${channels.id}` },
    campaigns: { relationship: `many_to_one`, sql: `${CUBE}.campaign_id = ${campaigns.id}` },
    // The employee's team now, as for the days.
    employees: { relationship: `many_to_one`, sql: `${CUBE}.employee_id = ${employees.id}` },
  },

  dimensions: {
    key: {
      sql: `CONCAT_WS('/', ${CUBE}.period_start, ${CUBE}.channel_id, ${CUBE}.campaign_id, ${CUBE}.employee_id)`,
      type: `string`,
      primary_key: true,
    },
    employee_id: { title: `员工ID`, sql: `${CUBE}.employee_id`, type: `number` },
    // By month, quarter or year only (cube/engine/month-trend.ts); the three names of campaign_returns' one calendar.
    date: { title: `日期`, description: `The facts' business month on the aligned calendar; group by month, quarter or year.`, sql: `${CUBE}.period_start`, type: `time` },
    spend_date: { title: `花费日期`, description: `The same calendar, named for slicing spend.`, sql: `${CUBE}.period_start`, type: `time` },
    order_date: { title: `下单时间`, description: `The same calendar, named for slicing attributed GMV.`, sql: `${CUBE}.period_start`, type: `time` },
  },

  measures: {
    spend: { title: `花费`, description: `Sum of campaign_spend amounts; equals campaign_returns.spend.`, sql: `${CUBE}.spend`, type: `sum`, format: `currency` },
    attributed_gmv: {
      title: `活动GMV`, description: `GMV of paid orders that carry a campaign; equals campaign_returns.attributed_gmv.`,
      sql: `${CUBE}.attributed`, type: `sum`, format: `currency`,
    },
    roi: { title: `投产比`, description: `Attributed GMV divided by spend over the same slice; null where spend is 0.`, sql: `${attributed_gmv} / NULLIF(${spend}, 0)`, type: `number` },
    acquired_customers: { title: `获客数`, description: `New customers whose source channel is the slice's channel.`, sql: `${CUBE}.acquired`, type: `sum` },
    cac: {
      title: `获客成本`, description: `Spend divided by the new customers of the same slice; null where there are none.`,
      sql: `${spend} / NULLIF(${acquired_customers}, 0)`, type: `number`, format: `currency`,
    },
  },
});
