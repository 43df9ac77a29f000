/**
 * What each page asks for when it opens, built with the pages' own pure query
 * builders (web/src/features/<page>/build-quer{y,ies}.ts, web/src/lib/*.ts),
 * so the benchmark times the queries people actually run. The page
 * components themselves (React) cannot run here: which builders a page calls,
 * and with what, is mirrored from its `*-page.tsx` (and FilterBar's three
 * option queries); a page that adds a query must add it here too.
 */
import type { Query } from '../web/src/lib/cube.ts';
import { addDays, previousPeriod, yearAgo, type DateRange } from '../web/src/lib/date-range.ts';
import { buildFilterOptionsQuery, parseFilters, resolveDateRange, type FilterKind } from '../web/src/lib/filters.ts';
import {
  buildDrillAttributesQuery, buildDrillPageQuery, buildDrillSpendQuery, buildDrillSummaryQuery, drillCustomers, parseDrill, parsePage,
} from '../web/src/lib/drill.ts';
import {
  buildAsOfKpiQuery, buildNewCustomersKpiQuery, buildRepurchaseKpiQuery, buildRoiKpiQuery, buildSalesKpiQuery,
} from '../web/src/features/overview/kpis/build-query.ts';
import { buildGmvTrendQuery, buildSpendTrendQuery } from '../web/src/features/overview/gmv-spend-trend/build-query.ts';
import {
  buildCampaignSalesQuery, buildGmvByHourQuery, buildLeaderboardQuery, buildNewCustomersBySourceQuery,
  buildParticipantsByCityTierQuery, buildParticipationQuery as buildCampaignParticipationQuery, buildRoiByChannelQuery, campaignWindow,
} from '../web/src/features/big-screen/build-queries.ts';
import { buildCampaignListQuery, pickCampaign, toCampaignOptions } from '../web/src/features/big-screen/campaigns.ts';
import { buildConversionBreakdownQuery, buildRoiBreakdownQuery } from '../web/src/features/channels/roi-breakdown/build-query.ts';
import { buildStaffActivityQuery, buildStaffSalesQuery } from '../web/src/features/staff/team-leaderboard/build-query.ts';
import {
  buildEmployeeActivityQuery, buildEmployeeNewCustomersQuery, buildEmployeeRoiQuery, buildEmployeeSalesQuery,
} from '../web/src/features/staff/employee-detail/build-query.ts';
import { buildSegmentQuery } from '../web/src/features/segments/segment-counts/build-query.ts';
import { buildJourneyQuery, parseJourneyChoice } from '../web/src/features/segments/journey-flows/build-query.ts';
import { SEGMENT_DIMENSIONS } from '../web/src/lib/drill.ts';
import { buildBudgetQuery, buildCampaignGmvQuery, buildParticipationQuery } from '../web/src/features/activities/campaign-breakdown/build-query.ts';
import { monthlyHistoryQuery } from '../web/src/features/planner/period-history.ts';
import { ACTION_LISTS, buildActionListQuery, buildListCountQuery, buildOwnerCountsQuery, DEFAULT_LIST } from '../web/src/features/actions/build-queries.ts';
import { buildIdentitiesQuery, buildProfileQuery } from '../web/src/features/customer-360/profile/build-query.ts';
import {
  buildAppointmentsQuery, buildCampaignsQuery, buildEventsQuery, buildFollowUpsQuery, buildOrdersQuery,
} from '../web/src/features/customer-360/timeline/build-query.ts';

export type CubeQuery = Query & Record<string, unknown>;

export interface NamedQuery {
  name: string;
  query: CubeQuery;
  /** A query the page sends once this one has answered, built from its rows (the list's attributes). */
  then?: (rows: ReadonlyArray<Record<string, unknown>>) => CubeQuery | null;
}

export interface PageLoad {
  page: string;
  route: string;
  queries: NamedQuery[];
  /** The page's other requests to the app server (GET paths), issued with its queries. */
  requests: string[];
}

/** What the pages need to know before they can build their queries: what a logged-in browser already has. */
export interface PageContext {
  asOf: string;
  /** The campaign list's rows (the big-screen picks its campaign from them). */
  campaignRows: ReadonlyArray<Record<string, unknown>>;
  /** A team and one of its employees, for the staff page's drill. */
  team: string;
  employeeId: number;
  /** A channel, for the channels page's drill. */
  channel: string;
}

const q = (query: Query): CubeQuery => query as CubeQuery;
const named = (name: string, query: Query | null): NamedQuery[] => (query ? [{ name, query: q(query) }] : []);
const nullable = (query: Query | null): CubeQuery | null => (query ? q(query) : null);

function filterBar(kinds: FilterKind[]): NamedQuery[] {
  return kinds.flatMap((kind) => named(`filter_${kind}`, buildFilterOptionsQuery(kind)));
}

