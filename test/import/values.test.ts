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
});
