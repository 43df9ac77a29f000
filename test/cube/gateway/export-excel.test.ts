/**
 * The list's files for Excel, through the real stack: the CSV writes what the
 * page shows (lifecycle 活跃/流失, 是/否, YYYY-MM-DD, money with two decimals)
 * and starts with the filters and the data date; the workbook holds the same
 * columns typed. Every cell is checked against plain SQL.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { buildDrillQuery, drillColumns, parseDrill, parsePage } from '../../../web/src/lib/drill.ts';
import { exportComment, exportFormFields, type ExportPayload } from '../../../web/src/lib/export-csv.ts';
import { exportFormat } from '../../../web/src/lib/export-columns.ts';
import { translate, type MessageKey } from '../../../web/src/lib/i18n.tsx';
import { csvCells as cells } from '../../helpers/csv-cells.ts';
import { type Client, useTestStack } from '../../helpers/stack.ts';

const AS_OF = '2026-11-20';
const cookieOf = (client: Client): string => (client as unknown as { cookie: string }).cookie;
const zh = (key: MessageKey) => translate('zh-CN', key);
/** The lifecycle words as the page writes them, typed here by hand. */
const LIFECYCLE_ZH: Record<string, string> = { prospect: '潜客', new: '新客', active: '活跃', sleeping: '沉睡', churned: '流失' };

interface Expected { id: number; name: string; lifecycle: string; ltv: string | null; last: string | null; churned: boolean }

describe('exports for Excel', () => {
  const ctx = useTestStack('export_excel', { demoCustomers: 400 });

  /** The churn list's whole denominator (every buyer, flag marking the churned), as the page asks for it. */
  const payload = (): ExportPayload => {
    const slice = parseDrill(new URLSearchParams('metric=churn_rate&show=all'), AS_OF);
    const columns = [{ id: 'customer', member: 'customer_insights.customer', format: 'integer' as const }, ...drillColumns('churn_rate')];
    return {
      query: buildDrillQuery(slice, parsePage(new URLSearchParams())),
      columns: columns.map((c) => ({ member: c.member, title: c.id, ...exportFormat(c.id === 'rfm_segment' ? 'rfm' : c.format, zh) })),
      filename: 'churn',
      comment: exportComment([[zh('export.metric'), zh('kpi.churn_rate')], [zh('export.dataDate'), AS_OF]]),
    };
  };
  const post = async (path: string, p: ExportPayload) => {
    const exec = await ctx.stack.client('exec');
    const { csrfToken } = (await exec.request<{ csrfToken: string }>('GET', '/api/me')).body;
    return fetch(`${ctx.stack.url}${path}`, {
      method: 'POST', body: new URLSearchParams(exportFormFields(p, csrfToken)).toString(),
      headers: { Cookie: cookieOf(exec), 'Content-Type': 'application/x-www-form-urlencoded', Origin: ctx.stack.url, 'Sec-Fetch-Site': 'same-origin' },
    });
  };
  /** Each buyer up to as-of from the tables: lifecycle from the classification function, LTV and last paid day from the orders. */
  const expected = async (): Promise<Map<number, Expected>> => {
    const rows = await ctx.db.sql<Expected[]>`
      WITH paid AS (
        SELECT customer_id, sum(amount) AS ltv, max((ordered_at AT TIME ZONE 'Asia/Shanghai')::date) AS last
        FROM siyu.orders WHERE status = 'paid' AND (ordered_at AT TIME ZONE 'Asia/Shanghai')::date <= ${AS_OF}::date GROUP BY customer_id)
      SELECT c.id, c.name, k.lifecycle_stage AS lifecycle, p.ltv::text AS ltv, p.last::text AS last, ${AS_OF}::date - p.last > 120 AS churned
      FROM siyu.customers c JOIN paid p ON p.customer_id = c.id
      JOIN siyu.customer_classification(${AS_OF}::date) k ON k.customer_id = c.id`;
    return new Map(rows.map((r) => [r.id, r]));
  };
  /** Money text rounded half up to cents by BigInt, independently of the product's rounding. */
  const twoDecimals = (text: string): string => {
    const [whole, fraction = ''] = text.split('.');
    const thousandths = BigInt(`${whole}${fraction.padEnd(3, '0').slice(0, 3)}`);
    const cents = (thousandths + 5n) / 10n;
    return `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
  };

  it('CSV: the filters and data date first, then the page\'s words, days and money with two decimals', async () => {
    const response = await post('/api/export.csv', payload());
    expect(response.status).toBe(200);
    const lines = (await response.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe(`# 指标: ${zh('kpi.churn_rate')}; 数据日期: ${AS_OF}`);
    const header = cells(lines[1]!);
    const at = (id: string) => header.indexOf(id);
    const want = await expected();
    const rows = lines.slice(2).map(cells);
    expect(rows.length).toBe(want.size);
    expect(want.size).toBeGreaterThan(20);
    const seen = new Set<string>();
    for (const row of rows) {
      const w = want.get(Number(row[at('customer')]))!;
      expect(w, row.join(',')).toBeDefined();
      expect(row[at('customer_name')]).toBe(w.name);
      expect(row[at('lifecycle_stage')]).toBe(LIFECYCLE_ZH[w.lifecycle]);
      expect(row[at('ltv')]).toBe(twoDecimals(w.ltv!));
      expect(row[at('last_paid_date')]).toBe(w.last);
      expect(row[at('in_numerator')]).toBe(w.churned ? '是' : '否');
      seen.add(row[at('lifecycle_stage')]!);
    }
    expect(seen.has('流失') && seen.has('活跃'), [...seen].join()).toBe(true);
  });

  it('xlsx: the same columns, numbers as numbers with formats, days as dates', async () => {
    const response = await post('/api/export.xlsx', payload());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('spreadsheetml');
    expect(response.headers.get('content-disposition')).toContain('churn.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe(`# 指标: ${zh('kpi.churn_rate')}; 数据日期: ${AS_OF}`);
    const header = (sheet.getRow(2).values as unknown[]).slice(1) as string[];
    const col = (id: string) => header.indexOf(id) + 1;
    const want = await expected();
    expect(sheet.rowCount - 2).toBe(want.size);
    for (let r = 3; r <= sheet.rowCount; r++) {
      const row = sheet.getRow(r);
      const id = row.getCell(col('customer')).value;
      expect(typeof id).toBe('number');
      const w = want.get(id as number)!;
      const ltv = row.getCell(col('ltv'));
      expect(ltv.value).toBe(Number(twoDecimals(w.ltv!)));
      expect(ltv.numFmt).toBe('#,##0.00');
      const last = row.getCell(col('last_paid_date'));
      expect(last.value).toBeInstanceOf(Date);
      expect((last.value as Date).toISOString().slice(0, 10)).toBe(w.last);
      expect(last.numFmt).toBe('yyyy-mm-dd');
      expect(row.getCell(col('lifecycle_stage')).value).toBe(LIFECYCLE_ZH[w.lifecycle]);
      expect(row.getCell(col('in_numerator')).value).toBe(w.churned ? '是' : '否');
    }
  });

  it('refuses an unknown column kind in the product\'s words', async () => {
    const p = payload();
    const response = await post('/api/export.csv', { ...p, columns: [{ ...p.columns[0]!, kind: 'formula' as never }] });
    expect(response.status).toBe(400);
    expect((await response.json() as { error: string }).error).toMatch(/kind is one of/);
  });
});
