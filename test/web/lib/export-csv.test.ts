import { describe, expect, it } from 'vitest';
import { exportCsvUrl, exportFileName, wholeListQuery } from '../../../web/src/lib/export-csv.ts';

describe('CSV export link', () => {
  it('asks for the whole list: no paging, no total', () => {
    expect(wholeListQuery({ measures: ['a.b'], limit: 50, offset: 100, total: true, order: [['a.b', 'desc']] }))
      .toEqual({ measures: ['a.b'], order: [['a.b', 'desc']] });
  });

  it('names the file after the filters and the range', () => {
    expect(exportFileName('gmv', ['企业微信', null, 'Team A/B', ''], ['2026-01-01', '2026-11-20'])).toBe('customers_gmv_企业微信_Team-A-B_2026-01-01_2026-11-20');
    expect(exportFileName('churn_rate', [], null)).toBe('customers_churn_rate_all');
  });

  it('is a plain GET with the payload URL-encoded JSON, which the server can read back', () => {
    const url = exportCsvUrl({ query: { dimensions: ['customer_insights.customer_name'], limit: 20, total: true }, columns: [{ member: 'customer_insights.customer_name', title: '客户姓名' }], filename: 'customers_x_all' });
    expect(url.startsWith('/api/export.csv?payload=')).toBe(true);
    const payload = JSON.parse(new URL(url, 'http://x').searchParams.get('payload')!);
    expect(payload).toEqual({
      query: { dimensions: ['customer_insights.customer_name'] },
      columns: [{ member: 'customer_insights.customer_name', title: '客户姓名' }],
      filename: 'customers_x_all',
    });
  });
});
