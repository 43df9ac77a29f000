/**
 * The live demo's simulator: appends what happens in a running campaign —
 * participations, referrals (fission: a participant brings a new customer),
 * orders, refunds, staff follow-ups and appointments — through ordinary SQL
 * into the seed's tables, on the seed's hour-of-day curve.
 *
 * Time is cut into fixed slots (5 s live). What a slot holds depends only on
 * the seed, the slot's start and the rows already there, so the same seed and
 * the same clock readings give the same rows.
 */
import type { Sql, TransactionSql } from 'postgres';
import { dayNumber, localTimestamp } from './calendar.ts';
import { expectedBetween } from './hour-curve.ts';
import { poisson, Random } from './prng.ts';
import { phoneDigits } from './phones.ts';
import { CITY_TIERS, CITY_TIER_WEIGHTS, GIVEN_NAME_CHARS, PHONE_PREFIXES, SURNAMES } from './reference-data.ts';
import { DEFAULT_LIVE_RATES, type LiveRates } from './live-rates.ts';
import { countDefaultJourney } from '../cube/database/journey-warm.ts';
import { dropPeriodRanges, dropPeriodRangesLater, rollPeriodTablesAhead } from '../cube/database/roll-ahead.ts';

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Local date, day number and second of the day of an instant in a zone. */
export function localClock(epochMs: number, timeZone: string): { date: string; day: number; second: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(epochMs));
  const get = (t: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const date = `${get('year')}-${pad2(get('month'))}-${pad2(get('day'))}`;
  return { date, day: dayNumber(date), second: get('hour') * 3600 + get('minute') * 60 + get('second') };
}

export interface SlotPlan {
  participations: number;
  referrals: number;
  orders: number;
  refunds: number;
  followUps: number;
  appointments: number;
}

/** The slot's own random stream: a function of the seed and the slot's start only. */
export function slotRandom(seed: number, slotStartMs: number): Random {
  const slot = Math.floor(slotStartMs / 1000);
  return new Random((Math.imul(seed + 1, 0x9e3779b1) ^ slot ^ Math.floor(slot / 4294967296)) >>> 0);
}

/** How many of each event a slot holds: Poisson draws around the hour-of-day curve's expectation. */
export function planSlot(r: Random, slotStartMs: number, slotSeconds: number, timeZone: string, rates: LiveRates, scale: number): SlotPlan {
  const { day, second } = localClock(slotStartMs, timeZone);
  const end = Math.min(86_400, second + slotSeconds);
  const mean = (perDay: number): number => expectedBetween(day, second, end, perDay * scale);
  const orders = poisson(r, mean(rates.orders));
  return {
    participations: poisson(r, mean(rates.participations)),
    referrals: poisson(r, mean(rates.referrals)),
    orders,
    refunds: poisson(r, mean(rates.orders * rates.refundShare)),
    followUps: poisson(r, mean(rates.followUps)),
    appointments: poisson(r, mean(rates.appointments)),
  };
}

export interface SimulatorOptions {
  seed: number;
  timeZone: string;
  /** Customers of the demo data set; rates scale with it. */
  customers: number;
  rates?: LiveRates;
  log?: (message: string) => void;
}

interface Participant {
  customer_id: number;
  employee_id: number | null;
  channel_id: number;
}

interface Context {
  campaignId: number;
  ids: Record<'customers' | 'customer_identities' | 'campaign_participations' | 'orders' | 'events' | 'follow_ups' | 'appointments', number>;
  pool: Participant[];
  referralChannel: number;
  privateChannels: number[];
}

export class LiveSimulator {
  private readonly rates: LiveRates;
  private readonly scale: number;

  constructor(private readonly sql: Sql, private readonly options: SimulatorOptions) {
    this.rates = options.rates ?? DEFAULT_LIVE_RATES;
    this.scale = options.customers / 20_000;
  }