function rangeOf(url: string, asOf: string): DateRange | null {
  return resolveDateRange(parseFilters(new URLSearchParams(url.split('?')[1] ?? '')), asOf);
}

export function overview(ctx: PageContext): PageLoad {
  const range = rangeOf('/', ctx.asOf);
  const slice = { team: null, channel: null, campaign: null };
  const prev = range ? previousPeriod(range) : null;
  const yoy = range ? yearAgo(range) : null;
  const periods: Array<[string, DateRange | null]> = [['', range], ['_mom', prev], ['_yoy', yoy]];
  return {
    page: 'overview', route: '/', requests: [],
    queries: [
      ...filterBar(['team', 'channel', 'campaign']),
      ...periods.flatMap(([suffix, r]) => (suffix && !r ? [] : named(`sales_kpis${suffix}`, buildSalesKpiQuery(r, slice)))),
      ...periods.flatMap(([suffix, r]) => (suffix && !r ? [] : named(`new_customers${suffix}`, buildNewCustomersKpiQuery(r, slice)))),
      ...periods.flatMap(([suffix, r]) => (suffix && !r ? [] : named(`repurchase${suffix}`, buildRepurchaseKpiQuery(r, slice)))),
      ...named('churn_ltv', buildAsOfKpiQuery(slice)),
      ...periods.flatMap(([suffix, r]) => (suffix && !r ? [] : named(`roi${suffix}`, buildRoiKpiQuery(r, slice)))),
      ...named('gmv_trend', buildGmvTrendQuery(range, slice)),
      ...named('spend_trend', buildSpendTrendQuery(range, slice)),
    ],
  };
}

/** The big-screen's full refresh: the calendar (/api/me), the campaign list and every tile, all at once. */
export function bigScreen(ctx: PageContext): PageLoad {
  const campaign = pickCampaign(toCampaignOptions(ctx.campaignRows), ctx.asOf, null);
  if (!campaign) throw new Error('the data has no campaign for the big-screen');
  const [from, to] = campaignWindow(campaign.startsOn, campaign.endsOn, ctx.asOf);
  const name = campaign.name;
  return {
    page: 'big-screen', route: '/big-screen', requests: ['/api/me'],
    queries: [
      ...named('campaign_list', buildCampaignListQuery()),
      ...named('campaign_sales', buildCampaignSalesQuery(name)),
      ...named('gmv_by_hour_today', buildGmvByHourQuery(name, ctx.asOf)),
      ...named('gmv_by_hour_week_ago', buildGmvByHourQuery(name, addDays(ctx.asOf, -7))),
      ...named('participation', buildCampaignParticipationQuery(name)),
      ...named('roi_by_channel', buildRoiByChannelQuery(name)),
      ...named('leaderboard', buildLeaderboardQuery(name)),
      ...named('new_customers_by_source', buildNewCustomersBySourceQuery(from, to)),
      ...named('participants_by_city_tier', buildParticipantsByCityTierQuery(name)),
    ],
  };
}

export function channels(ctx: PageContext, drilled: boolean): PageLoad {
  const url = drilled ? `/channels?channel=${encodeURIComponent(ctx.channel)}` : '/channels';
  const range = rangeOf(url, ctx.asOf);
  const channel = drilled ? ctx.channel : null;
  return {
    page: drilled ? 'channels → a channel' : 'channels', route: drilled ? '/channels?channel=…' : '/channels', requests: [],
    queries: [
      ...filterBar(['team', 'campaign']),
      ...named('roi_by_channel', buildRoiBreakdownQuery('channel', range, { team: null, campaign: null, channel: null })),
      ...named('conversion_by_channel', buildConversionBreakdownQuery('channel', range, { team: null, campaign: null, channel: null })),
      ...(channel ? [
        ...named('roi_by_campaign', buildRoiBreakdownQuery('campaign', range, { team: null, campaign: null, channel })),
        ...named('conversion_by_campaign', buildConversionBreakdownQuery('campaign', range, { team: null, campaign: null, channel })),
        ...named('roi_by_employee', buildRoiBreakdownQuery('employee', range, { team: null, campaign: null, channel })),
      ] : []),
    ],
  };
}

