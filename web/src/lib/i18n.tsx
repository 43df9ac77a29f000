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
