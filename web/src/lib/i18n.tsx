import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

export type Lang = 'zh-CN' | 'en';

const zh = {
  'app.title': '私域经营分析',
  'nav.overview': '总览',
  'nav.bigScreen': '数据大屏',
  'nav.channels': '渠道',
  'nav.staff': '员工',
  'nav.segments': '客户分层',
  'nav.activities': '活动',
  'nav.customers': '客户',
  'nav.planner': '预算规划',
  'nav.actions': '行动清单',
  'lang.switch': 'English',
  'user.logout': '退出登录',
  'login.title': '登录',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.submitting': '正在登录…',
  'login.wrong': '用户名或密码错误',
  'login.failed': '登录失败，请稍后再试',
  'login.hint': '演示账号：exec / ops / manager / staff / admin，密码 demo',
  'state.loading': '加载中…',
  'state.error': '数据加载失败',
  'state.retry': '重试',
  'state.empty': '所选范围内没有数据',
  'state.sessionExpired': '登录已过期，请重新登录',
  'overview.title': '经营总览',
  'overview.asOf': '数据截至 {date}',
  'overview.range': '时间范围',
  'range.last_30_days': '近30天',
  'range.last_90_days': '近90天',
  'range.last_12_months': '近12个月',
  'range.all': '全部',
  'kpi.gmv': 'GMV',
  'kpi.order_count': '订单数',
  'kpi.customers': '客户总数',
  'chart.gmvByMonth': '月度 GMV',
  'notFound.title': '页面不存在或尚未开放',
  'notFound.back': '返回总览',
  // --- big-screen (/big-screen) ---
  'bigScreen.title': '活动数据大盘',
  'bigScreen.campaign': '活动',
  'bigScreen.running': '进行中',
  'bigScreen.ended': '已结束',
  'bigScreen.upcoming': '未开始',
  'bigScreen.dataAsOf': '数据时间',
  'bigScreen.refreshEvery': '每 {seconds} 秒刷新',
  'bigScreen.fullscreen': '全屏',
  'bigScreen.exitFullscreen': '退出全屏',
  'bigScreen.stale': '数据未更新 · 最后成功 {time}',
  'bigScreen.staleBanner': '连接中断，显示的是 {time} 的数据，正在自动重试',
  'bigScreen.gmvToday': '今日活动 GMV',
  'bigScreen.gmvCampaign': '活动累计 GMV',
  'bigScreen.target': '目标 {value}',
  'bigScreen.reached': '完成 {value}',
  'bigScreen.orders': '订单 {value}',
  'bigScreen.participation': '参与与转化',
  'bigScreen.participants': '参与人数',
  'bigScreen.fission': '裂变人数',
  'bigScreen.converted': '转化人数',
  'bigScreen.conversionRate': '转化率',
  'bigScreen.roiByChannel': '渠道 ROI',
  'bigScreen.leaderboard': '员工业绩榜 TOP 10',
  'bigScreen.rank': '排名',
  'bigScreen.employee': '员工',
  'bigScreen.team': '团队',
  'bigScreen.gmvByHour': '分时 GMV',
  'bigScreen.todayLabel': '今日',
  'bigScreen.lastWeekLabel': '上周同日',
  'bigScreen.currentHour': '{hour}:00 时段',
  'bigScreen.funnel': '参与 → 转化漏斗',
  'bigScreen.newCustomersBySource': '活动期新客来源',
  'bigScreen.cityTier': '参与客户城市等级',
  'bigScreen.other': '其他',
  'bigScreen.noCampaign': '还没有活动',
  'bigScreen.noData': '暂无数据',
  'bigScreen.tier.tier1': '一线',
  'bigScreen.tier.new_tier1': '新一线',
  'bigScreen.tier.tier2': '二线',
  'bigScreen.tier.tier3': '三线',
  'bigScreen.tier.tier4_below': '四线及以下',
  // --- end big-screen ---
} as const;

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  'app.title': 'Private-domain BI',
  'nav.overview': 'Overview',
  'nav.bigScreen': 'Big screen',
  'nav.channels': 'Channels',
  'nav.staff': 'Staff',
  'nav.segments': 'Segments',
  'nav.activities': 'Activities',
  'nav.customers': 'Customers',
  'nav.planner': 'Planner',
  'nav.actions': 'Action lists',
  'lang.switch': '中文',
  'user.logout': 'Log out',
  'login.title': 'Log in',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.submitting': 'Logging in…',
  'login.wrong': 'Wrong username or password',
  'login.failed': 'Login failed; please try again',
  'login.hint': 'Demo accounts: exec / ops / manager / staff / admin, password demo',
  'state.loading': 'Loading…',
  'state.error': 'Could not load the data',
  'state.retry': 'Retry',
  'state.empty': 'No data in the selected range',
  'state.sessionExpired': 'Your session has expired; please log in again',
  'overview.title': 'Overview',
  'overview.asOf': 'Data as of {date}',
  'overview.range': 'Date range',
  'range.last_30_days': 'Last 30 days',
  'range.last_90_days': 'Last 90 days',
  'range.last_12_months': 'Last 12 months',
  'range.all': 'All time',
  'kpi.gmv': 'GMV',
  'kpi.order_count': 'Orders',
  'kpi.customers': 'Customers',
  'chart.gmvByMonth': 'GMV by month',
  'notFound.title': 'This page does not exist or is not open yet',
  'notFound.back': 'Back to the overview',
  // --- big-screen (/big-screen) ---
  'bigScreen.title': 'Campaign war room',
  'bigScreen.campaign': 'Campaign',
  'bigScreen.running': 'running',
  'bigScreen.ended': 'ended',
  'bigScreen.upcoming': 'upcoming',
  'bigScreen.dataAsOf': 'Data as of',
  'bigScreen.refreshEvery': 'refresh every {seconds} s',
  'bigScreen.fullscreen': 'Full screen',
  'bigScreen.exitFullscreen': 'Exit full screen',
  'bigScreen.stale': 'Not updated · last success {time}',
  'bigScreen.staleBanner': 'Connection lost: showing data from {time}, retrying automatically',
  'bigScreen.gmvToday': 'Campaign GMV today',
  'bigScreen.gmvCampaign': 'Campaign GMV to date',
  'bigScreen.target': 'target {value}',
  'bigScreen.reached': '{value} reached',
  'bigScreen.orders': '{value} orders',
  'bigScreen.participation': 'Participation and conversion',
  'bigScreen.participants': 'Participants',
  'bigScreen.fission': 'Invited (fission)',
  'bigScreen.converted': 'Converted',
  'bigScreen.conversionRate': 'Conversion rate',
  'bigScreen.roiByChannel': 'ROI by channel',
  'bigScreen.leaderboard': 'Staff leaderboard, top 10',
  'bigScreen.rank': '#',
  'bigScreen.employee': 'Employee',
  'bigScreen.team': 'Team',
  'bigScreen.gmvByHour': 'GMV by hour',
  'bigScreen.todayLabel': 'Today',
  'bigScreen.lastWeekLabel': 'Same day last week',
  'bigScreen.currentHour': '{hour}:00 hour',
  'bigScreen.funnel': 'Participants → converted',
  'bigScreen.newCustomersBySource': 'New customers by source channel',
  'bigScreen.cityTier': 'Participants by city tier',
  'bigScreen.other': 'Other',
  'bigScreen.noCampaign': 'No campaign yet',
  'bigScreen.noData': 'No data yet',
  'bigScreen.tier.tier1': 'Tier 1',
  'bigScreen.tier.new_tier1': 'New tier 1',
  'bigScreen.tier.tier2': 'Tier 2',
  'bigScreen.tier.tier3': 'Tier 3',
  'bigScreen.tier.tier4_below': 'Tier 4 and below',
  // --- end big-screen ---
};

const dictionaries: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zh, en };
const STORAGE_KEY = 'siyu.lang';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  const text = dictionaries[lang][key];
  return params ? text.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? '')) : text;
}

interface I18n {
  lang: Lang;
  t: Translate;
  toggle(): void;
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  if (fromUrl === 'en' || fromUrl === 'zh-CN') return fromUrl;
  return window.localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLang] = useState<Lang>(initialLang);
  const toggle = useCallback(() => {
    setLang((current) => {
      const next: Lang = current === 'en' ? 'zh-CN' : 'en';
      window.localStorage.setItem(STORAGE_KEY, next);
      document.documentElement.lang = next;
      return next;
    });
  }, []);
  const value = useMemo<I18n>(() => ({ lang, toggle, t: (key, params) => translate(lang, key, params) }), [lang, toggle]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
