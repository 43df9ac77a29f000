/**
 * The export's paging, on its own: it stops at a short page, and stops
 * asking for pages once the client has gone (an aborted download).
 */
import { describe, expect, it } from 'vitest';
import { csvStream, EXPORT_PAGE_ROWS } from '../../../cube/gateway/csv-export.ts';

const request = (signal?: AbortSignal) => ({
  query: { dimensions: ['v.customer'] }, columns: [{ member: 'v.customer', title: 'id' }], filename: 'x', timeZone: 'Asia/Shanghai', orderable: new Set(['v.customer']), signal,
});
/** Pages of a list of `total` rows, counting the pages asked for (and those asked for after `stop`). */
const pages = (total: number, stop?: AbortSignal) => {
  const asked: number[] = [];
  const afterStop: number[] = [];
  const load = async (q: Record<string, unknown>) => {
    const offset = q.offset as number;
    asked.push(offset);
    if (stop?.aborted) afterStop.push(offset);
    const n = Math.max(0, Math.min(q.limit as number, total - offset));
    return Array.from({ length: n }, (_, i) => ({ 'v.customer': offset + i }));
  };
  return { asked, afterStop, load };
};

describe('CSV export paging', () => {
  it('reads pages until a short one, ordered on the dimensions so pages never overlap', async () => {
    const { asked, load } = pages(EXPORT_PAGE_ROWS + 5);
    let text = '';
    for await (const chunk of csvStream(request(), load)) text += chunk;
    expect(asked).toEqual([0, EXPORT_PAGE_ROWS]);
    expect(text.trim().split('\r\n').length).toBe(1 + EXPORT_PAGE_ROWS + 5);
  });

  it('asks for no further page once the client has gone', async () => {
    const stop = new AbortController();
    const { asked, afterStop, load } = pages(EXPORT_PAGE_ROWS * 50, stop.signal);
    const stream = csvStream(request(stop.signal), load);
    let chunks = 0;
    for await (const _chunk of stream) {
      if (++chunks === 2) stop.abort();
    }
    // The stream reads one page ahead (whose request to Cube the server aborts with the same signal); none after.
    expect(afterStop).toEqual([]);
    expect(asked.length).toBeLessThanOrEqual(2);
  });
});

describe('the export\'s anonymised row', () => {
  it('subtracts decimal text exactly, whatever the scales', async () => {
    const { subtractDecimal } = await import('../../../cube/gateway/csv-export.ts');
    // 0.3 − 0.1 in floats is 0.19999999999999998.
    expect(subtractDecimal('0.3', '0.1')).toBe('0.2');
    expect(subtractDecimal('39068.90', '37158.2')).toBe('1910.70');
    expect(subtractDecimal('5', '12')).toBe('-7');
    expect(subtractDecimal('100.00', null)).toBe('100.00');
    expect(subtractDecimal(64, '58')).toBe('6');
    expect(subtractDecimal('12345678901234567890.12', '0.02')).toBe('12345678901234567890.10');
    expect(() => subtractDecimal('1e3', '1')).toThrow(/unreadable number/);
  });

  it('puts the label and the differences in their columns, and writes nothing when no customer is outside the scope', async () => {
    const { remainderRow } = await import('../../../cube/gateway/csv-export.ts');
    const columns = [{ member: 'v.customer_name', title: '客户' }, { member: 'v.owner', title: '员工' }, { member: 'v.gmv', title: '金额' }];
    const request = { all: {}, owned: {}, customers: 'v.buyers', cells: [{ column: 'v.gmv', measure: 'v.gmv' }], labelColumn: 'v.customer_name', label: '其他团队的客户（{count} 位）' };
    expect(remainderRow(request, columns, { 'v.buyers': '64', 'v.gmv': '39068.90' }, { 'v.buyers': '58', 'v.gmv': '37158.20' }))
      .toEqual(['其他团队的客户（6 位）', '', '1910.70']);
    expect(remainderRow(request, columns, { 'v.buyers': '58', 'v.gmv': '1.00' }, { 'v.buyers': '58', 'v.gmv': '1.00' })).toBeNull();
  });
});
