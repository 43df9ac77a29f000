import { useMemo } from 'react';
import { useI18n } from '../../../lib/i18n.tsx';
import { drillLinks } from '../drill-links.ts';
import { useLiveBoard } from '../live-board.tsx';
import { toParticipation } from '../transform.ts';
import type { LiveResult } from '../use-live.ts';
import { Kpi, Tile, useScreenFormats } from './tile.tsx';

/** Participants, fission, converted and the conversion rate. `participation` is the page's, shared with the funnel. */
export function ParticipationTile({ participation, name }: { participation: LiveResult; name: string | null }) {
  const { t } = useI18n();
  const { staleText } = useLiveBoard();
  const { integer, percent } = useScreenFormats();
  const part = useMemo(() => toParticipation(participation.rows ?? []), [participation.rows]);
  return (
    <Tile id="participation" className="bs-c" title={t('bigScreen.participation')} help={['participants', 'fission_count', 'converted_count', 'campaign_conversion_rate']} href={name ? drillLinks.participants(name) : null}
      stale={staleText(participation)}>
      <div className="bs-kpi-row">
        <Kpi metric="participants" label={t('bigScreen.participants')} value={participation.rows ? part.participants : null} format={integer}
          href={name ? drillLinks.participants(name) : null} />
        <Kpi metric="fission_count" label={t('bigScreen.fission')} value={participation.rows ? part.fission : null} format={integer}
          href={name ? drillLinks.fission(name) : null} />
        <Kpi metric="converted_count" label={t('bigScreen.converted')} value={participation.rows ? part.converted : null} format={integer}
          href={name ? drillLinks.converted(name) : null} />
        <Kpi metric="campaign_conversion_rate" label={t('bigScreen.conversionRate')} value={participation.rows ? part.conversionRate : null}
          format={percent} href={name ? drillLinks.converted(name) : null} />
      </div>
    </Tile>
  );
}
