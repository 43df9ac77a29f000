/**
 * The two errors Cube 0.33 gives when two builds of one rollup race
 * (seen in this suite's logs; cube-js/cube#5735) are asked again; anything
 * else is not.
 */
import { describe, expect, it } from 'vitest';
import { isBuildRace } from '../../../cube/gateway/cube-proxy.ts';

describe('rollup build race', () => {
  it('recognises the race and nothing else', () => {
    expect(isBuildRace('Error: relation "campaign_returns_returns_by_day_w0xcjatl_arqkrmkr_1lh30h5" already exists')).toBe(true);
    expect(isBuildRace('Error: Pre-aggregation table is not found for siyu_pre_aggregations.campaign_returns_returns_by_day after it was successfully created')).toBe(true);
    expect(isBuildRace('Error: relation "siyu.orders" does not exist')).toBe(false);
    expect(isBuildRace('Error: canceling statement due to statement timeout')).toBe(false);
    expect(isBuildRace('Error: invalid input syntax for type integer: "abc"')).toBe(false);
  });
});
