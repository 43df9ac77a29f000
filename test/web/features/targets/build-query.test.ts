import { describe, expect, it } from 'vitest';
import { buildCompletionQuery, periodChoices, previousMonth, toCompletionRows } from '../../../../web/src/features/targets/build-query.ts';

describe('targets page query and rows', () => {
  it('asks target_completion for one period', () => {
    const q = buildCompletionQuery('2026-11');
    expect(q.filters).toEqual([{ member: 'target_completion.period', operator: 'equals', values: ['2026-11'] }]);
    expect(q.measures).toContain('target_completion.achievement_rate');
    expect(q.measures).toContain('target_completion.time_progress');
  });

  it('works out the gap and whether 达成率 is behind 时间进度', () => {
    const row = (target: string, actual: string, rate: string, progress: string) => ({
      'target_completion.id': 1, 'target_completion.level': 'employee', 'target_completion.team': '一队', 'target_completion.team_id': 1,
      'target_completion.employee': '乙', 'target_completion.employee_id': 2, 'target_completion.target_metric': 'gmv',
      'target_completion.target': target, 'target_completion.actual': actual, 'target_completion.achievement_rate': rate,
      'target_completion.time_progress': progress, 'target_completion.forecast_achievement': null, 'target_completion.bonus_earned': '0',
    });
    // 300 of 400 with 2/3 of the month gone: 0.75 ≥ 0.667, ahead; 100 missing.
    expect(toCompletionRows([row('400', '300', '0.75', '0.6666')])[0]).toMatchObject({ gap: 100, behind: false });
    // 100 of 400 at 2/3: behind; 300 missing.
    expect(toCompletionRows([row('400', '100', '0.25', '0.6666')])[0]).toMatchObject({ gap: 300, behind: true });
    // Above target: no gap. Before the period starts (progress 0): never behind.
    expect(toCompletionRows([row('400', '500', '1.25', '0')])[0]).toMatchObject({ gap: 0, behind: false });
  });

  it('offers the as-of month, the one before, the quarter and the year', () => {
    expect(periodChoices('2026-01-15').map((c) => c.period)).toEqual(['2026-01', '2025-12', '2026-Q1', '2026']);
    expect(previousMonth('2026-01')).toBe('2025-12');
    expect(previousMonth('2026-Q1')).toBeNull();
  });
});

describe('target errors in the product\'s words', async () => {
  const { targetErrorText } = await import('../../../../web/src/features/targets/target-forms.tsx');
  const { TargetApiError } = await import('../../../../web/src/features/targets/targets-api.ts');
  const { translate } = await import('../../../../web/src/lib/i18n.tsx');
  const t = (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate('zh-CN', k, p);
  it('says a refusal and a bad value in Chinese, keeping what the server says is wrong', () => {
    expect(targetErrorText(t, new TargetApiError(403, 'Managers set targets only for their own team\'s employees.')))
      .toBe('无权设定：运营和管理员可设定所有目标，经理只能设定本团队员工的目标。');
    expect(targetErrorText(t, new TargetApiError(400, 'The target cannot be saved: value "-5" is not a positive number with at most two decimals.')))
      .toBe('目标未保存（value "-5" is not a positive number with at most two decimals）');
    expect(targetErrorText(t, new TargetApiError(0, 'network'))).toBe('无法连接服务器，请稍后再试');
  });
});
