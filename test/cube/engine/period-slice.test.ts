import { describe, expect, it } from 'vitest';
import { AccessError, applyAccessRules } from '../../../cube/engine/access-rules.ts';
import { applyPeriodSlice } from '../../../cube/engine/period-slice.ts';
import type { SecurityContext } from '../../../cube/engine/security-context.ts';
import { presetPeriodKey } from '../../../web/src/lib/date-range.ts';

const staff: SecurityContext = { username: 'e7', role: 'staff', employeeId: 7, teamId: 2 };
const manager: SecurityContext = { username: 'e1', role: 'manager', employeeId: 1, teamId: 2 };
const exec: SecurityContext = { username: 'exec', role: 'executive', employeeId: null, teamId: null };
const period = { member: 'sales_periods.period', operator: 'equals', values: ['2026-11-01..2026-11-20'] };
const sliceOf = (query: Record<string, unknown>, who: SecurityContext): unknown =>
  (applyPeriodSlice(applyAccessRules(query, who)).filters as Array<{ member: string; values: string[] }>).find((f) => f.member === 'sales_periods.slice')?.values;

describe('the period table\'s slice', () => {
  it('is the one its dimensions, filters and the role\'s limit cut by; an employee\'s is their team\'s too', () => {
    const tile = { measures: ['sales_periods.buyers'], filters: [period] };
    expect(sliceOf(tile, exec)).toEqual(['brand']);
    // A manager's team distinct count is the team's own row, never a sum of its employees' rows.
    expect(sliceOf(tile, manager)).toEqual(['team']);
    expect(sliceOf(tile, staff)).toEqual(['team,employee']);
    const filtered = { measures: ['sales_periods.buyers'], filters: [period, { member: 'sales_periods.channel', operator: 'equals', values: ['A'] }, { member: 'sales_periods.campaign', operator: 'equals', values: ['B'] }] };
    expect(sliceOf(filtered, exec)).toEqual(['channel,campaign']);
    expect(sliceOf(filtered, manager)).toEqual(['team,channel,campaign']);
    expect(sliceOf({ ...tile, dimensions: ['sales_periods.team'] }, exec)).toEqual(['team']);
    expect(sliceOf({ ...tile, dimensions: ['sales_periods.employee', 'sales_periods.employee_id'] }, manager)).toEqual(['team,employee']);
  });

  it('slices the participants\' period table the same way', () => {
    const p = { member: 'participation_periods.period', operator: 'equals', values: ['2026-11-01..2026-11-20'] };
    const slice = (query: Record<string, unknown>, who: SecurityContext): unknown =>
      (applyPeriodSlice(applyAccessRules(query, who)).filters as Array<{ member: string; values: string[] }>).find((f) => f.member === 'participation_periods.slice')?.values;
    const byCampaign = { measures: ['participation_periods.participants'], dimensions: ['participation_periods.campaign'], filters: [p] };
    expect(slice(byCampaign, exec)).toEqual(['campaign']);
    expect(slice(byCampaign, manager)).toEqual(['team,campaign']);
    expect(slice(byCampaign, staff)).toEqual(['team,employee,campaign']);
    const byChannel = { ...byCampaign, dimensions: ['participation_periods.channel'], filters: [p, { member: 'participation_periods.campaign', operator: 'equals', values: ['X'] }] };
    expect(slice(byChannel, exec)).toEqual(['channel,campaign']);
    expect(() => applyPeriodSlice(applyAccessRules({ measures: ['participation_periods.participants'] }, exec))).toThrow(AccessError);
  });

  it('cuts the owner views by the customer\'s owner and owner\'s team; converted customers always by team', () => {
    const slice = (query: Record<string, unknown>, who: SecurityContext, view: string): unknown =>
      (applyPeriodSlice(applyAccessRules(query, who)).filters as Array<{ member: string; values: string[] }>).find((f) => f.member === `${view}.slice`)?.values;
    const at = (view: string) => ({ member: `${view}.period`, operator: 'equals', values: ['2026-11-01..2026-11-20'] });
    const rate = { measures: ['repurchase_periods.repurchase_rate'], filters: [at('repurchase_periods')] };
    expect(slice(rate, exec, 'repurchase_periods')).toEqual(['brand']);
    expect(slice(rate, manager, 'repurchase_periods')).toEqual(['team']);
    expect(slice(rate, staff, 'repurchase_periods')).toEqual(['team,owner']);
    const byChannel = { ...rate, filters: [...rate.filters, { member: 'repurchase_periods.channel', operator: 'equals', values: ['A'] }] };
    expect(slice(byChannel, staff, 'repurchase_periods')).toEqual(['team,owner,channel']);
    expect(slice({ ...rate, filters: [...rate.filters, { member: 'repurchase_periods.owner_team', operator: 'equals', values: ['T'] }] }, exec, 'repurchase_periods')).toEqual(['team']);
    const converted = { measures: ['converted_periods.converted_customers'], filters: [at('converted_periods')] };
    expect(slice(converted, exec, 'converted_periods')).toEqual(['team']);
    expect(slice({ ...converted, dimensions: ['converted_periods.team'] }, exec, 'converted_periods')).toEqual(['team']);
    expect(slice({ ...converted, dimensions: ['converted_periods.employee', 'converted_periods.employee_id'] }, manager, 'converted_periods')).toEqual(['team,owner']);
    expect(slice(converted, staff, 'converted_periods')).toEqual(['team,owner']);
    expect(() => applyPeriodSlice(applyAccessRules({ measures: ['converted_periods.converted_customers'] }, exec))).toThrow(AccessError);
  });

  it('leaves other views alone and refuses what one stored row per group cannot answer', () => {
    const other = { measures: ['sales_buyers.buyers'] };
    expect(applyPeriodSlice(other)).toBe(other);
    const refused = (query: Record<string, unknown>) => expect(() => applyPeriodSlice(applyAccessRules(query, exec))).toThrow(AccessError);
    refused({ measures: ['sales_periods.buyers'], filters: [period, { member: 'sales_periods.team', operator: 'equals', values: ['A', 'B'] }] });
    refused({ measures: ['sales_periods.buyers'], filters: [period, { member: 'sales_periods.channel', operator: 'notEquals', values: ['A'] }] });
    refused({ measures: ['sales_periods.buyers'], filters: [period, { or: [{ member: 'sales_periods.team', operator: 'equals', values: ['A'] }] }] });
    refused({ measures: ['sales_periods.buyers'], filters: [period, { member: 'sales_periods.slice', operator: 'equals', values: ['brand'] }] });
    // Without one period the rows of every range would be added up.
    refused({ measures: ['sales_periods.buyers'] });
  });

  it('is asked for a preset\'s range and its comparisons only', () => {
    expect(presetPeriodKey(['2026-10-22', '2026-11-20'], '2026-11-20')).toBe('2026-10-22..2026-11-20');
    expect(presetPeriodKey(['2026-09-22', '2026-10-21'], '2026-11-20')).toBe('2026-09-22..2026-10-21');
    expect(presetPeriodKey(['2025-10-22', '2025-11-20'], '2026-11-20')).toBe('2025-10-22..2025-11-20');
    expect(presetPeriodKey(null, '2026-11-20')).toBe('all');
    expect(presetPeriodKey(['2026-10-23', '2026-11-20'], '2026-11-20')).toBeNull();
  });
});
