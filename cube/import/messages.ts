/**
 * Every reason the importer gives, in the product's words: Chinese first,
 * English under LANG=en (the CLI) or the page's English switch. A reason is
 * a key and its parameters until it is shown, so one report serves both.
 */
import type { EntityName } from './contract.ts';

export type Lang = 'zh' | 'en';

const ENTITY_NAMES: Record<EntityName, [string, string]> = {
  teams: ['团队', 'teams'], employees: ['员工', 'employees'], channels: ['渠道', 'channels'], customers: ['客户', 'customers'],
  identities: ['身份', 'identities'], campaigns: ['活动', 'campaigns'], spend: ['花费', 'spend'],
  participations: ['参与', 'participations'], orders: ['订单', 'orders'], events: ['行为', 'events'],
  follow_ups: ['跟进', 'follow-ups'], appointments: ['预约', 'appointments'],
};

export const entityLabel = (entity: EntityName, lang: Lang): string => ENTITY_NAMES[entity][lang === 'zh' ? 0 : 1];

type P = Record<string, string | number>;
const TEXTS = {
  required: ['必填，不能为空', 'required, may not be empty'],
  bad_enum: ['不是可接受的值（可用：{allowed}）', 'not an accepted value (use one of: {allowed})'],
  bad_bool: ['应为 是/否、true/false 或 1/0', 'should be 是/否, true/false or 1/0'],
  bad_date: ['不是日期（应为 YYYY-MM-DD 或 YYYY/MM/DD）', 'not a date (use YYYY-MM-DD or YYYY/MM/DD)'],
  bad_time: ['不是时间（应为 YYYY-MM-DD HH:mm[:ss]，可带时区如 +08:00）', 'not a time (use YYYY-MM-DD HH:mm[:ss], optionally with an offset such as +08:00)'],
  bad_money: ['不是金额（如 1234.5、1,234.50、¥1,234.50）', 'not an amount of money (such as 1234.5, 1,234.50, ¥1,234.50)'],
  negative_money: ['金额不能为负数', 'a negative amount is refused'],
  money_decimals: ['金额最多两位小数', 'at most two decimals'],
  money_too_large: ['金额过大', 'amount too large'],
  bad_int: ['应为正整数', 'should be a whole number greater than 0'],
  bad_phone: ['不是11位大陆手机号', 'not an 11-digit mainland mobile number'],
  duplicate_key: ['键重复：与第 {other} 行相同', 'duplicate key: same as line {other}'],
  duplicate_row: ['与第 {other} 行完全相同（没有编号的行以全部内容为键）', 'identical to line {other} (a row without a code is keyed by all its values)'],
  unknown_ref: ['{entity}编码不存在：文件里和数据库里都没有', 'unknown {entity} code: neither in the files nor in the database'],
  ends_before_start: ['结束时间必须晚于开始时间', 'the end must be after the start'],
  scheduled_before_booked: ['预约到店时间早于预约时间', 'scheduled before it was booked'],
  arrived_before_booked: ['到店时间早于预约时间', 'arrived before it was booked'],
  duplicate_name: ['名称重复：与 {other} 同名（名称须唯一）', 'duplicate name: the same as {other} (names must be unique)'],
  merge_existing: ['会把数据库中两位已有客户（{other}）合并，请先确认后分开导入', 'would merge two customers already in the database ({other}); not done automatically'],
  missing_column: ['缺少必需的列“{column}”', 'the required column "{column}" is missing'],
  unknown_column: ['无法识别的列，已忽略', 'unknown column, ignored'],
  duplicate_column: ['同一列出现两次', 'the same column appears twice'],
  unknown_file: ['无法识别的文件名，已忽略（可用的文件名见 docs/import.md）', 'unknown file name, ignored (see docs/import.md for the names)'],
  duplicate_file: ['与 {other} 是同一类数据（{entity}），每类只能有一个文件', 'the same kind of data ({entity}) as {other}: one file per kind'],
  utf16: ['文件是 UTF-16 编码，请另存为“CSV UTF-8”或 GBK', 'the file is UTF-16; save it as "CSV UTF-8" or GBK'],
  bad_encoding: ['文件既不是 UTF-8 也不是 GBK/GB18030 编码', 'the file is neither UTF-8 nor GBK/GB18030'],
  wrong_encoding: ['按 {encoding} 读取后没有一列可识别：文件编码可能不对，或者不是该类数据', 'read as {encoding}, no column is recognised: the encoding may be wrong, or the file is not this kind of data'],
  unreadable_xlsx: ['无法读取的 Excel 文件（只支持 .xlsx）', 'not a readable Excel file (only .xlsx)'],
  empty_file: ['文件是空的（没有表头）', 'the file is empty (no header)'],
  bad_quotes: ['引号没有闭合', 'a quote is not closed'],
  too_many_cells: ['比表头多出 {extra} 个单元格', '{extra} more cells than the header'],
  constraint: ['数据库拒绝了这批数据（规则 {constraint}），未写入任何数据', 'the database refused the data (rule {constraint}); nothing was written'],
  demo_data: ['数据库里是演示数据；请换一个空数据库（DATA_DIR 或 DATABASE_URL），或加 --replace-demo 替换演示数据', 'the database holds the demo data; use an empty database (DATA_DIR or DATABASE_URL) or add --replace-demo to replace it'],
  time_zone: ['数据库里的数据按业务时区 {current} 切分日期；这次导入要求 {zone}。请用原来的时区（BUSINESS_TIME_ZONE={current}），或导入到一个空数据库', 'the data in the database is cut into days in the business time zone {current}; this import asks for {zone}. Use the same zone (BUSINESS_TIME_ZONE={current}) or import into an empty database'],
  merged: ['客户 {code} 与 {into} 是同一人（相同的{via}：{value}），已合并为一位客户', 'customer {code} is the same person as {into} (same {via}: {value}); merged into one customer'],
  duplicate_participation: ['合并后与第 {other} 行是同一位客户参加同一活动，保留较早的一行', 'after the merge, the same customer in the same campaign as line {other}; the earlier row is kept'],
} as const satisfies Record<string, readonly [string, string]>;

export type MessageKey = keyof typeof TEXTS;
export interface Message {
  key: MessageKey;
  params?: P;
}

export const msg = (key: MessageKey, params?: P): Message => (params ? { key, params } : { key });

export function say(m: Message, lang: Lang): string {
  const text: string = TEXTS[m.key][lang === 'zh' ? 0 : 1];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = String(m.params?.[name] ?? '');
    if (name === 'entity' && value in ENTITY_NAMES) return entityLabel(value as EntityName, lang);
    if (name === 'via' && value in VIA_NAMES) return VIA_NAMES[value]![lang === 'zh' ? 0 : 1];
    return value;
  });
}

const VIA_NAMES: Record<string, [string, string]> = { unionid: ['unionid', 'unionid'], phone: ['手机号', 'phone'] };
