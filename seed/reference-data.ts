/** Fixed reference data of the demo brand: teams, channels, campaign calendar, names. */

export interface TeamSpec {
  name: string;
  region: string;
  /** The city whose customers the team serves and where its city campaigns (…·上海站) run; null for nationwide teams. */
  city: string | null;
}

/** The reference brand's teams (up to 20,000 customers). */
export const TEAMS: readonly TeamSpec[] = [
  { name: '华东一部', region: '华东', city: '上海' },
  { name: '华东二部', region: '华东', city: '杭州' },
  { name: '华南事业部', region: '华南', city: '广州' },
  { name: '华北事业部', region: '华北', city: '北京' },
  { name: '西南事业部', region: '西南', city: '成都' },
  { name: '线上运营部', region: '全国', city: null },
];

/**
 * Teams a growing brand adds, in the order it adds them: a team per city, a
 * few nationwide operations teams, then second and third teams in the
 * busiest cities (see growthTeams).
 */
const GROWTH_CITY_TEAMS: readonly TeamSpec[] = [
  { name: '深圳事业部', region: '华南', city: '深圳' },
  { name: '直播运营部', region: '全国', city: null },
  { name: '南京事业部', region: '华东', city: '南京' },
  { name: '武汉事业部', region: '华中', city: '武汉' },
  { name: '重庆事业部', region: '西南', city: '重庆' },
  { name: '西安事业部', region: '西北', city: '西安' },
  { name: '社群运营部', region: '全国', city: null },
  { name: '苏州事业部', region: '华东', city: '苏州' },
  { name: '天津事业部', region: '华北', city: '天津' },
  { name: '长沙事业部', region: '华中', city: '长沙' },
  { name: '郑州事业部', region: '华中', city: '郑州' },
  { name: '青岛事业部', region: '华东', city: '青岛' },
  { name: '宁波事业部', region: '华东', city: '宁波' },
  { name: '会员运营部', region: '全国', city: null },
  { name: '厦门事业部', region: '华南', city: '厦门' },
  { name: '合肥事业部', region: '华东', city: '合肥' },
  { name: '济南事业部', region: '华东', city: '济南' },
  { name: '沈阳事业部', region: '东北', city: '沈阳' },
  { name: '昆明事业部', region: '西南', city: '昆明' },
  { name: '福州事业部', region: '华南', city: '福州' },
  { name: '无锡事业部', region: '华东', city: '无锡' },
  { name: '东莞事业部', region: '华南', city: '东莞' },
  { name: '佛山事业部', region: '华南', city: '佛山' },
  { name: '大连事业部', region: '东北', city: '大连' },
  { name: '南宁事业部', region: '华南', city: '南宁' },
  { name: '石家庄事业部', region: '华北', city: '石家庄' },
  { name: '哈尔滨事业部', region: '东北', city: '哈尔滨' },
  { name: '贵阳事业部', region: '西南', city: '贵阳' },
  { name: '南昌事业部', region: '华中', city: '南昌' },
  { name: '太原事业部', region: '华北', city: '太原' },
  { name: '长春事业部', region: '东北', city: '长春' },
  { name: '兰州事业部', region: '西北', city: '兰州' },
  { name: '温州事业部', region: '华东', city: '温州' },
  { name: '泉州事业部', region: '华南', city: '泉州' },
];

const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/**
 * The first `count` teams of a brand: the reference six, the city teams
 * above, then further numbered teams (深圳二部, 南京二部, …) round the cities.
 */
export function brandTeams(count: number): TeamSpec[] {
  const teams = [...TEAMS, ...GROWTH_CITY_TEAMS].slice(0, count);
  const cities = [...TEAMS, ...GROWTH_CITY_TEAMS].filter((t) => t.city !== null);
  for (let k = 0; teams.length < count; k++) {
    const base = cities[k % cities.length]!;
    const ordinal = Math.floor(k / cities.length) + 2;
    if (ordinal > ORDINALS.length) throw new Error(`no name for team ${teams.length + 1}`);
    teams.push({ name: `${base.city}${ORDINALS[ordinal - 1]}部`, region: base.region, city: base.city });
  }
  return teams;
}