export function staff(ctx: PageContext, employee: boolean): PageLoad {
  const range = rangeOf('/staff', ctx.asOf);
  const team = employee ? ctx.team : null;
  return {
    page: employee ? 'staff → an employee' : 'staff', route: employee ? '/staff?team=…&employee=…' : '/staff',
    // The employee beside the team: the server's peer comparison, over the page's range.
    requests: employee ? [`/api/peer-comparison?${new URLSearchParams({ employee: String(ctx.employeeId), from: range?.[0] ?? '2000-01-01', to: range?.[1] ?? ctx.asOf })}`] : [],
    queries: [
      ...filterBar(['team']),
      ...named('sales_by_team', buildStaffSalesQuery('team', range, null)),
      ...named('activity_by_team', buildStaffActivityQuery('team', range, null)),
      ...(team ? [
        ...named('sales_by_employee', buildStaffSalesQuery('employee', range, team)),
        ...named('activity_by_employee', buildStaffActivityQuery('employee', range, team)),
        ...named('employee_activity', buildEmployeeActivityQuery(ctx.employeeId, range)),
        ...named('employee_sales', buildEmployeeSalesQuery(ctx.employeeId, range)),
        ...named('employee_roi', buildEmployeeRoiQuery(ctx.employeeId, range)),
        ...named('employee_new_customers', buildEmployeeNewCustomersQuery(ctx.employeeId, range)),
      ] : []),
    ],
  };
}

export function segments(ctx: PageContext): PageLoad {
  const slice = { team: null, channel: null };
  return {
    page: 'segments', route: '/segments', requests: [],
    queries: [
      ...filterBar(['team', 'channel']),
      ...SEGMENT_DIMENSIONS.flatMap((d) => named(`customers_by_${d}`, buildSegmentQuery(d, slice))),
      ...named('journey_flows', buildJourneyQuery(parseJourneyChoice(new URLSearchParams(), ctx.asOf), slice)),
    ],
  };
}

export function activities(ctx: PageContext): PageLoad {
  const range = rangeOf('/activities', ctx.asOf);
  const slice = { team: null, campaign: null, channel: null };
  return {
    page: 'activities', route: '/activities', requests: [],
    queries: [
      ...filterBar(['team']),
      ...named('participation_by_campaign', buildParticipationQuery('campaign', range, slice)),
      ...named('gmv_by_campaign', buildCampaignGmvQuery('campaign', range, slice)),
      ...named('budget_by_campaign', buildBudgetQuery()),
    ],
  };
}

export function planner(ctx: PageContext): PageLoad {
  return {
    page: 'planner', route: '/planner', requests: [],
    // The page opens on the whole brand; the scope choice only adds a channel_kind filter to the same query.
    queries: [...named('monthly_history', monthlyHistoryQuery(ctx.asOf, 'all'))],
  };
}

export function actions(): PageLoad {
  const filter = { list: DEFAULT_LIST, team: null, owner: null };
  return {
    page: 'actions', route: '/actions', requests: [],
    queries: [
      ...filterBar(['team']),
      ...ACTION_LISTS.flatMap((list) => named(`count_${list}`, buildListCountQuery(list, { team: null, owner: null }))),
      ...named('list', buildActionListQuery(filter, 1)),
      ...named('owner_counts', buildOwnerCountsQuery(filter)),
    ],
  };
}

/** The pages whose tiles are timed one by one and whose opening is timed as a whole. */
export function tilePages(ctx: PageContext): PageLoad[] {
  return [
    overview(ctx), bigScreen(ctx), channels(ctx, false), channels(ctx, true), staff(ctx, false), staff(ctx, true),
    segments(ctx), activities(ctx), planner(ctx), actions(),
  ];
}

/**
 * The drill-down list as `/customers?<params>` opens it: the page of rows with
 * its total, the number itself for the header (and the spend for ROI and CAC),
 * and the filter bar. `params` is the URL's query string.
 */
export function drillList(params: string, asOf: string): PageLoad {
  const search = new URLSearchParams(params);
  const slice = parseDrill(search, asOf);
  const page = parsePage(search);
  return {
    page: 'customers (drill-down list)', route: `/customers?${params}`, requests: [],
    queries: [
      ...filterBar(['team', 'channel', 'campaign']),
      // The page ranks its customers, then fetches their attributes by id.
      { name: 'list', query: q(buildDrillPageQuery(slice, page)), then: (rows) => nullable(buildDrillAttributesQuery(slice, drillCustomers(slice.metric, rows))) },
      ...named('summary', buildDrillSummaryQuery(slice)),
      ...named('spend', buildDrillSpendQuery(slice)),
    ],
  };
}

export function customer360(customerId: number): PageLoad {
  return {
    page: 'customer 360', route: '/customers/:id', requests: [],
    queries: [
      ...named('profile', buildProfileQuery(customerId)),
      ...named('identities', buildIdentitiesQuery(customerId)),
      ...named('orders', buildOrdersQuery(customerId)),
      ...named('campaigns', buildCampaignsQuery(customerId)),
      ...named('events', buildEventsQuery(customerId)),
      ...named('follow_ups', buildFollowUpsQuery(customerId)),
      ...named('appointments', buildAppointmentsQuery(customerId)),
    ],
  };
}
