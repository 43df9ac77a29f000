import { Link, useNavigate } from 'react-router';
import { useI18n } from '../lib/i18n.tsx';

export interface Crumb {
  label: string;
  /** Absent on the last crumb: where the person is. */
  to?: string;
}

/** The drill path, each step a link back up; the back button follows the browser's history. */
export function Breadcrumbs({ crumbs }: { crumbs: Crumb[] }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <nav className="crumbs" aria-label="breadcrumb" data-testid="breadcrumbs">
      {crumbs.length > 1 && (
        <button type="button" className="link back" onClick={() => navigate(-1)} data-testid="back">← {t('common.back')}</button>
      )}
      <ol>
        {crumbs.map((c, i) => (
          <li key={`${i}-${c.label}`}>{c.to && i < crumbs.length - 1 ? <Link to={c.to}>{c.label}</Link> : <span aria-current="page">{c.label}</span>}</li>
        ))}
      </ol>
    </nav>
  );
}
