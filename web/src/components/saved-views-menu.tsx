/**
 * 我的视图 in the top bar: the person's saved views (each opens its page with
 * its filters), saving the current page's URL state under a name, and the
 * way to the page that renames, deletes and shares them. Keyboard: the
 * button opens it, Escape closes it and returns focus.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { api, type SavedView } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.tsx';
import { pageAt } from '../lib/page-access.ts';
import { currentState, viewError, viewHref } from '../lib/saved-views.ts';

export function SavedViewsMenu() {
  const { t } = useI18n();
  const location = useLocation();
  const [open, setOpen] = useState(false);
  const [views, setViews] = useState<SavedView[] | null>(null);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  // Only a menu page's state can be saved (the server accepts those pages).
  const savable = pageAt(location.pathname) !== undefined;

  useEffect(() => {
    if (!open) return;
    let live = true;
    api.views().then((r) => { if (live) setViews(r.views); }, () => { if (live) setViews([]); });
    return () => { live = false; };
  }, [open]);
  useEffect(() => { setOpen(false); setNaming(false); setMessage(null); }, [location.pathname, location.search]);

  const close = () => { setOpen(false); setNaming(false); button.current?.focus(); };
  const save = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const view = await api.saveView({ name, page: pageAt(location.pathname)!.to, state: currentState(location.search) });
      setViews((v) => [...(v ?? []), view].sort((a, b) => a.name.localeCompare(b.name)));
      setNaming(false);
      setName('');
      setMessage({ text: t('views.saved', { name: view.name }), error: false });
    } catch (error) {
      setMessage({ text: t(viewError(error)), error: true });
    }
  };

  return (
    <div className="views-menu" onKeyDown={(e) => { if (e.key === 'Escape' && open) close(); }}>
      <button ref={button} type="button" className="link" aria-expanded={open} aria-controls="views-menu" data-testid="views-menu-button"
        onClick={() => setOpen((o) => !o)}>{t('views.menu')} ▾</button>
      {open && (
        <div className="views-panel" id="views-menu" data-testid="views-menu">
          {views === null ? <p className="muted small">…</p> : views.length === 0 ? <p className="muted small">{t('views.none')}</p> : (
            <ul>
              {views.map((v) => <li key={v.id}><Link to={viewHref(v)} data-testid="saved-view-link">{v.name}</Link></li>)}
            </ul>
          )}
          {savable && !naming && <button type="button" onClick={() => { setNaming(true); setMessage(null); }} data-testid="save-view">{t('views.save')}</button>}
          {naming && (
            <form onSubmit={(e) => { void save(e); }} className="views-save">
              <label>{t('views.name')}
                <input autoFocus value={name} maxLength={60} onChange={(e) => setName(e.target.value)} data-testid="view-name" required />
              </label>
              <button type="submit" data-testid="view-save-submit">{t('views.saveButton')}</button>
              <button type="button" className="link" onClick={() => setNaming(false)}>{t('views.cancel')}</button>
            </form>
          )}
          {message && <p className={message.error ? 'form-error' : 'muted small'} role="status" data-testid="views-message">{message.text}</p>}
          <Link to="/views" data-testid="manage-views">{t('views.manage')}</Link>
        </div>
      )}
    </div>
  );
}

/** Above a page opened from a share link: whose view it is, and that the data is the person's own. */
export function SharedViewNote() {
  const { t } = useI18n();
  const shared = (useLocation().state as { sharedView?: { who: string; name: string } } | null)?.sharedView;
  if (!shared) return null;
  return <p className="note" role="note" data-testid="shared-view-note">{t('views.sharedBy', { who: shared.who, name: shared.name })}</p>;
}
