/** Honours (评优) of the selected period once it has closed: fixed then, and said so. */
import { useEffect, useState } from 'react';
import { formatCurrency, formatInteger } from '../../lib/format.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { MONEY_METRICS } from './metrics.ts';

interface Honour { metric: string; scope: 'employees' | 'teams'; rank: number; id: number; name: string; value: number | null }

export function HonoursPanel({ period }: { period: string }) {
  const { t, lang } = useI18n();
  const [honours, setHonours] = useState<Honour[] | null>(null);
  useEffect(() => {
    let live = true;
    setHonours(null);
    if (period.startsWith('campaign:')) return;
    fetch(`/api/honours?period=${encodeURIComponent(period)}`, { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.json() : { honours: [] }))
      .then((b: { honours: Honour[] }) => { if (live) setHonours(b.honours); }, () => { if (live) setHonours([]); });
    return () => { live = false; };
  }, [period]);
  const metrics = [...new Set((honours ?? []).map((h) => h.metric))];
  return (
    <section className="panel" data-testid="honours">
      <h2>{t('honours.title')}</h2>
      <p className="muted small">{t('honours.note')}</p>
      {honours !== null && honours.length === 0 && <p className="muted">{t('honours.none')}</p>}
      <div className="honours-grid">
        {metrics.map((m) => (
          <div key={m}>
            <h3>{t(`targets.metric.${m}` as MessageKey)}</h3>
            {(['employees', 'teams'] as const).map((scope) => (
              <p key={scope} data-testid={`honours-${m}-${scope}`}>
                <strong>{t(`honours.${scope}`)}</strong>{' '}
                {(honours ?? []).filter((h) => h.metric === m && h.scope === scope).map((h) => (
                  <span key={h.id} className="honour">
                    {h.rank}. {h.name}{h.value !== null ? ` (${MONEY_METRICS.has(m) ? formatCurrency(h.value, lang) : formatInteger(h.value, lang)})` : ''}{' '}
                  </span>
                ))}
              </p>
            ))}
          </div>
        ))}
      </div>
    </section>
  );
}
