import { describe, expect, it } from 'vitest';
import { buildFilterOptionsQuery, linkWith, optionValues, parseFilters, resolveDateRange, writeFilters } from '../../../web/src/lib/filters.ts';

describe('global filters in the URL', () => {
  it('read presets, custom ranges and names; bad values fall back', () => {
    expect(parseFilters(new URLSearchParams('range=last_90_days&team=华东一部'))).toEqual({
      range: 'last_90_days', from: null, to: null, team: '华东一部', channel: null, campaign: null,
    });
    expect(parseFilters(new URLSearchParams('range=custom&from=2026-01-01&to=2026-01-31')).range).toBe('custom');
    expect(parseFilters(new URLSearchParams('from=2026-02-01&to=2026-01-01')).range).toBe('last_12_months');
    expect(parseFilters(new URLSearchParams('from=yesterday&to=2026-01-01&channel=')).channel).toBeNull();
  });

  it('resolve to dates on the data calendar', () => {
    expect(resolveDateRange(parseFilters(new URLSearchParams('range=last_30_days')), '2026-11-20')).toEqual(['2026-10-22', '2026-11-20']);
    expect(resolveDateRange(parseFilters(new URLSearchParams('from=2026-01-01&to=2026-01-31')), '2026-11-20')).toEqual(['2026-01-01', '2026-01-31']);
    expect(resolveDateRange(parseFilters(new URLSearchParams('range=all')), '2026-11-20')).toBeNull();
  });

  it('write: empty values leave the URL, a preset drops a custom range', () => {
    const next = writeFilters(new URLSearchParams('from=2026-01-01&to=2026-01-31&team=A&page=3'), { range: 'last_30_days', team: null });
    expect(next.toString()).toBe('page=3&range=last_30_days');
  });

  it('links carry the global filters, not the page state', () => {
    expect(linkWith('/customers', new URLSearchParams('range=all&team=A&page=2&sort=ltv'), { metric: 'gmv', channel: '微信' }))
      .toBe('/customers?range=all&team=A&metric=gmv&channel=%E5%BE%AE%E4%BF%A1');
  });

  it('options come from the views the person may query', () => {
    expect(buildFilterOptionsQuery('channel')).toEqual({ dimensions: ['channel_options.channel'], order: { 'channel_options.channel': 'asc' } });
    expect(buildFilterOptionsQuery('campaign').dimensions).toEqual(['channel_options.campaign']);
    expect(optionValues([{ 'team_options.team': 'A' }, { 'team_options.team': null }], 'team')).toEqual(['A']);
  });
});
