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
  });
});
