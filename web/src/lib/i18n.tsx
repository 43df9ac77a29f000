import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import * as app from './i18n/app.ts';
import * as filters from './i18n/filters.ts';
import * as metrics from './i18n/metrics.ts';
import * as classes from './i18n/classes.ts';
import * as pages from './i18n/pages.ts';
import * as customers from './i18n/customers.ts';
import * as bigScreen from './i18n/big-screen.ts';
import * as planner from './i18n/planner.ts';
import * as actions from './i18n/actions.ts';
import * as adminImport from './i18n/admin-import.ts';
import * as daily from './i18n/daily.ts';
import * as targets from './i18n/targets.ts';

export type Lang = 'zh-CN' | 'en';

/**
 * Every word of the UI, zh-CN first. Each module in `i18n/` holds one part's
 * words in both languages; its `en` is typed by its `zh`, and the merged `en`
 * by the merged `zh`, so a missing translation does not compile.
 */
export const MESSAGE_MODULES = { app, filters, metrics, classes, pages, customers, bigScreen, planner, actions, adminImport, daily, targets };

const zh = { ...app.zh, ...filters.zh, ...metrics.zh, ...classes.zh, ...pages.zh, ...customers.zh, ...bigScreen.zh, ...planner.zh, ...actions.zh, ...adminImport.zh, ...daily.zh, ...targets.zh };

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = { ...app.en, ...filters.en, ...metrics.en, ...classes.en, ...pages.en, ...customers.en, ...bigScreen.en, ...planner.en, ...actions.en, ...adminImport.en, ...daily.en, ...targets.en };

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
