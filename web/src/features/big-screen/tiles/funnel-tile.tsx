import { useMemo } from 'react';
import { formatPercent } from '../../../lib/format.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { AnimatedNumber } from '../animated-number.tsx';
import { drillLinks, openInNewTab } from '../drill-links.ts';
import { useLiveBoard } from '../live-board.tsx';
import { toFunnel, toParticipation } from '../transform.ts';
import type { LiveResult } from '../use-live.ts';
import { Tile, useScreenFormats } from './tile.tsx';

/** Participants → converted. `participation` is the page's, shared with the participation tile. */
export function FunnelTile({ participation, name }: { participation: LiveResult; name: string | null }) {
  const { t, lang } = useI18n();
  const { staleText } = useLiveBoard();
  const { integer } = useScreenFormats();
  const funnel = useMemo(() => toFunnel(toParticipation(participation.rows ?? [])), [participation.rows]);
  return (
    <Tile id="funnel" className="bs-g" title={t('bigScreen.funnel')} help={['participants', 'converted_count']} href={name ? drillLinks.converted(name) : null}
      stale={staleText(participation)}>
      <div className="bs-funnel">
        {funnel.map((s, i) => (
          <div key={s.key} className="bs-funnel-stage" style={{ width: `${55 + 45 * (i === 0 ? 1 : s.ofFirst)}%` }}
            onClick={(e) => { e.stopPropagation(); if (name) openInNewTab(s.key === 'converted' ? drillLinks.converted(name) : drillLinks.participants(name)); }}>
            <span>{t(s.key === 'participants' ? 'bigScreen.participants' : 'bigScreen.converted')}</span>
            <AnimatedNumber value={participation.rows ? s.value : null} format={integer} />
            {i > 0 && <span className="bs-funnel-rate">{formatPercent(s.ofFirst, lang)}</span>}
          </div>
        ))}
      </div>
    </Tile>
  );
}
