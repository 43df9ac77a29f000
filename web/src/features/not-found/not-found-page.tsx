import { Link } from 'react-router';
import { useI18n } from '../../lib/i18n.tsx';

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <div className="page state state-empty" style={{ minHeight: 240 }}>
      <p>{t('notFound.title')}</p>
      <Link to="/">{t('notFound.back')}</Link>
    </div>
  );
}
