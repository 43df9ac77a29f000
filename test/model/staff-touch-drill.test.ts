/**
 * The follow-up, booking and arrival numbers of an employee open lists whose
 * parts add up to the number (and to plain SQL), and the arrival rate can be
 * recounted from its list.
 */
import { describe, expect, it } from 'vitest';
import { buildDrillQuery, parseDrill, toDrillRows } from '../../web/src/lib/drill.ts';
import { one } from '../helpers/database.ts';
import { useTestStack } from '../helpers/stack.ts';

describe('staff work drill lists', () => {
  const ctx = useTestStack('touch', { demoCustomers: 1500 });
  const PAGE = { offset: 0, limit: 1000, sort: null, desc: true };

  const busiest = async (): Promise<number> => one(await ctx.db.sql<{ id: number }[]>`
    SELECT employee_id AS id FROM siyu.follow_ups GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`).id;

  it('follow-ups: one row per customer touched, parts adding up to the employee\'s count and to SQL', async () => {
    const employee = await busiest();
    const slice = parseDrill(new URLSearchParams({ metric: 'follow_ups', owner: String(employee), range: 'all' }), '2026-11-20');
    const rows = toDrillRows('follow_ups', await ctx.api.load({ ...buildDrillQuery(slice, PAGE) }));
    const [kpi] = await ctx.api.load({ measures: ['staff_performance.follow_ups'], filters: [{ member: 'staff_performance.employee_id', operator: 'equals', values: [String(employee)] }] });
    const sql = one(await ctx.db.sql<{ n: number; customers: number }[]>`
      SELECT count(*)::int AS n, count(DISTINCT customer_id)::int AS customers FROM siyu.follow_ups WHERE employee_id = ${employee}`);
    expect(rows.length).toBe(sql.customers);
    expect(rows.reduce((sum, r) => sum + Number(r.values.part), 0)).toBe(sql.n);
    expect(Number(kpi!['staff_performance.follow_ups'])).toBe(sql.n);
  });

  it('arrival rate: the list opens on the customers who arrived, switches to the booked ones; arrivals over bookings recounts the rate', async () => {
    const employee = one(await ctx.db.sql<{ id: number }[]>`
      SELECT employee_id AS id FROM siyu.appointments GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`).id;
    const slice = parseDrill(new URLSearchParams({ metric: 'arrival_rate', owner: String(employee), range: 'all', show: 'all' }), '2026-11-20');
    const rows = toDrillRows('arrival_rate', await ctx.api.load({ ...buildDrillQuery(slice, PAGE) }));
    const sql = one(await ctx.db.sql<{ bookings: number; arrivals: number; customers: number; arrived: number }[]>`
      SELECT count(*)::int AS bookings, count(arrived_at)::int AS arrivals, count(DISTINCT customer_id)::int AS customers,
             count(DISTINCT customer_id) FILTER (WHERE arrived_at IS NOT NULL)::int AS arrived
      FROM siyu.appointments WHERE employee_id = ${employee}`);
    const numerator = parseDrill(new URLSearchParams({ metric: 'arrival_rate', owner: String(employee), range: 'all' }), '2026-11-20');
    const arrivedRows = toDrillRows('arrival_rate', await ctx.api.load({ ...buildDrillQuery(numerator, PAGE) }));
    expect(arrivedRows.length).toBe(sql.arrived);
    expect(arrivedRows.every((r) => r.values.in_numerator)).toBe(true);
    expect(rows.length).toBe(sql.customers);
    const bookings = rows.reduce((sum, r) => sum + Number(r.values.bookings), 0);
    const arrivals = rows.reduce((sum, r) => sum + Number(r.values.arrivals), 0);
    expect([bookings, arrivals]).toEqual([sql.bookings, sql.arrivals]);
    expect(rows.filter((r) => r.values.in_numerator).length).toBe(rows.filter((r) => Number(r.values.arrivals) > 0).length);
  });
});
