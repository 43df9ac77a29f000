import { describe, expect, it } from 'vitest';
import { formatCurrency, formatInteger, formatPercent, toNumber } from '../../../web/src/lib/format.ts';

describe('formatting', () => {
  it('formats Cube numeric strings for display', () => {
    expect(formatCurrency('27620482.4', 'zh-CN')).toBe('¥27,620,482.40');
    expect(formatCurrency('15000', 'zh-CN', true)).toBe('¥1.5万');
    expect(formatCurrency('15000', 'en', true)).toBe('¥15k');
    // Below ¥1万 compact means whole yuan: an axis shows ¥9,000 beside ¥1.2万, never ¥9,000.00.
    expect(formatCurrency('9000', 'zh-CN', true)).toBe('¥9,000');
    expect(formatCurrency('2382.24', 'zh-CN', true)).toBe('¥2,382');
    expect(formatCurrency(null, 'zh-CN')).toBe('—');
    expect(formatInteger('41208', 'en')).toBe('41,208');
    expect(formatPercent('0.05663', 'zh-CN')).toBe('5.7%');
    expect(toNumber('abc')).toBeNull();
  });

});
