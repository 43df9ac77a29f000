/**
 * Every query the four action lists send, by name (see lib/page-queries.ts):
 * each list's count on its tab, the chosen list's page and its backlog per
 * owner. Today's list comes from the app server (`GET /api/today`).
 */
import type { FilterKind } from '../../lib/filters.ts';
import { filterBarQueries } from '../../lib/page-queries.ts';
import type { Query } from '../../lib/cube.ts';
import { ACTION_LISTS, buildActionListQuery, buildListCountQuery, buildOwnerCountsQuery, type ActionFilter, type ActionList } from './build-queries.ts';

export const ACTIONS_FILTERS: FilterKind[] = ['team'];

export function actionListsQueries(filter: ActionFilter, page: number) {
  const counts = Object.fromEntries(ACTION_LISTS.map((list) => [`count_${list}`, buildListCountQuery(list, { team: filter.team, owner: filter.owner })])) as Record<`count_${ActionList}`, Query>;
  return {
    ...filterBarQueries(ACTIONS_FILTERS),
    ...counts,
    list: buildActionListQuery(filter, page),
    owner_counts: buildOwnerCountsQuery(filter),
  };
}
