/**
 * What every metric of the catalogue (docs/metric-catalogue.md) means, in the
 * words a person reads: the one source for the tooltips beside tiles, chart
 * titles and columns, the /glossary page and docs/metrics.md. Keyed by the
 * catalogue id (`meta.metric` on the Cube member); test/web/lib/definitions
 * fails when a catalogue id has no entry here.
 */
import type { Definition } from './types.ts';

export const METRIC_DEFINITIONS = {
  // ── Sales ──
  gmv: {
    formula: 'Σ amount (paid orders)',
    zh: { name: 'GMV', definition: '已支付订单的金额合计，已退款订单不计入。' },
    en: { name: 'GMV', definition: 'Sum of the amount of paid orders; refunded orders are excluded.' },
  },
  order_count: {
    formula: 'count(paid orders)',
    zh: { name: '订单数', definition: '已支付订单的笔数（不含已退款订单）。' },
    en: { name: 'Orders', definition: 'Number of paid orders (refunded orders excluded).' },
  },
  buyers: {
    formula: 'count distinct customer (paid orders)',
    zh: { name: '购买人数', definition: '范围内至少有 1 笔已支付订单的客户数（按 OneID 去重）。' },
    en: { name: 'Buyers', definition: 'Distinct customers (OneIDs) with at least one paid order in the range.' },
  },
  avg_order_value: {
    formula: 'gmv / order_count',
    zh: { name: '平均订单金额', definition: 'GMV 除以已支付订单数。' },
    en: { name: 'Average order value', definition: 'GMV divided by the number of paid orders.' },
  },
  spend_per_buyer: {
    formula: 'gmv / buyers',
    zh: { name: '客单价', definition: '每位购买客户的平均消费：GMV 除以购买人数。' },
    en: { name: 'Spend per buyer', definition: 'Average spend of a buyer: GMV divided by the number of distinct buyers.' },
  },
  items_per_buyer: {
    formula: 'Σ items (paid orders) / buyers',
    zh: { name: '客件数', definition: '每位购买客户平均购买的件数：已支付订单的件数合计除以购买人数。' },
    en: { name: 'Items per buyer', definition: 'Items of paid orders divided by the number of distinct buyers.' },
  },
  refund_rate: {
    formula: 'refunded orders / (paid + refunded orders)',
    zh: { name: '退款率', definition: '已退款订单数除以全部订单数（已支付 + 已退款）。' },
    en: { name: 'Refund rate', definition: 'Refunded orders divided by all orders (paid + refunded).' },
  },
  // ── Cost and return ──
  spend: {
    formula: 'Σ campaign_spend.amount',
    zh: { name: '花费', definition: '活动投放花费的合计（按花费日期计入范围）。' },
    en: { name: 'Spend', definition: 'Sum of campaign spend, counted on the day it was spent.' },
  },
  attributed_gmv: {
    formula: 'Σ amount (paid orders with a campaign)',
    zh: { name: '活动GMV', definition: '带有活动标记的已支付订单的 GMV，即归因于活动的 GMV；不带活动的订单不计入，所以小于总 GMV。' },
    en: { name: 'Attributed GMV', definition: 'GMV of paid orders that carry a campaign: the GMV credited to campaigns. Orders without a campaign are left out, so it is smaller than total GMV.' },
  },
  roi: {
    formula: 'attributed_gmv / spend',
    zh: {
      name: '投产比',
      definition: '活动GMV ÷ 花费（同一渠道 × 活动 × 员工 × 日期范围）。回报只算活动归因的 GMV，不是全部 GMV；花费为 0 时不显示。',
      notes: '按员工看时只用带有该员工的花费行。',
    },
    en: {
      name: 'ROI',
      definition: 'Attributed GMV ÷ spend over the same slice (channel × campaign × employee × dates). The return is campaign-attributed GMV, not all GMV; empty where spend is 0.',
      notes: 'By employee it uses only spend lines that carry that employee.',
    },
  },
  cac: {
    formula: 'spend / new_customers (source channel = slice channel)',
    zh: { name: '获客成本', definition: '花费除以同一范围内来源渠道为该渠道的新增客户数；没有新客时不显示。' },
    en: { name: 'CAC', definition: "Spend divided by the new customers whose source channel is the slice's channel, in the same range; empty where there are none." },
  },
  // ── Activities (campaigns) ──
  participants: {
    formula: 'count distinct customer (participations)',
    zh: { name: '参与人数', definition: '参加活动的客户数（按客户去重），按参与时间计入范围。' },
    en: { name: 'Participants', definition: 'Distinct customers who joined the campaign, counted on the day they joined.' },
  },
  fission_count: {
    formula: 'count(participations with an inviter)',
    zh: { name: '裂变人数', definition: '由其他客户邀请而参与的参与记录数（老带新带来的参与）。' },
    en: { name: 'Fission', definition: 'Participations that carry an inviting customer (joined through a referral).' },
  },
  converted_count: {
    formula: 'count distinct participant (≥1 paid order with the campaign)',
    zh: { name: '转化人数', definition: '参与者中至少有 1 笔带有该活动标记的已支付订单的人数，订单日期不限。' },
    en: { name: 'Converted', definition: 'Participants with at least one paid order carrying that campaign, whatever its date.' },
  },
  campaign_conversion_rate: {
    formula: 'converted_count / participants',
    zh: { name: '活动转化率', definition: '转化人数除以参与人数。' },
    en: { name: 'Campaign conversion', definition: 'Converted participants divided by participants.' },
  },
  budget: {
    formula: 'Σ campaigns.budget',
    zh: { name: '预算', definition: '活动预算的合计。' },
    en: { name: 'Budget', definition: 'Sum of campaign budgets.' },
  },
  budget_used: {
    formula: 'spend (up to as-of) / budget',
    zh: { name: '预算使用率', definition: '截至数据日的花费除以预算；超支时大于 100%。' },
    en: { name: 'Budget used', definition: 'Spend up to the data date divided by the budget; above 100 % when overspent.' },
  },
  // ── Customers ──
  customers: {
    formula: 'count(customers)',
    zh: { name: '客户数', definition: '客户数（按 OneID）。' },
    en: { name: 'Customers', definition: 'Number of customers (OneIDs).' },
  },
  new_customers: {
    formula: 'count(customers registered in range)',
    zh: { name: '新增客户数', definition: '注册时间在所选范围内的客户数；不选范围时为全部客户。' },
    en: { name: 'New customers', definition: 'Customers registered within the range (all customers when no range is chosen).' },
  },
  repurchase_rate: {
    formula: 'buyers with ≥2 paid orders / buyers (in range)',
    zh: { name: '复购率', definition: '范围内有已支付订单的客户中，范围内有 2 笔及以上已支付订单的比例（在所选切片内计算）。' },
    en: { name: 'Repurchase rate', definition: 'Among customers with a paid order in the range, the share with two or more paid orders in the range (within the slice).' },
  },
  referral_rate: {
    formula: 'new customers with a referrer / new customers',
    zh: { name: '转介绍率', definition: '老带新占比：范围内新增客户中有推荐人的比例。' },
    en: { name: 'Referral rate', definition: 'New customers in the range who have a referrer, divided by new customers in the range.' },
  },
  ltv: {
    formula: 'Σ paid amount up to as-of / customers with ≥1 paid order',
    zh: { name: 'LTV', definition: '历史客户终身价值：截至数据日全部已支付金额除以有过已支付订单的客户数。截至数据日计算，不随时间范围变化。' },
    en: { name: 'LTV', definition: 'Historical lifetime value: all paid amounts up to the data date divided by the customers with a paid order. As of the data date; the date range does not change it.' },
  },
  churn_rate: {
    formula: 'buyers whose last paid order is > 120 days before as-of / buyers up to as-of',
    zh: { name: '流失率', definition: '最近一次已支付订单距数据日超过 120 天的客户，除以截至数据日有过已支付订单的客户。截至数据日计算，不随时间范围变化。' },
    en: { name: 'Churn rate', definition: 'Customers whose last paid order is more than 120 days before the data date, divided by the customers with a paid order up to then. As of the data date; the date range does not change it.' },
  },
  owned_customers: {
    formula: "count(customers owned by the slice's employees)",
    zh: { name: '名下客户数', definition: '归属于该员工（或团队员工）的客户数；选了时间范围时只数该范围内注册的。' },
    en: { name: 'Owned customers', definition: "Customers owned by the slice's employees; with a date range, those registered in it." },
  },
  converted_customers: {
    formula: 'owned customers with ≥1 paid order in range',
    zh: { name: '转化用户数', definition: '名下客户中在范围内至少有 1 笔已支付订单的人数。' },
    en: { name: 'Converted customers', definition: 'Owned customers with at least one paid order in the range.' },
  },
  per_capita_gmv: {
    formula: 'gmv / employees credited with ≥1 paid order',
    zh: { name: '人均产出', definition: 'GMV 除以范围内至少有 1 笔已支付订单记在名下的员工数。' },
    en: { name: 'GMV per employee', definition: 'GMV divided by the distinct employees credited with at least one paid order in the range.' },
  },
  follow_ups: {
    formula: 'count(staff touches)',
    zh: { name: '跟进次数', definition: '员工对客户的跟进次数（企业微信聊天、电话、拜访）。' },
    en: { name: 'Follow-ups', definition: 'Number of staff touches (WeCom chats, calls, visits).' },
  },
  bookings: {
    formula: 'count(appointments booked in range)',
    zh: { name: '预约数', definition: '范围内登记的预约数。' },
    en: { name: 'Bookings', definition: 'Appointments booked in the range.' },
  },
  arrivals: {
    formula: 'count(booked appointments that arrived)',
    zh: { name: '到店数', definition: '范围内的预约中客户已到店的数量。' },
    en: { name: 'Arrivals', definition: 'Appointments booked in the range whose customer arrived.' },
  },
  arrival_rate: {
    formula: 'arrivals / bookings',
    zh: { name: '到店率', definition: '到店数除以预约数。' },
    en: { name: 'Arrival rate', definition: 'Arrivals divided by bookings.' },
  },
  // ── Targets, completion and incentives ──
  target: {
    formula: 'Σ target value (period, metric, employee or team)',
    zh: { name: '目标', definition: '为某个周期（月、季、年或活动）、某个指标、某位员工或某个团队设定的目标值。' },
    en: { name: 'Target', definition: 'The value set for a period (month, quarter, year or campaign), a metric and an employee or team.' },
  },
  achievement_rate: {
    formula: 'actual / target',
    zh: { name: '达成率', definition: '实际值除以目标值；实际值按目标所选指标的同一口径，统计周期开始到数据日（或周期结束）。' },
    en: { name: 'Achievement rate', definition: "Actual divided by target; the actual is the target's metric, by its own definition, from the period's start to the data date (or the period's end)." },
  },
  time_progress: {
    formula: 'elapsed days / days in the period (end of as-of)',
    zh: { name: '时间进度', definition: '到数据日结束时，周期已过去的比例（业务时区的已过天数 ÷ 周期天数；活动按其起止时间）。' },
    en: { name: 'Time progress', definition: 'The share of the period elapsed at the end of the data date (days elapsed over days in the period, business time zone; a campaign by its own start and end).' },
  },
  forecast_achievement: {
    formula: 'achievement_rate / time_progress',
    zh: { name: '预计达成率', definition: '按目前的速度到周期结束时的达成率：达成率除以时间进度；周期未开始时为空。' },
    en: { name: 'Forecast achievement', definition: "The achievement rate at the period's end at the current run-rate: achievement rate over time progress; empty before the period starts." },
  },
  bonus_earned: {
    formula: 'highest tier reached: rate × actual or fixed amount, ≤ cap',
    zh: { name: '已得提成', definition: '阶梯提成方案到目前为止的应发金额：达到的最高一档按比例（乘实际值）或固定金额计，不超过封顶。' },
    en: { name: 'Bonus earned', definition: "The tiered scheme's payout so far: the highest tier reached pays its rate times the actual or its fixed amount, up to the cap." },
  },
} satisfies Record<string, Definition>;

