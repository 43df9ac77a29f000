/**
 * The brand plan (the generator's first step): settings, teams, staff,
 * channels, campaigns and their spend, each customer's registration day, and
 * the blocks the customers are made in. Everything that is not one
 * customer's; generate.ts makes the customers from it.
 */
import { poisson, Random, sumInOrder } from './prng.ts';
import { dayNumber, isoDate, localTimestamp, seasonality } from './calendar.ts';
import { brandSize, REFERENCE_CUSTOMERS, type BrandSize } from './brand-size.ts';
import { brandTeams, CAMPAIGN_CALENDAR, CAMPAIGN_CONVERSION, CHANNEL_CATALOGUE, EXTRA_TEAM_ROLES, GIVEN_NAME_CHARS, SURNAMES, TEAM_ROLES, type CampaignTemplate, type CampaignType, type ChannelSpec, type EmployeeRole } from './reference-data.ts';
import { money, type Emit } from './tables.ts';
import { HISTORY_DAYS, BUDGET_SCALE, ATTRIBUTED_ORDER_VALUE, channelResponse } from './rates.ts';

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

interface Employee {
  id: number;
  teamId: number;
  role: EmployeeRole;
  hiredDay: number;
  skill: number;
  /** The city of the employee's team (null: a nationwide team). */
  city: string | null;
}

export interface Campaign {
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
  const blockCustomers = customersPerBlock(options);
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

function customersPerBlock(options: Pick<GenerateOptions, 'blockCustomers'>): number {
  const blockCustomers = options.blockCustomers ?? BLOCK_CUSTOMERS;
  if (!Number.isInteger(blockCustomers) || blockCustomers < 1) throw new Error('blockCustomers must be a whole number ≥ 1');
  return blockCustomers;
}

/** How many blocks planBrand cuts the customers into, known before planning (so the generator threads can start first). */
export function blockCount(options: Pick<GenerateOptions, 'customers' | 'blockCustomers'>): number {
  return Math.ceil(options.customers / customersPerBlock(options));
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
