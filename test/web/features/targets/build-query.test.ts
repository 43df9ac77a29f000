import { describe, expect, it } from 'vitest';
import { buildCompletionQuery, periodChoices, previousMonth } from '../../../../web/src/features/targets/build-query.ts';

describe('targets page query', () => {
  it('asks target_completion for one period', () => {
    const q = buildCompletionQuery('2026-11');
    expect(q.filters).toEqual([{ member: 'target_completion.period', operator: 'equals', values: ['2026-11'] }]);
    expect(q.measures).toContain('target_completion.achievement_rate');
    expect(q.measures).toContain('target_completion.time_progress');
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
