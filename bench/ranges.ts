/** The custom ranges the benchmark times tiles on (no flags read here: tests import it). */
import { addDays } from '../web/src/lib/date-range.ts';

/**
 * A range that is no preset, a different one each run: every preset ends on
 * the data date, the day before it (昨日) or a month's last day (上月); this
 * one ends 12 days or more before the data date, never on a month's last day.
 */
export function customRange(asOf: string, i: number): [string, string] {
  const to = addDays(asOf, -(12 + 5 * i));
  return [addDays(asOf, -(150 + 11 * i)), addDays(to, 1).endsWith('-01') ? addDays(to, -1) : to];
}
