/**
 * Day-of-month checks of dates and times (values.ts counts the days of a
 * month itself, for speed): every day of every month of 1900–2200 against
 * the calendar of JavaScript's Date, leap years included.
 */
import { describe, expect, it } from 'vitest';
import { isProblem, parseDate, timeParser } from '../../cube/import/values.ts';

describe('dates and times: the days of each month', () => {
  it('accepts exactly the days the calendar has, from 1900 to 2200', () => {
    const parseTime = timeParser('Asia/Shanghai');
    const wrong: string[] = [];
    for (let y = 1900; y <= 2200; y++) {
      for (let m = 1; m <= 12; m++) {
        const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
        for (let d = 28; d <= 31; d++) {
          const text = `${y}-${m}-${d}`;
          if (isProblem(parseDate(text)) !== d > days) wrong.push(text);
          if (isProblem(parseTime(`${text} 12:00`)) !== d > days) wrong.push(`${text} 12:00`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('writes each time as the UTC instant, as Date would, in a zone of whole hours, of half hours and with an offset given', () => {
    const shanghai = timeParser('Asia/Shanghai');
    const kolkata = timeParser('Asia/Kolkata');
    const wrong: string[] = [];
    // A minute and a second that walk through every value, over days of 1992-2200 (both zones' offsets fixed since: no summer time).
    for (let k = 0; k < 40_000; k++) {
      const [y, mo, d, h, mi, s] = [1992 + (k % 209), 1 + (k % 12), 1 + (k % 28), k % 24, (k * 7) % 60, (k * 13) % 60];
      const text = `${y}-${mo}-${d} ${h}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
      const wall = Date.UTC(y, mo - 1, d, h, mi, s);
      const want = [[shanghai(text), wall - 8 * 3_600_000], [kolkata(text), wall - 330 * 60_000], [shanghai(`${text}-03:30`), wall + 210 * 60_000]] as const;
      for (const [got, utc] of want) if (got !== new Date(utc).toISOString()) wrong.push(`${text}: ${String(got)}`);
    }
    expect(wrong).toEqual([]);
  });
});
