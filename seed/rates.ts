/**
 * The demo generator's calibrated rates and weights: what share of customers
 * buy once, join a campaign without buying, which categories, events and
 * touches they choose, and how each channel's GMV answers its spend.
 * docs/demo-rates.md says where each range comes from and what the default
 * demo measures; the live simulator's rates are in live-rates.ts.
 */
import { sumInOrder } from './prng.ts';
import { CHANNEL_CATALOGUE, CITY_TIER_WEIGHTS, type CampaignType } from './reference-data.ts';

export const HISTORY_DAYS = 730;

/**
 * Calibrated rates (docs/demo-rates.md says where each range comes from and
 * what the default demo measures).
 */
export const RATES = {
  /**
   * Chance that an order placed while a campaign runs carries it, as long as the
   * campaign still has orders to win on one of its channels (see CHANNEL_RESPONSE).
   */
  campaignAttribution: 0.85,
  /** Chance that a first buyer never orders again, by the first order's category. */
  oneTimeBuyer: { traffic: 0.6, other: 0.42 },
  /** Chance (× engagement, capped at 2.5) that an active customer joins a campaign without buying from it. */
  joinWithoutBuying: { promotion: 0.05, brand: 0.22, revenue: 0.05, co_creation: 0.045 } as Record<CampaignType, number>,
} as const;

/** Campaign budgets in CNY per template yuan, sized so that campaign ROI spans losses to about 8×. */
export const BUDGET_SCALE = 1.1;

/**
 * Each channel's true response of attributed GMV to its spend in one campaign:
 * a saturating (Michaelis–Menten, Hill with shape 1) curve
 *   gmv(s) = roiAtReference × (reference + halfSaturation) × s / (s + halfSaturation),
 * with reference = REFERENCE_SPEND_PER_COST_WEIGHT × costWeight × (audience / 20,000) and
 * halfSaturation = halfSaturationRatio × reference, where the audience is the customers the
 * campaign reaches (all of them, or a city's for a city campaign). So the channel's ROI at its
 * reference spend is roiAtReference, and each further yuan returns less. A campaign wins
 * Poisson(gmv(s) / ATTRIBUTED_ORDER_VALUE) attributed orders on the channel (its
 * converted customers), taken from orders placed while it runs: a diminishing
 * return the planner's spend-level factor has something real to find.
 */
export const REFERENCE_SPEND_PER_COST_WEIGHT = 3_000;
/** About the mean paid amount of an order a campaign claims (CNY), measured on the demo. */
export const ATTRIBUTED_ORDER_VALUE = 700;
export function channelResponse(channelIndex: number, audience: number): { reference: number; halfSaturation: number; gmvMax: number } {
  const ch = CHANNEL_CATALOGUE[channelIndex]!;
  const reference = REFERENCE_SPEND_PER_COST_WEIGHT * ch.costWeight * (audience / 20_000);
  // Private channels (own pool, staff) return more than bought public reach.
  const roiAtReference = ch.kind === 'private' ? 1.5 + 4 * ch.conversion : 0.3 + 2 * ch.conversion;
  const halfSaturationRatio = 0.6 + ((channelIndex * 7) % 5) * 0.3;
  const halfSaturation = halfSaturationRatio * reference;
  return { reference, halfSaturation, gmvMax: roiAtReference * (reference + halfSaturation) };
}

// Fixed choices with their weights' totals (summed as weightedIndex would), drawn many times per customer.
export const CATEGORIES = ['traffic', 'core', 'premium'] as const;
export const FIRST_ORDER_WEIGHTS = [55, 40, 5];
export const FIRST_ORDER_TOTAL = sumInOrder(FIRST_ORDER_WEIGHTS);
export const EVENT_TYPES = ['view', 'like', 'comment', 'share', 'consult', 'booking', 'visit'] as const;
export const EVENT_WEIGHTS = [40, 20, 8, 1.5, 10, 3, 3];
export const EVENT_TOTAL = sumInOrder(EVENT_WEIGHTS);
export const ADVOCATE_EVENT_WEIGHTS = [40, 20, 8, 10, 10, 3, 3];
export const ADVOCATE_EVENT_TOTAL = sumInOrder(ADVOCATE_EVENT_WEIGHTS);
export const FOLLOW_UP_KINDS = ['wecom_chat', 'call', 'visit'] as const;
export const FOLLOW_UP_WEIGHTS = [75, 18, 7];
export const FOLLOW_UP_TOTAL = sumInOrder(FOLLOW_UP_WEIGHTS);
export const GENDERS = ['female', 'male', 'unknown'] as const;
export const GENDER_WEIGHTS = [68, 28, 4];
export const GENDER_TOTAL = sumInOrder(GENDER_WEIGHTS);
export const CITY_TIER_TOTAL = sumInOrder(CITY_TIER_WEIGHTS);
