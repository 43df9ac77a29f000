/**
 * What every dimension of the catalogue means (`meta.dimension` on the Cube
 * member): with metrics.ts, the one source for the tooltips, /glossary and
 * docs/metrics.md.
 */
import type { Definition } from './types.ts';

export const DIMENSION_DEFINITIONS = {
  channel: {
    zh: { name: '渠道', definition: '订单、花费或参与记录所属的渠道（名称唯一）。' },
    en: { name: 'Channel', definition: 'The channel of the order, spend line or participation (unique name).' },
  },
  channel_type: {
    zh: { name: '渠道类型', definition: '公众号、视频号、小程序、企业微信、社群、抖音直播、淘宝直播、AI 外呼/短信、套餐卡、线下门店、广告或转介绍。' },
    en: { name: 'Channel type', definition: 'WeChat OA, WeChat Channels, mini-program, WeCom, community, Douyin live, Taobao live, AI call/SMS, package card, offline store, ads or referral.' },
  },
  campaign: {
    zh: { name: '活动', definition: '订单、花费或参与记录所属的营销活动（名称唯一）。' },
    en: { name: 'Campaign', definition: 'The campaign of the order, spend line or participation (unique name).' },
  },
  category: {
    zh: { name: '商品类别', definition: '引流款、核心款或高客单。' },
    en: { name: 'Category', definition: 'Traffic item (引流款), core item (核心款) or premium item (高客单).' },
  },
  employee: {
    zh: { name: '员工', definition: '这条记录（订单、花费、参与、跟进、预约）记在其名下的员工。' },
    en: { name: 'Employee', definition: 'The staff member credited on the fact row (order, spend, participation, follow-up, appointment).' },
  },
  owner: {
    zh: { name: '所属员工', definition: '客户归属的员工。' },
    en: { name: 'Owner', definition: "The customer's owner employee." },
  },
  team: {
    zh: { name: '团队', definition: '销售类指标按记功员工的团队；客户类指标按客户归属员工的团队。' },
    en: { name: 'Team', definition: "On sales facts the team of the credited employee; on customer metrics the team of the customer's owner." },
  },
  customer: {
    zh: { name: '客户ID', definition: '客户的 OneID（跨渠道统一身份）。' },
    en: { name: 'Customer ID', definition: "The customer's OneID (one identity across channels)." },
  },
  customer_name: {
    zh: { name: '客户姓名', definition: '客户姓名（可能重名）。' },
    en: { name: 'Customer name', definition: "The customer's name (not unique)." },
  },
  phone: {
    zh: { name: '手机号', definition: '11 位手机号；除管理员外显示为 138****5678。' },
    en: { name: 'Phone', definition: '11-digit mobile number, masked as 138****5678 for everyone but administrators.' },
  },
  source_channel: {
    zh: { name: '来源渠道', definition: '客户首次被品牌获取时所在的渠道。' },
    en: { name: 'Source channel', definition: 'The channel through which the customer first became known to the brand.' },
  },
  member_level: {
    zh: { name: '会员等级', definition: '普通、银卡、金卡、白金或钻石。' },
    en: { name: 'Member level', definition: 'Normal, silver, gold, platinum or diamond.' },
  },
  city_tier: {
    zh: { name: '城市等级', definition: '一线、新一线、二线、三线、四线及以下。' },
    en: { name: 'City tier', definition: 'Tier 1, new tier 1, tier 2, tier 3, tier 4 and below.' },
  },
  lifecycle_stage: {
    zh: { name: '生命周期', definition: '截至数据日，取第一个符合的：潜客（无已支付订单）、新客（首单在 0–30 天内）、活跃（最近一单在 0–60 天内）、沉睡（61–120 天）、流失（超过 120 天）。' },
    en: { name: 'Lifecycle stage', definition: 'As of the data date, the first that applies: prospect (no paid order), new (first paid order 0–30 days before), active (last paid order 0–60 days before), sleeping (61–120 days), churned (more than 120 days).' },
  },
  rfm_segment: {
    zh: {
      name: 'RFM分层',
      definition: '有已支付订单的客户：R = 最近一单距数据日天数，F = 已支付订单数，M = 已支付金额；各自优于购买客户的平均值为"高"。M 决定重要/一般，R 和 F 决定价值（R高F高）、发展（R高F低）、保持（R低F高）、挽留（R低F低）。潜客没有 RFM 分层。',
    },
    en: {
      name: 'RFM segment',
      definition: 'For customers with a paid order: R = days since the last paid order, F = paid orders, M = paid amount, each "high" when better than its mean over buyers. M decides key (重要) or regular (一般); R and F decide value (R high, F high), to develop (R high, F low), to retain (R low, F high), to win back (R low, F low). Prospects have none.',
    },
  },
  aipl_stage: {
    zh: { name: 'AIPL阶段', definition: '截至数据日客户当前所处阶段：L 忠诚（2 笔及以上已支付订单），否则 P 购买（恰好 1 笔），否则 I 兴趣（有浏览、点赞、评论、分享、咨询或预约），否则 A 认知。' },
    en: { name: 'AIPL stage', definition: "The customer's current stage as of the data date: L loyalty (two or more paid orders), else P purchase (exactly one), else I interest (any view, like, comment, share, consult or booking), else A awareness." },
  },
  five_a_stage: {
    zh: { name: '5A阶段', definition: '截至数据日，取第一个符合的：拥护（已购买，且推荐过客户或分享过）、行动（已购买）、问询（咨询或预约）、吸引（浏览、点赞或评论）、了解。' },
    en: { name: '5A stage', definition: 'As of the data date, the first that applies: advocate (bought, and referred a customer or shared), act (bought), ask (consulted or booked), appeal (viewed, liked or commented), aware.' },
  },
  value_quadrant: {
    zh: { name: '价值矩阵', definition: '活跃积分与价值积分各自高于全体客户中位数为"高"：双高、仅活跃高（KOC）、仅价值高、双低。' },
    en: { name: 'Value quadrant', definition: 'Activity points and value points, each high when above its median over all customers: both high, activity only (KOC), value only, neither.' },
  },
  order_date: {
    zh: { name: '下单时间', definition: '订单的下单日期（业务时区）；GMV 等销售指标按它计入时间范围。' },
    en: { name: 'Order date', definition: 'The day an order was placed (business time zone); sales metrics fall in a range by it.' },
  },
  spend_date: {
    zh: { name: '花费日期', definition: '花费发生的日期；花费按它计入时间范围。' },
    en: { name: 'Spend date', definition: 'The day money was spent; spend falls in a range by it.' },
  },
  joined_date: {
    zh: { name: '参与时间', definition: '客户参加活动的日期；参与类指标按它计入时间范围。' },
    en: { name: 'Joined date', definition: 'When the customer joined the campaign; participation metrics fall in a range by it.' },
  },
  registered_date: {
    zh: { name: '注册时间', definition: '客户首次被品牌获取（注册）的日期；新增客户按它计入时间范围。' },
    en: { name: 'Registered date', definition: 'When the customer first became known to the brand; new customers fall in a range by it.' },
  },
  date: {
    zh: { name: '日期', definition: '把多种记录对齐到同一日历时使用的日期（花费日、下单日、注册日）。' },
    en: { name: 'Date', definition: "The fact's day on a calendar shared by several facts (spend day, order day, registration day)." },
  },
  period: {
    zh: { name: '周期', definition: '目标的周期：YYYY-MM（月）、YYYY-Qn（季）、YYYY（年）或 campaign:活动名。' },
    en: { name: 'Period', definition: "A target's period: YYYY-MM (month), YYYY-Qn (quarter), YYYY (year) or campaign:<name>." },
  },
  target_metric: {
    zh: { name: '目标指标', definition: '目标所设定的指标（指标目录中的编号）。' },
    en: { name: 'Target metric', definition: 'The catalogue metric the target is set on.' },
  },
} satisfies Record<string, Definition>;

export type DimensionId = keyof typeof DIMENSION_DEFINITIONS;
