import { describe, expect, it } from 'vitest';
import { parseCatalogue } from '../../../cube/tools/metric-catalogue.ts';

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
    expect(parsed.planned).toEqual([]);
  });

  it('keeps the metrics of a section marked planned apart, with the reason', () => {
    const parsed = parseCatalogue([
      '## Sales', '| id | definition | slice by |', '|---|---|---|', '| gmv | Σ | channel |',
      '## Targets', 'Status: planned. Issue 24 builds these;', 'not yet in the model.', '', 'Metric ids:', '',
      '| id | meaning | dimensions |', '|---|---|---|', '| target | t | employee, period |', '| achievement_rate | a | same |',
      '## Customers', '| id | definition | slice by |', '|---|---|---|', '| ltv | l | owner |',
    ].join('\n'));
    expect(parsed.metrics.map((m) => m.id)).toEqual(['gmv', 'ltv']);
    expect(parsed.planned.map((m) => [m.id, m.sliceBy.join(','), m.reason])).toEqual([
      ['target', 'employee,period', 'Issue 24 builds these; not yet in the model.'],
      ['achievement_rate', 'employee,period', 'Issue 24 builds these; not yet in the model.'],
    ]);
  });
});
