/** The campaign selector's data: every campaign with its dates and target, and which one to show. Pure. */
import type { Query } from '../../lib/cube.ts';
import { toNumber } from '../../lib/format.ts';

export interface CampaignOption {
  name: string;
  /** Local dates, YYYY-MM-DD. */
  startsOn: string;
  endsOn: string;
  targetGmv: number | null;
  budget: number | null;
}

export function buildCampaignListQuery(): Query {
  return {
    dimensions: ['campaign_budgets.campaign'],
    measures: ['campaign_budgets.target_gmv', 'campaign_budgets.budget'],
    // As time dimensions by day, so the dates are local to the business zone.
    timeDimensions: [
      { dimension: 'campaign_budgets.starts_at', granularity: 'day' },
      { dimension: 'campaign_budgets.ends_at', granularity: 'day' },
    ],
    order: { 'campaign_budgets.starts_at': 'desc', 'campaign_budgets.campaign': 'asc' },
  };
}

type Row = Record<string, unknown>;

export function toCampaignOptions(rows: readonly Row[]): CampaignOption[] {
  return rows
    .filter((r) => typeof r['campaign_budgets.campaign'] === 'string')
    .map((r) => ({
      name: r['campaign_budgets.campaign'] as string,
      startsOn: String(r['campaign_budgets.starts_at.day'] ?? '').slice(0, 10),
      endsOn: String(r['campaign_budgets.ends_at.day'] ?? '').slice(0, 10),
      targetGmv: toNumber(r['campaign_budgets.target_gmv']),
      budget: toNumber(r['campaign_budgets.budget']),
    }))
    .sort((a, b) => b.startsOn.localeCompare(a.startsOn) || a.name.localeCompare(b.name));
}

export function isRunning(c: CampaignOption, asOf: string): boolean {
  return c.startsOn <= asOf && asOf <= c.endsOn;
}

/**
 * The campaign the screen shows: the one asked for in the URL when it exists;
 * otherwise the running campaign (the latest started when several run);
 * otherwise the latest that has started by as-of; otherwise the first.
 */
export function pickCampaign(options: readonly CampaignOption[], asOf: string | null, requested: string | null): CampaignOption | null {
  if (requested) {
    const found = options.find((c) => c.name === requested);
    if (found) return found;
  }
  if (options.length === 0) return null;
  const byStart = [...options].sort((a, b) => b.startsOn.localeCompare(a.startsOn) || a.name.localeCompare(b.name));
  if (asOf) {
    const running = byStart.find((c) => isRunning(c, asOf));
    if (running) return running;
    const started = byStart.find((c) => c.startsOn <= asOf);
    if (started) return started;
  }
  return byStart[0]!;
}
