import { describe, expect, it } from 'vitest';
import { buildDrillQuery, parseDrill } from '../../../../web/src/lib/drill.ts';
import { buildJourneyQuery, journeyDrillParams, parseJourneyChoice } from '../../../../web/src/features/segments/journey-flows/build-query.ts';
import { toJourneyMatrix, transformJourneySankey } from '../../../../web/src/features/segments/journey-flows/transform.ts';

const AS_OF = '2026-11-20';
const row = (from: string, to: string, n: number | string) => ({
  'journey_counts.from_stage': from, 'journey_counts.to_stage': to, 'journey_counts.customers': n,
});

describe('journey flows', () => {
  it('default to lifecycle over the 90 days before as-of, and keep a chosen pair only when it is ordered', () => {
    expect(parseJourneyChoice(new URLSearchParams(), AS_OF)).toEqual({ family: 'lifecycle_stage', fromDate: '2026-08-22', toDate: AS_OF });
    expect(parseJourneyChoice(new URLSearchParams('jfamily=rfm_segment&jfrom=2026-01-31&jto=2026-06-30'), AS_OF))
      .toEqual({ family: 'rfm_segment', fromDate: '2026-01-31', toDate: '2026-06-30' });
    // A start on or after the end, an end after as-of, an unknown family: defaults.
    expect(parseJourneyChoice(new URLSearchParams('jfamily=x&jfrom=2026-07-01&jto=2026-06-30'), AS_OF))
      .toEqual({ family: 'lifecycle_stage', fromDate: '2026-04-01', toDate: '2026-06-30' });
    expect(parseJourneyChoice(new URLSearchParams('jto=2027-01-01'), AS_OF).toDate).toBe(AS_OF);
  });

  it('query from × to on both days, cut by team and channel as the segments are', () => {
    const q = buildJourneyQuery({ family: 'aipl_stage', fromDate: '2026-08-22', toDate: AS_OF }, { team: '华东一部', channel: '企业微信' });
    expect(q).toEqual({
      dimensions: ['journey_counts.from_stage', 'journey_counts.to_stage'],
      measures: ['journey_counts.customers'],
      filters: [
        { member: 'journey_counts.from_date', operator: 'equals', values: ['2026-08-22'] },
        { member: 'journey_counts.to_date', operator: 'equals', values: [AS_OF] },
        { member: 'journey_counts.family', operator: 'equals', values: ['aipl_stage'] },
        { member: 'journey_counts.owner_team', operator: 'equals', values: ['华东一部'] },
        { member: 'journey_counts.source_channel', operator: 'equals', values: ['企业微信'] },
      ],
    });
  });

  it('a move becomes a count drill on the same days and stages, with the same cut', () => {
    const choice = { family: 'lifecycle_stage' as const, fromDate: '2026-08-22', toDate: AS_OF };
    const params = new URLSearchParams({ ...journeyDrillParams(choice, 'active', 'sleeping'), team: '华东一部' });
    const slice = parseDrill(params, AS_OF);
    expect(slice.metric).toBe('journey');
    expect(slice.journey).toEqual({ ...choice, from: 'active', to: 'sleeping' });
    const q = buildDrillQuery(slice, { offset: 0, limit: 50, sort: null, desc: true });
    expect(q.filters).toEqual([
      { member: 'journey_flows.owner_team', operator: 'equals', values: ['华东一部'] },
      { member: 'journey_flows.from_date', operator: 'equals', values: ['2026-08-22'] },
      { member: 'journey_flows.to_date', operator: 'equals', values: [AS_OF] },
      { member: 'journey_flows.from_lifecycle_stage', operator: 'equals', values: ['active'] },
      { member: 'journey_flows.to_lifecycle_stage', operator: 'equals', values: ['sleeping'] },
    ]);
    expect(q.measures).toEqual(['journey_flows.customers']);
    expect(q.total).toBe(true);
    // Without its move the link is the plain customer list.
    expect(parseDrill(new URLSearchParams('metric=journey&family=lifecycle_stage'), AS_OF).metric).toBe('customers');
  });

  it('rows become a matrix in the stages\' own order, new registrations first, zero cells dropped', () => {
    const m = toJourneyMatrix('lifecycle_stage', [
      row('active', 'sleeping', '40'), row('not_registered', 'new', 12), row('new', 'active', 30), row('active', 'active', 100), row('sleeping', 'churned', 0),
    ]);
    expect(m.from).toEqual(['not_registered', 'new', 'active']);
    expect(m.to).toEqual(['new', 'active', 'sleeping']);
    expect(m.count('active', 'sleeping')).toBe(40);
    expect(m.count('sleeping', 'churned')).toBe(0);
    expect(m.total).toBe(182);
    expect(m.flows.map((f) => `${f.from}>${f.to}`)).toEqual(['not_registered>new', 'new>active', 'active>active', 'active>sleeping']);
  });

  it('the Sankey links each start stage to each end stage, named per side, in the order of the matrix flows', () => {
    const m = toJourneyMatrix('lifecycle_stage', [row('active', 'active', 100), row('active', 'sleeping', 40)]);
    const option = transformJourneySankey(m, (s) => s.toUpperCase(), '2026-08-22', AS_OF) as { series: Array<{ data: unknown[]; links: unknown[] }> };
    expect(option.series[0]!.data).toEqual([{ name: 'from:active' }, { name: 'to:active' }, { name: 'to:sleeping' }]);
    expect(option.series[0]!.links).toEqual([
      { source: 'from:active', target: 'to:active', value: 100 },
      { source: 'from:active', target: 'to:sleeping', value: 40 },
    ]);
  });
});
