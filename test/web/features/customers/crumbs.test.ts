import { describe, expect, it } from 'vitest';
import { drillPath } from '../../../../web/src/features/customers/drill-list/crumbs.ts';

describe('the drill path back up from a list', () => {
  it('channels: page → channel → campaign → employee, each keeping the filters', () => {
    const steps = drillPath(new URLSearchParams('via=channels&range=last_90_days&channel=企业微信&campaign=X&employee=张三&metric=attributed_gmv'));
    expect(steps.map((s) => s.key ?? s.text)).toEqual(['channels.title', '企业微信', 'X', '张三']);
    expect(steps[1]!.to).toBe('/channels?range=last_90_days&channel=%E4%BC%81%E4%B8%9A%E5%BE%AE%E4%BF%A1');
  });

  it('staff: page → team → employee page', () => {
    const steps = drillPath(new URLSearchParams('via=staff&team=T&owner=7&owner_name=王五&metric=owned_customers'));
    expect(steps.map((s) => s.key ?? s.text)).toEqual(['staff.title', 'T', '王五']);
    expect(steps[2]!.to).toBe('/staff?team=T&employee=7');
  });

  it('no via: no path', () => {
    expect(drillPath(new URLSearchParams('metric=gmv'))).toEqual([]);
  });
});
