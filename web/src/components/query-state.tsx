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
  /** Why there is nothing to show; the generic reason when absent. */
  emptyReason?: string;
  /** The skeleton's shape: bars for a chart, lines for a table, a block for a number. */
  skeleton?: 'chart' | 'table' | 'number';
}

export function Skeleton({ kind, minHeight }: { kind: 'chart' | 'table' | 'number'; minHeight: number }) {
  const { t } = useI18n();
  const lines = kind === 'table' ? 6 : kind === 'chart' ? 5 : 1;
  return (
    <div className={`skeleton skeleton-${kind}`} style={{ minHeight }} role="status" aria-live="polite" aria-label={t('state.loading')}>
      {Array.from({ length: lines }, (_, i) => <span key={i} className="skeleton-bar" style={kind === 'chart' ? { height: `${30 + ((i * 37) % 60)}%` } : undefined} />)}
    </div>
  );
}

export function QueryState({ isLoading, error, isEmpty, onRetry, children, minHeight = 120, emptyReason, skeleton = 'chart' }: Props) {
  const { t } = useI18n();
  if (isLoading) return <Skeleton kind={skeleton} minHeight={minHeight} />;
  if (error) {
    return (
      <div className="state state-error" style={{ minHeight }} role="alert">
        <strong>{t('state.error')}</strong>
        <span className="state-detail">{error.message}</span>
        {onRetry && <button type="button" onClick={onRetry}>{t('state.retry')}</button>}
      </div>
    );
  }
  if (isEmpty) return <div className="state state-empty" style={{ minHeight }}>{emptyReason ?? t('state.emptyWhy')}</div>;
  return <>{children}</>;
}
