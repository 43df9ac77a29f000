/**
 * A channel's saturating response to spend, fitted on its own campaign
 * history. Pure numbers, no React.
 *
 * Model (Hill): y(s) = beta · s^alpha / (s^alpha + k^alpha), beta > 0 the
 * ceiling, k > 0 the spend at half the ceiling, alpha in [0.3, 1] the shape.
 * The shape stays at most 1 so every curve is concave (each further yuan
 * returns no more than the one before): then equalising marginal return is
 * the optimal split, and a dozen campaigns cannot invent an S-curve.
 * Least squares by a coarse grid over (k, alpha) with beta solved in closed
 * form, refined by Levenberg–Marquardt on (ln beta, ln k, alpha). The band is
 * a pairs bootstrap with a fixed seed, so the same history gives the same band.
 */

export interface HillParams {
  beta: number;
  k: number;
  alpha: number;
}

export interface Point {
  spend: number;
  value: number;
}

/** Fewer campaigns than this on a channel and it gets no curve: too little history. */
export const MIN_HISTORY_POINTS = 6;
/** Distinct spend levels a fit needs, or the curve's shape is a guess. */
export const MIN_DISTINCT_SPENDS = 3;
export const ALPHA_RANGE: readonly [number, number] = [0.3, 1];
export const BOOTSTRAP_SAMPLES = 200;
export const BOOTSTRAP_SEED = 20_261_123;
/** The band: the 10th and 90th percentiles of the bootstrap (80 %). */
export const BAND_QUANTILES: readonly [number, number] = [0.1, 0.9];

export function hill(p: HillParams, spend: number): number {
  if (spend <= 0) return 0;
  const sa = Math.pow(spend, p.alpha);
  return (p.beta * sa) / (sa + Math.pow(p.k, p.alpha));
}

/** dy/ds: the marginal return of one more yuan at `spend`. */
export function hillMarginal(p: HillParams, spend: number): number {
  const s = Math.max(spend, 1e-9);
  const sa = Math.pow(s, p.alpha);
  const ka = Math.pow(p.k, p.alpha);
  return (p.beta * p.alpha * ka * sa) / (s * (sa + ka) * (sa + ka));
}

/** mulberry32: a small seeded PRNG, enough for resampling. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sse(points: readonly Point[], p: HillParams): number {
  let s = 0;
  for (const pt of points) {
    const r = pt.value - hill(p, pt.spend);
    s += r * r;
  }
  return s;
}

/** For fixed k and alpha the best beta is linear least squares. */
function bestBeta(points: readonly Point[], k: number, alpha: number): number {
  let num = 0;
  let den = 0;
  for (const pt of points) {
    const g = hill({ beta: 1, k, alpha }, pt.spend);
    num += g * pt.value;
    den += g * g;
  }
  return den > 0 ? Math.max(num / den, 1e-9) : 1e-9;
}

function clampAlpha(a: number): number {
  return Math.min(ALPHA_RANGE[1], Math.max(ALPHA_RANGE[0], a));
}

function gridStart(points: readonly Point[]): HillParams {
  const spends = points.map((p) => p.spend).filter((s) => s > 0);
  const lo = Math.min(...spends);
  const hi = Math.max(...spends);
  let best: HillParams = { beta: 1, k: hi, alpha: 1 };
  let bestErr = Infinity;
  // k from a fifth of the smallest spend to five times the largest, log-spaced.
  const kLo = Math.log(lo / 5);
  const kHi = Math.log(hi * 5);
  for (let i = 0; i <= 24; i++) {
    const k = Math.exp(kLo + ((kHi - kLo) * i) / 24);
    for (const alpha of [0.3, 0.45, 0.6, 0.75, 0.9, 1]) {
      const beta = bestBeta(points, k, alpha);
      const err = sse(points, { beta, k, alpha });
      if (err < bestErr) {
        bestErr = err;
        best = { beta, k, alpha };
      }
    }
  }
  return best;
}

/** Solves the 3×3 system A x = b by Gaussian elimination with pivoting; null when singular. */
function solve3(a: number[][], b: number[]): number[] | null {
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < 3; c++) {
    let piv = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    if (Math.abs(m[piv]![c]!) < 1e-300) return null;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let j = c; j < 4; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return [0, 1, 2].map((i) => m[i]![3]! / m[i]![i]!);
}

