import { describe, expect, it } from 'vitest';
import { translate, type Lang, type MessageKey } from '../../../web/src/lib/i18n.tsx';
import { METRIC_DEFINITIONS, DERIVED_DEFINITIONS, definitionOf, type TermId } from '../../../web/src/lib/definitions/index.ts';

describe('tile and column names agree with the definitions', () => {
  it('names each number on a tile or in a column header (kpi.<id>) as its definition does, in both languages', () => {
    // `kpi.customers` is the segment charts' series name, "客户总数" (all customers of a class), not the metric's own label.
    const ids = [...Object.keys(METRIC_DEFINITIONS), ...Object.keys(DERIVED_DEFINITIONS)].filter((id) => id !== 'customers') as TermId[];
    const checked: string[] = [];
    for (const id of ids) {
      for (const lang of ['zh-CN', 'en'] as Lang[]) {
        const label = translate(lang, `kpi.${id}` as MessageKey) as string | undefined;
        if (label === undefined) continue;
        checked.push(`${lang} ${id}`);
        expect(label, `${lang} kpi.${id}`).toBe(lang === 'en' ? definitionOf(id).en.name : definitionOf(id).zh.name);
      }
    }
    // The tiles of the overview, the employee card and the tables all have a label.
    expect(checked.length).toBeGreaterThanOrEqual(2 * 20);
  });
});
