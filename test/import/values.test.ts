/**
 * Day-of-month checks of dates and times (values.ts counts the days of a
 * month itself, for speed): every day of every month of 1900–2200 against
 * the calendar of JavaScript's Date, leap years included.
 */
import { describe, expect, it } from 'vitest';
import { isProblem, parseDate, parseMoney, timeParser } from '../../cube/import/values.ts';

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

describe('amounts', () => {
  it('reads every usual spelling of an amount to its exact decimal, and refuses the malformed ones', () => {
    const wrong: string[] = [];
    const expect_ = (text: string, want: string | null): void => {
      const got = parseMoney(text);
      if ((isProblem(got) ? null : got) !== want) wrong.push(`${text}: ${JSON.stringify(got)}`);
    };
    // Cents spread over 0 to 10^12 yuan, each written seven ways; the expected decimal is made from the integer.
    for (let k = 0; k < 30_000; k++) {
      const cents = k < 1000 ? k : Math.floor(((k * 2_654_435_761) % 1_000_000_007) * 10 ** (k % 6)) + (k % 100);
      const yuan = Math.floor(cents / 100);
      const c = String(cents % 100).padStart(2, '0');
      const want = `${yuan}.${c}`;
      const grouped = yuan.toLocaleString('en-US');
      for (const text of [`${yuan}.${c}`, `¥${grouped}.${c}`, `￥${grouped}.${c}`, `RMB ${grouped}.${c}`, `${yuan}.${c}元`]) expect_(text, want);
      if (c === '00') {
        expect_(String(yuan), want);
        expect_(`¥${grouped}`, want);
      } else if (c.endsWith('0')) {
        expect_(`${grouped}.${c[0]}`, want);
      }
    }
    for (const [text, want] of [['007', '7.00'], ['0.5', '0.50'], ['1.230', '1.23'], ['¥0', '0.00'], ['-0', '0.00']] as const) expect_(text, want);
    for (const text of ['1,00.00', '1,0000', '12,34', ',123', '1,', '.5', '1.', '1.234', '1..2', '¥', '', 'abc', '1 000', '-5', '(5)', '¥-5', '1234567890123', '1e5']) expect_(text, null);
    expect(wrong).toEqual([]);
  });
});
