import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, ApiError, type ContactChannel, type ContactOutcome, type TodayList, type TodayRow } from '../../lib/api.ts';
import { formatInteger } from '../../lib/format.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { RevealPhone } from '../../components/reveal-phone.tsx';

const CHANNELS: ContactChannel[] = ['call', 'wecom_chat', 'visit'];
const OUTCOMES: ContactOutcome[] = ['reached', 'no_answer', 'booked', 'declined'];

function useErrorText() {
  const { t } = useI18n();
  return (error: unknown): string => {
    if (!(error instanceof ApiError)) return t('today.failed');
    if (error.status === 429) return t('today.revealLimit');
    if (error.status === 403 || error.status === 404) return t('today.notYours');
    return t('today.failed');
  };
}

/** The contact form of one row: channel, outcome, note; one save is one follow-up, however often it is clicked. */
function ContactForm({ row, onDone, onCancel }: { row: TodayRow; onDone(): void; onCancel(): void }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [channel, setChannel] = useState<ContactChannel>('call');
  const [outcome, setOutcome] = useState<ContactOutcome>('reached');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // One key per form: a second click or a retry after a network error is the same save.
  const [key] = useState(() => crypto.randomUUID());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.recordContact(row.customer, { channel, outcome, note: note.trim() || undefined, idempotencyKey: key });
      onDone();
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };

  return (
    <form className="today-form" onSubmit={submit} data-testid="contact-form">
      <div className="segmented" role="radiogroup" aria-label={t('today.channel')}>
        {CHANNELS.map((c) => (
          <button key={c} type="button" role="radio" aria-checked={c === channel} className={c === channel ? 'active' : ''}
            onClick={() => setChannel(c)} data-testid={`channel-${c}`}>{t(`today.channel.${c}` as MessageKey)}</button>
        ))}
      </div>
      <label>
        {t('today.outcome')}
        <select value={outcome} onChange={(e) => setOutcome(e.target.value as ContactOutcome)} data-testid="contact-outcome">
          {OUTCOMES.map((o) => <option key={o} value={o}>{t(`today.outcome.${o}` as MessageKey)}</option>)}
        </select>
      </label>
      <label>
        {t('today.note')}
        <textarea value={note} maxLength={500} rows={2} onChange={(e) => setNote(e.target.value)} data-testid="contact-note" />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <div className="today-actions">
        <button type="submit" className="primary" disabled={busy} data-testid="contact-save">{busy ? t('today.saving') : t('today.save')}</button>
        <button type="button" onClick={onCancel} disabled={busy}>{t('today.cancel')}</button>
      </div>
    </form>
  );
}

function TodayCard({ row, canAct, showOwner, onContacted }: { row: TodayRow; canAct: boolean; showOwner: boolean; onContacted(): void }) {
  const { t } = useI18n();
  const [recording, setRecording] = useState(false);

  return (
    <li className="today-card" data-testid="today-row" data-customer={row.customer}>
      <div className="today-head">
        <Link to={`/customers/${row.customer}`} className="today-name">{row.name ?? row.customer}</Link>
        <span className={`today-trigger trigger-${row.trigger}`}>{t(`actions.list.${row.trigger}` as MessageKey)}</span>
      </div>
      <p className="today-reason">{row.reason}</p>
      <p className="muted small">{t('today.suggest')}{t(`today.touch.${row.trigger}` as MessageKey)}</p>
      {showOwner && <p className="muted small">{row.owner ?? t('actions.noOwner')}{row.ownerTeam ? ` · ${row.ownerTeam}` : ''}</p>}
      <div className="today-actions">
        <RevealPhone customer={row.customer} masked={row.phone} canReveal={canAct} />
        {canAct && !recording && (
          <button type="button" className="primary" onClick={() => setRecording(true)} data-testid="record-contact">{t('today.record')}</button>
        )}
      </div>
      {recording && <ContactForm row={row} onCancel={() => setRecording(false)} onDone={onContacted} />}
    </li>
  );
}

/**
 * Today's list: every customer of the person (a manager: of the team) on one
 * of the four action lists, the lists in the catalogue's order, each most
 * urgent first, minus whoever was contacted since the data's today.
 */
export function TodayPanel() {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const [data, setData] = useState<TodayList | null>(null);
  const [error, setError] = useState(false);
  const [owner, setOwner] = useState<number | null>(null);
  const load = useCallback(() => {
    setError(false);
    api.today().then(setData, () => setError(true));
  }, []);
  useEffect(load, [load]);

  const canAct = me?.role === 'staff';
  const team = me?.role !== 'staff';
  const rows = useMemo(() => (data?.rows ?? []).filter((r) => owner === null || r.ownerId === owner), [data, owner]);
  const contacted = (customer: number) => {
    // Off the list at once; the reload confirms it from the server.
    setData((d) => (d ? { ...d, rows: d.rows.filter((r) => r.customer !== customer), contactedToday: d.contactedToday + 1 } : d));
    load();
  };

  if (error) return <div className="panel"><p className="error">{t('today.failed')}</p><button type="button" onClick={load}>{t('state.retry')}</button></div>;
  if (!data) return <div className="panel"><p className="muted">{t('state.loading')}</p></div>;
  return (
    <div className="today-grid">
      <section className="panel">
        <div className="list-head">
          <h2>{t('today.title')}</h2>
          <span data-testid="today-total" data-total={rows.length}>
            {t('today.summary', { open: formatInteger(rows.length, lang), done: formatInteger(data.contactedToday, lang) })}
          </span>
        </div>
        {data.truncated && <p className="muted small">{t('today.truncated')}</p>}
        {rows.length === 0
          ? <p className="muted" data-testid="today-empty">{t('today.empty')}</p>
          : (
            <ol className="today-list">
              {rows.map((r) => <TodayCard key={r.customer} row={r} canAct={canAct} showOwner={team} onContacted={() => contacted(r.customer)} />)}
            </ol>
          )}
      </section>
      {team && (
        <section className="panel" data-testid="today-backlog">
          <h2>{t('today.backlog')}</h2>
          <ul className="today-backlog">
            {data.backlog.map((b) => (
              <li key={String(b.ownerId)}>
                <button type="button" className={`link${owner === b.ownerId ? ' active' : ''}`} onClick={() => setOwner(owner === b.ownerId ? null : b.ownerId)}>
                  {b.owner ?? t('actions.noOwner')}
                </button>
                <span className="muted">{formatInteger(b.customers, lang)}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
