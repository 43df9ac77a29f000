/**
 * /views: the person's saved views, each with its page and filters, a share
 * link to copy, rename and delete. The list is the person's own; the link
 * opens the same filters for whoever follows it, under their own access.
 */
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, type SavedView } from '../../lib/api.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { pageAt } from '../../lib/page-access.ts';
import { shareLink, viewError, viewHref } from '../../lib/saved-views.ts';
import './saved-views.css';

function ViewRow({ view, onChange, onError }: { view: SavedView; onChange(next: SavedView | null): void; onError(text: string): void }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(view.name);
  const [copied, setCopied] = useState(false);
  const link = shareLink(window.location.origin, view.token);
  const page = pageAt(view.page);
  const rename = async () => {
    try {
      onChange(await api.renameView(view.id, name));
      setEditing(false);
    } catch (error) {
      onError(t(viewError(error)));
    }
  };
  const remove = async () => {
    if (!window.confirm(t('views.deleteConfirm', { name: view.name }))) return;
    try {
      await api.deleteView(view.id);
      onChange(null);
    } catch (error) {
      onError(t(viewError(error)));
    }
  };
  return (
    <tr data-testid="saved-view-row">
      <td>
        {editing ? (
          <form className="views-rename" onSubmit={(e) => { e.preventDefault(); void rename(); }}>
            <input value={name} maxLength={60} onChange={(e) => setName(e.target.value)} aria-label={t('views.name')} data-testid="rename-input" required />
            <button type="submit" data-testid="rename-submit">{t('views.saveButton')}</button>
            <button type="button" className="link" onClick={() => { setEditing(false); setName(view.name); }}>{t('views.cancel')}</button>
          </form>
        ) : <Link to={viewHref(view)} data-testid="saved-view-open">{view.name}</Link>}
      </td>
      <td>{page ? t(page.key) : view.page}</td>
      <td className="views-state"><code>{view.state || '—'}</code></td>
      <td className="views-link">
        <input readOnly value={link} aria-label={t('views.col.link')} data-testid="share-link" onFocus={(e) => e.target.select()} />
        <button type="button" className="link" onClick={() => { void navigator.clipboard?.writeText(link).then(() => setCopied(true), () => undefined); }}>
          {copied ? t('views.copied') : t('views.copy')}
        </button>
      </td>
      <td className="views-actions">
        {!editing && <button type="button" className="link" onClick={() => setEditing(true)} data-testid="rename-view">{t('views.rename')}</button>}
        <button type="button" className="link danger" onClick={() => { void remove(); }} data-testid="delete-view">{t('views.delete')}</button>
      </td>
    </tr>
  );
}

export function SavedViewsPage() {
  const { t } = useI18n();
  const [views, setViews] = useState<SavedView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.views().then((r) => setViews(r.views), (e: unknown) => setError(t(viewError(e))));
  }, []);
  const change = (id: number) => (next: SavedView | null) => {
    setError(null);
    setViews((vs) => (vs ?? []).flatMap((v) => (v.id !== id ? [v] : next ? [next] : [])));
  };
  return (
    <div className="page">
      <div className="page-head"><h1>{t('views.title')}</h1></div>
      <p className="muted">{t('views.intro')}</p>
      {error && <p className="form-error" role="alert" data-testid="views-error">{error}</p>}
      <section className="panel">
        {views === null ? <p className="muted">…</p> : views.length === 0 ? <p className="muted" data-testid="views-empty">{t('views.none')}</p> : (
          <div className="table-wrap">
            <table className="data-table views-table">
              <thead>
                <tr>
                  <th>{t('views.col.name')}</th><th>{t('views.col.page')}</th><th>{t('views.col.filters')}</th><th>{t('views.col.link')}</th><th />
                </tr>
              </thead>
              <tbody>
                {views.map((v) => <ViewRow key={v.id} view={v} onChange={change(v.id)} onError={setError} />)}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

/**
 * /v/<token>: asks for the shared view's page and filters, then opens that
 * page with them. Every query after that is the follower's own.
 */
export function SharedViewPage() {
  const { t } = useI18n();
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.sharedView(token).then(
      (v) => { if (live) navigate(viewHref(v), { replace: true, state: { sharedView: { who: v.sharedBy, name: v.name } } }); },
      (e: unknown) => { if (live) setError(t(viewError(e))); },
    );
    return () => { live = false; };
  }, [token]);
  if (error) return <div className="page"><p className="form-error" role="alert" data-testid="shared-view-error">{error}</p></div>;
  return <div className="page"><p className="muted" role="status">{t('views.opening')}</p></div>;
}
