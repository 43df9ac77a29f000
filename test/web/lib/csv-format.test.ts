/**
 * Each kind of column as the CSV writes it (and the workbook types it), the
 * expected cells worked out by hand or by an independent computation.
 */
import { describe, expect, it } from 'vitest';
import { csvText, percentText, roundDecimal, wallTime } from '../../../web/src/lib/csv.ts';
import { exportFormat } from '../../../web/src/lib/export-columns.ts';
import { exportComment, exportFileName } from '../../../web/src/lib/export-csv.ts';
import { translate, type MessageKey } from '../../../web/src/lib/i18n.tsx';
import { xlsxCell, XLSX_FORMATS } from '../../../cube/gateway/xlsx-export.ts';

const TZ = 'Asia/Shanghai';
const zh = (key: MessageKey) => translate('zh-CN', key);
const en = (key: MessageKey) => translate('en', key);

describe('CSV cells by column kind', () => {
  it('money: two decimals, rounded half away from zero on the digits, never through a float', () => {
    expect(csvText('2382.235', { kind: 'money' }, TZ)).toBe('2382.24');
    // As a float 1.005 is 1.00499…: the float route rounds down.
    expect((1.005).toFixed(2)).toBe('1.00');
    expect(csvText('1.005', { kind: 'money' }, TZ)).toBe('1.01');
    expect(csvText('1234.5', { kind: 'money' }, TZ)).toBe('1234.50');
    expect(csvText('-0.005', { kind: 'money' }, TZ)).toBe('-0.01');
    expect(csvText('-0.004', { kind: 'money' }, TZ)).toBe('0.00');
    expect(csvText('0', { kind: 'money' }, TZ)).toBe('0.00');
    // Beyond a float's 15–17 digits the text stays exact.
    expect(csvText('12345678901234567.895', { kind: 'money' }, TZ)).toBe('12345678901234567.90');
    expect(csvText(null, { kind: 'money' }, TZ)).toBe('');
  });

  it('integers: the count without Cube\'s trailing zeros', () => {
    expect(csvText('1.00000000000000000000', { kind: 'integer' }, TZ)).toBe('1');
    expect(csvText('42', { kind: 'integer' }, TZ)).toBe('42');
    expect(csvText(7, { kind: 'integer' }, TZ)).toBe('7');
  });

  it('ratios: a percentage with one decimal', () => {
    // 1/8 = 12.5 %, 2/3 = 66.666… % → 66.7 %, 0.0004 = 0.04 % → 0.0 %.
    expect(csvText('0.125', { kind: 'ratio' }, TZ)).toBe('12.5%');
    expect(csvText(String(2 / 3), { kind: 'ratio' }, TZ)).toBe('66.7%');
    expect(csvText('0.0004', { kind: 'ratio' }, TZ)).toBe('0.0%');
    expect(csvText('1.5', { kind: 'ratio' }, TZ)).toBe('150.0%');
    expect(csvText('-0.01234', { kind: 'ratio' }, TZ)).toBe('-1.2%');
    expect(percentText('0.99951')).toBe('100.0%');
  });

  it('dates: YYYY-MM-DD, the day itself whatever the time part', () => {
    expect(csvText('2026-11-09T00:00:00.000', { kind: 'date' }, TZ)).toBe('2026-11-09');
    expect(csvText('2026-11-09', { kind: 'date' }, TZ)).toBe('2026-11-09');
    // An instant with a zone is the business day: 17:30 UTC is 01:30 the next day in Shanghai.
    expect(csvText('2026-11-09T17:30:00Z', { kind: 'date' }, TZ)).toBe('2026-11-10');
  });

  it('times: YYYY-MM-DD HH:mm in the business zone', () => {
    // Cube answers in the query's (business) zone without an offset: kept as is.
    expect(csvText('2026-11-09T13:45:12.000', { kind: 'time' }, TZ)).toBe('2026-11-09 13:45');
    // With an offset: converted, Shanghai being UTC+8 all year.
    const at = new Date(Date.UTC(2026, 10, 9, 20, 5));
    const local = new Date(at.getTime() + 8 * 3600_000).toISOString();
    expect(csvText(at.toISOString(), { kind: 'time' }, TZ)).toBe(`${local.slice(0, 10)} ${local.slice(11, 16)}`);
    expect(csvText('2026-11-09T23:59:00+08:00', { kind: 'time' }, TZ)).toBe('2026-11-09 23:59');
    expect(wallTime('not a time', TZ)).toBeNull();
  });

  it('labels: the page\'s words for enum values, in either language', () => {
    expect(csvText('active', exportFormat('lifecycle', zh), TZ)).toBe('活跃');
    expect(csvText('churned', exportFormat('lifecycle', zh), TZ)).toBe('流失');
    expect(csvText('churned', exportFormat('lifecycle', en), TZ)).toBe('Churned');
    expect(csvText('重要价值', exportFormat('rfm', en), TZ)).toBe(en('rfm.key_value'));
    expect(csvText('unknown', exportFormat('lifecycle', zh), TZ)).toBe('unknown');
  });

  it('flags: 是 / 否 for Cube\'s 1.000… and 0', () => {
    expect(csvText('1.00000000000000000000', exportFormat('flag', zh), TZ)).toBe('是');
    expect(csvText('0', exportFormat('flag', zh), TZ)).toBe('否');
    expect(csvText('1', exportFormat('flag', en), TZ)).toBe('Yes');
  });

  it('text stays text (the escaper still guards formulas after formatting)', () => {
    expect(csvText('王伟', { kind: 'text' }, TZ)).toBe('王伟');
    expect(csvText('=1+1', {}, TZ)).toBe('=1+1');
  });

  it('rounds decimal text exactly', () => {
    expect(roundDecimal('0.5', 0)).toBe('1');
    expect(roundDecimal('-0.5', 0)).toBe('-1');
    expect(roundDecimal('abc', 2)).toBeNull();
    expect(roundDecimal(1e-7, 2)).toBe('0.00');
  });
});

