import { describe, expect, it } from 'vitest';
import { buildEmployeeActivityQuery, buildEmployeeConvertedQuery, buildEmployeeNewCustomersQuery, buildEmployeeOwnedQuery } from '../../../../web/src/features/staff/employee-detail/build-query.ts';
import { employeeMetrics, ownValues } from '../../../../web/src/features/staff/employee-detail/transform.ts';
import { buildStaffActivityQuery, buildStaffConvertedQuery, buildStaffOwnedQuery, buildStaffSalesQuery } from '../../../../web/src/features/staff/team-leaderboard/build-query.ts';
import { toStaffRows, transformLeaderboard } from '../../../../web/src/features/staff/team-leaderboard/transform.ts';

describe("team leaderboard and a team's employees", () => {
  it('queries per team, or per employee of one team', () => {
    expect(buildStaffSalesQuery('team', null, null).dimensions).toEqual(['sales_range.team']);
    const q = buildStaffActivityQuery('employee', ['2026-01-01', '2026-01-31'], 'T');
    expect(q.dimensions).toEqual(['staff_touches.employee', 'staff_touches.employee_id']);
    expect(q.filters).toEqual([{ member: 'staff_touches.team', operator: 'equals', values: ['T'] }]);
  });

  it('merges sales, activity and owned customers, ranks by GMV, conversion = converted in the range / owned now', () => {
    const rows = toStaffRows('employee',
      [{ 'sales_buyers.employee': '甲', 'sales_buyers.employee_id': 1, 'sales_buyers.gmv': '100' },
        { 'sales_buyers.employee': '乙', 'sales_buyers.employee_id': 2, 'sales_buyers.gmv': '300' }],
      [{ 'staff_touches.employee': '甲', 'staff_touches.employee_id': 1, 'staff_touches.follow_ups': '2' }],
      [{ 'staff_owned.employee': '甲', 'staff_owned.employee_id': 1, 'staff_owned.owned_customers': '10' },
        { 'staff_owned.employee': '丙', 'staff_owned.employee_id': 3, 'staff_owned.owned_customers': '5' }],
      [{ 'staff_converted.employee': '甲', 'staff_converted.employee_id': 1, 'staff_converted.converted_customers': '4' }]);
    // 丙 owns customers but sold nothing in the range: a row of the team all the same.
    expect(rows.map((r) => r.key)).toEqual(['乙', '甲', '丙']);
    expect(rows[2]).toMatchObject({ employeeId: 3, owned: 5, gmv: 0, converted: 0, conversionRate: 0 });
    expect(rows[1]).toMatchObject({ employeeId: 1, owned: 10, converted: 4, conversionRate: 0.4, followUps: 2 });
    expect(rows[0]).toMatchObject({ employeeId: 2, owned: 0, followUps: 0, conversionRate: null });
    expect((transformLeaderboard(rows, 'zh-CN', 'GMV') as { yAxis: { data: string[] } }).yAxis.data).toEqual(['丙', '甲', '乙']);
  });
});

describe('one employee beside the team', () => {
  it('own queries filter on the employee id (owned customers by owner, with no range)', () => {
    expect(buildEmployeeOwnedQuery(7)).toEqual({ measures: ['staff_owned.owned_customers'], filters: [{ member: 'staff_owned.employee_id', operator: 'equals', values: ['7'] }] });
    expect(buildStaffOwnedQuery('employee', 'T').timeDimensions).toBeUndefined();
    // Distinct counts have queries of their own: the touches' query reads the touches table (staff_touches).
    expect(buildStaffActivityQuery('employee', ['2026-01-01', '2026-11-20'], 'T').measures).toEqual(
      ['staff_touches.follow_ups', 'staff_touches.bookings', 'staff_touches.arrivals', 'staff_touches.arrival_rate']);
    expect(buildStaffConvertedQuery('employee', ['2026-01-01', '2026-11-20'], 'T')).toEqual({
      dimensions: ['staff_converted.employee', 'staff_converted.employee_id'], measures: ['staff_converted.converted_customers'],
      filters: [{ member: 'staff_converted.team', operator: 'equals', values: ['T'] }],
      timeDimensions: [{ dimension: 'staff_converted.order_date', dateRange: ['2026-01-01', '2026-11-20'] }],
    });
    expect(buildEmployeeConvertedQuery(7, null)).toEqual({ measures: ['staff_converted.converted_customers'], filters: [{ member: 'staff_converted.employee_id', operator: 'equals', values: ['7'] }], timeDimensions: [] });
    expect(buildEmployeeActivityQuery(7, null).filters).toEqual([{ member: 'staff_touches.employee_id', operator: 'equals', values: ['7'] }]);
    expect(buildEmployeeNewCustomersQuery(7, null).filters).toEqual([{ member: 'customer_registrations.owner_id', operator: 'equals', values: ['7'] }]);
  });

  it('uses the peer comparison when there is one, own values otherwise', () => {
    const own = ownValues({}, { 'sales_range.gmv': '1000' }, undefined, undefined, { 'staff_owned.owned_customers': '20' }, { 'staff_converted.converted_customers': '5' });
    expect(own.conversion_rate).toBe(0.25);
    const alone = employeeMetrics(own, null);
    expect(alone.find((m) => m.id === 'gmv')).toEqual({ id: 'gmv', value: 1000, teamAverage: null, rank: null });
    const withTeam = employeeMetrics(own, { employeeId: 7, teamId: 1, teamSize: 6, metrics: [{ id: 'gmv', value: '1000.00', teamAverage: '800.00', rank: 2 }] });
    expect(withTeam.find((m) => m.id === 'gmv')).toEqual({ id: 'gmv', value: 1000, teamAverage: 800, rank: 2 });
    expect(withTeam).toHaveLength(11);
  });
});
