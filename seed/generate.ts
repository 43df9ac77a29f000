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
 * It works in two steps. The brand plan (planBrand, brand-plan.ts) holds
 * everything that is not one customer's: teams, staff, channels, campaigns
 * and their spend, each customer's registration day and random stream.
 * Customers are then made in blocks of BLOCK_CUSTOMERS in registration order
 * (generateBlock); a block depends only on the plan, so blocks can be made in
 * parallel (seed/parallel.ts) and still give the same rows. The default demo
 * is one block. The rates and weights it draws with are in rates.ts, the
 * tables it writes in tables.ts.
 */
import { Random, sumInOrder } from './prng.ts';
import { phoneDigits } from './phones.ts';
import { isoDate, localTimestamp, MAX_SEASONALITY, seasonality, yearStart } from './calendar.ts';
import { sampleSecondOfDay } from './hour-curve.ts';
import { CITY_TIERS, CITY_TIER_WEIGHTS, GIVEN_NAME_CHARS, MEMBER_LEVELS, PHONE_PREFIXES, SURNAMES } from './reference-data.ts';
import { money, noCustomerIds, TABLES, type Cell, type CustomerIds, type Emit, type RowSink, type TableName } from './tables.ts';
import { RATES, CATEGORIES, FIRST_ORDER_WEIGHTS, FIRST_ORDER_TOTAL, EVENT_TYPES, EVENT_WEIGHTS, EVENT_TOTAL, ADVOCATE_EVENT_WEIGHTS, ADVOCATE_EVENT_TOTAL, FOLLOW_UP_KINDS, FOLLOW_UP_WEIGHTS, FOLLOW_UP_TOTAL, GENDERS, GENDER_WEIGHTS, GENDER_TOTAL, CITY_TIER_TOTAL } from './rates.ts';
import { planBrand, type BrandPlan, type Campaign, type GenerateOptions } from './brand-plan.ts';

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
