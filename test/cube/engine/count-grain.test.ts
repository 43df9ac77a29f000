/**
 * cube/engine/count-grain.ts: each query on segment_counts and journey_counts
 * is given the coarsest grain of the kept counts (migration 056) that holds
 * all its members; a query that names the grain itself is refused. The
 * numbers at each grain are checked against plain SQL in
 * test/model/classification-counts.test.ts and journey-counts.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { AccessError } from '../../../cube/engine/access-rules.ts';
import { applyCountGrain } from '../../../cube/engine/count-grain.ts';

const grain = (query: Record<string, unknown>): unknown => {
  const filters = applyCountGrain(query).filters as Array<{ member?: string; values: string[] }>;
  const found = filters.filter((f) => f.member?.endsWith('.grain'));
  expect(found.length).toBe(1);
  return found[0]!.values[0];
};

describe('the grain of the kept classification and journey counts', () => {
  it('reads the brand rows for a count by stage, or no cut', () => {
    expect(grain({ measures: ['segment_counts.customers'], dimensions: ['segment_counts.aipl_stage'] })).toBe('brand');
    expect(grain({ measures: ['segment_counts.birthday_soon'] })).toBe('brand');
    expect(grain({ measures: ['segment_counts.customers'], filters: [{ member: 'segment_counts.lifecycle_stage', operator: 'equals', values: ['active'] }] })).toBe('brand');
  });

  it("reads the owner's rows for a per-owner or team count, with the stages when a stage is asked", () => {
    expect(grain({ measures: ['segment_counts.birthday_soon'], dimensions: ['segment_counts.owner', 'segment_counts.owner_id', 'segment_counts.owner_team'] })).toBe('owner');
    // A manager's limit (added before the grain) is an owner-team filter.
    expect(grain({ measures: ['segment_counts.customers'], dimensions: ['segment_counts.rfm_segment'], filters: [{ member: 'segment_counts.owner_team_id', operator: 'equals', values: ['3'] }] })).toBe('owner_stages');
    expect(grain({ measures: ['segment_counts.customers'], filters: [{ or: [{ member: 'segment_counts.owner_id', operator: 'equals', values: ['7'] }] }] })).toBe('owner');
    expect(grain({ measures: ['segment_counts.customers'], order: { 'segment_counts.five_a_stage': 'asc', 'segment_counts.owner': 'asc' } })).toBe('owner_stages');
  });

  it('reads the finest rows for anything cut by the source channel', () => {
    expect(grain({ measures: ['segment_counts.customers'], dimensions: ['segment_counts.aipl_stage'], filters: [{ member: 'segment_counts.source_channel', operator: 'equals', values: ['x'] }] })).toBe('channel');
    expect(grain({ measures: ['segment_counts.customers'], dimensions: ['segment_counts.source_channel', 'segment_counts.owner'] })).toBe('channel');
  });

  it("reads a journey's brand rows unless an owner, a team or a channel is named", () => {
    const tile = { measures: ['journey_counts.customers'], dimensions: ['journey_counts.from_stage', 'journey_counts.to_stage'] };
    expect(grain(tile)).toBe('brand');
    expect(grain({ ...tile, filters: [{ member: 'journey_counts.owner_team_id', operator: 'equals', values: ['1'] }] })).toBe('owner');
    expect(grain({ ...tile, filters: [{ member: 'journey_counts.owner_id', operator: 'equals', values: ['1'] }] })).toBe('owner');
    expect(grain({ ...tile, filters: [{ member: 'journey_counts.source_channel', operator: 'equals', values: ['x'] }] })).toBe('owner');
  });

  it('refuses a query that names the grain, and leaves other views alone', () => {
    expect(() => applyCountGrain({ measures: ['segment_counts.customers'], dimensions: ['segment_counts.grain'] })).toThrow(AccessError);
    expect(() => applyCountGrain({ measures: ['journey_counts.customers'], filters: [{ member: 'journey_counts.grain', operator: 'equals', values: ['owner'] }] })).toThrow(AccessError);
    const other = { measures: ['sales_periods.gmv'] };
    expect(applyCountGrain(other)).toBe(other);
  });
});
