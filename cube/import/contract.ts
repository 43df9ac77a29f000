/**
 * What the importer accepts: one spec per entity (file names, key, columns
 * with their Chinese header aliases and value kinds), in load order (a
 * referenced entity before those referring to it). docs/import.md documents
 * the same list; test/import/contract-doc.test.ts keeps the two together.
 */

export type EntityName = 'teams' | 'employees' | 'channels' | 'customers' | 'identities' | 'campaigns'
  | 'spend' | 'participations' | 'orders' | 'events' | 'follow_ups' | 'appointments';

export type ValueKind =
  | { kind: 'code' }
  | { kind: 'ref'; entity: EntityName }
  | { kind: 'text' }
  | { kind: 'enum'; values: Record<string, readonly string[]> }
  | { kind: 'bool' }
  | { kind: 'date' }
  | { kind: 'time' }
  | { kind: 'money' }
  | { kind: 'int' }
  | { kind: 'phone' };

export interface ColumnSpec {
  name: string;
  aliases: readonly string[];
  type: ValueKind;
  required: boolean;
  /** The value of an empty or missing optional cell. */
  fallback?: string;
}

export interface EntitySpec {
  name: EntityName;
  /** File names without extension, compared case-insensitively. */
  files: readonly string[];
  /** The columns that make a row's key; `keyOptional`: a row without them is keyed by all its values. */
  key: readonly string[];
  keyOptional?: boolean;
  columns: readonly ColumnSpec[];
}

const code = (): ValueKind => ({ kind: 'code' });
const ref = (entity: EntityName): ValueKind => ({ kind: 'ref', entity });
const enumOf = (values: Record<string, readonly string[]>): ValueKind => ({ kind: 'enum', values });
const col = (name: string, aliases: readonly string[], type: ValueKind, required = true, fallback?: string): ColumnSpec =>
  ({ name, aliases, type, required, ...(fallback === undefined ? {} : { fallback }) });

export const CHANNEL_TYPES = {
  wechat_oa: ['微信公众号', '公众号'], wechat_channels: ['微信视频号', '视频号'], mini_program: ['小程序'],
  wecom: ['企业微信', '企微'], community: ['社群'], live_douyin: ['抖音直播'], live_taobao: ['淘宝直播'],
  ai_call_sms: ['AI外呼短信', 'AI外呼', '短信'], package_card: ['包裹卡'], offline_store: ['线下门店', '门店'],
  ads: ['信息流广告', '广告'], referral: ['老带新', '转介绍'],
} as const;

const teamRef = col('team_code', ['团队编码', '团队'], ref('teams'));
const customerRef = col('customer_code', ['客户编号', '客户编码', '客户'], ref('customers'));
const channelRef = col('channel_code', ['渠道编码', '渠道'], ref('channels'));
const campaignRef = col('campaign_code', ['活动编码', '活动'], ref('campaigns'));
const employeeRef = (required: boolean, aliases: readonly string[] = ['员工工号', '工号', '员工']): ColumnSpec =>
  col('employee_code', aliases, ref('employees'), required);

