/**
 * The deterministic demo-data generator. Given the same options it writes the
 * same rows in the same order, byte for byte, to one sink per table.
 *
 * The story it tells: a brand acquires customers through channels of
 * different cost and quality; staff of different skill own them; customers buy
 * with seasonal peaks (11.11, 618), join campaigns, invite friends, book
 * visits, and in time go quiet. Some campaigns, mostly brand ones, lose money.
 * The brand grows with its customer count (seed/brand-size.ts): more teams,
 * channels and city campaigns, and deeper histories.
 *
 * It works in two steps. The brand plan (planBrand) holds everything that is
 * not one customer's: teams, staff, channels, campaigns and their spend, each
 * customer's registration day and random stream. Customers are then made in
 * blocks of BLOCK_CUSTOMERS in registration order (generateBlock); a block
 * depends only on the plan, so blocks can be made in parallel
 * (seed/parallel.ts) and still give the same rows. The default demo is one
 * block.
 */
import { poisson, Random, sumInOrder } from './prng.ts';
import { phoneDigits } from './phones.ts';
import { dayNumber, isoDate, localTimestamp, MAX_SEASONALITY, seasonality, yearStart } from './calendar.ts';
import { sampleSecondOfDay } from './hour-curve.ts';
import { brandSize, REFERENCE_CUSTOMERS, type BrandSize } from './brand-size.ts';
import {
  brandTeams, CAMPAIGN_CALENDAR, CAMPAIGN_CONVERSION, CHANNEL_CATALOGUE, CITY_TIERS, CITY_TIER_WEIGHTS, EXTRA_TEAM_ROLES, GIVEN_NAME_CHARS,
  MEMBER_LEVELS, PHONE_PREFIXES, SURNAMES, TEAM_ROLES, type CampaignTemplate, type CampaignType, type ChannelSpec,
  type EmployeeRole,
} from './reference-data.ts';

export type Cell = string | number | boolean | null;

export interface RowSink {
  row(cells: readonly Cell[]): void;
}

/** Tables in load order (parents before children), with their COPY columns. */
export const TABLE_COLUMNS = {
  settings: ['key', 'value'],
  teams: ['id', 'name', 'region', 'manager_id'],
  employees: ['id', 'name', 'team_id', 'role', 'hired_at', 'active'],
  channels: ['id', 'code', 'name', 'kind', 'type'],
  campaigns: ['id', 'name', 'type', 'starts_at', 'ends_at', 'budget', 'target_gmv'],
  customers: ['id', 'name', 'phone', 'gender', 'birthday', 'city_tier', 'source_channel_id', 'owner_employee_id',
    'registered_at', 'member_level', 'referred_by_customer_id'],
  customer_identities: ['id', 'customer_id', 'system', 'external_id'],
  campaign_spend: ['id', 'campaign_id', 'channel_id', 'employee_id', 'spent_on', 'amount'],
  campaign_participations: ['id', 'campaign_id', 'customer_id', 'employee_id', 'channel_id', 'joined_at',
    'invited_by_customer_id'],
  orders: ['id', 'customer_id', 'employee_id', 'channel_id', 'campaign_id', 'ordered_at', 'amount', 'items',
    'category', 'status'],
  events: ['id', 'customer_id', 'type', 'channel_id', 'occurred_at'],
  follow_ups: ['id', 'customer_id', 'employee_id', 'kind', 'occurred_at'],
  appointments: ['id', 'customer_id', 'employee_id', 'booked_at', 'scheduled_for', 'arrived_at'],
} as const satisfies Record<string, readonly string[]>;

export type TableName = keyof typeof TABLE_COLUMNS;
export const TABLES = Object.keys(TABLE_COLUMNS) as TableName[];

/** The columns that hold a moment (timestamptz). */
export const TIMESTAMP_COLUMNS: ReadonlySet<string> = new Set(['starts_at', 'ends_at', 'registered_at', 'joined_at', 'ordered_at',
  'occurred_at', 'booked_at', 'scheduled_for', 'arrived_at']);

/** The tables the customer blocks write; each row's first cell is its id, numbered per table across blocks. */
export const CUSTOMER_TABLES = ['customers', 'customer_identities', 'campaign_participations', 'orders', 'events',
  'follow_ups', 'appointments'] as const satisfies readonly TableName[];
export type CustomerTable = (typeof CUSTOMER_TABLES)[number];
/** The brand's own tables, written by the plan. */
export const BRAND_TABLES = TABLES.filter((t) => !(CUSTOMER_TABLES as readonly string[]).includes(t));

/** Customers per block: the default demo is exactly one block. */
export const BLOCK_CUSTOMERS = REFERENCE_CUSTOMERS;

export interface GenerateOptions {
  customers: number;
  seed: number;
  /** The as-of date, YYYY-MM-DD: history ends here. */
  asOf: string;
  /** The business time zone (IANA name); timestamps carry its UTC offset at each moment. Default Asia/Shanghai. */
  timeZone?: string;
  /** A fixed UTC offset in hours instead of the zone's own (for fixtures only). */
  utcOffsetHours?: number;
  /** Customers per block (default BLOCK_CUSTOMERS). Part of the data's identity: tests use small blocks. */
  blockCustomers?: number;
  onProgress?: (done: number, total: number) => void;
}

const HISTORY_DAYS = 730;

/**
 * Calibrated rates (docs/demo-rates.md says where each range comes from and
 * what the default demo measures).
 */
