/**
 * The bonus beside the completion, through the app server on the hand-made
 * brand's targets and schemes (test/fixtures/small-brand-targets.ts, the
 * actuals worked out there): the bonus so far, the next threshold and what
 * is missing, staff only their own; the admins' payout CSV.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../cube/database/migrate.ts';
import { useTestStack, type Client } from '../../helpers/stack.ts';
import { loadDataSet } from '../../fixtures/factories.ts';
import { smallBrand } from '../../fixtures/small-brand.ts';
import { loadTargets } from '../../fixtures/small-brand-targets.ts';

type Bonus = { bonus: Array<{ metric: string; target: number; actual: number; earned: number; next: { threshold: number; rate: number | null; amount: number | null; missing: number } | null }> };

describe('bonus so far and the payout table', () => {
  const ctx = useTestStack('target_bonus', {
    prepare: async (db) => {
      await migrate(db.sql);
      await loadDataSet(db.sql, smallBrand);
      await loadTargets(db.sql);
    },
  });
  const as: Record<string, Client> = {};
  beforeAll(async () => {
    for (const u of ['staff', 'ops', 'admin']) as[u] = await ctx.stack.client(u);
  });

  it('shows staff their bonus so far, the next threshold and what is missing', async () => {
    // 乙 June GMV: 300 of 400 = 0.75, in the 0.7 tier (fixed 50, capped to 45); next: 1.0 → 400 − 300 = 100 missing, 20 %.
    const r = await as.staff!.request<Bonus>('GET', '/api/targets/bonus?period=2026-06&employee=2');
    expect(r.status).toBe(200);
    expect(r.body.bonus.map(({ metric, target, actual, earned, next }) => ({ metric, target, actual, earned, next }))).toEqual([
      { metric: 'gmv', target: 400, actual: 300, earned: 45, next: { threshold: 1, rate: 0.2, amount: null, missing: 100 } },
    ]);
    // Another employee's bonus is not theirs to see: the row rules leave nothing.
    expect((await as.staff!.request<Bonus>('GET', '/api/targets/bonus?period=2026-06&employee=4')).body.bonus).toEqual([]);
  });

  it('works out the next tier on the achievement rate and on the metric itself', async () => {
    // 丁 June: 20 of 100 = 0.2, below every tier; next 0.5 → 50 − 20 = 30 missing.
    const d = (await as.ops!.request<Bonus>('GET', '/api/targets/bonus?period=2026-06&employee=4')).body.bonus[0]!;
    expect({ earned: d.earned, next: d.next }).toEqual({ earned: 0, next: { threshold: 0.5, rate: 0.1, amount: null, missing: 30 } });
    // 丙 2026 on the metric: 230 ≥ 100, 10 % → 23; no tier above.
    const c = (await as.ops!.request<Bonus>('GET', '/api/targets/bonus?period=2026&employee=3')).body.bonus[0]!;
    expect({ earned: c.earned, next: c.next }).toEqual({ earned: 23, next: null });
  });

  it('gives admins, and only them, the payout table of a period', async () => {
    const r = await as.admin!.request<string>('GET', '/api/targets/payouts?period=2026-06');
    expect(r.status).toBe(200);
    expect(r.body.replace(/^\uFEFF/, '').trim().split('\r\n')).toEqual([
      'period,scheme,employee_id,employee,team,metric,target,actual,achievement_rate,bonus',
      '2026-06,六月,2,乙,一队,gmv,400.00,300.00,0.7500,45.00',
      '2026-06,六月,4,丁,二队,gmv,100.00,20.00,0.2000,0.00',
    ]);
    expect(await as.ops!.request('GET', '/api/targets/payouts?period=2026-06')).toEqual({ status: 403, body: { error: 'Only admins download the payout table.' } });
  });
});
