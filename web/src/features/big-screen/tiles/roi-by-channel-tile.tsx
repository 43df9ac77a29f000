import { useMemo } from 'react';
import { EChart } from '../../../components/echart.tsx';
import type { Query } from '../../../lib/cube.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { AnimatedNumber } from '../animated-number.tsx';
import { drillLinks } from '../drill-links.ts';
import { useLiveBoard, useTileQuery } from '../live-board.tsx';
import { toChannelRoi, toRoiOption } from '../transform.ts';
import { Empty, Tile, useWebFontFor } from './tile.tsx';

/** The campaign's ROI per channel (roi_by_channel). */
export function RoiByChannelTile({ query, name }: { query: Query | null; name: string | null }) {
  const { t } = useI18n();
  const { staleText } = useLiveBoard();
  const roi = useTileQuery('roi_by_channel', query);
  const channelNames = (roi.rows ?? []).map((r) => String(r['channel_roi.channel'] ?? '')).join('');
  const fontEpoch = useWebFontFor(channelNames);
  const channels = useMemo(() => toChannelRoi(roi.rows ?? []), [roi.rows]);
  const roiOption = useMemo(() => toRoiOption(channels, t('bigScreen.roiByChannel')), [channels, t, fontEpoch]);
  return (
    <Tile id="roi-by-channel" className="bs-e" title={t('bigScreen.roiByChannel')} help="roi" href={name ? drillLinks.channels(name) : null}
      stale={staleText(roi)}>
      <div data-testid="chart-roi-by-channel">
        {roi.rows && channels.length === 0 ? <Empty /> : <EChart option={roiOption} height={300} />}
      </div>
      <div className="bs-hidden-values">
        {channels.slice(0, 8).map((c) => (
          <span key={c.channel} data-channel={c.channel}>
            <AnimatedNumber value={c.roi} format={(v) => v.toFixed(2)} />
          </span>
        ))}
      </div>
    </Tile>
  );
}
