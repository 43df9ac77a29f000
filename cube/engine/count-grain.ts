/**
 * The kept counts of the as-of classification (segment_counts: owner × source
 * channel × the five stages, migration 039) and of the journeys
 * (journey_counts: per pair of days, family, move, owner and source channel,
 * migration 047) are also kept at coarser grains (migration 056): the brand
 * (no owner, no channel), and for the classification the owner alone and the
 * owner with the stages. After a write a tile's query runs again, and summing
 * the finest rows for a brand-wide count read every owner × channel cell
 * (docs/performance.md, "The classification's tiles after a write"). Each
 * cube's SQL is the finest rows and each grain's rows side by side, told
 * apart by `grain`; every query on these views is given the coarsest grain
 * that holds all its members (after the role's limits are added: a manager's
 * team, a staff member's own id). The measures are sums, so any grain that
 * holds a query's members gives the same numbers as the finest rows.
 */
import { AccessError, queryMembers, splitMember } from './access-rules.ts';

interface GrainView {
  /** Members only the finest rows hold (the source channel). */
  finest: readonly string[];
  finestGrain: string;
  /** The owner and the owner's team. */
  owner: readonly string[];
  /** The stages; empty where every grain keeps them. */
  stages: readonly string[];
}

const OWNER = ['owner', 'owner_id', 'owner_team', 'owner_team_id'];

export const GRAIN_VIEWS: Readonly<Record<string, GrainView>> = {
  segment_counts: {
    finest: ['source_channel'], finestGrain: 'channel', owner: OWNER,
    stages: ['lifecycle_stage', 'rfm_segment', 'aipl_stage', 'five_a_stage', 'value_quadrant'],
  },
  // The brand's journey rows keep the family and both stages; any owner or channel member reads the finest rows.
  journey_counts: { finest: ['source_channel', ...OWNER], finestGrain: 'owner', owner: [], stages: [] },
};

type CubeQuery = Record<string, unknown> & { filters?: unknown };

/** The grain a query's members need on a view of GRAIN_VIEWS. */
export function grainOf(view: string, members: ReadonlySet<string>): string {
  const g = GRAIN_VIEWS[view]!;
  const uses = (names: readonly string[]): boolean => names.some((n) => members.has(`${view}.${n}`));
  if (uses(g.finest)) return g.finestGrain;
  if (uses(g.owner)) return uses(g.stages) ? 'owner_stages' : 'owner';
  return 'brand';
}

/** Adds the grain filter to a query on a view of GRAIN_VIEWS; any other query is returned as it is. */
export function applyCountGrain(query: CubeQuery): CubeQuery {
  const members = queryMembers(query);
  const view = [...members].map((m) => splitMember(m)[0]).find((v) => v in GRAIN_VIEWS);
  if (!view) return query;
  if (members.has(`${view}.grain`)) throw new AccessError(400, `${view}.grain is chosen by the server from the query's members.`);
  const filters = Array.isArray(query.filters) ? query.filters : [];
  return { ...query, filters: [...filters, { member: `${view}.grain`, operator: 'equals', values: [grainOf(view, members)] }] };
}
