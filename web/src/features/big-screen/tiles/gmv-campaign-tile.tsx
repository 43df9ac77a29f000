import { useMemo } from 'react';
import type { Query } from '../../../lib/cube.ts';
import { formatCurrency, formatInteger } from '../../../lib/format.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { AnimatedNumber } from '../animated-number.tsx';
import type { CampaignOption } from '../campaigns.ts';
import { drillLinks } from '../drill-links.ts';
import { useLiveBoard, useTileQuery } from '../live-board.tsx';
import { targetProgress, toSalesKpis } from '../transform.ts';
import type { LiveResult } from '../use-live.ts';
import { Tile, useScreenFormats } from './tile.tsx';

/** The campaign's GMV against its target (campaign_sales); the target comes with the page's campaign list. */
export function GmvCampaignTile({ query, campaignList, campaign }: { query: Query | null; campaignList: LiveResult; campaign: CampaignOption | null }) {
  const { t, lang } = useI18n();
  const { staleText } = useLiveBoard();
  const { money, percent } = useScreenFormats();
  const sales = useTileQuery('campaign_sales', query);
  const salesKpis = useMemo(() => toSalesKpis(sales.rows ?? []), [sales.rows]);
  const progress = targetProgress(salesKpis.gmv, campaign?.targetGmv ?? null);
  const name = campaign?.name ?? null;
  return (
    <Tile id="gmv-campaign" className="bs-b" title={t('bigScreen.gmvCampaign')} help="gmv" href={name ? drillLinks.campaign(name) : null}
      stale={staleText(sales, campaignList)}>
      <div className="bs-row">
        <div data-testid="kpi-gmv" className="bs-kpi">
          <AnimatedNumber value={sales.rows ? salesKpis.gmv : null} format={money} className="bs-number bs-big" />
        </div>
        <div data-testid="kpi-target_progress" className="bs-kpi bs-right">
          <AnimatedNumber value={sales.rows && campaign?.targetGmv ? progress : null} format={percent} className="bs-number bs-mid" />
        </div>
      </div>
      <div className="bs-progress" aria-hidden="true">
        <div className={progress >= 1 ? 'bs-progress-bar done' : 'bs-progress-bar'} style={{ width: `${Math.min(100, progress * 100)}%` }} />
      </div>
      <div className="bs-row bs-muted">
        <span>{t('bigScreen.orders', { value: formatInteger(salesKpis.orders, lang) })}</span>
        <span data-testid="kpi-target_gmv">{t('bigScreen.target', { value: formatCurrency(campaign?.targetGmv ?? null, lang, true) })}</span>
      </div>
    </Tile>
  );
}
