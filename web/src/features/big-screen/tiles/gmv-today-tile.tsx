import { useI18n } from '../../../lib/i18n.tsx';
import { AnimatedNumber } from '../animated-number.tsx';
import { drillLinks } from '../drill-links.ts';
import { useLiveBoard } from '../live-board.tsx';
import { dayTotal } from '../transform.ts';
import type { LiveResult } from '../use-live.ts';
import { Tile, useScreenFormats } from './tile.tsx';

/** The campaign's GMV on the data day. `today` is the page's gmv_by_hour_today, shared with the hourly chart. */
export function GmvTodayTile({ today, name, asOf, isLive }: { today: LiveResult; name: string | null; asOf: string | null; isLive: boolean }) {
  const { t } = useI18n();
  const { staleText } = useLiveBoard();
  const { money } = useScreenFormats();
  return (
    <Tile id="gmv-today" className="bs-a" title={isLive ? t('bigScreen.gmvToday') : t('bigScreen.gmvDataDay', { date: asOf?.slice(5) ?? '' })} help="gmv" href={name ? drillLinks.campaign(name, asOf ?? undefined) : null}
      stale={staleText(today)}>
      <div data-testid="kpi-gmv_today" className="bs-kpi">
        <AnimatedNumber value={today.rows ? dayTotal(today.rows) : null} format={money} className="bs-number bs-big" />
      </div>
      <div className="bs-muted">{asOf}</div>
    </Tile>
  );
}