export const RATES = {
  /**
   * Chance that an order placed while a campaign runs carries it, as long as the
   * campaign still has orders to win on one of its channels (see CHANNEL_RESPONSE).
   */
  campaignAttribution: 0.85,
  /** Chance that a first buyer never orders again, by the first order's category. */
  oneTimeBuyer: { traffic: 0.6, other: 0.42 },
  /** Chance (× engagement, capped at 2.5) that an active customer joins a campaign without buying from it. */
  joinWithoutBuying: { promotion: 0.05, brand: 0.22, revenue: 0.05, co_creation: 0.045 } as Record<CampaignType, number>,
} as const;

/** Campaign budgets in CNY per template yuan, sized so that campaign ROI spans losses to about 8×. */
const BUDGET_SCALE = 1.1;

/**
 * Each channel's true response of attributed GMV to its spend in one campaign:
 * a saturating (Michaelis–Menten, Hill with shape 1) curve
 *   gmv(s) = roiAtReference × (reference + halfSaturation) × s / (s + halfSaturation),
 * with reference = REFERENCE_SPEND_PER_COST_WEIGHT × costWeight × (audience / 20,000) and
 * halfSaturation = halfSaturationRatio × reference, where the audience is the customers the
 * campaign reaches (all of them, or a city's for a city campaign). So the channel's ROI at its
 * reference spend is roiAtReference, and each further yuan returns less. A campaign wins
 * Poisson(gmv(s) / ATTRIBUTED_ORDER_VALUE) attributed orders on the channel (its
 * converted customers), taken from orders placed while it runs; the planner's
 * back-test is meant to find these curves.
 */
export const REFERENCE_SPEND_PER_COST_WEIGHT = 3_000;
/** About the mean paid amount of an order a campaign claims (CNY), measured on the demo. */
export const ATTRIBUTED_ORDER_VALUE = 700;
export function channelResponse(channelIndex: number, audience: number): { reference: number; halfSaturation: number; gmvMax: number } {
  const ch = CHANNEL_CATALOGUE[channelIndex]!;
  const reference = REFERENCE_SPEND_PER_COST_WEIGHT * ch.costWeight * (audience / 20_000);
  // Private channels (own pool, staff) return more than bought public reach.
  const roiAtReference = ch.kind === 'private' ? 1.5 + 4 * ch.conversion : 0.3 + 2 * ch.conversion;
  const halfSaturationRatio = 0.6 + ((channelIndex * 7) % 5) * 0.3;
  const halfSaturation = halfSaturationRatio * reference;
  return { reference, halfSaturation, gmvMax: roiAtReference * (reference + halfSaturation) };
}

/** Cents to a numeric literal with two decimals, with integer arithmetic only. */
export function money(cents: number): string {
  const c = Math.round(cents);
  const whole = Math.floor(c / 100);
  const frac = c % 100;
  return `${whole}.${frac < 10 ? '0' : ''}${frac}`;
}

interface Employee {
  id: number;
  teamId: number;
  role: EmployeeRole;
  hiredDay: number;
  skill: number;
  /** The city of the employee's team (null: a nationwide team). */
  city: string | null;
}

interface Campaign {
  id: number;
  type: CampaignType;
  startDay: number;
  endDay: number;
  pull: number;
  budgetCents: number;
  /** A city campaign reaches the customers of that city's teams; null: every customer. */
  city: string | null;
  /** Share of the customers the campaign reaches. */
  reach: number;
  /** The channels it spends on (catalogue indexes, ascending) and the attributed orders each has to win. */
  winChannels: number[];
  toWin: number[];
  /**
   * How the participants who do not buy spread over the win channels: the
   * orders a channel wins × the odds against buying there (CAMPAIGN_CONVERSION),
   * so every channel a campaign runs on converts some, paid reach the least.
   */
  joinWeights: number[];
  joinTotal: number;
}

/** Who may own a customer registered on a day: the staff hired by then, with their owner weights. */
interface OwnerCandidates {
  employees: Employee[];
  weights: number[];
  total: number;
}

interface Block {
  /** Index of the block's first customer (its id is start + 1) and one past its last. */
  start: number;
  end: number;
  /** The customer stream, positioned at the block's first customer. */
  stream: Random;
  /** Attributed orders this block may win, per campaign index and win channel. */
  quota: number[][];
}

/** Everything that is not one customer's; the same for every block. */
export interface BrandPlan {
  options: GenerateOptions;
  size: BrandSize;
  offset: number | string;
  asOfDay: number;
  /** The first day of history, and the last day anything is dated (an appointment booked for after as-of). */
  startDay: number;
  lastDay: number;
  channels: readonly ChannelSpec[];
  employees: Employee[];
  campaigns: Campaign[];
  /** Campaigns running on each day from startDay (index: day − startDay). */
  campaignsOnDay: Campaign[][];
  registrationDays: Int32Array;
  blocks: Block[];
  ownerCandidates: (day: number) => OwnerCandidates;
}

export type Emit = (table: TableName, cells: readonly Cell[]) => void;

/** Row counters of the customer tables: the last id written to each. */
export type CustomerIds = Record<CustomerTable, number>;
export const noCustomerIds = (): CustomerIds => Object.fromEntries(CUSTOMER_TABLES.map((t) => [t, 0])) as CustomerIds;

