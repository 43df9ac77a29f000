/**
 * The five trigger-kept period tables (period_sales, period_owners,
 * period_participants, drill_sales, drill_sales_slices) against plain SQL on
 * the orders and participations, and against a fresh whole build of each.
 */
import type { Sql } from 'postgres';
import { expect } from 'vitest';
import { drillRanges, drillSalesDifferences, drillSalesRows } from './drill-sales.ts';
import { drillSlicesDifferences, drillSlicesRows } from './drill-sales-slices.ts';
import { periodOwnersDifferences, periodOwnersRows } from './period-owners.ts';
import { periodParticipantsDifferences, periodParticipantsRows } from './period-participants.ts';
import { periodSalesDifferences, periodSalesRows, presetRanges } from './period-sales.ts';

const TABLES = [
  { name: 'period_sales', ranges: 'sales_periods', preset: true, differences: periodSalesDifferences, rows: periodSalesRows, rebuild: 'roll_period_sales' },
  { name: 'drill_sales', ranges: 'drill_sales_ranges', preset: false, differences: drillSalesDifferences, rows: drillSalesRows, rebuild: 'roll_drill_sales' },
  { name: 'drill_sales_slices', ranges: 'drill_sales_slice_ranges', preset: false, differences: drillSlicesDifferences, rows: drillSlicesRows, rebuild: 'roll_drill_sales_slices' },
  { name: 'period_participants', ranges: 'participant_periods', preset: true, differences: periodParticipantsDifferences, rows: periodParticipantsRows, rebuild: 'roll_period_participants' },
  { name: 'period_owners', ranges: 'owner_periods', preset: true, differences: periodOwnersDifferences, rows: periodOwnersRows, rebuild: 'roll_period_owners' },
] as const;

/** Each table holds the ranges of `asOf`, equal to plain SQL and to a fresh whole build. */
export async function expectPeriodTablesExact(sql: Sql, asOf: string, label: string): Promise<void> {
  for (const t of TABLES) {
    const held = await sql.unsafe<{ period: string }[]>(`SELECT period FROM siyu.${t.ranges} ORDER BY 1`);
    const wanted = [...(t.preset ? presetRanges(asOf) : drillRanges(asOf)).keys()].sort();
    expect(held.map((r) => r.period).sort(), `${label}: ${t.name}'s ranges`).toEqual(wanted);
    expect(await t.differences(sql, asOf), `${label}: ${t.name}`).toEqual([]);
    const kept = await t.rows(sql);
    await sql.unsafe(`SELECT siyu.${t.rebuild}(true)`);
    expect(await t.rows(sql), `${label}: ${t.name} against a whole build`).toEqual(kept);
  }
}
