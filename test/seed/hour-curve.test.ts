import { describe, expect, it } from 'vitest';
import { dayNumber, localTimestamp, zoneOffsetMinutes } from '../../seed/calendar.ts';
import { expectedBetween, hourWeights, isBurstDay, sampleSecondOfDay } from '../../seed/hour-curve.ts';
import { TABLE_COLUMNS, type Cell, type TableName } from '../../seed/tables.ts';
import { generate } from '../../seed/generate.ts';
import { Random } from '../../seed/prng.ts';
import { DEFAULT_LIVE_RATES, parseRates } from '../../seed/live-rates.ts';
import { localClock, planSlot, slotRandom } from '../../seed/simulate.ts';
import { poisson } from '../../seed/prng.ts';

const ORDINARY = dayNumber('2026-11-18');
const DOUBLE_ELEVEN = dayNumber('2026-11-11');

describe('hour-of-day curve', () => {
  it('is quiet at night, peaks at lunch and higher in the evening, and averages 1', () => {
    const w = hourWeights(ORDINARY);
    expect(w).toHaveLength(24);
    expect(w.reduce((a, b) => a + b, 0) / 24).toBeCloseTo(1, 10);
    const night = Math.max(...w.slice(2, 6));
    const lunch = w[12]!;
    const evening = Math.max(...w.slice(19, 23));
    expect(night).toBeLessThan(0.15);
    expect(lunch).toBeGreaterThan(w[10]!);
    expect(lunch).toBeGreaterThan(w[15]!);
    expect(evening).toBeGreaterThan(lunch);
    expect(w.indexOf(Math.max(...w))).toBe(21);
    // Not the old 09:00–23:59 window: there is trade after midnight.
    expect(w[0]!).toBeGreaterThan(0.1);
  });

  it('bursts in the first hour of 11.11, 618 and 12.12', () => {
    expect(isBurstDay(DOUBLE_ELEVEN)).toBe(true);
    expect(isBurstDay(dayNumber('2026-06-18'))).toBe(true);
    expect(isBurstDay(ORDINARY)).toBe(false);
    const w = hourWeights(DOUBLE_ELEVEN);
    expect(w.indexOf(Math.max(...w))).toBe(0);
    expect(w[0]!).toBeGreaterThan(3 * hourWeights(ORDINARY)[0]! * 3);
  });

  it('integrates to the daily rate over a whole day, hour by hour', () => {
    expect(expectedBetween(ORDINARY, 0, 86_400, 240)).toBeCloseTo(240, 6);
    const w = hourWeights(ORDINARY);
    expect(expectedBetween(ORDINARY, 21 * 3600, 22 * 3600, 240)).toBeCloseTo((240 / 24) * w[21]!, 6);
    expect(expectedBetween(ORDINARY, 3 * 3600 + 10, 3 * 3600 + 15, 240)).toBeCloseTo((240 * w[3]! * 5) / 86_400, 9);
  });

  it('draws seconds whose hours follow the weights, never before a given second', () => {
    const r = new Random(7);
    const counts = new Array<number>(24).fill(0);
    const n = 48_000;
    for (let i = 0; i < n; i++) counts[Math.floor(sampleSecondOfDay(r, ORDINARY) / 3600)]!++;
    const w = hourWeights(ORDINARY);
    for (let h = 0; h < 24; h++) expect(counts[h]! / n, `hour ${h}`).toBeCloseTo(w[h]! / 24, 2);
    for (let i = 0; i < 2000; i++) {
      const s = sampleSecondOfDay(r, ORDINARY, 50_000);
      expect(s).toBeGreaterThanOrEqual(50_000);
      expect(s).toBeLessThan(86_400);
    }
  });
});

