/**
 * The planner's refusal thresholds are the catalogue's: the numbers written in
 * docs/metric-catalogue.md (section "Planner") and the constants the page
 * decides with must be the same.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKTEST_MAX_MAPE, BACKTEST_MIN_R2 } from '../../../../web/src/features/planner/period-plan.ts';

const catalogue = readFileSync(path.join(import.meta.dirname, '../../../../docs/metric-catalogue.md'), 'utf8');

function threshold(name: string): number {
  const section = catalogue.slice(catalogue.indexOf('## Planner'));
  const found = new RegExp(`\`${name}: ([0-9.]+)\``).exec(section.slice(0, section.indexOf('\n## ', 1) > 0 ? section.indexOf('\n## ', 1) : undefined));
  if (!found) throw new Error(`docs/metric-catalogue.md: no \`${name}: <number>\` in the Planner section`);
  return Number(found[1]);
}

describe('planner thresholds', () => {
  it('are the catalogue\'s: MAPE at most 40 %, R² at least 0.3', () => {
    expect(BACKTEST_MAX_MAPE).toBe(threshold('planner_max_mape'));
    expect(BACKTEST_MIN_R2).toBe(threshold('planner_min_r2'));
    // The prose beside them says the same in percent.
    expect(catalogue).toContain(`MAPE ≤ ${Math.round(BACKTEST_MAX_MAPE * 100)} %`);
    expect(catalogue).toContain(`R² ≥ ${BACKTEST_MIN_R2}`);
  });
});