export type EmployeeRole = 'lead' | 'content' | 'activity' | 'community' | 'advisor';

/** Roles of the ten people of each team, lead first. */
export const TEAM_ROLES: readonly EmployeeRole[] = [
  'lead', 'content', 'activity', 'community', 'community',
  'advisor', 'advisor', 'advisor', 'advisor', 'advisor',
];

/** Roles of the people a team of a bigger brand has beyond its first ten, in the order it hires them. */
export const EXTRA_TEAM_ROLES: readonly EmployeeRole[] = ['advisor', 'advisor', 'community', 'advisor', 'activity', 'advisor', 'content'];

export type ChannelType =
  | 'wechat_oa' | 'wechat_channels' | 'mini_program' | 'wecom' | 'community' | 'live_douyin'
  | 'live_taobao' | 'ai_call_sms' | 'package_card' | 'offline_store' | 'ads' | 'referral';

export interface ChannelSpec {
  code: string;
  name: string;
  kind: 'public' | 'private';
  type: ChannelType;
  /** Share of new customers first reached through this channel. */
  acquisitionShare: number;
  /** Probability that a customer acquired here ever buys. */
  conversion: number;
  /** Multiplier on order value and frequency of customers acquired here. */
  value: number;
  /** Relative weight of this channel as a touchpoint for repeat orders. */
  repeatShare: number;
  /** Relative cost of a campaign's spend placed here. */
  costWeight: number;
  /** Whether spend here is paid per staff member (attributable) or centrally. */
  staffSpend: boolean;
}

export const CHANNELS: readonly ChannelSpec[] = [
  { code: 'WX_OA', name: '微信公众号', kind: 'private', type: 'wechat_oa', acquisitionShare: 9, conversion: 0.5, value: 1.0, repeatShare: 8, costWeight: 1, staffSpend: false },
  { code: 'WX_CHANNELS', name: '微信视频号', kind: 'public', type: 'wechat_channels', acquisitionShare: 10, conversion: 0.42, value: 0.9, repeatShare: 6, costWeight: 3, staffSpend: false },
  { code: 'MINI_PROGRAM', name: '品牌小程序', kind: 'private', type: 'mini_program', acquisitionShare: 8, conversion: 0.62, value: 1.1, repeatShare: 30, costWeight: 1, staffSpend: false },
  { code: 'WECOM', name: '企业微信', kind: 'private', type: 'wecom', acquisitionShare: 10, conversion: 0.68, value: 1.25, repeatShare: 22, costWeight: 2, staffSpend: true },
  { code: 'COMMUNITY', name: '私域社群', kind: 'private', type: 'community', acquisitionShare: 7, conversion: 0.58, value: 1.0, repeatShare: 16, costWeight: 2, staffSpend: true },
  { code: 'LIVE_DOUYIN', name: '抖音直播', kind: 'public', type: 'live_douyin', acquisitionShare: 12, conversion: 0.36, value: 0.8, repeatShare: 4, costWeight: 6, staffSpend: false },
  { code: 'LIVE_TAOBAO', name: '淘宝直播', kind: 'public', type: 'live_taobao', acquisitionShare: 8, conversion: 0.4, value: 0.9, repeatShare: 3, costWeight: 5, staffSpend: false },
  { code: 'AI_CALL_SMS', name: 'AI外呼短信', kind: 'private', type: 'ai_call_sms', acquisitionShare: 3, conversion: 0.22, value: 0.7, repeatShare: 2, costWeight: 1.5, staffSpend: false },
  { code: 'PACKAGE_CARD', name: '包裹卡', kind: 'private', type: 'package_card', acquisitionShare: 6, conversion: 0.55, value: 1.0, repeatShare: 1, costWeight: 0.8, staffSpend: false },
  { code: 'OFFLINE_STORE', name: '线下门店', kind: 'private', type: 'offline_store', acquisitionShare: 7, conversion: 0.72, value: 1.4, repeatShare: 6, costWeight: 1.5, staffSpend: true },
  { code: 'ADS_FEED', name: '信息流广告', kind: 'public', type: 'ads', acquisitionShare: 6, conversion: 0.25, value: 0.75, repeatShare: 0.5, costWeight: 7, staffSpend: false },
  { code: 'ADS_MOMENTS', name: '朋友圈广告', kind: 'public', type: 'ads', acquisitionShare: 4, conversion: 0.3, value: 0.85, repeatShare: 0.5, costWeight: 5, staffSpend: false },
  { code: 'REFERRAL', name: '老带新', kind: 'private', type: 'referral', acquisitionShare: 6, conversion: 0.7, value: 1.2, repeatShare: 1, costWeight: 0.6, staffSpend: true },
  { code: 'XIAOHONGSHU', name: '小红书种草', kind: 'public', type: 'ads', acquisitionShare: 2, conversion: 0.33, value: 1.05, repeatShare: 0.5, costWeight: 3, staffSpend: false },
  { code: 'STORE_GUIDE_WECOM', name: '门店导购企微', kind: 'private', type: 'wecom', acquisitionShare: 2, conversion: 0.66, value: 1.3, repeatShare: 6, costWeight: 1, staffSpend: true },
];

