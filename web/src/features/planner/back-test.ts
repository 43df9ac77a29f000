/**
 * How far to trust the curves: fit each channel on the campaigns that started
 * before a cut-off date, predict the campaigns from the cut-off on, and
 * measure the error. Pure numbers, no React.
 */
import { fitCurve, hill, rSquared, type Point } from './response-curve.ts';

export interface DatedPoint extends Point {
  channel: string;
  campaign: string;
  /** The campaign's first day, YYYY-MM-DD. */
  start: string;
}

export interface BackTestPrediction {
  channel: string;
  campaign: string;
  actual: number;
  predicted: number;
}

export interface BackTest {
  cutoff: string;
  predictions: BackTestPrediction[];
  /** Mean absolute percentage error over predictions whose actual is above 0 (a fraction), null without any. */
  mape: number | null;
  /** 1 − residual / total sum of squares over the predictions, null with fewer than two. */
  r2: number | null;
  /** Total absolute error over total actual (weighted MAPE): not blown up by campaigns with small actuals. */
  wape: number | null;
  /** Channels with a later campaign but too little history before the cut-off. */
  skippedChannels: string[];
  trainPoints: number;
}

export function mape(actual: readonly number[], predicted: readonly number[]): number | null {
  const terms = actual.flatMap((a, i) => (a > 0 ? [Math.abs(a - predicted[i]!) / a] : []));
  return terms.length > 0 ? terms.reduce((s, v) => s + v, 0) / terms.length : null;
}

export function wape(actual: readonly number[], predicted: readonly number[]): number | null {
  const total = actual.reduce((s, a) => s + Math.abs(a), 0);
  return total > 0 ? actual.reduce((s, a, i) => s + Math.abs(a - predicted[i]!), 0) / total : null;
}

export function backTest(points: readonly DatedPoint[], cutoff: string): BackTest {
  const byChannel = new Map<string, DatedPoint[]>();
  for (const p of points) byChannel.set(p.channel, [...(byChannel.get(p.channel) ?? []), p]);
  const predictions: BackTestPrediction[] = [];
  const skipped: string[] = [];
  let trainPoints = 0;
  for (const [channel, list] of [...byChannel].sort(([a], [b]) => a.localeCompare(b))) {
    const train = list.filter((p) => p.start < cutoff);
    const test = list.filter((p) => p.start >= cutoff && p.spend > 0);
    if (test.length === 0) continue;
    const fit = fitCurve(train, undefined, 0);
    if (!fit.ok) {
      skipped.push(channel);
      continue;
    }
    trainPoints += fit.curve.points.length;
    for (const p of test) predictions.push({ channel, campaign: p.campaign, actual: p.value, predicted: hill(fit.curve.params, p.spend) });
  }
  const actual = predictions.map((p) => p.actual);
  const predicted = predictions.map((p) => p.predicted);
  return {
    cutoff,
    predictions,
    mape: mape(actual, predicted),
    r2: predictions.length >= 2 ? rSquared(actual, predicted) : null,
    wape: wape(actual, predicted),
    skippedChannels: skipped,
    trainPoints,
  };
}
