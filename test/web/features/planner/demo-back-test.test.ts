/**
 * The planner on the demo generator's own data (in memory, no database): the
 * seed gives each channel a true saturating response (seed/generate.ts,
 * channelResponse), and the planner's fit and back-test find it.
 */
import { describe, expect, it } from 'vitest';
import { type Cell, type TableName } from '../../../../seed/tables.ts';
import { ATTRIBUTED_ORDER_VALUE, channelResponse } from '../../../../seed/rates.ts';
import { generate } from '../../../../seed/generate.ts';
import { CHANNELS } from '../../../../seed/reference-data.ts';
import { backTest, type DatedPoint } from '../../../../web/src/features/planner/back-test.ts';
import { fitCurve, hill } from '../../../../web/src/features/planner/response-curve.ts';

const CUSTOMERS = 20_000;

function demoPoints(): DatedPoint[] {
  const rows: Record<string, Cell[][]> = {};
  generate({ customers: CUSTOMERS, seed: 42, asOf: '2026-11-20' }, (table: TableName) => {
    rows[table] = [];
    return { row: (cells) => rows[table]!.push([...cells]) };
  });
  const start = new Map(rows.campaigns!.map((r) => [Number(r[0]), String(r[3]).slice(0, 10)]));
  const spend = new Map<string, number>();
  const gmv = new Map<string, number>();
  for (const r of rows.campaign_spend!) spend.set(`${r[1]}|${r[2]}`, (spend.get(`${r[1]}|${r[2]}`) ?? 0) + Number(r[5]));
  for (const r of rows.orders!) {
    if (r[9] !== 'paid' || r[4] === null) continue;
    gmv.set(`${r[4]}|${r[3]}`, (gmv.get(`${r[4]}|${r[3]}`) ?? 0) + Number(r[6]));
  }
  return [...spend].map(([key, s]) => {
    const [campaign, channel] = key.split('|').map(Number) as [number, number];
    return { channel: String(channel), campaign: String(campaign), start: start.get(campaign)!, spend: s, value: gmv.get(key) ?? 0 };
  });
}

describe('the planner on the default demo (20,000 customers, seed 42)', () => {
  const points = demoPoints();

  it('back-test with the page\'s default cut-off (170 days before as-of): MAPE 19.4 %, R² 0.86', () => {
    const result = backTest(points, '2026-06-03');
    expect(result.predictions.length).toBeGreaterThanOrEqual(20);
    expect(result.mape!).toBeCloseTo(0.194, 2);
    expect(result.r2!).toBeCloseTo(0.86, 2);
  });

  it('fitted curves follow the seed\'s true curves within the spend the channels saw', () => {
    let checked = 0;
    for (const [i] of CHANNELS.entries()) {
      const own = points.filter((p) => p.channel === String(i + 1));
      const fit = fitCurve(own, undefined, 0);
      if (!fit.ok) continue;
      const truth = channelResponse(i, CUSTOMERS);
      // The truth in GMV: orders won × the mean claimed order (about ATTRIBUTED_ORDER_VALUE, measured 10–30 % above it).
      const trueGmv = (s: number) => (truth.gmvMax * s) / (s + truth.halfSaturation);
      const median = own.map((p) => p.spend).sort((a, b) => a - b)[Math.floor(own.length / 2)]!;
      const ratio = hill(fit.curve.params, median) / trueGmv(median);
      // Measured: 0.60 (WX_OA) to 1.18 (STORE_GUIDE_WECOM), most within 15 %. Early campaigns, when the pool
      // was small, could not claim every order their spend bought, which pulls the low end down.
      expect(ratio, `channel ${CHANNELS[i]!.code}`).toBeGreaterThan(0.5);
      expect(ratio, `channel ${CHANNELS[i]!.code}`).toBeLessThan(1.5);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(10);
    expect(ATTRIBUTED_ORDER_VALUE).toBeGreaterThan(0);
  });
});