describe('time zone offsets come from the zone', () => {
  it('writes each zone\'s offset at that moment', () => {
    expect(zoneOffsetMinutes('Asia/Shanghai', Date.UTC(2026, 6, 1))).toBe(480);
    expect(localTimestamp(dayNumber('2026-11-20'), 3600 + 61, 'Asia/Shanghai')).toBe('2026-11-20 01:01:01+08');
    expect(localTimestamp(dayNumber('2026-07-01'), 12 * 3600, 'America/New_York')).toBe('2026-07-01 12:00:00-04');
    expect(localTimestamp(dayNumber('2026-01-15'), 12 * 3600, 'America/New_York')).toBe('2026-01-15 12:00:00-05');
    expect(localTimestamp(dayNumber('2026-01-15'), 0, 'Asia/Kolkata')).toBe('2026-01-15 00:00:00+05:30');
    expect(localClock(Date.UTC(2026, 10, 22, 16, 30, 5), 'Asia/Shanghai')).toEqual({ date: '2026-11-23', day: dayNumber('2026-11-23'), second: 30 * 60 + 5 });
  });

  it('seeds a zone\'s own offsets, with orders around the clock on the curve', () => {
    const orders: Cell[][] = [];
    const settings: Cell[][] = [];
    generate({ customers: 400, seed: 5, asOf: '2026-11-20', timeZone: 'America/New_York' }, (t: TableName) => ({
      row: (c) => { if (t === 'orders') orders.push([...c]); if (t === 'settings') settings.push([...c]); },
    }));
    expect(settings).toContainEqual(['time_zone', 'America/New_York']);
    const at = TABLE_COLUMNS.orders.indexOf('ordered_at');
    const stamps = orders.map((o) => String(o[at]));
    expect(stamps.some((s) => s.startsWith('2026-07') && s.endsWith('-04'))).toBe(true);
    expect(stamps.some((s) => s.startsWith('2026-01') && s.endsWith('-05'))).toBe(true);
    const hours = stamps.map((s) => Number(s.slice(11, 13)));
    expect(hours.filter((h) => h < 9).length).toBeGreaterThan(0);
    expect(hours.filter((h) => h >= 19 && h <= 22).length).toBeGreaterThan(hours.filter((h) => h >= 2 && h <= 5).length * 5);
  });
});

describe('live simulator rates', () => {
  const t0 = Date.UTC(2026, 10, 23, 12, 0, 0); // 20:00 in Shanghai
  it('plans the same slot the same way for the same seed and clock', () => {
    const a = planSlot(slotRandom(42, t0), t0, 5, 'Asia/Shanghai', DEFAULT_LIVE_RATES, 1);
    const b = planSlot(slotRandom(42, t0), t0, 5, 'Asia/Shanghai', DEFAULT_LIVE_RATES, 1);
    expect(a).toEqual(b);
    const sumOver = (seed: number) => Array.from({ length: 200 }, (_, i) => planSlot(slotRandom(seed, t0 + i * 5000), t0 + i * 5000, 5, 'Asia/Shanghai', DEFAULT_LIVE_RATES, 1))
      .map((p) => `${p.orders}/${p.participations}/${p.referrals}`).join(',');
    expect(sumOver(42)).toBe(sumOver(42));
    expect(sumOver(43)).not.toBe(sumOver(42));
  });

  it('follows the curve: an evening hour holds many times the events of a night hour, the day holds the daily rate', () => {
    const count = (startUtc: number, seconds: number) => {
      let orders = 0;
      for (let t = startUtc; t < startUtc + seconds * 1000; t += 5000) orders += planSlot(slotRandom(1, t), t, 5, 'Asia/Shanghai', DEFAULT_LIVE_RATES, 1).orders;
      return orders;
    };
    const day = count(Date.UTC(2026, 10, 17, 16, 0, 0), 86_400); // 2026-11-18, 00:00–24:00 in Shanghai
    expect(day).toBeGreaterThan(DEFAULT_LIVE_RATES.orders * 0.85);
    expect(day).toBeLessThan(DEFAULT_LIVE_RATES.orders * 1.15);
    const evening = count(Date.UTC(2026, 10, 17, 13, 0, 0), 3 * 3600); // 21:00–24:00
    const night = count(Date.UTC(2026, 10, 17, 18, 0, 0), 3 * 3600); // 02:00–05:00
    expect(evening).toBeGreaterThan(night * 5);
  });

  it('draws Poisson counts with the asked mean', () => {
    const r = new Random(3);
    let total = 0;
    for (let i = 0; i < 20_000; i++) total += poisson(r, 0.8);
    expect(total / 20_000).toBeCloseTo(0.8, 1);
    expect(poisson(r, 0)).toBe(0);
  });

  it('reads configured rates and refuses nonsense', () => {
    expect(parseRates('orders=500, referrals=10').orders).toBe(500);
    expect(parseRates('orders=500, referrals=10').referrals).toBe(10);
    expect(parseRates(undefined)).toEqual(DEFAULT_LIVE_RATES);
    expect(() => parseRates('bananas=3')).toThrow(/unknown rate/);
    expect(() => parseRates('refundShare=2')).toThrow();
    expect(() => parseRates('orders=-1')).toThrow();
  });
});
