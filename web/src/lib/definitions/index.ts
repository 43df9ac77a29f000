/**
 * The one source of what each number and dimension means: the tooltips on
 * tiles, chart titles and columns, the /glossary page and docs/metrics.md
 * (cube/main/docs-metrics.ts) all read it. A page naming an id that has no
 * definition does not compile (`TermId`).
 */
import { DERIVED_DEFINITIONS, METRIC_DEFINITIONS, type DerivedId, type MetricId } from './metrics.ts';
import { DIMENSION_DEFINITIONS, type DimensionId } from './dimensions.ts';
import { JOURNEY_DEFINITIONS, type JourneyId } from './journeys.ts';
import type { Definition, DefinitionText } from './types.ts';

export type { Definition, DefinitionText, DerivedId, DimensionId, JourneyId, MetricId };
export { DERIVED_DEFINITIONS, DIMENSION_DEFINITIONS, JOURNEY_DEFINITIONS, METRIC_DEFINITIONS };

export type TermId = MetricId | DerivedId | DimensionId | JourneyId;

const ALL: Record<TermId, Definition> = { ...DIMENSION_DEFINITIONS, ...METRIC_DEFINITIONS, ...DERIVED_DEFINITIONS, ...JOURNEY_DEFINITIONS };

export function definitionOf(id: TermId): Definition {
  return ALL[id];
}

export function isTermId(id: string): id is TermId {
  return Object.hasOwn(ALL, id);
}

/** The text for one language: zh-CN, or English under the switch. */
export function termText(id: TermId, lang: 'zh-CN' | 'en'): DefinitionText {
  const d = ALL[id];
  return lang === 'en' ? d.en : d.zh;
}
