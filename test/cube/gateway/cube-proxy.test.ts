import { describe, expect, it } from 'vitest';
import { filterMembers, HttpError, maskPhone, parseLoadQuery } from '../../../cube/gateway/cube-proxy.ts';
import { parseCatalogue } from '../../../cube/tools/metric-catalogue.ts';
import { SessionStore } from '../../../cube/gateway/sessions.ts';

describe('cube proxy helpers', () => {
  it('masks the middle four digits of a phone number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('123')).toBe('****');
  });

  it('parses a query given as JSON text or object, and rejects the rest with a 400', () => {
    expect(parseLoadQuery('{"measures":["a.b"]}')).toEqual({ measures: ['a.b'] });
    expect(parseLoadQuery([{ measures: ['a.b'] }, { measures: ['c.d'] }])).toHaveLength(2);
    for (const bad of ['{oops', '[]', '"text"', 42, null, [1]]) {
      expect(() => parseLoadQuery(bad)).toThrow(HttpError);
    }
  });

  it('finds filter members in nested and/or groups', () => {
    expect(filterMembers({ filters: [{ member: 'a.x' }, { or: [{ member: 'a.y' }, { and: [{ dimension: 'a.z' }] }] }] }))
      .toEqual(['a.x', 'a.y', 'a.z']);
  });
});

describe('sessions', () => {
  it('expire after twelve hours and end on logout', () => {
    let now = 0;
    const store = new SessionStore(() => now);
    const account = { username: 'exec', role: 'executive' as const, employeeId: null, teamId: null, displayName: 'x' };
    const id = store.create(account);
    expect(store.get(id)).toEqual(account);
    now = 12 * 3600 * 1000 - 1;
    expect(store.get(id)).toEqual(account);
    now += 1;
    expect(store.get(id)).toBeNull();
    const other = store.create(account);
    store.destroy(other);
    expect(store.get(other)).toBeNull();
    expect(store.get(undefined)).toBeNull();
  });
});

describe('catalogue parser', () => {
  it('expands "same as", "same" and "same +" and strips explanations', () => {
    const parsed = parseCatalogue([
      '## Dimension ids', '`channel`, `employee`, `registered_date`', '## Sales',
      '| id | definition | slice by |', '|---|---|---|',
      '| gmv | Σ | channel, employee (credited) |',
      '| order_count | n | same as gmv |',
      '| a / b | x | same |',
      '| c | y | same + registered_date |',
    ].join('\n'));
    expect(parsed.dimensions).toEqual(['channel', 'employee', 'registered_date']);
    expect(parsed.metrics.map((m) => [m.id, m.sliceBy.join(',')])).toEqual([
      ['gmv', 'channel,employee'], ['order_count', 'channel,employee'], ['a', 'channel,employee'], ['b', 'channel,employee'],
      ['c', 'channel,employee,registered_date'],
    ]);
  });
});