/** Channels a growing brand opens beyond the reference fifteen, in the order it opens them (see brand-size.ts). */
export const GROWTH_CHANNELS: readonly ChannelSpec[] = [
  { code: 'WECOM_MOMENTS', name: '企微朋友圈', kind: 'private', type: 'wecom', acquisitionShare: 2, conversion: 0.5, value: 1.05, repeatShare: 8, costWeight: 0.8, staffSpend: true },
  { code: 'VIP_COMMUNITY', name: '会员专属群', kind: 'private', type: 'community', acquisitionShare: 1.5, conversion: 0.64, value: 1.3, repeatShare: 7, costWeight: 1.2, staffSpend: true },
  { code: 'DOUYIN_KOL', name: '抖音达人带货', kind: 'public', type: 'live_douyin', acquisitionShare: 6, conversion: 0.3, value: 0.75, repeatShare: 2, costWeight: 7, staffSpend: false },
  { code: 'TMALL_STORE_LIVE', name: '天猫旗舰店直播', kind: 'public', type: 'live_taobao', acquisitionShare: 4, conversion: 0.45, value: 1.0, repeatShare: 3, costWeight: 4, staffSpend: false },
  { code: 'POINTS_MALL', name: '积分商城', kind: 'private', type: 'mini_program', acquisitionShare: 0.8, conversion: 0.6, value: 0.9, repeatShare: 6, costWeight: 0.6, staffSpend: false },
  { code: 'MALL_COUNTER', name: '商场专柜', kind: 'private', type: 'offline_store', acquisitionShare: 3, conversion: 0.7, value: 1.5, repeatShare: 4, costWeight: 2, staffSpend: true },
  { code: 'WX_CHANNELS_LIVE', name: '视频号直播', kind: 'public', type: 'wechat_channels', acquisitionShare: 4, conversion: 0.4, value: 0.95, repeatShare: 3, costWeight: 3.5, staffSpend: false },
  { code: 'MEMBER_AMBASSADOR', name: '会员推荐官', kind: 'private', type: 'referral', acquisitionShare: 2, conversion: 0.66, value: 1.15, repeatShare: 1, costWeight: 0.7, staffSpend: true },
  { code: 'ADS_SEARCH', name: '搜索广告', kind: 'public', type: 'ads', acquisitionShare: 3, conversion: 0.35, value: 0.95, repeatShare: 0.5, costWeight: 4, staffSpend: false },
  { code: 'WECOM_SERVICE', name: '企微客服', kind: 'private', type: 'wecom', acquisitionShare: 1.5, conversion: 0.55, value: 1.0, repeatShare: 5, costWeight: 0.8, staffSpend: true },
  { code: 'MINI_GROUP_BUY', name: '小程序拼团', kind: 'private', type: 'mini_program', acquisitionShare: 2.5, conversion: 0.48, value: 0.7, repeatShare: 4, costWeight: 1.2, staffSpend: false },
  { code: 'DOUYIN_STORE_LIVE', name: '抖音店播', kind: 'public', type: 'live_douyin', acquisitionShare: 4, conversion: 0.38, value: 0.85, repeatShare: 3, costWeight: 5, staffSpend: false },
  { code: 'MEMBER_SMS', name: '会员短信', kind: 'private', type: 'ai_call_sms', acquisitionShare: 0.5, conversion: 0.25, value: 0.8, repeatShare: 2, costWeight: 0.9, staffSpend: false },
  { code: 'POPUP_STORE', name: '城市快闪店', kind: 'private', type: 'offline_store', acquisitionShare: 1.5, conversion: 0.52, value: 1.1, repeatShare: 1, costWeight: 3, staffSpend: true },
  { code: 'WX_SERVICE_ACCOUNT', name: '会员服务号', kind: 'private', type: 'wechat_oa', acquisitionShare: 1.5, conversion: 0.52, value: 1.05, repeatShare: 5, costWeight: 0.8, staffSpend: false },
  { code: 'TAOBAO_KOL', name: '淘宝达人直播', kind: 'public', type: 'live_taobao', acquisitionShare: 3, conversion: 0.33, value: 0.8, repeatShare: 1.5, costWeight: 6, staffSpend: false },
  { code: 'ADS_WEIBO', name: '微博广告', kind: 'public', type: 'ads', acquisitionShare: 2, conversion: 0.22, value: 0.8, repeatShare: 0.5, costWeight: 5, staffSpend: false },
  { code: 'MOM_COMMUNITY', name: '宝妈社群', kind: 'private', type: 'community', acquisitionShare: 1.5, conversion: 0.56, value: 0.95, repeatShare: 5, costWeight: 1.5, staffSpend: true },
  { code: 'GIFT_BOX_CARD', name: '礼盒扫码卡', kind: 'private', type: 'package_card', acquisitionShare: 1.5, conversion: 0.5, value: 1.2, repeatShare: 1, costWeight: 0.9, staffSpend: false },
  { code: 'ADS_BILIBILI', name: 'B站UP主合作', kind: 'public', type: 'ads', acquisitionShare: 1.5, conversion: 0.28, value: 0.9, repeatShare: 0.5, costWeight: 4.5, staffSpend: false },
  { code: 'WX_CHANNELS_KOC', name: '视频号达人', kind: 'public', type: 'wechat_channels', acquisitionShare: 2, conversion: 0.34, value: 0.85, repeatShare: 1.5, costWeight: 4, staffSpend: false },
  { code: 'OUTLET_STORE', name: '奥莱门店', kind: 'private', type: 'offline_store', acquisitionShare: 1.5, conversion: 0.6, value: 0.85, repeatShare: 2, costWeight: 1.8, staffSpend: true },
  { code: 'FLASH_GROUP', name: '福利快闪群', kind: 'private', type: 'community', acquisitionShare: 2, conversion: 0.4, value: 0.7, repeatShare: 3, costWeight: 1, staffSpend: true },
  { code: 'RCS_5G', name: '5G消息', kind: 'private', type: 'ai_call_sms', acquisitionShare: 0.5, conversion: 0.2, value: 0.8, repeatShare: 1, costWeight: 1.2, staffSpend: false },
  { code: 'ADS_ZHIHU', name: '知乎内容种草', kind: 'public', type: 'ads', acquisitionShare: 1, conversion: 0.3, value: 1.0, repeatShare: 0.5, costWeight: 3.5, staffSpend: false },
];

