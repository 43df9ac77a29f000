import type { Lang } from './i18n.tsx';

/** Cube sends numeric values as strings; these only format them for display. */
export function toNumber(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

export function formatCurrency(value: unknown, lang: Lang, compact = false): string {
  const n = toNumber(value);
  if (n === null) return '—';
  if (compact && Math.abs(n) >= 10_000) {
    return lang === 'zh-CN'
      ? `¥${(n / 10_000).toLocaleString('zh-CN', { maximumFractionDigits: 1 })}万`
      : `¥${(n / 1_000).toLocaleString('en-US', { maximumFractionDigits: 1 })}k`;
  }
  // Compact (axis ticks, a screen's headline): whole yuan below ¥1万 too, so one axis reads ¥9,000 beside ¥1.2万, not ¥9,000.00.
  if (compact) return `¥${Math.round(n).toLocaleString(lang)}`;
  return `¥${n.toLocaleString(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function formatInteger(value: unknown, lang: Lang): string {
  const n = toNumber(value);
  return n === null ? '—' : Math.round(n).toLocaleString(lang);
}

/** Ratios arrive as fractions (0–1). */
export function formatPercent(value: unknown, lang: Lang, digits = 1): string {
  const n = toNumber(value);
  return n === null ? '—' : `${(n * 100).toLocaleString(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits })}%`;
}
