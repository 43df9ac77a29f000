/** The words of a `filter-note`: which active filters a number does not apply, and why. Pure. */
import type { FilterKindOrRange } from './drill.ts';
import type { MessageKey, Translate } from './i18n.tsx';

const LABEL: Record<FilterKindOrRange, MessageKey> = {
  range: 'filterNote.range', team: 'filterNote.team', channel: 'filterNote.channel', campaign: 'filterNote.campaign',
  employee: 'filterNote.employee', city_tier: 'filterNote.cityTier',
};

/**
 * "截至数据日，不受时间范围筛选影响"; undefined when every filter applies.
 * `asOf`: the number is a state on the data date (churn, LTV, segments), which
 * is why it ignores the range; a journey, between two days of its own, is not.
 */
export function filterNoteText(ignored: readonly FilterKindOrRange[], t: Translate, asOf = true): string | undefined {
  if (ignored.length === 0) return undefined;
  const filters = ignored.map((k) => t(LABEL[k])).join(t('filterNote.separator'));
  return `${asOf && ignored.includes('range') ? t('filterNote.asOf') : ''}${t('filterNote.ignores', { filters })}`;
}
