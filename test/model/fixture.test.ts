/**
 * Every metric and classification of the catalogue on the hand-made brand in
 * test/fixtures/small-brand.ts, against values worked out by hand (the
 * arithmetic is in the comments). As of 2026-06-30, Asia/Shanghai.
 */
import { describe, expect, it } from 'vitest';
import { migrate } from '../../cube/database/migrate.ts';
import { expectValues } from '../helpers/expect-values.ts';
import { useTestStack } from '../helpers/stack.ts';
import { loadDataSet } from '../fixtures/factories.ts';
import { smallBrand } from '../fixtures/small-brand.ts';
import { buildActionListQuery, type ActionList } from '../../web/src/features/actions/build-queries.ts';

const JUNE = ['2026-06-01', '2026-06-30'];
const TO_AS_OF = ['2025-01-01', '2026-06-30'];

describe('the model on a hand-made brand', () => {
  const ctx = useTestStack('fixture', {
    prepare: async (db) => {
      await migrate(db.sql);
      await loadDataSet(db.sql, smallBrand);
    },
  });

  const by = async (view: string, measures: string[], dimension: string | null, extra: Record<string, unknown> = {}) =>
    ctx.api.load({ measures: measures.map((m) => `${view}.${m}`), dimensions: dimension ? [`${view}.${dimension}`] : [], ...extra });

  describe('sales', () => {
    // Paid: o1 100, o2 200, o4 300, o5 20, o6 80, o7 150, o8 250, o9 60, o10 90, o11 999 = 2249.00
    // (o3 50.00 is refunded). Buyers: 张一 李二 王三 赵四 周七 吴八 = 6. Items of paid orders:
    // 1+2+3+1+2+1+1+1+2+1 = 15.
    it('totals', async () => {
      const rows = await by('sales_overview', ['gmv', 'order_count', 'buyers', 'avg_order_value', 'spend_per_buyer', 'items_per_buyer', 'refund_rate', 'per_capita_gmv'], null);
      expectValues(rows, null, 'sales_overview.gmv', { all: 2249 });
      expectValues(rows, null, 'sales_overview.order_count', { all: 10 });
      expectValues(rows, null, 'sales_overview.buyers', { all: 6 });
      expectValues(rows, null, 'sales_overview.avg_order_value', { all: 224.9 }); // 2249 / 10
      expectValues(rows, null, 'sales_overview.spend_per_buyer', { all: 2249 / 6 });
      expectValues(rows, null, 'sales_overview.items_per_buyer', { all: 2.5 }); // 15 / 6
      expectValues(rows, null, 'sales_overview.refund_rate', { all: 1 / 11 }); // o3 of 11 orders
      expectValues(rows, null, 'sales_overview.per_capita_gmv', { all: 2249 / 4 }); // 甲 乙 丙 丁 all credited
    });

    it('up to as-of: the July order drops out', async () => {
      const rows = await by('sales_overview', ['gmv', 'order_count', 'buyers'], null,
        { timeDimensions: [{ dimension: 'sales_overview.order_date', dateRange: TO_AS_OF }] });
      expectValues(rows, null, 'sales_overview.gmv', { all: 1250 }); // 2249 - 999
      expectValues(rows, null, 'sales_overview.order_count', { all: 9 });
      expectValues(rows, null, 'sales_overview.buyers', { all: 6 }); // 李二 still has o4
    });

    it('by channel, with a customer who bought in two channels', async () => {
      const rows = await by('sales_overview', ['gmv', 'order_count', 'buyers', 'refund_rate'], 'channel');
      // 企微: o1 100 + o7 150 + o8 250 + o11 999; 抖音: o2 200 + o4 300 + o9 60 + o10 90; 老带新: o5 20 + o6 80.
      expectValues(rows, 'sales_overview.channel', 'sales_overview.gmv', { 企微: 1499, 抖音: 650, 老带新: 100 });
      expectValues(rows, 'sales_overview.channel', 'sales_overview.order_count', { 企微: 4, 抖音: 4, 老带新: 2 });
      // 张一 counts in both 企微 (o1) and 抖音 (o2).
      expectValues(rows, 'sales_overview.channel', 'sales_overview.buyers', { 企微: 3, 抖音: 3, 老带新: 2 });
      expectValues(rows, 'sales_overview.channel', 'sales_overview.refund_rate', { 企微: 1 / 5, 抖音: 0, 老带新: 0 });
    });

    it('by credited employee and their team', async () => {
      const byEmployee = await by('sales_overview', ['gmv', 'refund_rate'], 'employee');
      // 甲: o4 300 + o7 150 + o8 250; 乙: o1 100 + o2 200 + o11 999 (o3 refunded); 丙: o6 80 + o9 60 + o10 90; 丁: o5 20.
      expectValues(byEmployee, 'sales_overview.employee', 'sales_overview.gmv', { 甲: 700, 乙: 1299, 丙: 230, 丁: 20 });
      expectValues(byEmployee, 'sales_overview.employee', 'sales_overview.refund_rate', { 甲: 0, 乙: 1 / 4, 丙: 0, 丁: 0 });
      const byTeam = await by('sales_overview', ['gmv', 'per_capita_gmv'], 'team');
      expectValues(byTeam, 'sales_overview.team', 'sales_overview.gmv', { 一队: 1999, 二队: 250 });
      expectValues(byTeam, 'sales_overview.team', 'sales_overview.per_capita_gmv', { 一队: 1999 / 2, 二队: 250 / 2 });
    });

    it('by campaign, category, customer and month in the business time zone', async () => {
      expectValues(await by('sales_overview', ['gmv'], 'campaign'), 'sales_overview.campaign', 'sales_overview.gmv', { 夏促: 120, '∅': 2129 });
      expectValues(await by('sales_overview', ['gmv'], 'category'), 'sales_overview.category', 'sales_overview.gmv',
        { core: 1679, premium: 550, traffic: 20 }); // core: 100+200+80+150+60+90+999
      expectValues(await by('sales_overview', ['gmv'], 'customer'), 'sales_overview.customer', 'sales_overview.gmv',
        { 1: 300, 2: 1299, 3: 20, 4: 80, 7: 400, 8: 150 });
      const monthly = await by('sales_overview', ['gmv'], null,
        { timeDimensions: [{ dimension: 'sales_overview.order_date', granularity: 'month' }] });
      // o5 (1 June 07:30 in Shanghai) is June; in UTC it would be May.
      expectValues(monthly, 'sales_overview.order_date.month', 'sales_overview.gmv',
        { '2025-11': 150, '2026-01': 300, '2026-02': 60, '2026-04': 250, '2026-05': 170, '2026-06': 320, '2026-07': 999 });
    });
  });

  describe('cost and return', () => {
    // Spend: 60 (夏促, 企微, 乙) + 40 (夏促, 企微) + 30 (夏促, 抖音) + 500 (品牌周, 抖音) = 630.
    // Attributed GMV: o1 100 (夏促, 企微, 乙) + o5 20 (夏促, 老带新, 丁) = 120.
    it('totals and by channel: ROI is null where there is no spend', async () => {
      const total = await by('channel_roi', ['spend', 'attributed_gmv', 'roi', 'cac'], null);
      expectValues(total, null, 'channel_roi.spend', { all: 630 });
      expectValues(total, null, 'channel_roi.attributed_gmv', { all: 120 });
      expectValues(total, null, 'channel_roi.roi', { all: 120 / 630 });
      expectValues(total, null, 'channel_roi.cac', { all: 630 / 8 }); // 8 customers acquired
      const rows = await by('channel_roi', ['spend', 'attributed_gmv', 'roi', 'cac'], 'channel');
      expectValues(rows, 'channel_roi.channel', 'channel_roi.spend', { 企微: 100, 抖音: 530, 老带新: 0 });
      expectValues(rows, 'channel_roi.channel', 'channel_roi.attributed_gmv', { 企微: 100, 抖音: 0, 老带新: 20 });
      expectValues(rows, 'channel_roi.channel', 'channel_roi.roi', { 企微: 1, 抖音: 0, 老带新: null });
      // Acquired: 企微 张一 钱五 周七; 抖音 李二 孙六 吴八; 老带新 王三 赵四.
      expectValues(rows, 'channel_roi.channel', 'channel_roi.cac', { 企微: 100 / 3, 抖音: 530 / 3, 老带新: 0 });
    });

    it('by campaign (one with spend and no sales) and by employee', async () => {
      const byCampaign = await by('channel_roi', ['spend', 'attributed_gmv', 'roi'], 'campaign');
      // The acquisition rows carry no campaign: they form the ∅ slice with nothing spent or sold.
      expectValues(byCampaign, 'channel_roi.campaign', 'channel_roi.spend', { 夏促: 130, 品牌周: 500, '∅': 0 });
      expectValues(byCampaign, 'channel_roi.campaign', 'channel_roi.roi', { 夏促: 120 / 130, 品牌周: 0, '∅': null });
      const byEmployee = await by('channel_roi', ['spend', 'attributed_gmv', 'roi'], 'employee');
      // 乙: own spend line 60, sales 100. 丁: sales 20, no spend of their own. Unattributed spend: 40 + 30 + 500.
      expectValues(byEmployee, 'channel_roi.employee', 'channel_roi.spend', { 乙: 60, 丁: 0, '∅': 570 });
      expectValues(byEmployee, 'channel_roi.employee', 'channel_roi.roi', { 乙: 100 / 60, 丁: null, '∅': 0 });
    });

    it('on one calendar by month, and CAC in a range', async () => {
      const rows = await by('channel_roi', ['spend', 'attributed_gmv', 'roi'], null,
        { timeDimensions: [{ dimension: 'channel_roi.date', granularity: 'month', dateRange: ['2026-05-01', '2026-06-30'] }] });
      // May: spend 500, no sales, 王三 赵四 acquired. June: spend 130, sales 120 (o5 counts as June).
      expectValues(rows, 'channel_roi.date.month', 'channel_roi.roi', { '2026-05': 0, '2026-06': 120 / 130 });
      const june = await by('channel_roi', ['cac'], 'channel', { timeDimensions: [{ dimension: 'channel_roi.date', dateRange: JUNE }] });
      // June: 企微 spent 100 and acquired nobody; 抖音 spent 30 and acquired 孙六; 老带新 had only o5.
      expectValues(june, 'channel_roi.channel', 'channel_roi.cac', { 企微: null, 抖音: 30, 老带新: null });
      const spendByDay = await by('channel_roi', ['spend'], null,
        { timeDimensions: [{ dimension: 'channel_roi.spend_date', granularity: 'day', dateRange: ['2026-06-02', '2026-06-03'] }] });
      expectValues(spendByDay.map((r) => ({ ...r, day: String(r['channel_roi.spend_date.day']).slice(0, 10) })), 'day', 'channel_roi.spend',
        { '2026-06-02': 60, '2026-06-03': 40 });
    });
  });

  describe('activities', () => {
    // 夏促: 张一 (converted by o1), 王三 (invited by 张一, converted by o5), 赵四 (invited by 王三, no 夏促 order).
    // 品牌周: 李二 (no 品牌周 order).
    it('by campaign, with budgets', async () => {
      const rows = await by('activity_performance', ['participants', 'fission_count', 'converted_count', 'campaign_conversion_rate', 'budget', 'budget_used'], 'campaign');
      expectValues(rows, 'activity_performance.campaign', 'activity_performance.participants', { 夏促: 3, 品牌周: 1 });
      expectValues(rows, 'activity_performance.campaign', 'activity_performance.fission_count', { 夏促: 2, 品牌周: 0 });
      expectValues(rows, 'activity_performance.campaign', 'activity_performance.converted_count', { 夏促: 2, 品牌周: 0 });
      expectValues(rows, 'activity_performance.campaign', 'activity_performance.campaign_conversion_rate', { 夏促: 2 / 3, 品牌周: 0 });
      expectValues(rows, 'activity_performance.campaign', 'activity_performance.budget', { 夏促: 1000, 品牌周: 500 });
      expectValues(rows, 'activity_performance.campaign', 'activity_performance.budget_used', { 夏促: 0.13, 品牌周: 1 }); // 130/1000, 500/500
      const total = await by('activity_performance', ['participants', 'converted_count', 'campaign_conversion_rate', 'budget', 'budget_used'], null);
      expectValues(total, null, 'activity_performance.participants', { all: 4 });
      expectValues(total, null, 'activity_performance.campaign_conversion_rate', { all: 0.5 });
      expectValues(total, null, 'activity_performance.budget', { all: 1500 });
      expectValues(total, null, 'activity_performance.budget_used', { all: 630 / 1500 });
    });

    it('by channel, promoter and join month', async () => {
      const byChannel = await by('activity_performance', ['participants', 'fission_count', 'converted_count'], 'channel');
      expectValues(byChannel, 'activity_performance.channel', 'activity_performance.participants', { 企微: 1, 老带新: 2, 抖音: 1 });
      expectValues(byChannel, 'activity_performance.channel', 'activity_performance.fission_count', { 企微: 0, 老带新: 2, 抖音: 0 });
      expectValues(byChannel, 'activity_performance.channel', 'activity_performance.converted_count', { 企微: 1, 老带新: 1, 抖音: 0 });
      const byPromoter = await by('activity_performance', ['participants', 'campaign_conversion_rate'], 'employee');
      expectValues(byPromoter, 'activity_performance.employee', 'activity_performance.campaign_conversion_rate', { 乙: 1, 丁: 0.5, 甲: 0 });
      const monthly = await by('activity_performance', ['participants'], null,
        { timeDimensions: [{ dimension: 'activity_performance.joined_date', granularity: 'month' }] });
      // 王三 joined at 07:00 on 1 June in Shanghai (31 May in UTC).
      expectValues(monthly, 'activity_performance.joined_date.month', 'activity_performance.participants', { '2026-05': 1, '2026-06': 3 });
    });

    // The same hand-worked numbers from the participant conversions table (migration 019), which the pages ask.
    it('the participant conversions table: the same as above (participation_performance)', async () => {
      const v = 'participation_performance';
      const rows = await by(v, ['participants', 'fission_count', 'converted_count', 'campaign_conversion_rate'], 'campaign');
      expectValues(rows, `${v}.campaign`, `${v}.participants`, { 夏促: 3, 品牌周: 1 });
      expectValues(rows, `${v}.campaign`, `${v}.fission_count`, { 夏促: 2, 品牌周: 0 });
      expectValues(rows, `${v}.campaign`, `${v}.converted_count`, { 夏促: 2, 品牌周: 0 });
      expectValues(rows, `${v}.campaign`, `${v}.campaign_conversion_rate`, { 夏促: 2 / 3, 品牌周: 0 });
      expectValues(await by(v, ['participants', 'campaign_conversion_rate'], null), null, `${v}.campaign_conversion_rate`, { all: 0.5 });
      const byChannel = await by(v, ['participants', 'converted_count'], 'channel');
      expectValues(byChannel, `${v}.channel`, `${v}.participants`, { 企微: 1, 老带新: 2, 抖音: 1 });
      expectValues(byChannel, `${v}.channel`, `${v}.converted_count`, { 企微: 1, 老带新: 1, 抖音: 0 });
      expectValues(await by(v, ['participants', 'campaign_conversion_rate'], 'employee'), `${v}.employee`, `${v}.campaign_conversion_rate`, { 乙: 1, 丁: 0.5, 甲: 0 });
      const monthly = await by(v, ['participants'], null, { timeDimensions: [{ dimension: `${v}.joined_date`, granularity: 'month' }] });
      expectValues(monthly, `${v}.joined_date.month`, `${v}.participants`, { '2026-05': 1, '2026-06': 3 });
    });
  });

  describe('customers', () => {
    it('counts, new customers and referrals', async () => {
      expectValues(await by('customer_insights', ['customers'], 'owner'), 'customer_insights.owner', 'customer_insights.customers',
        { 甲: 2, 乙: 2, 丙: 2, 丁: 2 });
      expectValues(await by('customer_insights', ['customers'], 'member_level'), 'customer_insights.member_level', 'customer_insights.customers',
        { gold: 1, silver: 2, normal: 4, platinum: 1 });
      expectValues(await by('customer_insights', ['customers'], 'city_tier'), 'customer_insights.city_tier', 'customer_insights.customers',
        { tier1: 3, tier2: 3, tier3: 1, new_tier1: 1 });
      const monthly = await by('customer_insights', ['new_customers', 'referral_rate'], null,
        { timeDimensions: [{ dimension: 'customer_insights.registered_date', granularity: 'month' }] });
      expectValues(monthly, 'customer_insights.registered_date.month', 'customer_insights.new_customers',
        { '2025-10': 1, '2025-12': 1, '2026-01': 2, '2026-02': 1, '2026-05': 2, '2026-06': 1 });
      // May: 王三 and 赵四, both referred.
      expectValues(monthly, 'customer_insights.registered_date.month', 'customer_insights.referral_rate',
        { '2025-10': 0, '2025-12': 0, '2026-01': 0, '2026-02': 0, '2026-05': 1, '2026-06': 0 });
      expectValues(await by('customer_insights', ['referral_rate'], 'source_channel'), 'customer_insights.source_channel', 'customer_insights.referral_rate',
        { 企微: 0, 抖音: 0, 老带新: 1 });
      expectValues(await by('customer_insights', ['referral_rate'], 'owner_team'), 'customer_insights.owner_team', 'customer_insights.referral_rate',
        { 一队: 0, 二队: 0.5 });
    });

    it('repurchase within the slice and range', async () => {
      // All time: 张一 (o1 o2), 李二 (o4 o11), 周七 (o7 o8), 吴八 (o9 o10) of 6 buyers.
      expectValues(await by('customer_insights', ['repurchase_rate'], null), null, 'customer_insights.repurchase_rate', { all: 4 / 6 });
      const toAsOf = await by('customer_insights', ['repurchase_rate'], null,
        { timeDimensions: [{ dimension: 'customer_insights.order_date', dateRange: TO_AS_OF }] });
      expectValues(toAsOf, null, 'customer_insights.repurchase_rate', { all: 3 / 6 }); // 李二 has only o4
      // Per channel 张一 has one order in each: 企微 buyers 张一 周七 李二 (周七 repeats); 抖音 张一 李二 吴八 (吴八 repeats).
      // Customers who never bought sit in the ∅ slice with no buyers.
      expectValues(await by('customer_insights', ['repurchase_rate'], 'channel'), 'customer_insights.channel', 'customer_insights.repurchase_rate',
        { 企微: 1 / 3, 抖音: 1 / 3, 老带新: 0, '∅': null });
      expectValues(await by('customer_insights', ['repurchase_rate'], 'owner'), 'customer_insights.owner', 'customer_insights.repurchase_rate',
        { 乙: 1, 丁: 0, 甲: 1, 丙: 1 });
      expectValues(await by('customer_insights', ['repurchase_rate'], 'owner_team'), 'customer_insights.owner_team', 'customer_insights.repurchase_rate',
        { 一队: 1, 二队: 1 / 3 });
      const june = await by('customer_insights', ['repurchase_rate'], null,
        { timeDimensions: [{ dimension: 'customer_insights.order_date', dateRange: JUNE }] });
      expectValues(june, null, 'customer_insights.repurchase_rate', { all: 0.5 }); // 张一 (o1 o2) and 王三 (o5)
    });

    // The same hand-worked numbers from the customer-day table (migration 013), which the overview and staff pages ask.
    it('the customer-day table: sales and repurchase as above (sales_buyers, buyer_repurchase)', async () => {
      const sales = await by('sales_buyers', ['gmv', 'order_count', 'buyers', 'spend_per_buyer'], null);
      expectValues(sales, null, 'sales_buyers.gmv', { all: 2249 });
      expectValues(sales, null, 'sales_buyers.order_count', { all: 10 });
      expectValues(sales, null, 'sales_buyers.buyers', { all: 6 });
      expectValues(sales, null, 'sales_buyers.spend_per_buyer', { all: 2249 / 6 });
      expectValues(await by('sales_buyers', ['buyers'], 'channel'), 'sales_buyers.channel', 'sales_buyers.buyers', { 企微: 3, 抖音: 3, 老带新: 2 });
      // The same from the sales paid-day table (migration 038: each buyer's first row in the range, once per level).
      const range = await by('sales_range', ['gmv', 'order_count', 'buyers'], null);
      expectValues(range, null, 'sales_range.gmv', { all: 2249 });
      expectValues(range, null, 'sales_range.buyers', { all: 6 });
      const toAsOf = await by('sales_range', ['gmv', 'order_count', 'buyers'], null, { timeDimensions: [{ dimension: 'sales_range.order_date', dateRange: TO_AS_OF }] });
      expectValues(toAsOf, null, 'sales_range.gmv', { all: 1250 });
      expectValues(toAsOf, null, 'sales_range.order_count', { all: 9 });
      expectValues(toAsOf, null, 'sales_range.buyers', { all: 6 });
      expectValues(await by('sales_range', ['gmv'], 'team'), 'sales_range.team', 'sales_range.gmv', { 一队: 1999, 二队: 250 });
      const rate = 'buyer_repurchase.repurchase_rate';
      expectValues(await by('buyer_repurchase', ['repurchase_rate'], null), null, rate, { all: 4 / 6 });
      expectValues(await by('buyer_repurchase', ['repurchase_rate'], null, { timeDimensions: [{ dimension: 'buyer_repurchase.order_date', dateRange: TO_AS_OF }] }),
        null, rate, { all: 3 / 6 });
      // Only buyers are rows here: no ∅ slice of customers who never bought.
      expectValues(await by('buyer_repurchase', ['repurchase_rate'], 'channel'), 'buyer_repurchase.channel', rate, { 企微: 1 / 3, 抖音: 1 / 3, 老带新: 0 });
      expectValues(await by('buyer_repurchase', ['repurchase_rate'], 'owner'), 'buyer_repurchase.owner', rate, { 乙: 1, 丁: 0, 甲: 1, 丙: 1 });
      expectValues(await by('buyer_repurchase', ['repurchase_rate'], 'owner_team'), 'buyer_repurchase.owner_team', rate, { 一队: 1, 二队: 1 / 3 });
      expectValues(await by('buyer_repurchase', ['repurchase_rate'], null, { timeDimensions: [{ dimension: 'buyer_repurchase.order_date', dateRange: JUNE }] }),
        null, rate, { all: 0.5 });
      // The same from the customer paid-day table (migration 036: each buyer's first paid day in the range, once).
      const paid = 'repurchase_buyers.repurchase_rate';
      expectValues(await by('repurchase_buyers', ['repurchase_rate'], null), null, paid, { all: 4 / 6 });
      expectValues(await by('repurchase_buyers', ['repurchase_rate'], null, { timeDimensions: [{ dimension: 'repurchase_buyers.order_date', dateRange: TO_AS_OF }] }),
        null, paid, { all: 3 / 6 });
      expectValues(await by('repurchase_buyers', ['repurchase_rate'], 'owner'), 'repurchase_buyers.owner', paid, { 乙: 1, 丁: 0, 甲: 1, 丙: 1 });
      expectValues(await by('repurchase_buyers', ['repurchase_rate'], 'owner_team'), 'repurchase_buyers.owner_team', paid, { 一队: 1, 二队: 1 / 3 });
      expectValues(await by('repurchase_buyers', ['repurchase_rate'], null, { timeDimensions: [{ dimension: 'repurchase_buyers.order_date', dateRange: JUNE }] }),
        null, paid, { all: 0.5 });
    });

    // As of 2026-06-30, paid orders up to then (o11 is later):
    // 张一 F2 M300 first 06-05 (25 d) last 06-20 (R10); 李二 F1 M300 R166; 王三 F1 M20 first 06-01 (29 d);
    // 赵四 F1 M80 first 05-31 (30 d); 周七 F2 M400 first 241 d, R71; 吴八 F2 M150 R60; 钱五, 孙六 never bought.
    it('lifecycle stages, boundaries included', async () => {
      expectValues(await by('customer_insights', ['customers', 'ltv'], 'lifecycle_stage'), 'customer_insights.lifecycle_stage', 'customer_insights.customers',
        { prospect: 2, new: 3, active: 1, sleeping: 1, churned: 1 }); // 赵四 on day 30 is new; 吴八 on day 60 is active
      expectValues(await by('customer_insights', ['ltv'], 'lifecycle_stage'), 'customer_insights.lifecycle_stage', 'customer_insights.ltv',
        { prospect: null, new: 400 / 3, active: 150, sleeping: 400, churned: 300 });
    });

    it('RFM segments against the means over buyers', async () => {
      // mean R = (10+166+29+30+71+60)/6 = 61, mean F = 9/6 = 1.5, mean M = 1250/6 ≈ 208.33.
      const rows = await by('customer_insights', ['customers', 'ltv'], 'rfm_segment');
      expectValues(rows, 'customer_insights.rfm_segment', 'customer_insights.customers',
        { 重要价值: 1, 重要挽留: 1, 一般发展: 2, 重要保持: 1, 一般价值: 1, '∅': 2 });
      expectValues(rows, 'customer_insights.rfm_segment', 'customer_insights.ltv',
        { 重要价值: 300, 重要挽留: 300, 一般发展: 50, 重要保持: 400, 一般价值: 150, '∅': null });
    });

    it('AIPL and 5A stages, ignoring facts after as-of', async () => {
      // 李二 has a second order only after as-of: P. 孙六's share is after as-of: A and aware.
      expectValues(await by('customer_insights', ['customers'], 'aipl_stage'), 'customer_insights.aipl_stage', 'customer_insights.customers',
        { L: 3, P: 3, I: 1, A: 1 });
      // 张一 and 王三 referred someone: advocates. 钱五 booked: ask.
      expectValues(await by('customer_insights', ['customers'], 'five_a_stage'), 'customer_insights.five_a_stage', 'customer_insights.customers',
        { advocate: 2, act: 4, ask: 1, aware: 1 });
    });

    it('activity and value points, and the value quadrant', async () => {
      const points = await ctx.api.load({
        dimensions: ['customer_insights.customer', 'customer_insights.activity_points', 'customer_insights.value_points'],
        order: { 'customer_insights.customer': 'asc' },
      });
      // Activity: register 10 + view 1 + share 5 = 16 for 张一, and so on.
      expectValues(points, 'customer_insights.customer', 'customer_insights.activity_points',
        { 1: 16, 2: 13, 3: 13, 4: 11, 5: 16, 6: 10, 7: 15, 8: 10 }, 'activity_points');
      expectValues(points, 'customer_insights.customer', 'customer_insights.value_points',
        { 1: 30, 2: 30, 3: 2, 4: 8, 5: 0, 6: 0, 7: 40, 8: 15 }, 'value_points');
      // Medians: activity (13+13)/2 = 13, value (8+15)/2 = 11.5.
      expectValues(await by('customer_insights', ['customers'], 'value_quadrant'), 'customer_insights.value_quadrant', 'customer_insights.customers',
        { both: 2, gmv: 2, koc: 1, neither: 3 });
    });

    it('LTV and churn by owner, team and source channel', async () => {
      const byOwner = await by('customer_insights', ['ltv', 'churn_rate'], 'owner');
      expectValues(byOwner, 'customer_insights.owner', 'customer_insights.ltv', { 乙: 300, 丁: 50, 甲: 400, 丙: 150 });
      expectValues(byOwner, 'customer_insights.owner', 'customer_insights.churn_rate', { 乙: 0.5, 丁: 0, 甲: 0, 丙: 0 });
      const byTeam = await by('customer_insights', ['ltv', 'churn_rate'], 'owner_team');
      expectValues(byTeam, 'customer_insights.owner_team', 'customer_insights.ltv', { 一队: 1000 / 3, 二队: 250 / 3 });
      expectValues(byTeam, 'customer_insights.owner_team', 'customer_insights.churn_rate', { 一队: 1 / 3, 二队: 0 });
      const bySource = await by('customer_insights', ['ltv', 'churn_rate'], 'source_channel');
      expectValues(bySource, 'customer_insights.source_channel', 'customer_insights.ltv', { 企微: 350, 抖音: 225, 老带新: 50 });
      expectValues(bySource, 'customer_insights.source_channel', 'customer_insights.churn_rate', { 企微: 0, 抖音: 0.5, 老带新: 0 });
      const total = await by('customer_insights', ['ltv', 'churn_rate', 'customers'], null);
      expectValues(total, null, 'customer_insights.ltv', { all: 1250 / 6 });
      expectValues(total, null, 'customer_insights.churn_rate', { all: 1 / 6 });
    });
  });

  describe('staff', () => {
    it('owned and converted customers, follow-ups and bookings', async () => {
      const rows = await by('staff_performance', ['owned_customers', 'converted_customers', 'follow_ups', 'bookings', 'arrivals', 'arrival_rate'], 'employee');
      expectValues(rows, 'staff_performance.employee', 'staff_performance.owned_customers', { 甲: 2, 乙: 2, 丙: 2, 丁: 2 });
      // Owned customers with a paid order: 乙 张一 李二; 丁 王三 赵四; 甲 周七; 丙 吴八.
      expectValues(rows, 'staff_performance.employee', 'staff_performance.converted_customers', { 甲: 1, 乙: 2, 丙: 1, 丁: 2 });
      expectValues(rows, 'staff_performance.employee', 'staff_performance.follow_ups', { 甲: 1, 乙: 2, 丙: 0, 丁: 1 });
      expectValues(rows, 'staff_performance.employee', 'staff_performance.bookings', { 甲: 2, 乙: 1, 丙: 0, 丁: 2 });
      expectValues(rows, 'staff_performance.employee', 'staff_performance.arrival_rate', { 甲: 0, 乙: 1, 丙: null, 丁: 0 });
      const byTeam = await by('staff_performance', ['bookings', 'arrivals', 'arrival_rate', 'owned_customers'], 'team');
      expectValues(byTeam, 'staff_performance.team', 'staff_performance.arrival_rate', { 一队: 1 / 3, 二队: 0 });
      expectValues(byTeam, 'staff_performance.team', 'staff_performance.owned_customers', { 一队: 4, 二队: 4 });
      // The same owned customers counted on the customers themselves (staff_owned).
      expectValues(await by('staff_owned', ['owned_customers'], 'employee'), 'staff_owned.employee', 'staff_owned.owned_customers', { 甲: 2, 乙: 2, 丙: 2, 丁: 2 });
      expectValues(await by('staff_owned', ['owned_customers'], 'team'), 'staff_owned.team', 'staff_owned.owned_customers', { 一队: 4, 二队: 4 });
    });

    it('converted customers and per-capita output in a range', async () => {
      const june = await by('staff_performance', ['converted_customers', 'follow_ups'], 'employee',
        { timeDimensions: [{ dimension: 'staff_performance.order_date', dateRange: JUNE }] });
      // June paid orders: o1 o2 (张一, owner 乙) and o5 (王三, owner 丁); June touches: 乙 twice.
      // 甲 (bookings) and 丙 (孙六 registered) have other June facts, so they appear with zeros.
      expectValues(june, 'staff_performance.employee', 'staff_performance.converted_customers', { 甲: 0, 乙: 1, 丙: 0, 丁: 1 });
      expectValues(june, 'staff_performance.employee', 'staff_performance.follow_ups', { 甲: 0, 乙: 2, 丙: 0, 丁: 0 });
      const perCapita = await by('sales_overview', ['per_capita_gmv'], 'team',
        { timeDimensions: [{ dimension: 'sales_overview.order_date', dateRange: JUNE }] });
      // June: 一队 乙 credited 100 + 200; 二队 丁 credited 20.
      expectValues(perCapita, 'sales_overview.team', 'sales_overview.per_capita_gmv', { 一队: 300, 二队: 20 });
    });
  });

  describe('action lists', () => {
    const members = async (segment: string) =>
      (await ctx.api.load({ dimensions: ['customer_insights.customer_name', 'customer_insights.owner', 'customer_insights.owner_team', 'customer_insights.action_reason'],
        segments: [`customer_insights.${segment}`], order: { 'customer_insights.customer': 'asc' } }));

    /** The list as the /actions page asks for it: its members' names in the page's order. */
    const pageOrder = async (list: ActionList) =>
      (await ctx.api.load({ ...buildActionListQuery({ list, team: null, owner: null }, 1) })).map((r) => r['customer_insights.customer_name']);

    it('birthday_soon: next birthday 1–15 days after as-of, nearest first', async () => {
      // 张一 07-05 (5 d), 王三 07-15 (15 d), 周七 07-01 (1 d); not 赵四 07-16, 孙六 today, 李二 29 Feb → 2027-02-28.
      const rows = await members('birthday_soon');
      expectValues(rows.map((r) => ({ ...r, n: 1 })), 'customer_insights.customer_name', 'n', { 张一: 1, 王三: 1, 周七: 1 }, 'birthday_soon');
      expect(await pageOrder('birthday_soon')).toEqual(['周七', '张一', '王三']);
    });

    it('booked_not_arrived: scheduled 1–14 days before as-of, never arrived, most recently missed first', async () => {
      // 钱五 scheduled 06-20 (10 d), 周七 06-16 (14 d); not 赵四 06-15 (15 d), 王三 in the future, 张一 arrived.
      const rows = await members('booked_not_arrived');
      expectValues(rows.map((r) => ({ ...r, n: 1 })), 'customer_insights.customer_name', 'n', { 钱五: 1, 周七: 1 }, 'booked_not_arrived');
      expect(await pageOrder('booked_not_arrived')).toEqual(['钱五', '周七']);
    });

    it('high_value_slipping: M above the mean and 45–120 days quiet, with owner, team and reason', async () => {
      // Mean M over buyers 1250 / 6 = 208.33. 周七 M400, last paid 04-20: 71 days. Not 李二 (M300, 166 days:
      // churned), not 张一 (M300, 10 days), not 吴八 (60 days, but M150 is below the mean).
      const rows = await members('high_value_slipping');
      expectValues(rows.map((r) => ({ ...r, n: 1 })), 'customer_insights.customer_name', 'n', { 周七: 1 }, 'high_value_slipping');
      // Every list 周七 is on says why: the birthday on 07-01, the appointment missed on 06-16, and this one.
      expect(rows[0]).toMatchObject({ 'customer_insights.owner': '甲', 'customer_insights.owner_team': '一队',
        'customer_insights.action_reason': '生日还有 1 天；预约 06-16 未到店；71 天未购买，累计消费 ¥400.00' });
    });

    it('shows each customer\'s last contact: the latest follow-up up to as-of', async () => {
      // 张一 followed up 06-01 and 06-15, 王三 05-20, 钱五 02-10; nobody else.
      const rows = await ctx.api.load({ dimensions: ['customer_insights.customer_name', 'customer_insights.last_contact_date'] });
      const lastContact = Object.fromEntries(rows.map((r) => [r['customer_insights.customer_name'], String(r['customer_insights.last_contact_date'] ?? '—').slice(0, 10)]));
      expect(lastContact).toMatchObject({ 张一: '2026-06-15', 王三: '2026-05-20', 钱五: '2026-02-10', 李二: '—', 赵四: '—' });
    });

    it('first_order_follow_up: one traffic order 0–29 days ago', async () => {
      // 王三: o5 (traffic) 29 days before as-of. 赵四's only order is core.
      const rows = await members('first_order_follow_up');
      expectValues(rows.map((r) => ({ ...r, n: 1 })), 'customer_insights.customer_name', 'n', { 王三: 1 }, 'first_order_follow_up');
    });
  });
});
