import { describe, expect, it } from 'vitest';
import { translate } from '../../../web/src/lib/i18n.tsx';

describe('messages', () => {
  it('speaks Chinese first, English on request, with parameters', () => {
    expect(translate('zh-CN', 'overview.asOf', { date: '2026-11-20' })).toBe('数据截至 2026-11-20');
    expect(translate('en', 'overview.asOf', { date: '2026-11-20' })).toBe('Data as of 2026-11-20');
  });
});
