import type { CatalogueMetric } from '../../cube/tools/metric-catalogue.ts';
import type { MetaCube, MetaResponse } from '../../cube/engine/meta.ts';

export const TIME_DIMENSION_IDS = new Set(['order_date', 'spend_date', 'joined_date', 'registered_date', 'date']);

export interface Offering {
  view: MetaCube;
  /** The view's measure carrying the metric id. */
  measure: string;
  /** The view's member carrying a dimension id. */
  member(dimensionId: string): string;
}

/** The view that offers a metric with every dimension of its catalogue row, found by meta ids only. */
export function offeringView(meta: MetaResponse, metric: CatalogueMetric): Offering | undefined {
  const view = meta.cubes.find((c) => c.type === 'view'
    && c.measures.some((m) => m.meta?.metric === metric.id)
    && metric.sliceBy.every((id) => c.dimensions.some((d) => d.meta?.dimension === id)));
  if (!view) return undefined;
  return {
    view,
    measure: view.measures.find((m) => m.meta?.metric === metric.id)!.name,
    member: (id) => {
      const found = view.dimensions.find((d) => d.meta?.dimension === id);
      if (!found) throw new Error(`${view.name} has no member with dimension id ${id}`);
      return found.name;
    },
  };
}
