import { useMemo } from 'react';
import type { Query } from '../../../lib/cube.ts';
import { useI18n, type MessageKey } from '../../../lib/i18n.tsx';
import { drillLinks, openInNewTab } from '../drill-links.ts';
import { useLiveBoard, useTileQuery } from '../live-board.tsx';
import { CITY_TIER_ORDER, toBreakdown } from '../transform.ts';
import { Bars, Tile, useScreenFormats } from './tile.tsx';

/** The campaign's participants by city tier (participants_by_city_tier). */
export function CityTierTile({ query, name }: { query: Query | null; name: string | null }) {
  const { t } = useI18n();
  const { staleText } = useLiveBoard();
  const { integer } = useScreenFormats();
  const cityTiers = useTileQuery('participants_by_city_tier', query);
  const tiers = useMemo(
    () => toBreakdown(cityTiers.rows ?? [], 'participation_audience.city_tier', 'participation_audience.participants', 5, t('bigScreen.other'), CITY_TIER_ORDER),
    [cityTiers.rows, t],
  );
  return (
    <Tile id="customers-by-city-tier" className="bs-i" title={t('bigScreen.cityTier')} help={['participants', 'city_tier']} href={name ? drillLinks.cityTier(name) : null}
      stale={staleText(cityTiers)}>
      <Bars items={tiers} rows={cityTiers.rows} format={integer}
        label={(l) => (CITY_TIER_ORDER as readonly string[]).includes(l) ? t(`bigScreen.tier.${l}` as MessageKey) : l}
        onPick={(label) => { if (name) openInNewTab(drillLinks.cityTier(name, label)); }} />
    </Tile>
  );
}