/**
 * Numbers the pages compute from catalogue metrics (not Cube members of their
 * own): defined here with the metrics they come from.
 */
export const DERIVED_DEFINITIONS = {
  conversion_rate: {
    formula: 'converted_customers / owned_customers',
    zh: { name: '转化率', definition: '员工的转化用户数除以名下客户数（同一时间范围）。' },
    en: { name: 'Conversion rate', definition: "An employee's converted customers divided by their owned customers (same range)." },
  },
} satisfies Record<string, Definition>;

export type MetricId = keyof typeof METRIC_DEFINITIONS;
export type DerivedId = keyof typeof DERIVED_DEFINITIONS;

/** The catalogue's sections, in its order: how /glossary groups the metrics. */
export const METRIC_SECTIONS: ReadonlyArray<{ zh: string; en: string; ids: readonly MetricId[] }> = [
  { zh: '销售', en: 'Sales', ids: ['gmv', 'order_count', 'buyers', 'avg_order_value', 'spend_per_buyer', 'items_per_buyer', 'refund_rate'] },
  { zh: '花费与回报', en: 'Cost and return', ids: ['spend', 'attributed_gmv', 'roi', 'cac'] },
  { zh: '活动', en: 'Activities (campaigns)', ids: ['participants', 'fission_count', 'converted_count', 'campaign_conversion_rate', 'budget', 'budget_used'] },
  {
    zh: '客户与员工',
    en: 'Customers and staff',
    ids: ['customers', 'new_customers', 'repurchase_rate', 'referral_rate', 'ltv', 'churn_rate', 'owned_customers', 'converted_customers',
      'per_capita_gmv', 'follow_ups', 'bookings', 'arrivals', 'arrival_rate'],
  },
  { zh: '目标与激励', en: 'Targets and incentives', ids: ['target', 'achievement_rate', 'time_progress', 'forecast_achievement', 'bonus_earned'] },
];
