import { describe, expect, it } from 'vitest';
import { formatCurrency, formatInteger, formatPercent, toNumber } from '../../../web/src/lib/format.ts';
import { stableKey } from '../../../web/src/lib/stable-key.ts';
import { translate } from '../../../web/src/lib/i18n.tsx';

describe('formatting', () => {
  it('formats Cube numeric strings for display', () => {
    expect(formatCurrency('27620482.4', 'zh-CN')).toBe('¥27,620,482.40');
    expect(formatCurrency('15000', 'zh-CN', true)).toBe('¥1.5万');
    expect(formatCurrency('15000', 'en', true)).toBe('¥15k');
    expect(formatCurrency(null, 'zh-CN')).toBe('—');
    expect(formatInteger('41208', 'en')).toBe('41,208');
    expect(formatPercent('0.05663', 'zh-CN')).toBe('5.7%');
    expect(toNumber('abc')).toBeNull();
  });

  it('keys deeply equal queries alike whatever their key order', () => {
    expect(stableKey({ measures: ['a'], order: { x: 'asc' } })).toBe(stableKey({ order: { x: 'asc' }, measures: ['a'] }));
    expect(stableKey({ measures: ['a', 'b'] })).not.toBe(stableKey({ measures: ['b', 'a'] }));
  });

  it('speaks Chinese first, English on request, with parameters', () => {
    expect(translate('zh-CN', 'overview.asOf', { date: '2026-11-20' })).toBe('数据截至 2026-11-20');
    expect(translate('en', 'overview.asOf', { date: '2026-11-20' })).toBe('Data as of 2026-11-20');
  });
});