/** Generates the whole data set in order into one sink per table; returns the rows per table. */
export function generate(options: GenerateOptions, sinkFor: (table: TableName) => RowSink): Record<TableName, number> {
  const counts = Object.fromEntries(TABLES.map((t) => [t, 0])) as Record<TableName, number>;
  const sinks = Object.fromEntries(TABLES.map((t) => [t, sinkFor(t)])) as Record<TableName, RowSink>;
  const emit: Emit = (table, cells) => {
    sinks[table].row(cells);
    counts[table]++;
  };
  const plan = planBrand(options, emit);
  const ids = noCustomerIds();
  const onCustomer = options.onProgress
    ? (id: number) => { if (id % 500 === 0 || id === options.customers) options.onProgress!(id, options.customers); }
    : undefined;
  for (let b = 0; b < plan.blocks.length; b++) generateBlock(plan, b, emit, ids, { onCustomer });
  return counts;
}

/**
 * The brand: settings, teams, staff, channels, campaigns and their spend
 * (written through `emit` when given), and what the customer blocks share.
 */
export function planBrand(options: GenerateOptions, emit: Emit = () => {}): BrandPlan {
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  const offset = options.utcOffsetHours ?? timeZone;
  const asOfDay = dayNumber(options.asOf);
  const startDay = asOfDay - HISTORY_DAYS + 1;
  const scale = options.customers / 20_000;
  const size = brandSize(options.customers, CHANNEL_CATALOGUE.length);
  const root = new Random(options.seed);
  const ts = (day: number, second: number): string => localTimestamp(day, second, offset);

  // Settings.
  emit('settings', ['as_of', options.asOf]);
  emit('settings', ['time_zone', timeZone]);

  // Teams and employees: ten people a team (more in a bigger brand), of different skill; a few joined mid-history.
  const staffRandom = root.fork(1);
  const teams = brandTeams(size.teams);
  const extraPeople = Math.max(0, size.employees - TEAM_ROLES.length * teams.length);
  const teamRoles = teams.map((_team, t) => {
    const extra = Math.floor(extraPeople / teams.length) + (t < extraPeople % teams.length ? 1 : 0);
    return [...TEAM_ROLES, ...Array.from({ length: extra }, (_, k) => EXTRA_TEAM_ROLES[k % EXTRA_TEAM_ROLES.length]!)];
  });
  const firstIdOfTeam: number[] = [];
  let nextEmployeeId = 1;
  for (const roles of teamRoles) {
    firstIdOfTeam.push(nextEmployeeId);
    nextEmployeeId += roles.length;
  }
  const employees: Employee[] = [];
  const usedNames = new Set<string>();
  const uniqueName = (r: Random): string => {
    for (;;) {
      const given = r.pick(GIVEN_NAME_CHARS) + (r.chance(0.7) ? r.pick(GIVEN_NAME_CHARS) : '');
      const name = r.pick(SURNAMES) + given;
      if (!usedNames.has(name)) {
        usedNames.add(name);
        return name;
      }
    }
  };
  teams.forEach((team, t) => emit('teams', [t + 1, team.name, team.region, firstIdOfTeam[t]!]));
  teams.forEach((team, t) => {
    teamRoles[t]!.forEach((role, i) => {
      const id = firstIdOfTeam[t]! + i;
      const lateJoiner = role === 'advisor' && staffRandom.chance(0.3);
      const hiredDay = lateJoiner ? startDay + staffRandom.int(30, 500) : startDay - staffRandom.int(60, 1500);
      const skill = Math.min(2.2, Math.max(0.45, staffRandom.logNormal(1, 0.32)));
      const active = !(role === 'advisor' && !lateJoiner && staffRandom.chance(0.12));
      employees.push({ id, teamId: t + 1, role, hiredDay, skill, city: team.city });
      emit('employees', [id, uniqueName(staffRandom), t + 1, role, isoDate(hiredDay), active]);
    });
  });

  const channels = CHANNEL_CATALOGUE.slice(0, size.channels);
  channels.forEach((c, i) => emit('channels', [i + 1, c.code, c.name, c.kind, c.type]));

  // Campaigns: the yearly calendar over the two years of history; a bigger
  // brand adds city editions of it (…·上海站), run by that city's teams.
  const campaignRandom = root.fork(2);
  const campaigns: Campaign[] = [];
  const firstYear = Number(isoDate(startDay).slice(0, 4));
  const lastYear = Number(isoDate(asOfDay).slice(0, 4));
  interface Candidate { template: CampaignTemplate; year: number; s: number; e: number; city: string | null }
  const candidates: Candidate[] = [];
  for (let year = firstYear; year <= lastYear; year++) {
    for (const template of CAMPAIGN_CALENDAR) {
      const s = dayNumber(`${year}-${String(template.start[0]).padStart(2, '0')}-${String(template.start[1]).padStart(2, '0')}`);
      const e = dayNumber(`${year}-${String(template.end[0]).padStart(2, '0')}-${String(template.end[1]).padStart(2, '0')}`);
      if (s >= startDay && s <= asOfDay) candidates.push({ template, year, s, e, city: null });
    }
  }
  const teamsPerCity = new Map<string, number>();
  for (const team of teams) if (team.city) teamsPerCity.set(team.city, (teamsPerCity.get(team.city) ?? 0) + 1);
  candidates.push(...cityEditions(candidates, [...teamsPerCity.keys()], Math.round(candidates.length * size.campaignFactor) - candidates.length, campaignRandom));
  candidates.sort((a, b) => a.s - b.s || a.template.name.localeCompare(b.template.name) || compareCity(a.city, b.city));
  const targetRoi: Record<CampaignType, number> = { promotion: 4.5, revenue: 4, co_creation: 3, brand: 1.6 };
  candidates.forEach((c, i) => {
    const id = i + 1;
    const reach = c.city === null ? 1 : (0.94 * teamsPerCity.get(c.city)!) / teams.length;
    const growth = 0.6 + (0.9 * (c.s - startDay)) / HISTORY_DAYS;
    const audienceScale = (c.city === null ? scale : scale * reach) * size.depth.spend;
    const budgetCents = Math.round((c.template.budget * BUDGET_SCALE * growth * audienceScale * (0.85 + campaignRandom.next() * 0.3)) / 100) * 10_000;
    const targetCents = Math.round((budgetCents * targetRoi[c.template.type] * (0.9 + campaignRandom.next() * 0.3)) / 10_000) * 10_000;
    campaigns.push({ id, type: c.template.type, startDay: c.s, endDay: c.e, pull: c.template.pull, budgetCents, city: c.city, reach, winChannels: [], toWin: [], joinWeights: [], joinTotal: 0 });
    const name = c.city === null ? `${c.year} ${c.template.name}` : `${c.year} ${c.template.name}·${c.city}站`;
    emit('campaigns', [id, name, c.template.type, ts(c.s, 0), ts(c.e, 86_399), money(budgetCents), money(targetCents)]);
  });
  const lastCampaignDay = Math.max(asOfDay, ...campaigns.map((c) => c.endDay));
  const campaignsOnDay: Campaign[][] = Array.from({ length: lastCampaignDay - startDay + 1 }, () => []);
  for (const c of campaigns) {
    for (let d = c.startDay; d <= c.endDay; d++) campaignsOnDay[d - startDay]!.push(c);
  }

  // Campaign spend: budget spread over the campaign's channels (by cost weight,
  // varied per campaign so each channel's history spans a range of spend) and
  // days; spend on staff-run channels is paid per person, the rest centrally.
  // What the spend buys follows each channel's true response curve.
  const spendRandom = root.fork(3);
  let spendId = 0;
  for (const c of campaigns) {
    const privateOnly = c.type === 'revenue' || c.type === 'co_creation' || c.city !== null;
    const pool = channels.map((ch, i) => ({ ch, i })).filter(({ ch }) => !privateOnly || ch.kind === 'private');
    const wanted = c.city !== null ? 3 : c.type === 'promotion' ? 6 : c.type === 'brand' ? 5 : 3;
    const chosen: typeof pool = [];
    while (chosen.length < wanted && pool.length > 0) {
      const k = spendRandom.weightedIndex(pool.map(({ ch }) => ch.costWeight + (c.type === 'brand' && ch.kind === 'public' ? 3 : 0)));
      chosen.push(pool.splice(k, 1)[0]!);
    }
    chosen.sort((a, b) => a.i - b.i);
    const utilisation = c.type === 'brand' ? 0.9 + spendRandom.next() * 0.25 : 0.72 + spendRandom.next() * 0.32;
    const lastDay = Math.min(c.endDay, asOfDay);
    const runDays = c.endDay - c.startDay + 1;
    const totalCents = c.budgetCents * utilisation * ((lastDay - c.startDay + 1) / runDays);
    const weights = chosen.map(({ ch }) => ch.costWeight * spendRandom.logNormal(1, 0.5));
    const weightSum = weights.reduce((s, w) => s + w, 0);
    for (const [k, { ch, i }] of chosen.entries()) {
      const channelCents = (totalCents * weights[k]!) / weightSum;
      let spentCents = 0;
      const payees = ch.staffSpend
        ? employees.filter((e) => (e.role === 'community' || e.role === 'activity' || e.role === 'advisor') && e.hiredDay <= c.startDay
          && (c.city === null || e.city === c.city) && spendRandom.chance(0.25)).slice(0, 6)
        : [];
      let dayWeightSum = 0;
      for (let d = c.startDay; d <= lastDay; d++) dayWeightSum += seasonality(d);
      for (let d = c.startDay; d <= lastDay; d++) {
        const dayCents = (channelCents * seasonality(d)) / dayWeightSum;
        if (payees.length === 0) {
          spentCents += Math.floor(dayCents);
          emit('campaign_spend', [++spendId, c.id, i + 1, null, isoDate(d), money(Math.floor(dayCents))]);
        } else {
          // One central line plus one line for each person running it here.
          spentCents += Math.floor(dayCents * 0.3);
          emit('campaign_spend', [++spendId, c.id, i + 1, null, isoDate(d), money(Math.floor(dayCents * 0.3))]);
          for (const e of payees) {
            const cents = Math.floor((dayCents * 0.7 * (0.6 + spendRandom.next() * 0.8)) / payees.length);
            spentCents += cents;
            emit('campaign_spend', [++spendId, c.id, i + 1, e.id, isoDate(d), money(cents)]);
          }
        }
      }
      const curve = channelResponse(i, options.customers * c.reach * size.depth.spend);
      const spent = spentCents / 100;
      const expectedGmv = (curve.gmvMax * spent) / (spent + curve.halfSaturation);
      c.winChannels.push(i);
      c.toWin.push(poisson(spendRandom, expectedGmv / ATTRIBUTED_ORDER_VALUE));
      const odds = CAMPAIGN_CONVERSION[channels[i]!.type];
      c.joinWeights.push(c.toWin[c.toWin.length - 1]! * (1 / odds - 1));
    }
    c.joinTotal = sumInOrder(c.joinWeights);
  }

  // Registration days: growing over time, with seasonal and campaign boosts.
  const customerRandom = root.fork(4);
  const dayWeights: number[] = [];
  for (let d = startDay; d <= asOfDay; d++) {
    const growth = 0.6 + (0.8 * (d - startDay)) / HISTORY_DAYS;
    const boost = campaignsOnDay[d - startDay]!.reduce((s, c) => c.city === null
      ? s + 0.5 * c.pull + (c.type === 'brand' ? 0.6 : 0)
      : s + c.reach * (0.5 * c.pull + (c.type === 'brand' ? 0.6 : 0)), 0);
    dayWeights.push(growth * (Math.sqrt(seasonality(d)) + boost));
  }
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of dayWeights) cumulative.push((acc += w));
  const customersOnDay = new Int32Array(HISTORY_DAYS);
  for (let i = 0; i < options.customers; i++) {
    const r = customerRandom.next() * acc;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    customersOnDay[lo]!++;
  }
  // The days in order (what sorting the draws gives).
  const registrationDays = new Int32Array(options.customers);
  for (let d = 0, i = 0; d < HISTORY_DAYS; d++) registrationDays.fill(startDay + d, i, (i += customersOnDay[d]!));

  // Blocks: each starts the customer stream where the customers before it left it.
  const blockCustomers = options.blockCustomers ?? BLOCK_CUSTOMERS;
  if (!Number.isInteger(blockCustomers) || blockCustomers < 1) throw new Error('blockCustomers must be a whole number ≥ 1');
  const blocks: Block[] = [];
  for (let start = 0; start < options.customers; start += blockCustomers) {
    blocks.push({ start, end: Math.min(options.customers, start + blockCustomers), stream: customerRandom.clone(), quota: [] });
    customerRandom.skip(Math.min(blockCustomers, options.customers - start));
  }
  splitQuotas(campaigns, blocks, registrationDays, startDay);

  const ownerWeightOf: Record<EmployeeRole, number> = { advisor: 5, community: 2.5, lead: 0.6, activity: 0.5, content: 0.3 };
  const ownersByDay = new Map<number, OwnerCandidates>();
  const ownerCandidates = (day: number): OwnerCandidates => {
    let found = ownersByDay.get(day);
    if (!found) {
      const hired = employees.filter((e) => e.hiredDay <= day);
      const weights = hired.map((e) => ownerWeightOf[e.role] * (0.5 + e.skill));
      found = { employees: hired, weights, total: sumInOrder(weights) };
      ownersByDay.set(day, found);
    }
    return found;
  };

  // Appointments are booked up to 14 days ahead of a day up to as-of; arrivals are on that day.
  const lastDay = asOfDay + 14;
  return { options, size, offset, asOfDay, startDay, lastDay, channels, employees, campaigns, campaignsOnDay, registrationDays, blocks, ownerCandidates };
}

