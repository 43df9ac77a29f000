import { describe, expect, it } from 'vitest';
import { MESSAGE_MODULES, translate } from '../../../web/src/lib/i18n.tsx';

describe('messages', () => {
  it('speaks Chinese first, English on request, with parameters', () => {
    expect(translate('zh-CN', 'overview.asOf', { date: '2026-11-20' })).toBe('数据截至 2026-11-20');
    expect(translate('en', 'overview.asOf', { date: '2026-11-20' })).toBe('Data as of 2026-11-20');
  });
});

describe('message modules', () => {
  it('name each key in one module only, so merging them loses no word', () => {
    const seen = new Map<string, string>();
    for (const [module, { zh, en }] of Object.entries(MESSAGE_MODULES)) {
      expect(Object.keys(en).sort(), module).toEqual(Object.keys(zh).sort());
      for (const key of Object.keys(zh)) {
        expect(seen.get(key), `${key} in ${module}`).toBeUndefined();
        seen.set(key, module);
      }
    }
    expect(seen.size).toBeGreaterThan(400);
  });
});
