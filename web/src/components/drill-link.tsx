import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../lib/i18n.tsx';

/** A number that opens the customers behind it. */
export function DrillLink({ to, children }: { to: string; children: ReactNode }) {
  const { t } = useI18n();
  return <Link className="drill-link" to={to} title={t('kpi.drillHint')}>{children}</Link>;
}