/**
 * Of the people a campaign reaches through a type of channel, roughly the
 * share who buy from it: people in the brand's own pool (WeCom, community,
 * mini-program, the store) were reached because they already buy; a paid ad
 * or a livestream reaches many who click, join for a coupon and leave. The
 * generator places a campaign's participants who do not buy on its channels
 * by these odds (generate.ts, joinWeights); the campaign type then scales
 * them all (a brand campaign draws many more who never buy).
 */
export const CAMPAIGN_CONVERSION: Readonly<Record<ChannelType, number>> = {
  wecom: 0.42, community: 0.36, mini_program: 0.34, offline_store: 0.4, referral: 0.45, wechat_oa: 0.26,
  package_card: 0.24, wechat_channels: 0.15, live_douyin: 0.14, live_taobao: 0.16, ai_call_sms: 0.1, ads: 0.08,
};

/** Every channel the generator knows: the reference fifteen first, so their indexes never change. */
export const CHANNEL_CATALOGUE: readonly ChannelSpec[] = [...CHANNELS, ...GROWTH_CHANNELS];

export type CampaignType = 'brand' | 'revenue' | 'promotion' | 'co_creation';

export interface CampaignTemplate {
  name: string;
  type: CampaignType;
  /** Start and end as [month, day] in the campaign's year. */
  start: [number, number];
  end: [number, number];
  /** Budget for the default 20,000-customer brand, CNY. */
  budget: number;
  /** How strongly the campaign pulls orders while it runs. */
  pull: number;
}

