/** Loading, then error, then empty, then data: the order every view follows. */
import type { ReactNode } from 'react';
import { useI18n } from '../lib/i18n.tsx';

interface Props {
  isLoading: boolean;
  error: Error | null;
  isEmpty: boolean;
  onRetry?: () => void;
  children: ReactNode;
  minHeight?: number;
}

export function QueryState({ isLoading, error, isEmpty, onRetry, children, minHeight = 120 }: Props) {
  const { t } = useI18n();
  if (isLoading) {
    return (
      <div className="state state-loading" style={{ minHeight }} role="status" aria-live="polite">
        <span className="spinner" aria-hidden="true" />
        {t('state.loading')}
      </div>
    );
  }
  if (error) {
    return (
      <div className="state state-error" style={{ minHeight }} role="alert">
        <strong>{t('state.error')}</strong>
        <span className="state-detail">{error.message}</span>
        {onRetry && <button type="button" onClick={onRetry}>{t('state.retry')}</button>}
      </div>
    );
  }
  if (isEmpty) return <div className="state state-empty" style={{ minHeight }}>{t('state.empty')}</div>;
  return <>{children}</>;
}
