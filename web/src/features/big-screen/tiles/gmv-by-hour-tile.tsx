import { useMemo } from 'react';
import { EChart } from '../../../components/echart.tsx';
import type { Query } from '../../../lib/cube.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { AnimatedNumber } from '../animated-number.tsx';
import { drillLinks } from '../drill-links.ts';
import { useLiveBoard, useTileQuery } from '../live-board.tsx';
import { toHourlyTile } from '../transform.ts';
import type { LiveResult } from '../use-live.ts';
import { Tile, useScreenFormats, useWebFontFor } from './tile.tsx';

/**
 * GMV per hour of the data day beside the same day a week before
 * (gmv_by_hour_week_ago, its own query); `today` is the page's
 * gmv_by_hour_today, shared with the GMV-today tile.
 */
export function GmvByHourTile({ today, weekAgoQuery, name, asOf, currentHour, isLive }: {
  today: LiveResult; weekAgoQuery: Query | null; name: string | null; asOf: string | null; currentHour: number | null; isLive: boolean;
}) {
  const { t, lang } = useI18n();
  const { staleText } = useLiveBoard();
  const { money } = useScreenFormats();
  const weekAgo = useTileQuery('gmv_by_hour_week_ago', weekAgoQuery);
  const dayLabel = isLive ? t('bigScreen.todayLabel') : t('bigScreen.dataDayLabel');
  const fontEpoch = useWebFontFor(`${dayLabel}${t('bigScreen.lastWeekLabel')}`);
  const hourly = useMemo(
    () => toHourlyTile(today.rows ?? [], weekAgo.rows ?? [], currentHour, lang, { today: dayLabel, lastWeek: t('bigScreen.lastWeekLabel') }),
    [today.rows, weekAgo.rows, currentHour, lang, t, dayLabel, fontEpoch],
  );
  return (
    <Tile id="gmv-by-hour" className="bs-d" title={t('bigScreen.gmvByHour')} help="gmv" href={name ? drillLinks.campaign(name, asOf ?? undefined) : null}
      stale={staleText(today, weekAgo)}
      extra={hourly.focusHour !== null && (
        <span className="bs-focus" data-testid="kpi-current_hour_gmv">
          {t('bigScreen.currentHour', { hour: String(hourly.focusHour).padStart(2, '0') })}{' '}
          <AnimatedNumber value={today.rows ? hourly.focusHourGmv : null} format={money} className="bs-number" />
        </span>
      )}>
      <div data-testid="chart-gmv-by-hour"><EChart option={hourly.option} height={300} /></div>
    </Tile>
  );
}
