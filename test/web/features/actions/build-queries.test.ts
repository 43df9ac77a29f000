import { describe, expect, it } from 'vitest';
import {
  buildActionListQuery, buildListCountQuery, buildOwnerCountsQuery, listCount, parseActionFilter, toActionRows, toOwnerCounts,
} from '../../../../web/src/features/actions/build-queries.ts';
import { exportFormFields } from '../../../../web/src/lib/export-csv.ts';

describe('action list queries', () => {
  it('reads the list, team and owner from the URL, defaulting to the birthday list', () => {
    expect(parseActionFilter(new URLSearchParams('list=high_value_slipping&team=华东一部&owner=12'))).toEqual({ list: 'high_value_slipping', team: '华东一部', owner: 12 });
    expect(parseActionFilter(new URLSearchParams('list=orders&owner=-1'))).toEqual({ list: 'birthday_soon', team: null, owner: null });
  });

  it('a list is the Cube segment named after it, with reason, owner and team, filtered and paged', () => {
    const q = buildActionListQuery({ list: 'booked_not_arrived', team: 'T', owner: 7 }, 3);
    expect(q.segments).toEqual(['customer_insights.booked_not_arrived']);
    expect(q.dimensions).toEqual(expect.arrayContaining([
      'customer_insights.customer', 'customer_insights.action_reason', 'customer_insights.owner', 'customer_insights.owner_id', 'customer_insights.owner_team',
    ]));
    expect(q.filters).toEqual([
      { member: 'customer_insights.owner_team', operator: 'equals', values: ['T'] },
      { member: 'customer_insights.owner_id', operator: 'equals', values: ['7'] },
    ]);
    expect([q.limit, q.offset, q.total]).toEqual([50, 100, undefined]);
    expect(q.order).not.toHaveProperty('customer_insights.phone');
  });

  it('orders each list by urgency, as the catalogue says, asking for the member it orders by', () => {
    const order = (list: Parameters<typeof buildActionListQuery>[0]['list']) => {
      const q = buildActionListQuery({ list, team: null, owner: null }, 1);
      for (const member of Object.keys(q.order as object)) expect(q.dimensions, `${list} orders by ${member}`).toContain(member);
      return Object.entries(q.order as Record<string, string>);
    };
    expect(order('birthday_soon')).toEqual([['customer_insights.days_to_birthday', 'asc'], ['customer_insights.customer', 'asc']]);
    expect(order('booked_not_arrived')).toEqual([['customer_insights.missed_date', 'desc'], ['customer_insights.customer', 'asc']]);
    expect(order('high_value_slipping')).toEqual([['customer_insights.paid_amount', 'desc'], ['customer_insights.customer', 'asc']]);
    expect(order('first_order_follow_up')).toEqual([['customer_insights.first_paid_date', 'asc'], ['customer_insights.customer', 'asc']]);
  });

  it('per-owner counts keep the team filter but not the owner, so every owner of the team shows; both from the stored counts', () => {
    const q = buildOwnerCountsQuery({ list: 'birthday_soon', team: 'T', owner: 7 });
    expect(q.measures).toEqual(['segment_counts.birthday_soon']);
    expect(q.filters).toEqual([
      { member: 'segment_counts.owner_team', operator: 'equals', values: ['T'] },
      { member: 'segment_counts.birthday_soon', operator: 'gt', values: ['0'] },
    ]);
    expect(buildListCountQuery('first_order_follow_up', { team: null, owner: 7 })).toEqual({
      measures: ['segment_counts.first_order_follow_up'], filters: [{ member: 'segment_counts.owner_id', operator: 'equals', values: ['7'] }],
    });
  });

  it('the export is the whole list: no limit, offset or total', () => {
    const fields = exportFormFields({ query: buildActionListQuery({ list: 'birthday_soon', team: null, owner: null }, 2), columns: [], filename: 'x' }, 't');
    const payload = JSON.parse(fields.payload) as { query: Record<string, unknown> };
    expect(payload.query).not.toHaveProperty('limit');
    expect(payload.query).not.toHaveProperty('offset');
    expect(payload.query).not.toHaveProperty('total');
    expect(payload.query.segments).toEqual(['customer_insights.birthday_soon']);
  });

  it('rows and counts from Cube strings', () => {
    const [row] = toActionRows([{ 'customer_insights.customer': '42', 'customer_insights.owner_id': '7', 'customer_insights.owner': '王伟', 'customer_insights.action_reason': '生日还有 3 天', 'customer_insights.phone': null }]);
    expect(row).toMatchObject({ customer: 42, ownerId: 7, values: { owner: '王伟', action_reason: '生日还有 3 天', phone: null } });
    expect(toOwnerCounts('booked_not_arrived', [{ 'segment_counts.owner': null, 'segment_counts.owner_id': null, 'segment_counts.owner_team': null, 'segment_counts.booked_not_arrived': '4' }]))
      .toEqual([{ owner: null, ownerId: null, ownerTeam: null, customers: 4 }]);
    expect(listCount('birthday_soon', [{ 'segment_counts.birthday_soon': '17' }])).toBe(17);
    expect(listCount('birthday_soon', [])).toBeNull();
  });
});
