/**
 * The period plan as a small CSV made in the browser (UTF-8 with BOM, so Excel
 * reads the Chinese). One format per column: money in full yuan with two
 * decimals as a plain number (the header names the unit, so Excel sums it),
 * ratios and factors with two decimals. Pure.
 */
import { csvCell } from '../../lib/csv.ts';
import type { PeriodPlan } from './period-plan.ts';

export interface PlanCsvLabels {
  /** A first line saying what the file is (period, scope, data date), written as a comment. */
  title: string;
  /** channel, recent ROI, season, trend, spend level, predicted ROI, planned spend (元), expected GMV (元), marginal ROI */
  header: readonly string[];
  total: string;
}

export const money2 = (v: number): string => v.toFixed(2);
const ratio2 = (v: number | null): string => (v === null || !Number.isFinite(v) ? '' : v.toFixed(2));

export function planCsv(plan: PeriodPlan, factors: { season: number; trend: number }, labels: PlanCsvLabels): string {
  const lines = [csvCell(`# ${labels.title}`), labels.header.map(csvCell).join(',')];
  for (const r of plan.rows) {
    lines.push([r.channel, ratio2(r.baseRoi), ratio2(factors.season), ratio2(factors.trend), ratio2(r.spendLevel), ratio2(r.roi), money2(r.spend), money2(r.gmv), ratio2(r.marginalRoi)]
      .map(csvCell).join(','));
  }
  lines.push([labels.total, '', ratio2(factors.season), ratio2(factors.trend), '', ratio2(plan.roi), money2(plan.spend), money2(plan.gmv), ''].map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