const compareCity = (a: string | null, b: string | null): number => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);

/**
 * `count` city editions of the national campaigns, mostly of member days and
 * group buys (revenue) and promotions, fewer of brand campaigns; each runs in
 * part of its national window.
 */
function cityEditions(national: readonly { template: CampaignTemplate; year: number; s: number; e: number }[], cities: readonly string[], count: number, r: Random) {
  if (count <= 0 || cities.length === 0) return [];
  const typeWeight: Record<CampaignType, number> = { revenue: 3, promotion: 2, co_creation: 2, brand: 1 };
  // Weighted sampling without replacement: the smallest −ln(u) / weight keys win.
  const keyed = national.flatMap((c) => cities.map((city) => ({ c, city, key: -Math.log(1 - r.next()) / typeWeight[c.template.type] })));
  keyed.sort((a, b) => a.key - b.key);
  return keyed.slice(0, count).map(({ c, city }) => {
    const trim = Math.floor((c.e - c.s) / 3);
    const s = c.s + r.int(0, trim);
    const e = Math.max(s + 1, c.e - r.int(0, trim));
    return { template: c.template, year: c.year, s, e, city };
  });
}

/**
 * Shares each campaign's attributed orders out to the blocks, in proportion
 * to the customers each block has active while the campaign runs (registered
 * by its end; those registered long before it count less, as many have gone
 * quiet), by largest remainder so the shares add up. One block gets it all.
 */