export const ENTITIES: readonly EntitySpec[] = [
  {
    name: 'teams', files: ['teams', '团队'], key: ['team_code'],
    columns: [
      col('team_code', ['团队编码'], code()),
      col('name', ['团队名称', '名称'], { kind: 'text' }),
      col('region', ['区域', '地区'], { kind: 'text' }),
    ],
  },
  {
    name: 'employees', files: ['employees', '员工'], key: ['employee_code'],
    columns: [
      col('employee_code', ['工号', '员工工号'], code()),
      col('name', ['姓名', '员工姓名'], { kind: 'text' }),
      teamRef,
      col('role', ['岗位', '角色'], enumOf({ lead: ['主管'], advisor: ['顾问'], content: ['内容'], activity: ['活动'], community: ['社群'] })),
      col('hired_on', ['入职日期'], { kind: 'date' }),
      col('active', ['在职', '是否在职'], { kind: 'bool' }, false, 'true'),
    ],
  },
  {
    name: 'channels', files: ['channels', '渠道'], key: ['channel_code'],
    columns: [
      col('channel_code', ['渠道编码'], code()),
      col('name', ['渠道名称', '名称'], { kind: 'text' }),
      col('kind', ['渠道属性', '属性'], enumOf({ public: ['公域'], private: ['私域'] })),
      col('type', ['渠道类型', '类型'], enumOf(CHANNEL_TYPES)),
    ],
  },
  {
    name: 'customers', files: ['customers', '客户'], key: ['customer_code'],
    columns: [
      col('customer_code', ['客户编号', '客户编码'], code()),
      col('name', ['姓名', '客户姓名'], { kind: 'text' }),
      col('phone', ['手机号', '手机', '电话'], { kind: 'phone' }),
      col('gender', ['性别'], enumOf({ male: ['男'], female: ['女'], unknown: ['未知'] }), false, 'unknown'),
      col('birthday', ['生日', '出生日期'], { kind: 'date' }, false),
      col('city_tier', ['城市等级', '城市线级'], enumOf({
        tier1: ['一线'], new_tier1: ['新一线'], tier2: ['二线'], tier3: ['三线'], tier4_below: ['四线及以下', '四线'],
      })),
      col('source_channel_code', ['来源渠道编码', '来源渠道'], ref('channels')),
      col('owner_employee_code', ['归属员工工号', '归属员工', '归属顾问'], ref('employees'), false),
      col('registered_at', ['注册时间'], { kind: 'time' }),
      col('member_level', ['会员等级'], enumOf({ normal: ['普通'], silver: ['银卡'], gold: ['金卡'], platinum: ['铂金'], diamond: ['钻石'] }), false, 'normal'),
      col('referred_by_customer_code', ['推荐人客户编号', '推荐人'], ref('customers'), false),
    ],
  },
  {
    name: 'identities', files: ['identities', '身份'], key: ['system', 'external_id'],
    columns: [
      customerRef,
      col('system', ['系统', '身份类型'], enumOf({ member: ['会员号'], wecom: ['企微'], unionid: [], consult: ['咨询'], phone: ['手机号'] })),
      col('external_id', ['外部ID', '外部编号'], code()),
    ],
  },
  {
    name: 'campaigns', files: ['campaigns', '活动'], key: ['campaign_code'],
    columns: [
      col('campaign_code', ['活动编码'], code()),
      col('name', ['活动名称', '名称'], { kind: 'text' }),
      col('type', ['活动类型', '类型'], enumOf({ brand: ['品牌'], revenue: ['营收'], promotion: ['大促'], co_creation: ['共创'] })),
      col('starts_at', ['开始时间'], { kind: 'time' }),
      col('ends_at', ['结束时间'], { kind: 'time' }),
      col('budget', ['预算'], { kind: 'money' }, false, '0'),
      col('target_gmv', ['目标GMV', '目标gmv'], { kind: 'money' }, false, '0'),
    ],
  },
  {
    name: 'spend', files: ['spend', '花费'], key: ['spend_code'],
    columns: [
      col('spend_code', ['花费编号'], code()),
      campaignRef, channelRef, employeeRef(false),
      col('spent_on', ['日期', '花费日期'], { kind: 'date' }),
      col('amount', ['金额', '花费金额'], { kind: 'money' }),
    ],
  },
  {
    name: 'participations', files: ['participations', '参与'], key: ['campaign_code', 'customer_code'],
    columns: [
      campaignRef, customerRef, employeeRef(false), channelRef,
      col('joined_at', ['参与时间'], { kind: 'time' }),
      col('invited_by_customer_code', ['邀请人客户编号', '邀请人'], ref('customers'), false),
    ],
  },
  {
    name: 'orders', files: ['orders', '订单'], key: ['order_code'],
    columns: [
      col('order_code', ['订单号', '订单编号'], code()),
      customerRef, employeeRef(false, ['业绩员工', '业绩员工工号', '员工工号', '工号']), channelRef,
      col('campaign_code', ['活动编码', '活动'], ref('campaigns'), false),
      col('ordered_at', ['下单时间'], { kind: 'time' }),
      col('amount', ['金额', '订单金额', '实付金额'], { kind: 'money' }),
      col('items', ['件数', '数量'], { kind: 'int' }, false, '1'),
      col('category', ['品类', '商品类型'], enumOf({ traffic: ['引流款'], core: ['核心款'], premium: ['高客单'] })),
      col('status', ['状态', '订单状态'], enumOf({ paid: ['已支付'], refunded: ['已退款'] })),
    ],
  },
  {
    name: 'events', files: ['events', '行为'], key: ['event_code'], keyOptional: true,
    columns: [
      col('event_code', ['行为编号'], code(), false),
      customerRef,
      col('type', ['行为类型', '类型'], enumOf({
        register: ['注册'], view: ['浏览'], like: ['点赞'], comment: ['评论'], share: ['分享'], consult: ['咨询'], booking: ['预约'], visit: ['到店'],
      })),
      channelRef,
      col('occurred_at', ['发生时间'], { kind: 'time' }),
    ],
  },
  {
    name: 'follow_ups', files: ['follow_ups', 'follow-ups', 'followups', '跟进'], key: ['follow_up_code'], keyOptional: true,
    columns: [
      col('follow_up_code', ['跟进编号'], code(), false),
      customerRef, employeeRef(true),
      col('kind', ['跟进方式', '方式'], enumOf({ wecom_chat: ['企微沟通'], call: ['电话'], visit: ['到店拜访'] })),
      col('occurred_at', ['跟进时间', '发生时间'], { kind: 'time' }),
    ],
  },
  {
    name: 'appointments', files: ['appointments', '预约'], key: ['appointment_code'],
    columns: [
      col('appointment_code', ['预约编号'], code()),
      customerRef, employeeRef(true),
      col('booked_at', ['预约时间'], { kind: 'time' }),
      col('scheduled_for', ['预约到店时间'], { kind: 'time' }),
      col('arrived_at', ['到店时间'], { kind: 'time' }, false),
    ],
  },
];

export const ENTITY = Object.fromEntries(ENTITIES.map((e) => [e.name, e])) as Record<EntityName, EntitySpec>;

const squash = (s: string): string => s.trim().toLowerCase().replace(/[\s_\-（）()]/g, '');

/** The entity a file name (without folder) stands for, and its format; null when neither is known. */
export function entityOfFile(fileName: string): { entity: EntityName; format: 'csv' | 'tsv' | 'xlsx' } | null {
  const m = /^(.*)\.(csv|tsv|xlsx)$/i.exec(fileName);
  if (!m) return null;
  const base = squash(m[1]!);
  const spec = ENTITIES.find((e) => e.files.some((f) => squash(f) === base));
  return spec ? { entity: spec.name, format: m[2]!.toLowerCase() as 'csv' | 'tsv' | 'xlsx' } : null;
}

/** The column a header names (its English name or a Chinese alias), or null. */
export function columnOfHeader(spec: EntitySpec, header: string): ColumnSpec | null {
  const h = squash(header);
  return spec.columns.find((c) => squash(c.name) === h || c.aliases.some((a) => squash(a) === h)) ?? null;
}