describe('workbook cells by column kind', () => {
  it('numbers as numbers with a number format, dates as dates, labels as text', () => {
    expect(xlsxCell('2382.235', { member: 'm', title: 't', kind: 'money' }, TZ)).toEqual({ value: 2382.24, numFmt: XLSX_FORMATS.money });
    expect(xlsxCell('1.00000000000000000000', { member: 'm', title: 't', kind: 'integer' }, TZ)).toEqual({ value: 1, numFmt: XLSX_FORMATS.integer });
    expect(xlsxCell('0.125', { member: 'm', title: 't', kind: 'ratio' }, TZ)).toEqual({ value: 0.125, numFmt: XLSX_FORMATS.ratio });
    expect(xlsxCell('2026-11-09T00:00:00.000', { member: 'm', title: 't', kind: 'date' }, TZ)).toEqual({ value: new Date(Date.UTC(2026, 10, 9)), numFmt: XLSX_FORMATS.date });
    expect(xlsxCell('2026-11-09T13:45:12.000', { member: 'm', title: 't', kind: 'time' }, TZ)).toEqual({ value: new Date(Date.UTC(2026, 10, 9, 13, 45)), numFmt: XLSX_FORMATS.time });
    expect(xlsxCell('churned', { member: 'm', title: 't', ...exportFormat('lifecycle', zh) }, TZ)).toEqual({ value: '流失' });
    expect(xlsxCell(null, { member: 'm', title: 't', kind: 'money' }, TZ)).toEqual({ value: null });
  });
});

describe('the file says what it holds', () => {
  it('names the filters and the data date in the file name and the first line', () => {
    expect(exportFileName('gmv', ['企业微信'], ['2026-01-01', '2026-11-20'], '2026-11-20')).toBe('customers_gmv_企业微信_2026-01-01_2026-11-20_asof-2026-11-20');
    expect(exportComment([['指标', 'GMV'], ['渠道', null], ['团队', ''], ['数据日期', '2026-11-20']])).toBe('# 指标: GMV; 数据日期: 2026-11-20');
  });
});