/** A brand's yearly activity calendar; each year in the history runs it again. */
export const CAMPAIGN_CALENDAR: readonly CampaignTemplate[] = [
  { name: '年货节', type: 'promotion', start: [1, 8], end: [1, 25], budget: 60_000, pull: 1.0 },
  { name: '春季新品共创', type: 'co_creation', start: [3, 1], end: [3, 20], budget: 18_000, pull: 0.7 },
  { name: '38女王节', type: 'promotion', start: [3, 1], end: [3, 8], budget: 45_000, pull: 1.0 },
  { name: '春日会员日', type: 'revenue', start: [4, 10], end: [4, 16], budget: 25_000, pull: 0.9 },
  { name: '品牌焕新周', type: 'brand', start: [4, 20], end: [4, 30], budget: 90_000, pull: 0.25 },
  { name: '618年中大促', type: 'promotion', start: [5, 25], end: [6, 18], budget: 130_000, pull: 1.2 },
  { name: '夏日社群团购', type: 'revenue', start: [7, 5], end: [7, 20], budget: 20_000, pull: 0.9 },
  { name: '七夕礼遇', type: 'brand', start: [8, 1], end: [8, 10], budget: 70_000, pull: 0.35 },
  { name: '99划算节', type: 'promotion', start: [9, 1], end: [9, 9], budget: 40_000, pull: 0.9 },
  { name: '中秋礼盒季', type: 'revenue', start: [9, 10], end: [9, 25], budget: 30_000, pull: 0.9 },
  { name: '国庆出游季', type: 'brand', start: [9, 28], end: [10, 7], budget: 55_000, pull: 0.3 },
  { name: '双11狂欢节', type: 'promotion', start: [10, 20], end: [11, 11], budget: 180_000, pull: 1.3 },
  { name: '老客回馈季', type: 'revenue', start: [11, 15], end: [11, 30], budget: 22_000, pull: 0.9 },
  { name: '双12年终盛典', type: 'promotion', start: [12, 1], end: [12, 12], budget: 60_000, pull: 1.0 },
  { name: '直播品牌日', type: 'brand', start: [12, 18], end: [12, 28], budget: 65_000, pull: 0.3 },
];

export const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高',
  '林', '罗', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '袁',
  '潘', '于', '蒋', '蔡', '余', '杜', '叶', '程', '苏', '魏', '吕', '丁', '任', '沈', '姚', '卢', '姜', '崔',
] as const;

export const GIVEN_NAME_CHARS = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀',
  '霞', '平', '刚', '桂', '英', '华', '玉', '萍', '红', '鹏', '辉', '婷', '雪', '琳', '晨', '欣', '悦', '然',
  '浩', '宇', '轩', '佳', '怡', '子', '涵', '梓', '诗', '雨', '思', '嘉', '文', '博', '睿', '俊', '晓', '楠',
] as const;

export const CITY_TIERS = ['tier1', 'new_tier1', 'tier2', 'tier3', 'tier4_below'] as const;
export const CITY_TIER_WEIGHTS = [22, 24, 22, 18, 14];

export const MEMBER_LEVELS = ['normal', 'silver', 'gold', 'platinum', 'diamond'] as const;

/** Mobile number prefixes of the three carriers. */
export const PHONE_PREFIXES = [
  '130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '155', '156', '157',
  '158', '159', '166', '176', '177', '180', '181', '182', '185', '186', '187', '188', '189', '191', '199',
] as const;