function splitQuotas(campaigns: readonly Campaign[], blocks: readonly Block[], registrationDays: Int32Array, startDay: number): void {
  if (blocks.length === 1) {
    blocks[0]!.quota = campaigns.map((c) => [...c.toWin]);
    return;
  }
  const QUIET_DAYS = 250;
  // Per block: customers registered up to each day, and the same weighted by exp(day / QUIET_DAYS).
  const upTo = blocks.map((block) => {
    const count = new Float64Array(HISTORY_DAYS + 1);
    const weighted = new Float64Array(HISTORY_DAYS + 1);
    for (let i = block.start; i < block.end; i++) {
      const d = registrationDays[i]! - startDay;
      count[d + 1]!++;
      weighted[d + 1]! += Math.exp(d / QUIET_DAYS);
    }
    for (let d = 1; d <= HISTORY_DAYS; d++) {
      count[d]! += count[d - 1]!;
      weighted[d]! += weighted[d - 1]!;
    }
    return { count, weighted };
  });
  for (const block of blocks) block.quota = campaigns.map(() => []);
  campaigns.forEach((c, ci) => {
    const s = Math.min(HISTORY_DAYS, c.startDay - startDay + 1);
    const e = Math.min(HISTORY_DAYS, c.endDay - startDay + 1);
    const weights = upTo.map(({ count, weighted }) =>
      0.25 * count[s]! + 0.75 * Math.exp(-(s - 1) / QUIET_DAYS) * weighted[s]! + (count[e]! - count[s]!));
    const total = weights.reduce((a, w) => a + w, 0);
    for (const n of c.toWin) {
      const exact = weights.map((w) => (total > 0 ? (n * w) / total : 0));
      const shares = exact.map(Math.floor);
      let left = n - shares.reduce((a, x) => a + x, 0);
      const byRemainder = exact.map((x, b) => ({ b, rest: x - Math.floor(x) })).sort((x, y) => y.rest - x.rest || x.b - y.b);
      for (let k = 0; left > 0; k = (k + 1) % byRemainder.length, left--) shares[byRemainder[k]!.b]!++;
      shares.forEach((share, b) => blocks[b]!.quota[ci]!.push(share));
    }
  });
}