  /**
   * Simulates every slot that starts in [fromMs, toMs), in one transaction
   * per call. Returns the rows written.
   */
  async run(fromMs: number, toMs: number, slotSeconds: number): Promise<number> {
    const step = slotSeconds * 1000;
    let written = 0;
    await this.sql.begin(async (tx) => {
      const first = Math.ceil(fromMs / step) * step;
      for (let t = first; t < toMs; t += step) written += await this.slot(tx, t, slotSeconds);
      await tx`
        INSERT INTO siyu.settings (key, value) VALUES ('live_clock', ${String(toMs)})
        ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
    });
    return written;
  }

  /** Moves as-of to the business date of `nowMs` and gives the running campaign its spend for the day. */
  async followCalendar(nowMs: number): Promise<{ asOf: string; campaignId: number }> {
    const { date } = localClock(nowMs, this.options.timeZone);
    // The next day's ranges added to the period tables first, a range per transaction (migration 037): the
    // as-of move below then only takes the old ones off the lists, their rows dropped after it in batches.
    await rollPeriodTablesAhead(this.sql, date);
    const moved = await this.sql.begin(async (tx) => {
      await dropPeriodRangesLater(tx);
      await tx`UPDATE siyu.settings SET value = ${date} WHERE key = 'as_of' AND value <> ${date}`;
      const campaignId = await this.runningCampaign(tx, nowMs, date);
      const [has] = await tx<{ n: number }[]>`
        SELECT count(*)::int AS n FROM siyu.campaign_spend WHERE campaign_id = ${campaignId} AND spent_on = ${date}::date`;
      if (has!.n === 0) {
        // The day's spend repeats the campaign's last day of spend, line by line.
        await tx`
          INSERT INTO siyu.campaign_spend (id, campaign_id, channel_id, employee_id, spent_on, amount)
          SELECT (SELECT coalesce(max(id), 0) FROM siyu.campaign_spend) + row_number() OVER (ORDER BY s.id),
                 s.campaign_id, s.channel_id, s.employee_id, ${date}::date, s.amount
          FROM siyu.campaign_spend AS s
          WHERE s.campaign_id = ${campaignId}
            AND s.spent_on = (SELECT max(spent_on) FROM siyu.campaign_spend WHERE campaign_id = ${campaignId})`;
      }
      return { asOf: date, campaignId };
    });
    await dropPeriodRanges(this.sql);
    return moved;
  }

  /** The campaign running at `nowMs`; when none runs, a week-long flash campaign starting today. */
  private async runningCampaign(tx: TransactionSql, nowMs: number, date: string): Promise<number> {
    const now = new Date(nowMs);
    const [running] = await tx<{ id: number }[]>`
      SELECT id FROM siyu.campaigns WHERE starts_at <= ${now} AND ends_at >= ${now} ORDER BY starts_at DESC, id DESC LIMIT 1`;
    if (running) return running.id;
    const day = dayNumber(date);
    const [next] = await tx<{ id: number }[]>`SELECT coalesce(max(id), 0) + 1 AS id FROM siyu.campaigns`;
    const id = next!.id;
    const budget = Math.round(40_000 * this.scale * 1.1);
    await tx`
      INSERT INTO siyu.campaigns (id, name, type, starts_at, ends_at, budget, target_gmv)
      VALUES (${id}, ${`${date} 私域直播快闪`}, 'promotion', ${localTimestamp(day, 0, this.options.timeZone)}::timestamptz,
              ${localTimestamp(day + 6, 86_399, this.options.timeZone)}::timestamptz, ${budget.toFixed(2)}, ${(budget * 4).toFixed(2)})`;
    const channels = await tx<{ id: number }[]>`SELECT id FROM siyu.channels WHERE code IN ('WECOM', 'COMMUNITY', 'LIVE_DOUYIN') ORDER BY id`;
    for (const [i, c] of channels.entries()) {
      await tx`
        INSERT INTO siyu.campaign_spend (id, campaign_id, channel_id, employee_id, spent_on, amount)
        VALUES ((SELECT coalesce(max(id), 0) + 1 FROM siyu.campaign_spend), ${id}, ${c.id}, NULL, ${date}::date, ${((budget / 7) * [0.3, 0.2, 0.5][i]!).toFixed(2)})`;
    }
    this.options.log?.(`live: no campaign was running; started "${date} 私域直播快闪"`);
    return id;
  }

  private async context(tx: TransactionSql, atMs: number): Promise<Context | null> {
    const at = new Date(atMs);
    const [campaign] = await tx<{ id: number }[]>`
      SELECT id FROM siyu.campaigns WHERE starts_at <= ${at} AND ends_at >= ${at} ORDER BY starts_at DESC, id DESC LIMIT 1`;
    if (!campaign) return null;
    const [ids] = await tx<Context['ids'][]>`
      SELECT (SELECT coalesce(max(id), 0) FROM siyu.customers)::int AS customers,
             (SELECT coalesce(max(id), 0) FROM siyu.customer_identities)::int AS customer_identities,
             (SELECT coalesce(max(id), 0) FROM siyu.campaign_participations)::int AS campaign_participations,
             (SELECT coalesce(max(id), 0) FROM siyu.orders)::int AS orders,
             (SELECT coalesce(max(id), 0) FROM siyu.events)::int AS events,
             (SELECT coalesce(max(id), 0) FROM siyu.follow_ups)::int AS follow_ups,
             (SELECT coalesce(max(id), 0) FROM siyu.appointments)::int AS appointments`;
    const pool = await tx<Participant[]>`
      SELECT p.customer_id, coalesce(p.employee_id, c.owner_employee_id) AS employee_id, p.channel_id
      FROM siyu.campaign_participations AS p JOIN siyu.customers AS c ON c.id = p.customer_id
      WHERE p.campaign_id = ${campaign.id} ORDER BY p.id DESC LIMIT 400`;
    const channels = await tx<{ id: number; code: string; kind: string }[]>`SELECT id, code, kind FROM siyu.channels ORDER BY id`;
    return {
      campaignId: campaign.id,
      ids: ids!,
      pool: [...pool],
      referralChannel: channels.find((c) => c.code === 'REFERRAL')?.id ?? channels[0]!.id,
      privateChannels: channels.filter((c) => c.kind === 'private').map((c) => c.id),
    };
  }

  private async slot(tx: TransactionSql, startMs: number, slotSeconds: number): Promise<number> {
    const r = slotRandom(this.options.seed, startMs);
    const plan = planSlot(r, startMs, slotSeconds, this.options.timeZone, this.rates, this.scale);
    const total = plan.participations + plan.referrals + plan.orders + plan.refunds + plan.followUps + plan.appointments;
    if (total === 0) return 0;
    const ctx = await this.context(tx, startMs);
    if (!ctx) return 0;
    const at = (): Date => new Date(startMs + r.int(0, slotSeconds * 1000 - 1));
    let written = 0;

    for (let k = 0; k < plan.participations; k++) {
      const customer = r.int(1, ctx.ids.customers);
      const id = ++ctx.ids.campaign_participations;
      const rows = await tx`
        INSERT INTO siyu.campaign_participations (id, campaign_id, customer_id, employee_id, channel_id, joined_at, invited_by_customer_id)
        SELECT ${id}, ${ctx.campaignId}, c.id, c.owner_employee_id, ${r.pick(ctx.privateChannels)}, greatest(${at()}::timestamptz, c.registered_at), NULL
        FROM siyu.customers AS c WHERE c.id = ${customer}
        ON CONFLICT (campaign_id, customer_id) DO NOTHING`;
      if (rows.count > 0) ctx.pool.unshift({ customer_id: customer, employee_id: null, channel_id: ctx.privateChannels[0]! });
      written += rows.count;
    }

    for (let k = 0; k < plan.referrals && ctx.pool.length > 0; k++) {
      const inviter = ctx.pool[Math.floor(r.next() * Math.min(ctx.pool.length, 200))]!;
      const when = at();
      const id = ++ctx.ids.customers;
      // The seed's phone permutation continues past the seeded ids: unique, and no rule from the id.
      const phone = r.pick(PHONE_PREFIXES) + String(phoneDigits(this.options.seed, id)).padStart(8, '0');
      const name = r.pick(SURNAMES) + r.pick(GIVEN_NAME_CHARS) + (r.chance(0.75) ? r.pick(GIVEN_NAME_CHARS) : '');
      const gender = r.weighted(['female', 'male', 'unknown'] as const, [68, 28, 4]);
      const tier = r.weighted(CITY_TIERS, CITY_TIER_WEIGHTS);
      await tx`
        INSERT INTO siyu.customers (id, name, phone, gender, birthday, city_tier, source_channel_id, owner_employee_id,
                                    registered_at, member_level, referred_by_customer_id)
        SELECT ${id}, ${name}, ${phone}, ${gender}, NULL, ${tier}, ${ctx.referralChannel}, inv.owner_employee_id, ${when}, 'normal', inv.id
        FROM siyu.customers AS inv WHERE inv.id = ${inviter.customer_id}`;
      await tx`INSERT INTO siyu.customer_identities (id, customer_id, system, external_id) VALUES (${++ctx.ids.customer_identities}, ${id}, 'phone', ${phone})`;
      await tx`INSERT INTO siyu.events (id, customer_id, type, channel_id, occurred_at) VALUES (${++ctx.ids.events}, ${id}, 'register', ${ctx.referralChannel}, ${when})`;
      await tx`
        INSERT INTO siyu.campaign_participations (id, campaign_id, customer_id, employee_id, channel_id, joined_at, invited_by_customer_id)
        SELECT ${++ctx.ids.campaign_participations}, ${ctx.campaignId}, ${id}, c.owner_employee_id, ${ctx.referralChannel}, ${when}, ${inviter.customer_id}
        FROM siyu.customers AS c WHERE c.id = ${id}`;
      ctx.pool.unshift({ customer_id: id, employee_id: null, channel_id: ctx.referralChannel });
      written += 4;
    }

    for (let k = 0; k < plan.orders && ctx.pool.length > 0; k++) {
      const buyer = ctx.pool[Math.floor(r.next() * Math.min(ctx.pool.length, 400))]!;
      const category = r.weighted(['traffic', 'core', 'premium'] as const, [30, 58, 12]);
      const base = category === 'traffic' ? r.int(990, 5900) : category === 'core' ? r.int(9900, 69900) : r.int(80000, 299900);
      const items = category === 'core' ? r.int(1, 3) : r.int(1, 2);
      const cents = Math.round((base * (category === 'core' ? Math.min(items, 2) : 1)) / 10) * 10;
      const rows = await tx`
        INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
        SELECT ${++ctx.ids.orders}, c.id, coalesce(${buyer.employee_id}::int, c.owner_employee_id), ${buyer.channel_id}, ${ctx.campaignId},
               greatest(${at()}::timestamptz, c.registered_at), ${(cents / 100).toFixed(2)}, ${items}, ${category}, 'paid'
        FROM siyu.customers AS c WHERE c.id = ${buyer.customer_id}`;
      written += rows.count;
    }

    for (let k = 0; k < plan.refunds; k++) {
      const rows = await tx`
        UPDATE siyu.orders SET status = 'refunded'
        WHERE id = (
          SELECT id FROM siyu.orders
          WHERE campaign_id = ${ctx.campaignId} AND status = 'paid' AND ordered_at < ${new Date(startMs)}
          ORDER BY id DESC OFFSET ${r.int(0, 60)} LIMIT 1)`;
      written += rows.count;
    }

    for (let k = 0; k < plan.followUps + plan.appointments && ctx.pool.length > 0; k++) {
      const who = ctx.pool[Math.floor(r.next() * Math.min(ctx.pool.length, 400))]!;
      const when = at();
      if (k < plan.followUps) {
        const rows = await tx`
          INSERT INTO siyu.follow_ups (id, customer_id, employee_id, kind, occurred_at)
          SELECT ${++ctx.ids.follow_ups}, c.id, c.owner_employee_id, ${r.weighted(['wecom_chat', 'call', 'visit'] as const, [75, 18, 7])},
                 greatest(${when}::timestamptz, c.registered_at)
          FROM siyu.customers AS c WHERE c.id = ${who.customer_id} AND c.owner_employee_id IS NOT NULL`;
        written += rows.count;
      } else {
        const scheduled = new Date(when.getTime() + r.int(1, 7) * 86_400_000 + r.int(-3, 3) * 3_600_000);
        const rows = await tx`
          INSERT INTO siyu.appointments (id, customer_id, employee_id, booked_at, scheduled_for, arrived_at)
          SELECT ${++ctx.ids.appointments}, c.id, c.owner_employee_id, greatest(${when}::timestamptz, c.registered_at),
                 greatest(${scheduled}::timestamptz, c.registered_at), NULL
          FROM siyu.customers AS c WHERE c.id = ${who.customer_id} AND c.owner_employee_id IS NOT NULL`;
        written += rows.count;
      }
    }
    return written;
  }
}

/**
 * Cuts the seeded history at `now`: a data set seeded with today as as-of has
 * the whole of today in it, most of which has not happened yet. Facts after
 * `now` go, and so do customers registered after it (with their ids).
 */
export async function trimFuture(sql: Sql, now: Date): Promise<void> {
  await sql.begin(async (tx) => {
    const future = () => tx`SELECT id FROM siyu.customers WHERE registered_at > ${now}`;
    await tx`UPDATE siyu.campaign_participations SET invited_by_customer_id = NULL WHERE invited_by_customer_id IN (${future()})`;
    await tx`UPDATE siyu.customers SET referred_by_customer_id = NULL WHERE referred_by_customer_id IN (${future()}) AND registered_at <= ${now}`;
    await tx`DELETE FROM siyu.campaign_participations WHERE joined_at > ${now} OR customer_id IN (${future()})`;
    await tx`DELETE FROM siyu.orders WHERE ordered_at > ${now} OR customer_id IN (${future()})`;
    await tx`DELETE FROM siyu.events WHERE occurred_at > ${now} OR customer_id IN (${future()})`;
    await tx`DELETE FROM siyu.follow_ups WHERE occurred_at > ${now} OR customer_id IN (${future()})`;
    await tx`DELETE FROM siyu.appointments WHERE booked_at > ${now} OR customer_id IN (${future()})`;
    await tx`UPDATE siyu.appointments SET arrived_at = NULL WHERE arrived_at > ${now}`;
    await tx`DELETE FROM siyu.customer_identities WHERE customer_id IN (${future()})`;
    await tx`DELETE FROM siyu.customers WHERE registered_at > ${now}`;
  });
}

export interface LiveOptions extends SimulatorOptions {
  /** Seconds per slot while live. */
  slotSeconds?: number;
  /** The clock; tests pass their own. */
  now?: () => number;
  /** How far back a restart catches up on time the simulator was not running. */
  maxCatchUpHours?: number;
}

export interface LiveRun {
  stop(): Promise<void>;
}

/**
 * Runs the simulator against the wall clock: cuts the seeded history at now
 * (first start), catches up on time it was not running (capped), then writes
 * every slot as it passes. A failed step (database away) is retried on the
 * next tick; nothing is lost but the slots of a step that failed are retried.
 */
export async function startLiveSimulation(sql: Sql, options: LiveOptions): Promise<LiveRun> {
  const slotSeconds = options.slotSeconds ?? 5;
  const now = options.now ?? (() => Date.now());
  const log = options.log ?? (() => {});
  const simulator = new LiveSimulator(sql, options);
  const [clock] = await sql<{ value: string }[]>`SELECT value FROM siyu.settings WHERE key = 'live_clock'`;
  const started = now();
  let last: number;
  if (clock) {
    last = Math.max(Number(clock.value), started - (options.maxCatchUpHours ?? 36) * 3_600_000);
  } else {
    await trimFuture(sql, new Date(started));
    last = started;
  }
  const { asOf } = await simulator.followCalendar(started);
  // Only whole slots are written, so no fact lands after the clock.
  const catchUpTo = Math.floor(started / 300_000) * 300_000;
  if (last < catchUpTo) {
    const rows = await simulator.run(last, catchUpTo, 300);
    log(`live: caught up ${((catchUpTo - last) / 60_000).toFixed(0)} min (${rows} rows)`);
    last = catchUpTo;
  }
  log(`live: simulating the running campaign from ${new Date(started).toISOString()} (as-of ${asOf})`);

  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let day = asOf;
  const tick = (): void => {
    running = (async () => {
      const t = now();
      const upTo = Math.floor(t / (slotSeconds * 1000)) * slotSeconds * 1000;
      try {
        const moved = (await simulator.followCalendar(t)).asOf;
        // A new day: the segments page's default journey starts a day later; counted now, not by its first viewer.
        if (moved !== day) {
          day = moved;
          await countDefaultJourney(sql);
        }
        if (upTo > last) await simulator.run(last, upTo, slotSeconds);
        last = Math.max(last, upTo);
      } catch (error) {
        log(`live: step failed, retrying: ${(error as Error).message}`);
      }
    })().finally(() => {
      if (!stopped) timer = setTimeout(tick, slotSeconds * 1000);
    });
  };
  timer = setTimeout(tick, slotSeconds * 1000);
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
