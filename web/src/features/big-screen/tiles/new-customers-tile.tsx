import { useMemo } from 'react';
import type { Query } from '../../../lib/cube.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { drillLinks, openInNewTab } from '../drill-links.ts';
import { useLiveBoard, useTileQuery } from '../live-board.tsx';
import { toBreakdown } from '../transform.ts';
import { Bars, Tile, useScreenFormats } from './tile.tsx';

/** New customers in the campaign's window by source channel (new_customers_by_source). */
export function NewCustomersTile({ query, window }: { query: Query | null; window: [string, string] | null }) {
  const { t } = useI18n();
  const { staleText } = useLiveBoard();
  const { integer } = useScreenFormats();
  const newCustomers = useTileQuery('new_customers_by_source', query);
  const sources = useMemo(
    () => toBreakdown(newCustomers.rows ?? [], 'customer_registrations.source_channel', 'customer_registrations.new_customers', 8, t('bigScreen.other')),
    [newCustomers.rows, t],
  );
  return (
    <Tile id="new-customers-by-source" className="bs-h" title={t('bigScreen.newCustomersBySource')} help={['new_customers', 'source_channel']}
      href={window ? drillLinks.newCustomers(window[0], window[1]) : null} stale={staleText(newCustomers)}>
      <Bars items={sources} rows={newCustomers.rows} format={integer}
        onPick={(label) => { if (window) openInNewTab(drillLinks.newCustomers(window[0], window[1], label)); }} />
    </Tile>
  );
}
