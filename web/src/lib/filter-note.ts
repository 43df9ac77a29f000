/** The words of a `filter-note`: which active filters a number does not apply, and why. Pure. */
import type { FilterKindOrRange } from './drill.ts';
import type { MessageKey, Translate } from './i18n.tsx';

const LABEL: Record<FilterKindOrRange, MessageKey> = {
  range: 'filter.range', team: 'filter.team', channel: 'filter.channel', campaign: 'filter.campaign', employee: 'col.employee', city_tier: 'filterNote.cityTier',
};

/** "截至数据日，不受时间范围、活动筛选影响"; undefined when every filter applies. */
export function filterNoteText(ignored: readonly FilterKindOrRange[], t: Translate): string | undefined {
  if (ignored.length === 0) return undefined;
  const filters = ignored.map((k) => t(LABEL[k])).join(t('filterNote.separator'));
  // An as-of number ignores the range because it is a state on the data date, not a flow over days.
  return `${ignored.includes('range') ? t('filterNote.asOf') : ''}${t('filterNote.ignores', { filters })}`;
}