export interface BlockOptions {
  /** Hears each customer id once the customer is done. */
  onCustomer?: (id: number) => void;
  /**
   * How a moment (a local day and second of that day) is written; by default
   * as a timestamptz literal (localTimestamp). The COPY writer takes a number
   * instead and writes the same literal itself (BlockText.stamp).
   */
  stamp?: (day: number, second: number) => Cell;
}

/**
 * One block of customers with everything they do: registration, orders,
 * campaigns, events, staff touches, appointments and identities. Ids continue
 * from `ids` (updated).
 */
export function generateBlock(plan: BrandPlan, blockIndex: number, emit: Emit, ids: CustomerIds, { onCustomer, stamp }: BlockOptions = {}): void {
  const { options, asOfDay, startDay, channels, campaigns, campaignsOnDay, registrationDays, size } = plan;
  const block = plan.blocks[blockIndex]!;
  const offset = plan.offset;
  const ts = stamp ?? ((day: number, second: number): string => localTimestamp(day, second, offset));
  const customerRandom = block.stream.clone();
  const depth = size.depth;
  const channelIndex = (code: string): number => channels.findIndex((c) => c.code === code);
  const referralChannel = channelIndex('REFERRAL');
  const wecomChannel = channelIndex('WECOM');
  const acquisitionWeights = channels.map((c) => c.acquisitionShare);
  const acquisitionTotal = sumInOrder(acquisitionWeights);
  const privateRepeat = channels.map((c) => c.repeatShare);
  const privateRepeatTotal = sumInOrder(privateRepeat);

  // What this block's customers may still win for each campaign, per channel and in all.
  const toWin = block.quota.map((q) => [...q]);
  const toWinTotal = toWin.map((q) => q.reduce((a, n) => a + n, 0));
  const participantsOf: number[][] = campaigns.map(() => []);
  const buyers: number[] = [];
  const registrationSeconds: number[] = [];
  /** The campaigns that can claim an order on its day, and their pulls (reused for every order). */
  const running: Campaign[] = [];
  const pulls: number[] = [];

  const addParticipation = (r: Random, ci: number, customerId: number, joined: number[], day: number, second: number, employeeId: number | null, channel: number): void => {
    if (joined.includes(ci)) return;
    joined.push(ci);
    const c = campaigns[ci]!;
    const earlier = participantsOf[ci]!;
    const fissionChance = c.type === 'promotion' ? 0.22 : c.type === 'co_creation' ? 0.3 : c.type === 'brand' ? 0.18 : 0.12;
    const inviter = earlier.length > 0 && r.chance(fissionChance) ? earlier[earlier.length - 1 - Math.floor(r.next() * Math.min(earlier.length, 50))]! : null;
    earlier.push(customerId);
    emit('campaign_participations', [++ids.campaign_participations, c.id, customerId, employeeId, channel + 1,
      ts(day, second), inviter]);
  };

  for (let index = block.start; index < block.end; index++) {
    const id = index + 1;
    const r = customerRandom.fork(id);
    const regDay = registrationDays[index]!;
    let regSecond = sampleSecondOfDay(r, regDay);

    let channel = r.weightedIndexOf(acquisitionWeights, acquisitionTotal);
    let referrer: number | null = null;
    if (channel === referralChannel || r.chance(0.04)) {
      if (buyers.length > 0) {
        // Recent buyers refer most often, so referral chains form.
        referrer = r.chance(0.6) ? buyers[buyers.length - 1 - Math.floor(r.next() * Math.min(buyers.length, 300))]! : r.pick(buyers);
      } else if (channel === referralChannel) {
        channel = wecomChannel;
      }
    }
    const ch = channels[channel]!;
    if (referrer !== null && registrationDays[referrer - 1] === regDay) {
      regSecond = Math.min(86_399, Math.max(regSecond, registrationSeconds[referrer - 1 - block.start]! + 1));
    }
    registrationSeconds.push(regSecond);
    // A fact on the registration day happens after the registration.
    const factSecond = (day: number): number => sampleSecondOfDay(r, day, day === regDay ? regSecond : 0);

    const owners = plan.ownerCandidates(regDay);
    const candidates = owners.employees;
    const owner = r.chance(0.94) && candidates.length > 0 ? candidates[r.weightedIndexOf(owners.weights, owners.total)]! : null;
    const city = owner?.city ?? null;
    const skill = owner?.skill ?? 0.7;
    const engagement = r.logNormal(1, 0.55);
    const valueTrait = r.logNormal(1, 0.45) * ch.value;
    const buys = r.chance(Math.min(0.95, ch.conversion * (0.55 + 0.45 * skill) * (referrer ? 1.15 : 1)));
    const lifespan = r.chance(0.25) ? Infinity : 25 + r.exponential(200 * Math.sqrt(valueTrait * skill));
    const lastActiveDay = Math.min(asOfDay, regDay + lifespan);
    /** Campaign indexes this customer has joined. */
    const joined: number[] = [];

    // Orders, by a seasonally thinned Poisson process.
    let paidCents = 0;
    let orderCount = 0;
    if (buys) {
      let day = regDay + Math.floor(r.exponential(6));
      const meanGap = 95 / Math.max(0.25, valueTrait * (0.6 + 0.4 * skill)) / depth.orders;
      const repeatWeights = [15, 70, 12 * Math.min(1.6, valueTrait)];
      const repeatTotal = sumInOrder(repeatWeights);
      while (day <= lastActiveDay) {
        const first = orderCount === 0;
        const category = first
          ? CATEGORIES[r.weightedIndexOf(FIRST_ORDER_WEIGHTS, FIRST_ORDER_TOTAL)]!
          : CATEGORIES[r.weightedIndexOf(repeatWeights, repeatTotal)]!;
        const base = category === 'traffic' ? r.int(990, 5900) : category === 'core' ? r.int(9900, 69900) : r.int(80000, 299900);
        const items = category === 'traffic' ? r.int(1, 2) : category === 'core' ? r.int(1, 4) : r.int(1, 2);
        const peak = seasonality(day) > 3 ? 0.85 : 1;
        const cents = Math.round((base * peak * (category === 'core' ? Math.min(items, 2) : 1)) / 10) * 10;
        let orderChannel = first ? channel : r.weightedIndexOf(privateRepeat, privateRepeatTotal);
        const orderSecond = factSecond(day);
        // A campaign claims the order (through one of its channels) while that channel still has orders to win.
        running.length = 0;
        pulls.length = 0;
        for (const c of campaignsOnDay[day - startDay]!) {
          if (toWinTotal[c.id - 1]! > 0 && (c.city === null || c.city === city)) {
            running.push(c);
            pulls.push(c.pull);
          }
        }
        let campaignId: number | null = null;
        if (running.length > 0) {
          const c = running[r.weightedIndex(pulls)]!;
          if (r.chance(RATES.campaignAttribution)) {
            const ci = c.id - 1;
            campaignId = c.id;
            const left = toWin[ci]!;
            const k = r.weightedIndex(left);
            left[k]!--;
            toWinTotal[ci]!--;
            orderChannel = c.winChannels[k]!;
            const joinDay = Math.max(c.startDay, regDay, day - r.int(0, 3));
            // Joined before buying: earlier that day, or on an earlier day.
            const earliest = joinDay === regDay ? regSecond : 0;
            const joinSecond = joinDay === day ? r.int(Math.min(earliest, orderSecond), orderSecond) : sampleSecondOfDay(r, joinDay, earliest);
            addParticipation(r, ci, id, joined, joinDay, joinSecond, owner?.id ?? null, orderChannel);
          }
        }
        const refundChance = category === 'premium' ? 0.09 : channels[orderChannel]!.type.startsWith('live') ? 0.12 : 0.045;
        const refunded = r.chance(refundChance);
        const credited = owner && r.chance(0.86) ? owner.id : r.chance(0.8) ? r.pick(candidates).id : null;
        emit('orders', [++ids.orders, id, credited, orderChannel + 1, campaignId, ts(day, orderSecond),
          money(cents), items, category, refunded ? 'refunded' : 'paid']);
        if (!refunded) {
          paidCents += cents;
          orderCount++;
        }
        // Many first buyers never come back, most of all those who came for a 引流 item.
        if (first && r.chance((category === 'traffic' ? RATES.oneTimeBuyer.traffic : RATES.oneTimeBuyer.other) * depth.oneTimeBuyer)) break;
        // Next order: thin a faster process by the day's seasonality.
        for (;;) {
          day += Math.max(1, Math.round(r.exponential(meanGap / MAX_SEASONALITY * 2.2)));
          if (day > lastActiveDay || r.chance(seasonality(day) / MAX_SEASONALITY * 2.2)) break;
        }
      }
      if (orderCount > 0) buyers.push(id);
    }

    // Campaigns joined without buying: brand campaigns draw many such people.
    for (let ci = 0; ci < campaigns.length; ci++) {
      const c = campaigns[ci]!;
      if (c.endDay < regDay || c.startDay > lastActiveDay || (c.city !== null && c.city !== city) || joined.includes(ci)) continue;
      const p = RATES.joinWithoutBuying[c.type] * Math.min(engagement, 2.5) * depth.joins;
      if (r.chance(p)) {
        const joinDay = Math.max(c.startDay, regDay) + r.int(0, Math.max(0, Math.min(c.endDay, lastActiveDay) - Math.max(c.startDay, regDay)));
        const promoter = owner && r.chance(0.7) ? owner.id : r.chance(0.6) ? r.pick(candidates).id : null;
        // Through one of the channels the campaign wins orders on; one that wins none
        // (a brand campaign, say) is joined through the brand's own channels.
        const joinChannel = c.joinTotal > 0 ? c.winChannels[r.weightedIndexOf(c.joinWeights, c.joinTotal)]! : r.weightedIndexOf(privateRepeat, privateRepeatTotal);
        addParticipation(r, ci, id, joined, joinDay, factSecond(joinDay), promoter, joinChannel);
      }
    }

    // Events: registration, then engagement over the customer's active life.
    emit('events', [++ids.events, id, 'register', channel + 1, ts(regDay, regSecond)]);
    const activeDays = Math.max(1, Math.min(asOfDay, lastActiveDay + 30) - regDay + 1);
    const eventCount = Math.min(60 * depth.events, Math.round(r.exponential(engagement * depth.events * Math.min(activeDays, 365) / 40)));
    const advocate = r.chance(0.25 * engagement);
    for (let k = 0; k < eventCount; k++) {
      const type = EVENT_TYPES[advocate ? r.weightedIndexOf(ADVOCATE_EVENT_WEIGHTS, ADVOCATE_EVENT_TOTAL) : r.weightedIndexOf(EVENT_WEIGHTS, EVENT_TOTAL)]!;
      const day = regDay + r.int(0, activeDays - 1);
      emit('events', [++ids.events, id, type, r.weightedIndexOf(privateRepeat, privateRepeatTotal) + 1, ts(day, factSecond(day))]);
    }

    // Staff touches and appointments.
    if (owner) {
      const touches = Math.round(r.exponential(skill * Math.min(activeDays, 400) / 45));
      for (let k = 0; k < touches; k++) {
        const day = regDay + r.int(0, activeDays - 1);
        emit('follow_ups', [++ids.follow_ups, id, owner.id, FOLLOW_UP_KINDS[r.weightedIndexOf(FOLLOW_UP_WEIGHTS, FOLLOW_UP_TOTAL)]!,
          ts(day, factSecond(day))]);
      }
      const bookings = r.chance(Math.min(0.8, 0.22 * engagement)) ? r.int(1, 3) : 0;
      for (let k = 0; k < bookings; k++) {
        const bookedDay = regDay + r.int(0, activeDays - 1);
        const scheduledDay = bookedDay + r.int(1, 14);
        const bookedSecond = factSecond(bookedDay);
        const scheduledSecond = r.int(10, 20) * 3600;
        const arrived = scheduledDay <= asOfDay && r.chance(Math.min(0.92, 0.45 + 0.25 * skill));
        emit('appointments', [++ids.appointments, id, owner.id, ts(bookedDay, bookedSecond), ts(scheduledDay, scheduledSecond),
          arrived ? ts(scheduledDay, scheduledSecond + r.int(-900, 1800)) : null]);
      }
    }

    // The person, now that their value is known.
    const level = paidCents < 50_000 ? 0 : paidCents < 200_000 ? 1 : paidCents < 600_000 ? 2 : paidCents < 1_500_000 ? 3 : 4;
    const phoneSuffix = String(phoneDigits(options.seed, id)).padStart(8, '0');
    const phone = r.pick(PHONE_PREFIXES) + phoneSuffix;
    const gender = GENDERS[r.weightedIndexOf(GENDER_WEIGHTS, GENDER_TOTAL)]!;
    let birthday: string | null = null;
    if (r.chance(0.9)) {
      const year = Number(options.asOf.slice(0, 4)) - r.int(18, 55);
      const dayOfYear = r.int(0, 364);
      birthday = isoDate(yearStart(year) + dayOfYear);
    }
    const name = r.pick(SURNAMES) + r.pick(GIVEN_NAME_CHARS) + (r.chance(0.75) ? r.pick(GIVEN_NAME_CHARS) : '');
    emit('customers', [++ids.customers, name, phone, gender, birthday, CITY_TIERS[r.weightedIndexOf(CITY_TIER_WEIGHTS, CITY_TIER_TOTAL)]!, channel + 1,
      owner?.id ?? null, ts(regDay, regSecond), MEMBER_LEVELS[level]!, referrer]);

    // OneID: several ids of the same person in different systems.
    emit('customer_identities', [++ids.customer_identities, id, 'phone', phone]);
    if (r.chance(0.85)) emit('customer_identities', [++ids.customer_identities, id, 'member', `M${String(id).padStart(9, '0')}`]);
    if (owner) emit('customer_identities', [++ids.customer_identities, id, 'wecom', `wm${(id * 2_654_435_761 >>> 0).toString(36)}${id.toString(36)}`]);
    if (r.chance(0.7)) {
      let union = 'o';
      for (let k = 0; k < 20; k++) union += 'abcdefghijklmnopqrstuvwxyz0123456789'[r.int(0, 35)];
      emit('customer_identities', [++ids.customer_identities, id, 'unionid', `${union}_${id.toString(36)}`]);
    }
    if (r.chance(0.25)) emit('customer_identities', [++ids.customer_identities, id, 'consult', `C${id}`]);

    onCustomer?.(id);
  }
}

