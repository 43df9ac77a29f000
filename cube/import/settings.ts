/**
 * What an import sets besides the rows: the data date (as-of), the business
 * time zone and the data's origin (`import`: no demo accounts are ever given
 * to it), each written only when it changes; the history of imports
 * (siyu.import_runs); and, after the commit, the classification and the
 * planner's statistics.
 */
import type { Sql, TransactionSql } from 'postgres';
import { holdAsOfRolls } from './derived.ts';
import { msg } from './messages.ts';
import type { FileProblem } from './read.ts';
import type { ImportOptions, ImportReport } from './run.ts';

/** What siyu.business_tz() answers while no time zone is recorded (migration 001). */
const DEFAULT_ZONE = 'Asia/Shanghai';

/**
 * The business time zone, before any row is written: every local day the
 * triggers and the streamed orders compute (the customer-day table, the day
 * counters, the period tables) is read in it, so a first load in another
 * zone than the default records it first. Data already in the database was
 * cut into days in its zone: an import asking another is refused (a problem),
 * not half applied.
 */
export async function settleTimeZone(tx: TransactionSql, zone: string, problems: FileProblem[]): Promise<void> {
  const [row] = await tx<{ value: string }[]>`SELECT value FROM siyu.settings WHERE key = 'time_zone'`;
  if (row?.value === zone) return;
  const current = row?.value ?? DEFAULT_ZONE;
  if (current !== zone) {
    const [held] = await tx<{ any: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM siyu.customers) OR EXISTS (SELECT 1 FROM siyu.orders) OR EXISTS (SELECT 1 FROM siyu.campaign_spend) AS any`;
    if (held!.any) {
      problems.push({ file: '', line: null, column: null, value: zone, reason: msg('time_zone', { current, zone }) });
      return;
    }
  }
  await tx`INSERT INTO siyu.settings (key, value) VALUES ('time_zone', ${zone}) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`;
}

/** The latest local date of any fact in the database, or today's when there is none yet. */
export async function latestFactDate(tx: TransactionSql): Promise<string> {
  const [row] = await tx<{ day: string }[]>`
    WITH tz AS (SELECT siyu.business_tz() AS zone)
    SELECT coalesce(max(day), (now() AT TIME ZONE (SELECT zone FROM tz))::date)::text AS day FROM (
      SELECT (max(ordered_at) AT TIME ZONE (SELECT zone FROM tz))::date AS day FROM siyu.orders
      UNION ALL SELECT (max(occurred_at) AT TIME ZONE (SELECT zone FROM tz))::date FROM siyu.events
      UNION ALL SELECT (max(occurred_at) AT TIME ZONE (SELECT zone FROM tz))::date FROM siyu.follow_ups
      UNION ALL SELECT (max(joined_at) AT TIME ZONE (SELECT zone FROM tz))::date FROM siyu.campaign_participations
      UNION ALL SELECT (max(booked_at) AT TIME ZONE (SELECT zone FROM tz))::date FROM siyu.appointments
      UNION ALL SELECT (max(registered_at) AT TIME ZONE (SELECT zone FROM tz))::date FROM siyu.customers
      UNION ALL SELECT max(spent_on) FROM siyu.campaign_spend) AS facts`;
  return row!.day;
}

/**
 * Writes the settings that differ; returns the data date. `periodsFollow`:
 * the tables that follow the customer-day table are built whole right after
 * (afterCustomerDays, derived.ts), so the rolls the settings' triggers run
 * when the data date moves (the period, owner period and drill lists'
 * tables) would be thrown away: held back.
 */
export async function writeSettings(tx: TransactionSql, s: { asOf?: string | undefined }, periodsFollow = false): Promise<string> {
  return periodsFollow ? holdAsOfRolls(tx, () => writeChangedSettings(tx, s)) : writeChangedSettings(tx, s);
}

async function writeChangedSettings(tx: TransactionSql, s: { asOf?: string | undefined }): Promise<string> {
  // The time zone is already written (settleTimeZone, before the rows): the latest fact date is read in it.
  const wanted: Record<string, string> = { data_origin: 'import' };
  const current = new Map((await tx<{ key: string; value: string }[]>`SELECT key, value FROM siyu.settings`).map((r) => [r.key, r.value]));
  const asOf = s.asOf ?? (await latestFactDate(tx));
  wanted.as_of = asOf;
  const changed = Object.entries(wanted).filter(([k, v]) => current.get(k) !== v);
  if (changed.length > 0) {
    await tx`INSERT INTO siyu.settings ${tx(changed.map(([key, value]) => ({ key, value })))}
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`;
  }
  return asOf;
}

/** After the commit: statistics for the written tables, then the classification as of the data date (migration 009). */
export async function refreshDerived(sql: Sql, tables: string[]): Promise<void> {
  // VACUUM too for the customer-day table (as the seed does): all-visible pages let a distinct count read its key alone.
  for (const table of tables) await sql.unsafe(`${table === 'customer_days' ? 'VACUUM (ANALYZE)' : 'ANALYZE'} siyu.${table}`);
  await sql`SELECT siyu.classification_now_version()`;
}

export async function recordRun(sql: Sql, options: ImportOptions, report: ImportReport): Promise<number> {
  const result = report.result;
  const [row] = await sql<{ id: number }[]>`
    INSERT INTO siyu.import_runs (finished_at, username, source, check_only, files, entities, merges, problems, result)
    VALUES (now(), ${options.username}, ${options.source}, ${options.check}, ${sql.json(report.files)}, ${sql.json(report.entities as Record<string, never>)},
            ${report.merges.length}, ${report.problems.length}, ${result})
    RETURNING id::int`;
  return row!.id;
}
