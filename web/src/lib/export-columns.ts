/**
 * How a list's column reads in the file, as the page shows it: an enum's
 * values in the page's words (活跃 rather than `active`), yes/no for a flag,
 * money, counts, dates. Pure: a column's format and the page's `t` in.
 */
import type { CsvColumnFormat } from './csv.ts';
import type { MessageKey, Translate } from './i18n.tsx';
import { rfmLabels } from './rfm.ts';

export const LIFECYCLE_STAGES = ['prospect', 'new', 'active', 'sleeping', 'churned'] as const;

export type ColumnFormat = 'text' | 'currency' | 'integer' | 'ratio' | 'date' | 'time' | 'flag' | 'lifecycle' | 'rfm';

export function lifecycleLabels(t: Translate): Record<string, string> {
  return Object.fromEntries(LIFECYCLE_STAGES.map((s) => [s, t(`lifecycle.${s}` as MessageKey)]));
}

export function exportFormat(format: ColumnFormat, t: Translate): CsvColumnFormat {
  switch (format) {
    case 'currency': return { kind: 'money' };
    case 'integer': return { kind: 'integer' };
    case 'ratio': return { kind: 'ratio' };
    case 'date': return { kind: 'date' };
    case 'time': return { kind: 'time' };
    case 'flag': return { kind: 'flag', labels: { yes: t('common.yes'), no: t('common.no') } };
    case 'lifecycle': return { kind: 'label', labels: lifecycleLabels(t) };
    case 'rfm': return { kind: 'label', labels: rfmLabels(t) };
    default: return { kind: 'text' };
  }
}