/** Levenberg–Marquardt on u = (ln beta, ln k, alpha), from `start`. */
function refine(points: readonly Point[], start: HillParams, iterations = 60): HillParams {
  let u = [Math.log(start.beta), Math.log(start.k), start.alpha];
  const params = (v: number[]): HillParams => ({ beta: Math.exp(v[0]!), k: Math.exp(v[1]!), alpha: clampAlpha(v[2]!) });
  let err = sse(points, params(u));
  let lambda = 1e-3;
  for (let it = 0; it < iterations; it++) {
    const p = params(u);
    const jtj = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    const jtr = [0, 0, 0];
    for (const pt of points) {
      if (pt.spend <= 0) continue;
      const sa = Math.pow(pt.spend, p.alpha);
      const ka = Math.pow(p.k, p.alpha);
      const d = sa + ka;
      const y = (p.beta * sa) / d;
      // Partial derivatives of y with respect to ln beta, ln k and alpha.
      const j = [y, (-p.beta * sa * ka * p.alpha) / (d * d), (p.beta * sa * ka * (Math.log(pt.spend) - Math.log(p.k))) / (d * d)];
      const r = pt.value - y;
      for (let a = 0; a < 3; a++) {
        jtr[a]! += j[a]! * r;
        for (let b = 0; b < 3; b++) jtj[a]![b]! += j[a]! * j[b]!;
      }
    }
    let improved = false;
    for (let tries = 0; tries < 10 && !improved; tries++) {
      const damped = jtj.map((row, i) => row.map((v, k) => (i === k ? v * (1 + lambda) + 1e-12 : v)));
      const step = solve3(damped, jtr);
      if (!step) {
        lambda *= 10;
        continue;
      }
      const next = [u[0]! + step[0]!, u[1]! + step[1]!, clampAlpha(u[2]! + step[2]!)];
      const nextErr = sse(points, params(next));
      if (Number.isFinite(nextErr) && nextErr < err) {
        const gain = err - nextErr;
        u = next;
        err = nextErr;
        lambda = Math.max(lambda / 10, 1e-9);
        improved = true;
        if (gain < 1e-12 * (1 + err)) return params(u);
      } else {
        lambda *= 10;
      }
    }
    if (!improved) break;
  }
  return params(u);
}

/** The least-squares Hill curve through `points`. */
export function fitHill(points: readonly Point[], start?: HillParams): HillParams {
  return refine(points, start ?? gridStart(points));
}

export interface Curve {
  params: HillParams;
  /** Bootstrap refits, in a fixed order (replicate b of every channel uses the same seed stream). */
  replicates: HillParams[];
  points: Point[];
  /** R² of the fit on its own history. */
  r2: number;
}

export type CurveResult = { ok: true; curve: Curve } | { ok: false; reason: 'too_little_history'; points: Point[] };

export function rSquared(actual: readonly number[], predicted: readonly number[]): number {
  const mean = actual.reduce((s, v) => s + v, 0) / Math.max(actual.length, 1);
  let res = 0;
  let tot = 0;
  actual.forEach((a, i) => {
    res += (a - predicted[i]!) ** 2;
    tot += (a - mean) ** 2;
  });
  return tot > 0 ? 1 - res / tot : res === 0 ? 1 : 0;
}

export function hasEnoughHistory(points: readonly Point[]): boolean {
  const usable = points.filter((p) => p.spend > 0 && Number.isFinite(p.value));
  return usable.length >= MIN_HISTORY_POINTS && new Set(usable.map((p) => Math.round(p.spend))).size >= MIN_DISTINCT_SPENDS;
}

/** Fit plus bootstrap band; `samples` 0 gives no band (used where speed matters more). */
export function fitCurve(points: readonly Point[], seed = BOOTSTRAP_SEED, samples = BOOTSTRAP_SAMPLES): CurveResult {
  const usable = points.filter((p) => p.spend > 0 && Number.isFinite(p.value));
  if (!hasEnoughHistory(usable)) return { ok: false, reason: 'too_little_history', points: [...usable] };
  const params = fitHill(usable);
  const random = seededRandom(seed);
  const replicates: HillParams[] = [];
  for (let b = 0; b < samples; b++) {
    const sample = usable.map(() => usable[Math.floor(random() * usable.length)]!);
    // A resample with fewer than three spend levels cannot pin a curve: keep the main fit for it.
    replicates.push(new Set(sample.map((p) => p.spend)).size >= MIN_DISTINCT_SPENDS ? refine(sample, params, 30) : params);
  }
  const r2 = rSquared(usable.map((p) => p.value), usable.map((p) => hill(params, p.spend)));
  return { ok: true, curve: { params, replicates, points: [...usable], r2 } };
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export interface Band {
  mid: number;
  low: number;
  high: number;
}

/** A number computed from each replicate, summarised as the fit's value and the bootstrap band. */
export function band(mid: number, replicateValues: readonly number[]): Band {
  if (replicateValues.length === 0) return { mid, low: mid, high: mid };
  const sorted = [...replicateValues].sort((a, b) => a - b);
  return { mid, low: Math.min(mid, quantile(sorted, BAND_QUANTILES[0])), high: Math.max(mid, quantile(sorted, BAND_QUANTILES[1])) };
}

export function predictBand(curve: Curve, spend: number): Band {
  return band(hill(curve.params, spend), curve.replicates.map((r) => hill(r, spend)));
}
