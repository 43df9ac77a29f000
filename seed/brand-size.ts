/**
 * How the demo brand grows with its customer count. Up to the default demo's
 * 20,000 customers the brand is the reference one (6 teams, 60 employees, 15
 * channels, the 30 campaigns of its two-year calendar), so every data set of
 * that size or smaller is the same as before the brand could grow. Above it,
 * staff, channels, campaigns and the depth of each customer's history grow as
 * smooth powers of the size, fitted so that 1,000,000 customers give about
 * 40 teams, 500 employees, 40 channels, 200 campaigns, 10 million orders,
 * 30 million events and 2 million campaign participations (issue #12; the
 * depths were fitted on 10 of the 50 blocks of that size, seed 42).
 *
 * The depth changes what a customer looks like: at 1,000,000 customers about
 * 74 % of buyers buy again (35 % in the demo) and 45 % have been quiet for
 * 120 days (62 %), while the share of customers who buy at all (49 %) and of
 * orders a campaign claims (about 13 %) stay as in the demo.
 */
export const REFERENCE_CUSTOMERS = 20_000;

/** 1 up to the reference size, then (customers / 20,000) ^ exponent. */
export function growth(customers: number, exponent: number): number {
  return customers <= REFERENCE_CUSTOMERS ? 1 : (customers / REFERENCE_CUSTOMERS) ** exponent;
}

export interface BrandSize {
  teams: number;
  employees: number;
  /** Channels in use (at most the catalogue's 40). */
  channels: number;
  /** Campaigns over the history, as a multiple of the yearly calendar's national ones. */
  campaignFactor: number;
  /**
   * Multipliers on each customer's history: a bigger brand runs more
   * campaigns through more channels and staff, and its customers buy, look
   * and join more often. All exactly 1 up to the reference size.
   */
  depth: {
    /** Purchase frequency (the mean gap between orders is divided by it). */
    orders: number;
    /**
     * Campaign budgets and what they buy (the audience of each channel's
     * response curve), so campaigns claim the same share of the larger order
     * volume at the same ROI.
     */
    spend: number;
    /** Chance that a first buyer never comes back is multiplied by it. */
    oneTimeBuyer: number;
    /** Engagement events (views, likes, shares …). */
    events: number;
    /** Chance of joining a campaign without buying from it. */
    joins: number;
  };
}

export function brandSize(customers: number, channelsInCatalogue: number): BrandSize {
  return {
    teams: Math.round(6 * growth(customers, 0.485)),
    employees: Math.round(60 * growth(customers, 0.542)),
    channels: Math.min(channelsInCatalogue, Math.round(15 * growth(customers, 0.251))),
    campaignFactor: growth(customers, 0.485),
    depth: {
      orders: growth(customers, 0.6),
      spend: growth(customers, 0.525),
      oneTimeBuyer: growth(customers, -0.2),
      events: growth(customers, 0.44),
      joins: growth(customers, 0.1),
    },
  };
}
