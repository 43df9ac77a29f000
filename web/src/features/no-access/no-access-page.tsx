import { Link } from 'react-router';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';

/** What a page the role may not open shows instead of its (refused) numbers. */
export function NoAccessPage({ page }: { page: MessageKey }) {
  const { t } = useI18n();
  const { me } = useSession();
  return (
    <div className="page" data-testid="no-access">
      <div className="panel state state-empty" role="alert">
        <strong>{t('noAccess.title', { page: t(page) })}</strong>
        <span className="state-detail">{t('noAccess.why', { role: t(`role.${me?.role ?? 'staff'}` as MessageKey) })}</span>
        <Link to="/">{t('notFound.back')}</Link>
      </div>
    </div>
  );
}
