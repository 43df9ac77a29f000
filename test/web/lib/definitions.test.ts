import { describe, expect, it } from 'vitest';
import { readCatalogue } from '../../../cube/tools/metric-catalogue.ts';
import {
  DERIVED_DEFINITIONS, DIMENSION_DEFINITIONS, JOURNEY_DEFINITIONS, METRIC_DEFINITIONS, definitionOf, isTermId, termText, type TermId,
} from '../../../web/src/lib/definitions/index.ts';
import { METRIC_SECTIONS } from '../../../web/src/lib/definitions/metrics.ts';
import { EMPLOYEE_METRICS } from '../../../web/src/features/staff/employee-detail/transform.ts';
import { SEGMENT_DIMENSIONS, JOURNEY_FAMILIES } from '../../../web/src/lib/drill.ts';
import { viewsByTerm } from '../../../web/src/features/glossary/views-by-term.ts';

const CJK = /[\u4e00-\u9fff]/;

describe('definitions: the one source for tooltips, /glossary and docs/metrics.md', () => {
  const catalogue = readCatalogue();

  it('defines every metric and dimension id of the catalogue, and nothing the catalogue lacks', () => {
    const metricIds = catalogue.metrics.map((m) => m.id);
    expect(metricIds.filter((id) => !Object.hasOwn(METRIC_DEFINITIONS, id))).toEqual([]);
    expect(catalogue.dimensions.filter((id) => !Object.hasOwn(DIMENSION_DEFINITIONS, id))).toEqual([]);
    expect(Object.keys(METRIC_DEFINITIONS).filter((id) => !metricIds.includes(id))).toEqual([]);
    expect(Object.keys(DIMENSION_DEFINITIONS).filter((id) => !catalogue.dimensions.includes(id))).toEqual([]);
    // Derived numbers and the journey members are not catalogue ids, and must not shadow one.
    const extra = [...Object.keys(DERIVED_DEFINITIONS), ...Object.keys(JOURNEY_DEFINITIONS)];
    expect(extra.filter((id) => metricIds.includes(id) || catalogue.dimensions.includes(id))).toEqual([]);
  });

  it('has a name and a definition in Chinese and in English for every term', () => {
    const ids = [...Object.keys(METRIC_DEFINITIONS), ...Object.keys(DERIVED_DEFINITIONS), ...Object.keys(DIMENSION_DEFINITIONS), ...Object.keys(JOURNEY_DEFINITIONS)] as TermId[];
    expect(ids.length).toBe(catalogue.metrics.length + catalogue.dimensions.length + Object.keys(DERIVED_DEFINITIONS).length + 11);
    for (const id of ids) {
      const d = definitionOf(id);
      expect(d.zh.name.trim(), id).not.toBe('');
      expect(d.en.name.trim(), id).not.toBe('');
      expect(d.zh.definition, id).toMatch(CJK);
      expect(d.en.definition.length, id).toBeGreaterThan(10);
      // The English text is English: at most a Chinese term quoted in brackets.
      expect(d.en.definition.replace(/\([^)]*\)/g, ''), id).not.toMatch(/[\u4e00-\u9fff]{3,}/);
      expect(termText(id, 'en')).toBe(d.en);
      expect(termText(id, 'zh-CN')).toBe(d.zh);
    }
  });

  it('says what ROI returns: campaign-attributed GMV, not all GMV', () => {
    const roi = definitionOf('roi');
    expect(roi.formula).toBe('attributed_gmv / spend');
    expect(roi.zh.definition).toContain('活动GMV');
    expect(roi.zh.definition).toContain('不是全部 GMV');
    expect(roi.en.definition).toContain('not all GMV');
  });

  it('covers every id the pages name at run time (the typed ones fail to compile instead)', () => {
    for (const id of [...EMPLOYEE_METRICS, ...SEGMENT_DIMENSIONS, ...JOURNEY_FAMILIES]) expect(isTermId(id), id).toBe(true);
    expect(isTermId('no_such_metric')).toBe(false);
  });

  it('groups every metric into exactly one glossary section', () => {
    const listed = METRIC_SECTIONS.flatMap((s) => s.ids);
    expect([...listed].sort()).toEqual(Object.keys(METRIC_DEFINITIONS).sort());
  });

  it('lists the views offering each id from a /meta answer', () => {
    const views = viewsByTerm({
      cubes: [
        { name: 'sales_overview', type: 'view', measures: [{ meta: { metric: 'gmv' } }, { meta: { metric: 'buyers' } }], dimensions: [{ meta: { dimension: 'team' } }] },
        { name: 'channel_roi', type: 'view', measures: [{ meta: { metric: 'roi' } }], dimensions: [{ meta: { dimension: 'team' } }, { meta: { dimension: 'team' } }] },
        { name: 'orders', type: 'cube', measures: [{ meta: { metric: 'gmv' } }], dimensions: [] },
      ],
    });
    expect(views.get('gmv')).toEqual(['sales_overview']);
    expect(views.get('team')).toEqual(['channel_roi', 'sales_overview']);
    expect(views.get('roi')).toEqual(['channel_roi']);
    expect(views.has('ltv')).toBe(false);
  });
});
