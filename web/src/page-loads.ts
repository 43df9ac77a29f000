/**
 * What each page asks for when it opens with its default URL, as the
 * benchmark (bench/) times it and the rollup test (test/model/rollups.test.ts)
 * checks it. The queries are the pages' own lists
 * (`features/<page>/page-queries.ts`, which the pages run), so a query a page
 * adds is timed and checked with nothing else to edit. Not part of the
 * browser bundle: nothing in the app imports it. It lives beside `app.tsx`
 * because, like the app's routes, it is the one place that knows every page.
 */
import type { Query } from './lib/cube.ts';
import type { DateRange } from './lib/date-range.ts';
import { DEFAULT_COMPARE } from './lib/date-range.ts';
import { parseDrill, parsePage } from './lib/drill.ts';
import { parseFilters, resolveDateRange } from './lib/filters.ts';
import type { PageQueries } from './lib/page-queries.ts';
import { actionListsQueries } from './features/actions/page-queries.ts';
import { DEFAULT_LIST } from './features/actions/build-queries.ts';
import { activitiesQueries } from './features/activities/page-queries.ts';
import { pickCampaign, toCampaignOptions } from './features/big-screen/campaigns.ts';
import { bigScreenQueries } from './features/big-screen/page-queries.ts';
import { channelsQueries } from './features/channels/page-queries.ts';
import { customer360Queries } from './features/customer-360/page-queries.ts';
import { attributesQuery, customersQueries } from './features/customers/page-queries.ts';
import { overviewQueries } from './features/overview/page-queries.ts';
import { plannerQueries } from './features/planner/page-queries.ts';
import { parseJourneyChoice } from './features/segments/journey-flows/build-query.ts';
import { segmentsQueries } from './features/segments/page-queries.ts';
import { staffQueries } from './features/staff/page-queries.ts';

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
  /**
   * The date range as the URL carries it (`range=last_30_days`, or
   * `from=…&to=…` for a custom one); absent: each page's default.
   */
  range?: string;
}

/** The queries a page sends in this state, in its list's order (the nulls are not sent). */
function named(queries: PageQueries): NamedQuery[] {
  return Object.entries(queries).flatMap(([name, query]) => (query ? [{ name, query: query as CubeQuery }] : []));
}

function filtersOf(url: string) {
  return parseFilters(new URLSearchParams(url.split('?')[1] ?? ''));
}

function rangeOf(url: string, asOf: string): DateRange | null {
  return resolveDateRange(filtersOf(url), asOf);
}

/** A page's URL with the context's date range in it, as the filter bar writes it. */
function withRange(url: string, ctx: PageContext): string {
  return ctx.range ? `${url}${url.includes('?') ? '&' : '?'}${ctx.range}` : url;
}

/** `limitedRole`: a staff member's or manager's overview (their churn and LTV from the stored classification counts). */
export function overview(ctx: PageContext, limitedRole = false): PageLoad {
  const range = rangeOf(withRange('/', ctx), ctx.asOf);
  return {
    page: 'overview', route: '/', requests: [],
    queries: named(overviewQueries(range, { team: null, channel: null, campaign: null }, DEFAULT_COMPARE, null, ctx.asOf, limitedRole)),
  };
}

/** The big-screen's full refresh: the calendar (/api/me), the campaign list and every tile, all at once. */
export function bigScreen(ctx: PageContext): PageLoad {
  const campaign = pickCampaign(toCampaignOptions(ctx.campaignRows), ctx.asOf, null);
  if (!campaign) throw new Error('the data has no campaign for the big-screen');
  return { page: 'big-screen', route: '/big-screen', requests: ['/api/me'], queries: named(bigScreenQueries(campaign, ctx.asOf)) };
}

export function channels(ctx: PageContext, drilled: boolean): PageLoad {
  const url = withRange(drilled ? `/channels?channel=${encodeURIComponent(ctx.channel)}` : '/channels', ctx);
  return {
    page: drilled ? 'channels → a channel' : 'channels', route: drilled ? '/channels?channel=…' : '/channels', requests: [],
    queries: named(channelsQueries(rangeOf(url, ctx.asOf), filtersOf(url), ctx.asOf)),
  };
}

export function staff(ctx: PageContext, employee: boolean): PageLoad {
  const range = rangeOf(withRange('/staff', ctx), ctx.asOf);
  return {
    page: employee ? 'staff → an employee' : 'staff', route: employee ? '/staff?team=…&employee=…' : '/staff',
    // The employee beside the team: the server's peer comparison, over the page's range.
    requests: employee ? [`/api/peer-comparison?${new URLSearchParams({ employee: String(ctx.employeeId), from: range?.[0] ?? '2000-01-01', to: range?.[1] ?? ctx.asOf })}`] : [],
    queries: named(staffQueries(range, employee ? ctx.team : null, employee ? ctx.employeeId : null, true, ctx.asOf)),
  };
}

export function segments(ctx: PageContext): PageLoad {
  return {
    page: 'segments', route: '/segments', requests: [],
    queries: named(segmentsQueries({ team: null, channel: null }, parseJourneyChoice(new URLSearchParams(), ctx.asOf))),
  };
}

/** As an executive opens it: with the budgets. */
export function activities(ctx: PageContext): PageLoad {
  const url = withRange('/activities', ctx);
  return { page: 'activities', route: '/activities', requests: [], queries: named(activitiesQueries(rangeOf(url, ctx.asOf), filtersOf(url), true, ctx.asOf)) };
}

export function planner(ctx: PageContext): PageLoad {
  return { page: 'planner', route: '/planner', requests: [], queries: named(plannerQueries(ctx.asOf)) };
}

/** The four lists as an executive opens them (staff and managers start on today's list, `GET /api/today`). */
export function actions(): PageLoad {
  return {
    page: 'actions', route: '/actions', requests: [],
    queries: named(actionListsQueries({ list: DEFAULT_LIST, team: null, owner: null }, 1)),
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
 * The drill-down list as `/customers?<params>` opens it for an executive:
 * the page of rows with its total, then their attributes, the number itself
 * for the header (and the spend for ROI and CAC), and the filter bar.
 * `params` is the URL's query string; `limitedRole`: a staff member's or manager's page (their own slice and its remainder).
 */
export function drillList(params: string, asOf: string, limitedRole = false, staff = false): PageLoad {
  const search = new URLSearchParams(params);
  const slice = parseDrill(search, asOf);
  const queries = named(customersQueries(slice, parsePage(search), limitedRole, asOf, staff)).map((q) =>
    q.name === 'list' ? { ...q, then: (rows: ReadonlyArray<Record<string, unknown>>) => attributesQuery(slice, rows) as CubeQuery | null } : q);
  return { page: 'customers (drill-down list)', route: `/customers?${params}`, requests: [], queries };
}

export function customer360(customerId: number): PageLoad {
  return { page: 'customer 360', route: '/customers/:id', requests: [], queries: named(customer360Queries(customerId)) };
}
