import { useState } from 'react';
import { api, ApiError } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.tsx';

/**
 * A masked phone number and, for the customer's own advisor, 查看号码: the
 * full number from the server (audited, limited per day), as a tel: link.
 * Never kept beyond the component: a reload masks it again.
 */
export function RevealPhone({ customer, masked, canReveal }: { customer: number; masked: string | null; canReveal: boolean }) {
  const { t } = useI18n();
  const [phone, setPhone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const reveal = async () => {
    setBusy(true);
    setError(null);
    try {
      setPhone((await api.revealPhone(customer)).phone);
    } catch (e) {
      const status = e instanceof ApiError ? e.status : 0;
      setError(status === 429 ? t('today.revealLimit') : status === 403 || status === 404 ? t('today.notYours') : t('today.failed'));
    } finally {
      setBusy(false);
    }
  };

  if (phone) return <a className="reveal-phone" href={`tel:${phone}`} data-testid="full-phone">{phone}</a>;
  return (
    <span className="reveal-phone">
      <span className="muted" data-testid="masked-phone">{masked ?? '—'}</span>
      {canReveal && <button type="button" onClick={reveal} disabled={busy} data-testid="reveal-phone">{t('today.reveal')}</button>}
      {error && <span className="error" role="alert">{error}</span>}
    </span>
  );
}
