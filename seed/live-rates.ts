/**
 * How busy the live demo's running campaign is (`npm start -- --live`): the
 * default rates and the `--rates` / LIVE_RATES override. The simulator
 * (simulate.ts) reads them; docs/demo-rates.md says where the figures come from.
 */
/** Events per day in the running campaign at the default 20,000-customer demo (scaled by size). */
export interface LiveRates {
  /** Existing customers joining the campaign. */
  participations: number;
  /** New customers invited by a participant (fission / 老带新). */
  referrals: number;
  /** Paid orders carrying the campaign. */
  orders: number;
  /** Share of orders refunded afterwards (0–1). */
  refundShare: number;
  followUps: number;
  appointments: number;
}

/** docs/demo-rates.md explains these figures. */
export const DEFAULT_LIVE_RATES: LiveRates = {
  participations: 600,
  referrals: 90,
  orders: 240,
  refundShare: 0.05,
  followUps: 400,
  appointments: 40,
};

/** `orders=200,referrals=40` (the `--rates` option or LIVE_RATES) over the defaults. */
export function parseRates(spec: string | undefined, base: LiveRates = DEFAULT_LIVE_RATES): LiveRates {
  const out = { ...base };
  if (!spec) return out;
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, raw] = part.split('=') as [string, string | undefined];
    if (!(key in out)) throw new Error(`unknown rate "${key}"; known: ${Object.keys(out).join(', ')}`);
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0 || (key === 'refundShare' && n > 1)) throw new Error(`rate ${key} must be a number ≥ 0${key === 'refundShare' ? ' and ≤ 1' : ''}`);
    out[key as keyof LiveRates] = n;
  }
  return out;
}