// Fixed choices with their weights' totals (summed as weightedIndex would), drawn many times per customer.
const CATEGORIES = ['traffic', 'core', 'premium'] as const;
const FIRST_ORDER_WEIGHTS = [55, 40, 5];
const FIRST_ORDER_TOTAL = sumInOrder(FIRST_ORDER_WEIGHTS);
const EVENT_TYPES = ['view', 'like', 'comment', 'share', 'consult', 'booking', 'visit'] as const;
const EVENT_WEIGHTS = [40, 20, 8, 1.5, 10, 3, 3];
const EVENT_TOTAL = sumInOrder(EVENT_WEIGHTS);
const ADVOCATE_EVENT_WEIGHTS = [40, 20, 8, 10, 10, 3, 3];
const ADVOCATE_EVENT_TOTAL = sumInOrder(ADVOCATE_EVENT_WEIGHTS);
const FOLLOW_UP_KINDS = ['wecom_chat', 'call', 'visit'] as const;
const FOLLOW_UP_WEIGHTS = [75, 18, 7];
const FOLLOW_UP_TOTAL = sumInOrder(FOLLOW_UP_WEIGHTS);
const GENDERS = ['female', 'male', 'unknown'] as const;
const GENDER_WEIGHTS = [68, 28, 4];
const GENDER_TOTAL = sumInOrder(GENDER_WEIGHTS);
const CITY_TIER_TOTAL = sumInOrder(CITY_TIER_WEIGHTS);
