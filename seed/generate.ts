/**
 * The deterministic demo-data generator. Given the same options it writes the
 * same rows in the same order, byte for byte, to one sink per table.
 *
 * The story it tells: a brand acquires customers through fifteen channels of
 * different cost and quality; staff of different skill own them; customers buy
 * with seasonal peaks (11.11, 618), join campaigns, invite friends, book
 * visits, and in time go quiet. Some campaigns, mostly brand ones, lose money.
 */
import { poisson, Random } from './prng.ts';
import { dayNumber, isoDate, localTimestamp, MAX_SEASONALITY, seasonality } from './calendar.ts';
import { sampleSecondOfDay } from './hour-curve.ts';
import {
  CAMPAIGN_CALENDAR, CHANNELS, CITY_TIERS, CITY_TIER_WEIGHTS, GIVEN_NAME_CHARS, MEMBER_LEVELS,
  PHONE_PREFIXES, SURNAMES, TEAM_ROLES, TEAMS, type CampaignType, type EmployeeRole,
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

export interface GenerateOptions {
  customers: number;
  seed: number;
  /** The as-of date, YYYY-MM-DD: history ends here. */
  asOf: string;
  /** The business time zone (IANA name); timestamps carry its UTC offset at each moment. Default Asia/Shanghai. */
  timeZone?: string;
  /** A fixed UTC offset in hours instead of the zone's own (for fixtures only). */
  utcOffsetHours?: number;
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
 * with reference = REFERENCE_SPEND_PER_COST_WEIGHT × costWeight × (customers / 20,000) and
 * halfSaturation = halfSaturationRatio × reference. So the channel's ROI at its reference
 * spend is roiAtReference, and each further yuan returns less. A campaign wins
 * Poisson(gmv(s) / ATTRIBUTED_ORDER_VALUE) attributed orders on the channel (its
 * converted customers), taken from orders placed while it runs; the planner's
 * back-test is meant to find these curves.
 */
export const REFERENCE_SPEND_PER_COST_WEIGHT = 3_000;
/** About the mean paid amount of an order a campaign claims (CNY), measured on the demo. */
export const ATTRIBUTED_ORDER_VALUE = 700;
export function channelResponse(channelIndex: number, customers: number): { reference: number; halfSaturation: number; gmvMax: number } {
  const ch = CHANNELS[channelIndex]!;
  const reference = REFERENCE_SPEND_PER_COST_WEIGHT * ch.costWeight * (customers / 20_000);
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
}

interface Campaign {
  id: number;
  type: CampaignType;
  startDay: number;
  endDay: number;
  pull: number;
  budgetCents: number;
  /** Attributed orders still to be won, per channel index (from its spend through CHANNEL_RESPONSE). */
  ordersToWin: Map<number, number>;
}

export function generate(options: GenerateOptions, sinkFor: (table: TableName) => RowSink): Record<TableName, number> {
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  const offset = options.utcOffsetHours ?? timeZone;
  const asOfDay = dayNumber(options.asOf);
  const startDay = asOfDay - HISTORY_DAYS + 1;
  const scale = options.customers / 20_000;
  const root = new Random(options.seed);
  const counts = Object.fromEntries(TABLES.map((t) => [t, 0])) as Record<TableName, number>;
  const sinks = Object.fromEntries(TABLES.map((t) => [t, sinkFor(t)])) as Record<TableName, RowSink>;
  const emit = (table: TableName, cells: readonly Cell[]): void => {
    sinks[table].row(cells);
    counts[table]++;
  };
  const ts = (day: number, second: number): string => localTimestamp(day, second, offset);

  // Settings.
  emit('settings', ['as_of', options.asOf]);
  emit('settings', ['time_zone', timeZone]);

  // Teams and employees: ten people a team, of different skill; a few joined mid-history.
  const staffRandom = root.fork(1);
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
  TEAMS.forEach((team, t) => {
    const teamId = t + 1;
    const leadId = t * TEAM_ROLES.length + 1;
    emit('teams', [teamId, team.name, team.region, leadId]);
  });
  TEAMS.forEach((_team, t) => {
    TEAM_ROLES.forEach((role, i) => {
      const id = t * TEAM_ROLES.length + i + 1;
      const lateJoiner = role === 'advisor' && staffRandom.chance(0.3);
      const hiredDay = lateJoiner ? startDay + staffRandom.int(30, 500) : startDay - staffRandom.int(60, 1500);
      const skill = Math.min(2.2, Math.max(0.45, staffRandom.logNormal(1, 0.32)));
      const active = !(role === 'advisor' && !lateJoiner && staffRandom.chance(0.12));
      employees.push({ id, teamId: t + 1, role, hiredDay, skill });
      emit('employees', [id, uniqueName(staffRandom), t + 1, role, isoDate(hiredDay), active]);
    });
  });

  CHANNELS.forEach((c, i) => emit('channels', [i + 1, c.code, c.name, c.kind, c.type]));
  const channelIndex = (code: string): number => CHANNELS.findIndex((c) => c.code === code);
  const referralChannel = channelIndex('REFERRAL');

  // Campaigns: the yearly calendar over the two years of history.
  const campaignRandom = root.fork(2);
  const campaigns: Campaign[] = [];
  const firstYear = Number(isoDate(startDay).slice(0, 4));
  const lastYear = Number(isoDate(asOfDay).slice(0, 4));
  const candidates: Array<{ template: (typeof CAMPAIGN_CALENDAR)[number]; year: number; s: number; e: number }> = [];
  for (let year = firstYear; year <= lastYear; year++) {
    for (const template of CAMPAIGN_CALENDAR) {
      const s = dayNumber(`${year}-${String(template.start[0]).padStart(2, '0')}-${String(template.start[1]).padStart(2, '0')}`);
      const e = dayNumber(`${year}-${String(template.end[0]).padStart(2, '0')}-${String(template.end[1]).padStart(2, '0')}`);
      if (s >= startDay && s <= asOfDay) candidates.push({ template, year, s, e });
    }
  }
  candidates.sort((a, b) => a.s - b.s || a.template.name.localeCompare(b.template.name));
  const targetRoi: Record<CampaignType, number> = { promotion: 4.5, revenue: 4, co_creation: 3, brand: 1.6 };
  candidates.forEach((c, i) => {
    const id = i + 1;
    const growth = 0.6 + (0.9 * (c.s - startDay)) / HISTORY_DAYS;
    const budgetCents = Math.round((c.template.budget * BUDGET_SCALE * growth * scale * (0.85 + campaignRandom.next() * 0.3)) / 100) * 10_000;
    const targetCents = Math.round((budgetCents * targetRoi[c.template.type] * (0.9 + campaignRandom.next() * 0.3)) / 10_000) * 10_000;
    campaigns.push({ id, type: c.template.type, startDay: c.s, endDay: c.e, pull: c.template.pull, budgetCents, ordersToWin: new Map() });
    emit('campaigns', [id, `${c.year} ${c.template.name}`, c.template.type, ts(c.s, 0), ts(c.e, 86_399),
      money(budgetCents), money(targetCents)]);
  });
  const campaignsOnDay = new Map<number, Campaign[]>();
  for (const c of campaigns) {
    for (let d = c.startDay; d <= c.endDay; d++) {
      const list = campaignsOnDay.get(d) ?? [];
      list.push(c);
      campaignsOnDay.set(d, list);
    }
  }

  // Campaign spend: budget spread over the campaign's channels (by cost weight,
  // varied per campaign so each channel's history spans a range of spend) and
  // days; spend on staff-run channels is paid per person, the rest centrally.
  // What the spend buys follows each channel's true response curve.
  const spendRandom = root.fork(3);
  let spendId = 0;
  for (const c of campaigns) {
    const privateOnly = c.type === 'revenue' || c.type === 'co_creation';
    const pool = CHANNELS.map((ch, i) => ({ ch, i })).filter(({ ch }) => !privateOnly || ch.kind === 'private');
    const wanted = c.type === 'promotion' ? 6 : c.type === 'brand' ? 5 : 3;
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
        ? employees.filter((e) => (e.role === 'community' || e.role === 'activity' || e.role === 'advisor') && e.hiredDay <= c.startDay && spendRandom.chance(0.25)).slice(0, 6)
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
      const curve = channelResponse(i, options.customers);
      const spent = spentCents / 100;
      const expectedGmv = (curve.gmvMax * spent) / (spent + curve.halfSaturation);
      c.ordersToWin.set(i, poisson(spendRandom, expectedGmv / ATTRIBUTED_ORDER_VALUE));
    }
  }

  // Registration days: growing over time, with seasonal and campaign boosts.
  const customerRandom = root.fork(4);
  const dayWeights: number[] = [];
  for (let d = startDay; d <= asOfDay; d++) {
    const growth = 0.6 + (0.8 * (d - startDay)) / HISTORY_DAYS;
    const boost = (campaignsOnDay.get(d) ?? []).reduce((s, c) => s + 0.5 * c.pull + (c.type === 'brand' ? 0.6 : 0), 0);
    dayWeights.push(growth * (Math.sqrt(seasonality(d)) + boost));
  }
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of dayWeights) cumulative.push((acc += w));
  const registrationDays: number[] = [];
  for (let i = 0; i < options.customers; i++) {
    const r = customerRandom.next() * acc;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    registrationDays.push(startDay + lo);
  }
  registrationDays.sort((a, b) => a - b);

  const ownerWeightOf: Record<EmployeeRole, number> = { advisor: 5, community: 2.5, lead: 0.6, activity: 0.5, content: 0.3 };
  const privateRepeat = CHANNELS.map((c) => c.repeatShare);
  const participated = new Map<number, Set<number>>(campaigns.map((c) => [c.id, new Set<number>()]));
  const participantsOf = new Map<number, number[]>(campaigns.map((c) => [c.id, []]));
  const buyers: number[] = [];
  const registrationSeconds: number[] = [];
  let identityId = 0;
  let participationId = 0;
  let orderId = 0;
  let eventId = 0;
  let followUpId = 0;
  let appointmentId = 0;

  const addParticipation = (r: Random, c: Campaign, customerId: number, day: number, second: number, employeeId: number | null, channel: number): void => {
    const set = participated.get(c.id)!;
    if (set.has(customerId)) return;
    set.add(customerId);
    const earlier = participantsOf.get(c.id)!;
    const fissionChance = c.type === 'promotion' ? 0.22 : c.type === 'co_creation' ? 0.3 : c.type === 'brand' ? 0.18 : 0.12;
    const inviter = earlier.length > 0 && r.chance(fissionChance) ? earlier[earlier.length - 1 - Math.floor(r.next() * Math.min(earlier.length, 50))]! : null;
    earlier.push(customerId);
    emit('campaign_participations', [++participationId, c.id, customerId, employeeId, channel + 1,
      ts(day, second), inviter]);
  };

  for (let index = 0; index < options.customers; index++) {
    const id = index + 1;
    const r = customerRandom.fork(id);
    const regDay = registrationDays[index]!;
    let regSecond = sampleSecondOfDay(r, regDay);

    let channel = r.weightedIndex(CHANNELS.map((c) => c.acquisitionShare));
    let referrer: number | null = null;
    if (channel === referralChannel || r.chance(0.04)) {
      if (buyers.length > 0) {
        // Recent buyers refer most often, so referral chains form.
        referrer = r.chance(0.6) ? buyers[buyers.length - 1 - Math.floor(r.next() * Math.min(buyers.length, 300))]! : r.pick(buyers);
      } else if (channel === referralChannel) {
        channel = channelIndex('WECOM');
      }
    }
    const ch = CHANNELS[channel]!;
    if (referrer !== null && registrationDays[referrer - 1] === regDay) {
      regSecond = Math.min(86_399, Math.max(regSecond, registrationSeconds[referrer - 1]! + 1));
    }
    registrationSeconds.push(regSecond);
    // A fact on the registration day happens after the registration.
    const factSecond = (day: number): number => sampleSecondOfDay(r, day, day === regDay ? regSecond : 0);

    const candidates = employees.filter((e) => e.hiredDay <= regDay);
    const owner = r.chance(0.94) && candidates.length > 0
      ? r.weighted(candidates, candidates.map((e) => ownerWeightOf[e.role] * (0.5 + e.skill)))
      : null;
    const skill = owner?.skill ?? 0.7;
    const engagement = r.logNormal(1, 0.55);
    const valueTrait = r.logNormal(1, 0.45) * ch.value;
    const buys = r.chance(Math.min(0.95, ch.conversion * (0.55 + 0.45 * skill) * (referrer ? 1.15 : 1)));
    const lifespan = r.chance(0.25) ? Infinity : 25 + r.exponential(200 * Math.sqrt(valueTrait * skill));
    const lastActiveDay = Math.min(asOfDay, regDay + lifespan);

    // Orders, by a seasonally thinned Poisson process.
    let paidCents = 0;
    let orderCount = 0;
    if (buys) {
      let day = regDay + Math.floor(r.exponential(6));
      const meanGap = 95 / Math.max(0.25, valueTrait * (0.6 + 0.4 * skill));
      while (day <= lastActiveDay) {
        const first = orderCount === 0;
        const category = first
          ? r.weighted(['traffic', 'core', 'premium'] as const, [55, 40, 5])
          : r.weighted(['traffic', 'core', 'premium'] as const, [15, 70, 12 * Math.min(1.6, valueTrait)]);
        const base = category === 'traffic' ? r.int(990, 5900) : category === 'core' ? r.int(9900, 69900) : r.int(80000, 299900);
        const items = category === 'traffic' ? r.int(1, 2) : category === 'core' ? r.int(1, 4) : r.int(1, 2);
        const peak = seasonality(day) > 3 ? 0.85 : 1;
        const cents = Math.round((base * peak * (category === 'core' ? Math.min(items, 2) : 1)) / 10) * 10;
        let orderChannel = first ? channel : r.weightedIndex(privateRepeat);
        const orderSecond = factSecond(day);
        // A campaign claims the order (through one of its channels) while that channel still has orders to win.
        const running = (campaignsOnDay.get(day) ?? []).filter((c) => c.startDay <= day && [...c.ordersToWin.values()].some((n) => n > 0));
        let campaignId: number | null = null;
        if (running.length > 0) {
          const c = r.weighted(running, running.map((x) => x.pull));
          if (r.chance(RATES.campaignAttribution)) {
            campaignId = c.id;
            const open = [...c.ordersToWin.entries()];
            const [winner, left] = open[r.weightedIndex(open.map(([, n]) => n))]!;
            c.ordersToWin.set(winner, left - 1);
            orderChannel = winner;
            const joinDay = Math.max(c.startDay, regDay, day - r.int(0, 3));
            // Joined before buying: earlier that day, or on an earlier day.
            const earliest = joinDay === regDay ? regSecond : 0;
            const joinSecond = joinDay === day ? r.int(Math.min(earliest, orderSecond), orderSecond) : sampleSecondOfDay(r, joinDay, earliest);
            addParticipation(r, c, id, joinDay, joinSecond, owner?.id ?? null, orderChannel);
          }
        }
        const refundChance = category === 'premium' ? 0.09 : CHANNELS[orderChannel]!.type.startsWith('live') ? 0.12 : 0.045;
        const refunded = r.chance(refundChance);
        const credited = owner && r.chance(0.86) ? owner.id : r.chance(0.8) ? r.pick(candidates).id : null;
        emit('orders', [++orderId, id, credited, orderChannel + 1, campaignId, ts(day, orderSecond),
          money(cents), items, category, refunded ? 'refunded' : 'paid']);
        if (!refunded) {
          paidCents += cents;
          orderCount++;
        }
        // Many first buyers never come back, most of all those who came for a 引流 item.
        if (first && r.chance(category === 'traffic' ? RATES.oneTimeBuyer.traffic : RATES.oneTimeBuyer.other)) break;
        // Next order: thin a faster process by the day's seasonality.
        for (;;) {
          day += Math.max(1, Math.round(r.exponential(meanGap / MAX_SEASONALITY * 2.2)));
          if (day > lastActiveDay || r.chance(seasonality(day) / MAX_SEASONALITY * 2.2)) break;
        }
      }
      if (orderCount > 0) buyers.push(id);
    }

    // Campaigns joined without buying: brand campaigns draw many such people.
    for (const c of campaigns) {
      if (c.endDay < regDay || c.startDay > lastActiveDay || participated.get(c.id)!.has(id)) continue;
      const p = RATES.joinWithoutBuying[c.type] * Math.min(engagement, 2.5);
      if (r.chance(p)) {
        const joinDay = Math.max(c.startDay, regDay) + r.int(0, Math.max(0, Math.min(c.endDay, lastActiveDay) - Math.max(c.startDay, regDay)));
        const promoter = owner && r.chance(0.7) ? owner.id : r.chance(0.6) ? r.pick(candidates).id : null;
        addParticipation(r, c, id, joinDay, factSecond(joinDay), promoter, r.weightedIndex(privateRepeat));
      }
    }

    // Events: registration, then engagement over the customer's active life.
    emit('events', [++eventId, id, 'register', channel + 1, ts(regDay, regSecond)]);
    const activeDays = Math.max(1, Math.min(asOfDay, lastActiveDay + 30) - regDay + 1);
    const eventCount = Math.min(60, Math.round(r.exponential(engagement * Math.min(activeDays, 365) / 40)));
    const advocate = r.chance(0.25 * engagement);
    for (let k = 0; k < eventCount; k++) {
      const type = r.weighted(['view', 'like', 'comment', 'share', 'consult', 'booking', 'visit'] as const,
        [40, 20, 8, advocate ? 10 : 1.5, 10, 3, 3]);
      const day = regDay + r.int(0, activeDays - 1);
      emit('events', [++eventId, id, type, r.weightedIndex(privateRepeat) + 1, ts(day, factSecond(day))]);
    }

    // Staff touches and appointments.
    if (owner) {
      const touches = Math.round(r.exponential(skill * Math.min(activeDays, 400) / 45));
      for (let k = 0; k < touches; k++) {
        const day = regDay + r.int(0, activeDays - 1);
        emit('follow_ups', [++followUpId, id, owner.id, r.weighted(['wecom_chat', 'call', 'visit'] as const, [75, 18, 7]),
          ts(day, factSecond(day))]);
      }
      const bookings = r.chance(Math.min(0.8, 0.22 * engagement)) ? r.int(1, 3) : 0;
      for (let k = 0; k < bookings; k++) {
        const bookedDay = regDay + r.int(0, activeDays - 1);
        const scheduledDay = bookedDay + r.int(1, 14);
        const bookedSecond = factSecond(bookedDay);
        const scheduledSecond = r.int(10, 20) * 3600;
        const arrived = scheduledDay <= asOfDay && r.chance(Math.min(0.92, 0.45 + 0.25 * skill));
        emit('appointments', [++appointmentId, id, owner.id, ts(bookedDay, bookedSecond), ts(scheduledDay, scheduledSecond),
          arrived ? ts(scheduledDay, scheduledSecond + r.int(-900, 1800)) : null]);
      }
    }

    // The person, now that their value is known.
    const level = paidCents < 50_000 ? 0 : paidCents < 200_000 ? 1 : paidCents < 600_000 ? 2 : paidCents < 1_500_000 ? 3 : 4;
    const phoneSuffix = String((id * 7_654_321 + 13_579_024) % 100_000_000).padStart(8, '0');
    const phone = r.pick(PHONE_PREFIXES) + phoneSuffix;
    const gender = r.weighted(['female', 'male', 'unknown'] as const, [68, 28, 4]);
    let birthday: string | null = null;
    if (r.chance(0.9)) {
      const year = Number(options.asOf.slice(0, 4)) - r.int(18, 55);
      const dayOfYear = r.int(0, 364);
      birthday = isoDate(dayNumber(`${year}-01-01`) + dayOfYear);
    }
    const name = r.pick(SURNAMES) + r.pick(GIVEN_NAME_CHARS) + (r.chance(0.75) ? r.pick(GIVEN_NAME_CHARS) : '');
    emit('customers', [id, name, phone, gender, birthday, r.weighted(CITY_TIERS, CITY_TIER_WEIGHTS), channel + 1,
      owner?.id ?? null, ts(regDay, regSecond), MEMBER_LEVELS[level]!, referrer]);

    // OneID: several ids of the same person in different systems.
    emit('customer_identities', [++identityId, id, 'phone', phone]);
    if (r.chance(0.85)) emit('customer_identities', [++identityId, id, 'member', `M${String(id).padStart(9, '0')}`]);
    if (owner) emit('customer_identities', [++identityId, id, 'wecom', `wm${(id * 2_654_435_761 >>> 0).toString(36)}${id.toString(36)}`]);
    if (r.chance(0.7)) {
      let union = 'o';
      for (let k = 0; k < 20; k++) union += 'abcdefghijklmnopqrstuvwxyz0123456789'[r.int(0, 35)];
      emit('customer_identities', [++identityId, id, 'unionid', `${union}_${id.toString(36)}`]);
    }
    if (r.chance(0.25)) emit('customer_identities', [++identityId, id, 'consult', `C${id}`]);

    if (options.onProgress && (id % 500 === 0 || id === options.customers)) options.onProgress(id, options.customers);
  }
  return counts;
}
