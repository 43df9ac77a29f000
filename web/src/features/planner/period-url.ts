/**
 * The period plan's inputs in the URL, so a link (or Back) reproduces the plan:
 * `month=2026-12` for a calendar month, or `from=2026-12-01&to=2026-12-15` for
 * any range; `budget=100000`; `scope=all|private|public`. Without a period the
 * plan is for the month after the data date's month (next month). A period
 * starts after the last full month of history: the rest of the data date's
 * month can be planned, a past month cannot. Pure.
 */
import { isIsoDate } from '../../lib/date-range.ts';
import { addMonths, daysInMonth } from './period-forecast.ts';
import { lastFullMonth, PLAN_SCOPES, type PlanScope } from './period-history.ts';

export interface PeriodState {
  from: string;
  to: string;
  /** The calendar month, when the period is one. */
  month: string | null;
  budget: number | null;
  scope: PlanScope;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
/** The longest range a plan takes: a year (the seasons repeat beyond). */
const MAX_RANGE_DAYS = 366;

export const monthRange = (month: string): [string, string] => [`${month}-01`, `${month}-${String(daysInMonth(month)).padStart(2, '0')}`];

export function parsePeriodState(params: URLSearchParams, asOf: string): PeriodState {
  const lastMonth = lastFullMonth(asOf);
  const budget = Number(params.get('budget'));
  const scope = params.get('scope');
  const base = {
    budget: params.get('budget') !== null && Number.isFinite(budget) && budget > 0 ? budget : null,
    scope: (PLAN_SCOPES as readonly string[]).includes(scope ?? '') ? (scope as PlanScope) : 'all',
  };
  const from = params.get('from');
  const to = params.get('to');
  if (isIsoDate(from) && isIsoDate(to) && from <= to && from > `${lastMonth}-31`
    && (Date.parse(to) - Date.parse(from)) / 86_400_000 < MAX_RANGE_DAYS) {
    return { ...base, from, to, month: null };
  }
  const asked = params.get('month');
  const month = asked && MONTH.test(asked) && asked > lastMonth ? asked : addMonths(asOf.slice(0, 7), 1);
  const [f, t] = monthRange(month);
  return { ...base, from: f, to: t, month };
}

export function writePeriodState(state: PeriodState): URLSearchParams {
  const out = new URLSearchParams();
  if (state.month) out.set('month', state.month);
  else {
    out.set('from', state.from);
    out.set('to', state.to);
  }
  if (state.budget !== null) out.set('budget', String(Math.round(state.budget)));
  if (state.scope !== 'all') out.set('scope', state.scope);
  return out;
}
