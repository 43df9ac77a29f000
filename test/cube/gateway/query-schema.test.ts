import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../cube/gateway/http-error.ts';
import { checkLoadQuery, checkQueryType, LIMITS, type Surface } from '../../../cube/gateway/query-schema.ts';

const surface: Surface = {
  measures: new Set(['v.gmv', 'v.customers']),
  dimensions: new Set(['v.channel', 'v.phone', 'v.order_date', 'v.owner_id']),
  times: new Set(['v.order_date']),
  segments: new Set(['v.birthday_soon']),
  masked: new Set(['v.phone']),
};
const TZ = 'Asia/Shanghai';

function status(raw: unknown): number {
  try {
    checkLoadQuery(raw, surface, TZ);
    return 200;
  } catch (error) {
    if (error instanceof HttpError) return error.status;
    throw error;
  }
}

const nest = (depth: number): unknown => {
  let f: unknown = { member: 'v.channel', operator: 'equals', values: ['x'] };
  for (let i = 1; i < depth; i++) f = { or: [f] };
  return [f];
};

describe('the load allow-list', () => {
  it('passes a well-formed query through with the business time zone set', () => {
    const q = checkLoadQuery('{"measures":["v.gmv"],"timeDimensions":[{"dimension":"v.order_date","granularity":"month","dateRange":["2026-01-01","2026-06-30"]}],"order":{"v.gmv":"desc"},"limit":10,"total":true}', surface, TZ);
    expect(q).toEqual({
      timezone: TZ, measures: ['v.gmv'], limit: 10, total: true, order: [['v.gmv', 'desc']],
      timeDimensions: [{ dimension: 'v.order_date', granularity: 'month', dateRange: ['2026-01-01', '2026-06-30'] }],
    });
  });

  it('lowers a huge limit to the ceiling instead of failing', () => {
    expect(checkLoadQuery({ measures: ['v.gmv'], limit: 1_000_000_000 }, surface, TZ)).toMatchObject({ limit: LIMITS.rowLimit });
  });

  it('refuses unknown keys and operators with 400, and members outside the surface, closed or unknown alike, with 403', () => {
    expect(status({ measures: ['v.gmv'], sql: 'SELECT 1' })).toBe(400);
    expect(status({ measures: ['v.nope'] })).toBe(403);
    expect(status({ measures: ["v.gmv'; DROP TABLE x; --"] })).toBe(400);
    // v.referrer and w.gmv exist in the model but not on this role's surface.
    const message = (raw: unknown): string => {
      try {
        checkLoadQuery(raw, surface, TZ);
        return '';
      } catch (error) {
        return `${(error as HttpError).status} ${(error as HttpError).message}`;
      }
    };
    expect(message({ dimensions: ['v.referrer'] })).toBe(message({ dimensions: ['v.nothing'] }).replace('v.nothing', 'v.referrer'));
    expect(message({ measures: ['w.gmv'] })).toBe('403 w.gmv is not a measure you can query: use the members listed in /meta.');
    expect(message({ measures: ['w.nope'] })).toBe('403 w.nope is not a measure you can query: use the members listed in /meta.');
    expect(status({ measures: ['v.gmv'], filters: [{ member: 'v.channel', operator: 'regex', values: ['.*'] }] })).toBe(400);
    expect(status({ measures: ['v.gmv'], segments: ['v.unknown'] })).toBe(403);
  });

  it('refuses a time zone other than the business one, and bad dates', () => {
    expect(status({ measures: ['v.gmv'], timezone: "UTC' ; SELECT pg_read_file('/etc/passwd') --" })).toBe(400);
    expect(status({ measures: ['v.gmv'], timezone: 'UTC' })).toBe(400);
    expect(status({ measures: ['v.gmv'], timezone: TZ })).toBe(200);
    expect(status({ measures: ['v.gmv'], timeDimensions: [{ dimension: 'v.order_date', dateRange: ['2026-13-45', '2026-01-01'] }] })).toBe(400);
    expect(status({ measures: ['v.gmv'], timeDimensions: [{ dimension: 'v.channel', granularity: 'day' }] })).toBe(400);
    expect(status({ measures: ['v.gmv'], timeDimensions: [{ dimension: 'v.order_date', granularity: "day'" }] })).toBe(400);
  });

  it('refuses masked members in filters (at any depth) and in the order', () => {
    expect(status({ dimensions: ['v.phone'] })).toBe(200);
    expect(status({ measures: ['v.gmv'], filters: [{ or: [{ and: [{ member: 'v.phone', operator: 'startsWith', values: ['138'] }] }] }] })).toBe(403);
    expect(status({ dimensions: ['v.phone'], order: [['v.phone', 'asc']] })).toBe(403);
  });

  it('bounds sizes: members, filter depth and count, values, limit and offset', () => {
    expect(status({ measures: Array.from({ length: 10_000 }, () => 'v.gmv') })).toBe(400);
    expect(status({ measures: ['v.gmv'], filters: nest(LIMITS.filterDepth) })).toBe(200);
    expect(status({ measures: ['v.gmv'], filters: nest(LIMITS.filterDepth + 1) })).toBe(400);
    expect(status({ measures: ['v.gmv'], filters: nest(3000) })).toBe(400);
    expect(status({ measures: ['v.gmv'], limit: -1 })).toBe(400);
    expect(status({ measures: ['v.gmv'], limit: 1.5 })).toBe(400);
    expect(status({ measures: ['v.gmv'], offset: -5 })).toBe(400);
    expect(status({ measures: ['v.gmv'], filters: [{ member: 'v.channel', operator: 'equals', values: ['x'.repeat(1000)] }] })).toBe(400);
  });

  it('accepts only the fixed response formats and query types, one view per query, and JSON', () => {
    expect(status({ measures: ['v.gmv'], responseFormat: 'compact' })).toBe(200);
    expect(status({ measures: ['v.gmv'], responseFormat: 'csv' })).toBe(400);
    expect(status({ dimensions: ['v.channel'], ungrouped: true })).toBe(400);
    expect(status({ dimensions: ['v.channel'], ungrouped: false, total: true })).toBe(200);
    expect(status('{oops')).toBe(400);
    expect(status([])).toBe(400);
    expect(status({})).toBe(400);
    expect(() => checkQueryType('blending')).toThrow(HttpError);
    expect(checkQueryType('multi')).toBe('multi');
  });
});
