/** The plan as a small CSV made in the browser (UTF-8 with BOM, so Excel reads the Chinese). Pure. */
import { csvCell } from '../../lib/csv.ts';
import type { Plan } from './plan.ts';

export interface PlanCsvLabels {
  header: string[];
  total: string;
}

const cell = (v: string | number): string => csvCell(typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v);

/**
 * Columns: channel, min, max, planned spend, last comparable spend, expected GMV
 * (low, mid, high), converted (mid), participants (mid), marginal ROI.
 */
export function planCsv(plan: Plan, lastSpend: ReadonlyMap<string, number>, labels: PlanCsvLabels): string {
  const lines = [labels.header.map(cell).join(',')];
  for (const r of plan.rows) {
    lines.push([r.channel, r.min, r.max, r.spend, lastSpend.get(r.channel) ?? 0, r.gmv.low, r.gmv.mid, r.gmv.high, r.converted.mid, r.participants.mid, r.marginalRoi]
      .map(cell).join(','));
  }
  const t = plan.totals;
  const lastTotal = plan.rows.reduce((s, r) => s + (lastSpend.get(r.channel) ?? 0), 0);
  lines.push([labels.total, '', '', t.spend, lastTotal, t.gmv.low, t.gmv.mid, t.gmv.high, t.converted.mid, t.participants.mid, t.roi.mid].map(cell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
