import { describe, expect, it } from 'vitest';
import { csvCell, looksLikeFormula } from '../../../web/src/lib/csv.ts';
import { EXPORT_ACTION, exportFileName, exportFormFields, wholeListQuery } from '../../../web/src/lib/export-csv.ts';
import { planCsv } from '../../../web/src/features/planner/plan-csv.ts';
import { csvCell as serverCsvCell } from '../../../cube/gateway/csv-export.ts';

describe('CSV export form', () => {
  it('asks for the whole list: no paging, no total', () => {
    expect(wholeListQuery({ measures: ['a.b'], limit: 50, offset: 100, total: true, order: [['a.b', 'desc']] }))
      .toEqual({ measures: ['a.b'], order: [['a.b', 'desc']] });
  });

  it('names the file after the filters and the range', () => {
    expect(exportFileName('gmv', ['企业微信', null, 'Team A/B', ''], ['2026-01-01', '2026-11-20'])).toBe('customers_gmv_企业微信_Team-A-B_2026-01-01_2026-11-20');
    expect(exportFileName('churn_rate', [], null)).toBe('customers_churn_rate_all');
  });

  it('posts the payload as JSON text with the session token, which the server can read back', () => {
    const fields = exportFormFields({ query: { dimensions: ['customer_insights.customer_name'], limit: 20, total: true }, columns: [{ member: 'customer_insights.customer_name', title: '客户姓名' }], filename: 'customers_x_all' }, 'token-1');
    expect(EXPORT_ACTION).toBe('/api/export.csv');
    expect(fields.csrf).toBe('token-1');
    expect(JSON.parse(fields.payload)).toEqual({
      query: { dimensions: ['customer_insights.customer_name'] },
      columns: [{ member: 'customer_insights.customer_name', title: '客户姓名' }],
      filename: 'customers_x_all',
    });
  });
});

describe('the one CSV escaper', () => {
  it('neutralises formulas, also after leading whitespace and in full-width or small forms', () => {
    for (const text of ['=1+1', '+1', '-A1', '@SUM(A1)', '\t=1', '\r=1', ' =HYPERLINK("x")', '\t\t+1', '\u3000=1', '\u00a0=1',
      '＝1+1', '＋1', '－A1', '＠SUM(A1)', '\u3000＝1', '﹦1', '﹢1', '﹣1', '﹫x']) {
      expect(looksLikeFormula(text), JSON.stringify(text)).toBe(true);
      expect(csvCell(text).replace(/^"/, '').startsWith("'"), JSON.stringify(text)).toBe(true);
    }
  });

  it('keeps plain text and numbers as they are, and quotes what must be quoted', () => {
    for (const text of ['王伟', 'a=b', '-12.5', '3323.80', '0', ' ', '', 'x-1']) expect(looksLikeFormula(text), text).toBe(false);
    expect(csvCell('-12.5')).toBe('-12.5');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('is the one the server export and the planner write with', () => {
    expect(serverCsvCell).toBe(csvCell);
    const plan = {
      rows: [{ channel: '＝cmd|calc', spend: 5, max: 10, baseRoi: 1, spendLevel: 1, roi: 0.4, gmv: 2, marginalRoi: -0.5 }],
      spend: 5, gmv: 2, roi: 0.4, unspent: 0,
    } as Parameters<typeof planCsv>[0];
    const text = planCsv(plan, { season: 1, trend: 1 }, { title: 'plan', header: ['渠道', ' +x'], total: '合计' });
    const [, header, row] = text.slice(1).split('\r\n');
    expect(header).toBe("渠道,' +x");
    expect(row!.split(',')[0]).toBe("'＝cmd|calc");
    expect(row!.split(',').at(-1)).toBe('-0.50');
  });
});
