import { describe, expect, it } from 'vitest';
import { lastComparableCampaign, toCampaignDates, toCampaignPoints, historicalSpend } from '../../../../web/src/features/planner/history.ts';
import { planCsv } from '../../../../web/src/features/planner/plan-csv.ts';
import { formatBound, parseBound, parsePlanState, writePlanState } from '../../../../web/src/features/planner/plan-url.ts';
import { buildModels, makePlan, whatIf } from '../../../../web/src/features/planner/plan.ts';
import { hill } from '../../../../web/src/features/planner/response-curve.ts';

describe('planner URL state', () => {
  it('round-trips budget, window, objective, bounds, what-if and cut-off', () => {
    const params = new URLSearchParams();
    params.set('budget', '200000');
    params.set('from', '2026-11-21');
    params.set('to', '2026-12-04');
    params.set('objective', 'target_roi');
    params.set('target', '2.5');
    params.append('bound', '企业微信|5000|2x');
    params.append('bound', '抖音直播||30000');
    params.set('whatif', '企业微信|12000');
    params.set('cutoff', '2026-06-01');
    const state = parsePlanState(params);
    expect(state).toMatchObject({ budget: 200000, from: '2026-11-21', to: '2026-12-04', objective: 'target_roi', targetRoi: 2.5, whatIf: { channel: '企业微信', spend: 12000 }, cutoff: '2026-06-01' });
    expect(state.bounds['企业微信']).toEqual({ min: { kind: 'amount', value: 5000 }, max: { kind: 'multiple', value: 2 } });
    expect(state.bounds['抖音直播']).toEqual({ min: null, max: { kind: 'amount', value: 30000 } });
    expect(parsePlanState(writePlanState(state))).toEqual(state);
  });

  it('ignores nonsense and falls back to defaults', () => {
    const s = parsePlanState(new URLSearchParams('budget=-5&objective=fun&from=2026-12-01&to=2026-11-01&whatif=x|&cutoff=yesterday'));
    expect(s).toMatchObject({ budget: null, objective: 'gmv', from: null, to: null, whatIf: null, cutoff: null, targetRoi: 2 });
    expect(parseBound('1.5x')).toEqual({ kind: 'multiple', value: 1.5 });
    expect(parseBound('¥12,000')).toEqual({ kind: 'amount', value: 12000 });
    expect(parseBound('abc')).toBeNull();
    expect(formatBound({ kind: 'multiple', value: 3 })).toBe('3x');
  });
});

const truth = { beta: 50_000, k: 10_000, alpha: 1 };
const spendRows = Array.from({ length: 8 }, (_, i) => ({ 'channel_roi.channel': 'A', 'channel_roi.campaign': `c${i}`, 'channel_roi.spend': String(2000 + i * 3000), 'channel_roi.attributed_gmv': String(hill(truth, 2000 + i * 3000)) }))
  .concat([{ 'channel_roi.channel': 'B', 'channel_roi.campaign': 'c1', 'channel_roi.spend': '5000', 'channel_roi.attributed_gmv': '9000' }]);
const participationRows = Array.from({ length: 8 }, (_, i) => ({ 'activity_performance.channel': 'A', 'activity_performance.campaign': `c${i}`, 'activity_performance.participants': String(100 + i * 20), 'activity_performance.converted_count': String(20 + i * 4) }));
const dateRows = Array.from({ length: 8 }, (_, i) => ({ 'activity_performance.campaign': `c${i}`, 'activity_performance.starts_at': `2025-${String(i + 1).padStart(2, '0')}-10T00:00:00.000`, 'activity_performance.ends_at': `2025-${String(i + 1).padStart(2, '0')}-20T23:59:59.000` }));

describe('planner history and plan', () => {
  const dates = toCampaignDates(dateRows);
  const points = toCampaignPoints(spendRows, participationRows, dates);

  it('joins spend, GMV, participation and dates per channel and campaign', () => {
    expect(points).toHaveLength(9);
    expect(points.find((p) => p.channel === 'A' && p.campaign === 'c2')).toMatchObject({ spend: 8000, participants: 140, converted: 28, start: '2025-03-10', end: '2025-03-20' });
    expect(historicalSpend(points).get('B')).toBe(5000);
  });

  it('the comparable campaign is last year\'s over the same dates, else the latest before the window', () => {
    const withSpend = new Set(points.map((p) => p.campaign));
    expect(lastComparableCampaign(dates, ['2026-03-12', '2026-03-25'], withSpend)?.campaign).toBe('c2');
    expect(lastComparableCampaign(dates, ['2026-11-01', '2026-11-10'], withSpend)?.campaign).toBe('c7');
    expect(lastComparableCampaign(dates, ['2025-01-01', '2025-01-05'], withSpend)).toBeNull();
  });

  it('plans only channels with enough history, says which it left out, and what-if changes only that channel', () => {
    const models = buildModels(points, 20);
    const plan = makePlan(models, { budget: 20_000, objective: 'gmv', targetRoi: 2, bounds: {} });
    expect(plan.excluded).toEqual(['B']);
    expect(plan.rows.map((r) => r.channel)).toEqual(['A']);
    expect(plan.rows[0]!.spend).toBeCloseTo(20_000, 3);
    expect(plan.totals.gmv.mid).toBeCloseTo(hill(truth, 20_000), -2);
    const moved = whatIf(models, plan, 'A', 5000);
    expect(moved.rows[0]!.spend).toBe(5000);
    expect(moved.totals.gmv.mid).toBeLessThan(plan.totals.gmv.mid);
    const csv = planCsv(plan, new Map([['A', 8000]]), { header: ['渠道', 'min', 'max', 'spend', 'last', 'p10', 'gmv', 'p90', 'conv', 'part', 'm'], total: '合计' });
    expect(csv.startsWith('\uFEFF渠道,')).toBe(true);
    expect(csv.trim().split('\r\n')).toHaveLength(3);
    expect(csv).toMatch(/\r\n合计,,,20000,8000,/);
  });
});

describe('planner charts', () => {
  it('the marginal-ROI axis ends at a round number above twice the highest planned marginal', async () => {
    const { marginalAxisMax } = await import('../../../../web/src/features/planner/transform.ts');
    expect(marginalAxisMax([2.89, 1.1])).toBe(6);
    expect(marginalAxisMax([0.2])).toBe(2);
    expect(marginalAxisMax([7.3])).toBe(15);
  });
});
