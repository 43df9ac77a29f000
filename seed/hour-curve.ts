/**
 * When in the day a brand's customers act, in the business time zone: quiet
 * at night, a lunch peak and a larger evening peak (20:00–22:00, when
 * livestreams and community pushes run), and on 11.11-style days a burst in
 * the first hour after midnight when the pre-sale opens. One curve for the
 * seed's history and the live simulator, so today looks like every other day.
 */
import { sumInOrder, type Random } from './prng.ts';
import { monthDay } from './calendar.ts';

/** Relative activity per local hour 0–23 on an ordinary day (before normalising). */
const ORDINARY: readonly number[] = [
  0.35, 0.18, 0.1, 0.06, 0.05, 0.07, 0.18, 0.45, 0.8, 1.05, 1.25, 1.4,
  1.6, 1.45, 1.1, 1.05, 1.05, 1.1, 1.2, 1.55, 1.95, 2.15, 1.7, 0.95,
];

/** Extra weight on a burst day's first hours: the midnight rush of 11.11 and 618. */
const BURST_EXTRA: readonly number[] = [9, 3, 0.6];

/** Days whose sales open at midnight: 11.11, 618 and 12.12. */
export function isBurstDay(day: number): boolean {
  let burst = burstDays.get(day);
  if (burst === undefined) {
    const { month, date } = monthDay(day);
    burst = (month === 11 && date === 11) || (month === 6 && date === 18) || (month === 12 && date === 12);
    burstDays.set(day, burst);
  }
  return burst;
}

const burstDays = new Map<number, boolean>();

const normalise = (w: readonly number[]): number[] => {
  const mean = w.reduce((a, b) => a + b, 0) / w.length;
  return w.map((x) => x / mean);
};

const ORDINARY_WEIGHTS = normalise(ORDINARY);
const BURST_WEIGHTS = normalise(ORDINARY.map((w, h) => w + (BURST_EXTRA[h] ?? 0)));
const ORDINARY_TOTAL = sumInOrder(ORDINARY_WEIGHTS);
const BURST_TOTAL = sumInOrder(BURST_WEIGHTS);

/** The day's 24 hourly weights, averaging 1: weight × (rate per day / 24) is the rate in that hour. */
export function hourWeights(day: number): readonly number[] {
  return isBurstDay(day) ? BURST_WEIGHTS : ORDINARY_WEIGHTS;
}

/** Weight of the hour a second of the day falls in. */
export function intensityAt(day: number, secondOfDay: number): number {
  return hourWeights(day)[Math.min(23, Math.floor(secondOfDay / 3600))]!;
}

/**
 * A second of the day drawn from the curve, at or after `notBefore` (a fact
 * on a customer's registration day happens after the registration).
 */
export function sampleSecondOfDay(r: Random, day: number, notBefore = 0): number {
  const burst = isBurstDay(day);
  const weights = burst ? BURST_WEIGHTS : ORDINARY_WEIGHTS;
  if (notBefore <= 0) return r.weightedIndexOf(weights, burst ? BURST_TOTAL : ORDINARY_TOTAL) * 3600 + r.int(0, 3599);
  const firstHour = Math.floor(notBefore / 3600);
  const tail = weights.map((w, h) => (h < firstHour ? 0 : w));
  const hour = r.weightedIndex(tail);
  const from = hour === firstHour ? notBefore % 3600 : 0;
  return hour * 3600 + r.int(from, 3599);
}

/** The expected number of events in [fromSecond, toSecond) of a day, given a rate per day. */
export function expectedBetween(day: number, fromSecond: number, toSecond: number, perDay: number): number {
  let total = 0;
  let s = fromSecond;
  while (s < toSecond) {
    const hourEnd = (Math.floor(s / 3600) + 1) * 3600;
    const end = Math.min(toSecond, hourEnd);
    total += (intensityAt(day, s) * (end - s)) / 86_400;
    s = end;
  }
  return total * perDay;
}
