/** Date range presets (or a custom range), team, channel and campaign, all kept in the URL. */
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { PRESET_MENU } from '../lib/date-range.ts';
import { buildFilterOptionsQuery, optionValues, parseFilters, writeFilters, type FilterKind, type GlobalFilters } from '../lib/filters.ts';
import { useI18n, type MessageKey } from '../lib/i18n.tsx';
import { useSessionCubeQuery } from '../lib/use-session-cube-query.ts';

function FilterSelect({ kind, value, onChange }: { kind: FilterKind; value: string | null; onChange(v: string | null): void }) {
  const { t } = useI18n();
  // Asked once per session and shared by every page's filter bar (lib/session-answers.ts).
  const query = useMemo(() => buildFilterOptionsQuery(kind), [kind]);
  const { rows, isLoading, error, refetch } = useSessionCubeQuery(query);
  const options = optionValues(rows, kind);
  if (value && !options.includes(value)) options.unshift(value);
  // Loading or failed, the select still offers 全部 and the chosen value; a failure offers a retry.
  return (
    <label className="filter">
      <span>{t(`filter.${kind}` as MessageKey)}</span>
      <select name={kind} value={value ?? ''} onChange={(e) => onChange(e.target.value || null)} data-testid={`filter-${kind}`} aria-busy={isLoading}>
        <option value="">{t('filter.all')}</option>
        {options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
      {error && <button type="button" className="link" title={error.message} onClick={refetch} data-testid={`filter-${kind}-retry`}>{t('state.retry')}</button>}
    </label>
  );
}

export function FilterBar({ show = ['team', 'channel', 'campaign'], showRange = true }: { show?: FilterKind[]; showRange?: boolean }) {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const filters = parseFilters(params);
  const [custom, setCustom] = useState(filters.range === 'custom');
  // A new filter starts the list again from its first page.
  const update = (change: Partial<GlobalFilters>) => setParams((prev) => {
    const next = writeFilters(prev, change);
    next.delete('page');
    return next;
  });
  return (
    <div className="filter-bar" data-testid="filter-bar">
      {showRange && <div className="segmented" role="radiogroup" aria-label={t('filter.range')}>
        {PRESET_MENU.map((p) => (
          <button key={p} type="button" role="radio" aria-checked={!custom && p === filters.range}
            className={!custom && p === filters.range ? 'active' : ''}
            onClick={() => { setCustom(false); update({ range: p }); }}>
            {t(`range.${p}`)}
          </button>
        ))}
        <button type="button" role="radio" aria-checked={custom} className={custom ? 'active' : ''} onClick={() => setCustom(true)}>
          {t('range.custom')}
        </button>
      </div>}
      {showRange && custom && (
        <span className="filter custom-range">
          <input type="date" aria-label={t('filter.from')} defaultValue={filters.from ?? ''} name="from"
            onChange={(e) => { const to = params.get('to'); if (e.target.value && to) update({ range: 'custom', from: e.target.value, to }); else setParams((p) => writeFilters(p, { from: e.target.value })); }} />
          –
          <input type="date" aria-label={t('filter.to')} defaultValue={filters.to ?? ''} name="to"
            onChange={(e) => { const from = params.get('from'); if (e.target.value && from) update({ range: 'custom', from, to: e.target.value }); else setParams((p) => writeFilters(p, { to: e.target.value })); }} />
        </span>
      )}
      {show.map((kind) => <FilterSelect key={kind} kind={kind} value={filters[kind]} onChange={(v) => update({ [kind]: v })} />)}
    </div>
  );
}
