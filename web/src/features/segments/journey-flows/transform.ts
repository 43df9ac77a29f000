import type { EChartsOption } from '../../../components/echart.tsx';
import type { JourneyFamily } from '../../../lib/drill.ts';
import { toNumber } from '../../../lib/format.ts';
import { SEGMENT_ORDER } from '../segment-counts/transform.ts';

export type Row = Record<string, unknown>;

/** Start stages a customer can have besides the family's own: not yet registered, and (RFM) no paid order yet. */
export const NOT_REGISTERED = 'not_registered';
export const NO_RFM = 'none';

export interface JourneyFlow {
  from: string;
  to: string;
  customers: number;
}

export interface JourneyMatrix {
  /** Row stages (start day), in the family's order, only those present. */
  from: string[];
  /** Column stages (end day). */
  to: string[];
  flows: JourneyFlow[];
  /** from → to → customers. */
  count(from: string, to: string): number;
  total: number;
}

function order(family: JourneyFamily): string[] {
  return [NOT_REGISTERED, ...(family === 'rfm_segment' ? [NO_RFM] : []), ...SEGMENT_ORDER[family]];
}

/** Rows of the journey query (journey_counts: one family's moves) in, the from × to matrix out (stages in the family's order). Pure. */
export function toJourneyMatrix(family: JourneyFamily, rows: readonly Row[]): JourneyMatrix {
  const flows: JourneyFlow[] = rows
    .map((r) => ({
      from: String(r['journey_counts.from_stage']),
      to: String(r['journey_counts.to_stage']),
      customers: toNumber(r['journey_counts.customers']) ?? 0,
    }))
    .filter((f) => f.customers > 0);
  const known = order(family);
  const rank = (stage: string) => {
    const i = known.indexOf(stage);
    return i === -1 ? known.length : i;
  };
  const sorted = (stages: Iterable<string>) => [...new Set(stages)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const cells = new Map(flows.map((f) => [`${f.from}\u0000${f.to}`, f.customers]));
  return {
    from: sorted(flows.map((f) => f.from)),
    to: sorted(flows.map((f) => f.to)),
    flows: [...flows].sort((a, b) => rank(a.from) - rank(b.from) || rank(a.to) - rank(b.to)),
    count: (from, to) => cells.get(`${from}\u0000${to}`) ?? 0,
    total: flows.reduce((sum, f) => sum + f.customers, 0),
  };
}

/**
 * The Sankey: start stages on the left, end stages on the right (node names
 * carry their side, since a stage is on both), one link per move.
 */
export function transformJourneySankey(matrix: JourneyMatrix, label: (stage: string) => string, fromDate: string, toDate: string): EChartsOption {
  const node = (side: 'from' | 'to', stage: string) => `${side}:${stage}`;
  const stageOf = (name: string) => name.slice(name.indexOf(':') + 1);
  return {
    // Drawn at once: the flows are read and clicked, not watched.
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const item = p as { dataType?: string; data: { source?: string; target?: string; name?: string; value?: number }; value?: number };
        if (item.dataType === 'edge') {
          return `${label(stageOf(item.data.source!))} (${fromDate}) → ${label(stageOf(item.data.target!))} (${toDate})<br/>${Number(item.data.value).toLocaleString()}`;
        }
        return `${label(stageOf(item.data.name!))}: ${Number(item.value).toLocaleString()}`;
      },
    },
    series: [{
      type: 'sankey',
      left: 8,
      right: 96,
      top: 8,
      bottom: 8,
      nodeAlign: 'justify',
      layoutIterations: 0,
      emphasis: { focus: 'adjacency' },
      lineStyle: { color: 'gradient', opacity: 0.35 },
      label: { formatter: (p: { name: string }) => label(stageOf(p.name)) },
      data: [...matrix.from.map((s) => ({ name: node('from', s) })), ...matrix.to.map((s) => ({ name: node('to', s) }))],
      links: matrix.flows.map((f) => ({ source: node('from', f.from), target: node('to', f.to), value: f.customers })),
    }],
  } as EChartsOption;
}
