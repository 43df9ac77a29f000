/**
 * Where each tile drills to: the product's pages with their filters in the
 * URL, opened in a new tab so the screen keeps running. Pure.
 *
 * Parameters used: /activities?campaign=<name>[&date=<YYYY-MM-DD>]
 * /channels?campaign=<name>[&channel=<name>], /staff?campaign=<name>[&employee=<name>]
 * /customers?campaign=<name>[&converted=1|&invited=1][&city_tier=<tier>]
 * /customers?registered_from=<date>&registered_to=<date>[&source_channel=<name>]
 */

function url(path: string, params: Record<string, string | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') search.set(k, v);
  const q = search.toString();
  return q ? `${path}?${q}` : path;
}

export const drillLinks = {
  campaign: (campaign: string, date?: string) => url('/activities', { campaign, date }),
  channels: (campaign: string, channel?: string) => url('/channels', { campaign, channel }),
  staff: (campaign: string, employee?: string) => url('/staff', { campaign, employee }),
  participants: (campaign: string) => url('/customers', { campaign }),
  fission: (campaign: string) => url('/customers', { campaign, invited: '1' }),
  converted: (campaign: string) => url('/customers', { campaign, converted: '1' }),
  cityTier: (campaign: string, cityTier?: string) => url('/customers', { campaign, city_tier: cityTier }),
  newCustomers: (from: string, to: string, sourceChannel?: string) =>
    url('/customers', { registered_from: from, registered_to: to, source_channel: sourceChannel }),
};

/** Opens a drill target in a new tab, without giving it a handle on this window. */
export function openInNewTab(href: string): void {
  window.open(href, '_blank', 'noopener');
}
