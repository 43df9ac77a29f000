import { describe, expect, it } from 'vitest';
import { mayQueryView } from '../../../cube/engine/access-rules.ts';
import { mayOpen, pagesFor } from '../../../web/src/lib/page-access.ts';

describe('pages by role', () => {
  it('shows managers and staff no page built on whole-brand views the server refuses them', () => {
    // The big-screen reads participation_audience and campaign_budgets; the server closes both to team roles.
    for (const role of ['manager', 'staff'] as const) {
      expect(mayQueryView(role, 'campaign_audience')).toBe(false);
      expect(mayQueryView(role, 'participation_audience')).toBe(false);
      expect(mayQueryView(role, 'campaign_budgets')).toBe(false);
      const menu = pagesFor(role).map((p) => p.to);
      expect(menu).toEqual(['/', '/channels', '/staff', '/segments', '/activities', '/customers', '/actions', '/targets', '/glossary']);
      expect(mayOpen(role, '/big-screen')).toBe(false);
      expect(mayOpen(role, '/big-screen/')).toBe(false);
      expect(mayOpen(role, '/planner')).toBe(false);
      expect(mayOpen(role, '/customers/42')).toBe(true);
    }
  });

  it('shows the whole-brand roles every page, the glossary to everyone', () => {
    for (const role of ['executive', 'operator', 'admin'] as const) {
      expect(pagesFor(role)).toHaveLength(role === 'admin' ? 12 : 11);
      expect(mayOpen(role, '/big-screen')).toBe(true);
    }
    // Importing a brand's files is the administrator's alone (/admin/import).
    expect(pagesFor('admin').at(-1)!.to).toBe('/admin/import');
    for (const role of ['executive', 'operator', 'manager', 'staff'] as const) expect(mayOpen(role, '/admin/import')).toBe(false);
    for (const role of ['executive', 'operator', 'manager', 'staff', 'admin'] as const) expect(mayOpen(role, '/glossary')).toBe(true);
  });
});
