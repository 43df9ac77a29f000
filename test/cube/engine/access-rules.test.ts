import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { AccessError, applyAccessRules, mayUseMember, queryMembers, VIEW_RULES } from '../../../cube/engine/access-rules.ts';
import type { SecurityContext } from '../../../cube/engine/security-context.ts';

const staff: SecurityContext = { username: 'e7', role: 'staff', employeeId: 7, teamId: 2 };
const manager: SecurityContext = { username: 'e1', role: 'manager', employeeId: 1, teamId: 2 };
const exec: SecurityContext = { username: 'exec', role: 'executive', employeeId: null, teamId: null };

describe('row-level rules', () => {
  it('add the limit as its own top-level filter, after whatever or-group the query has', () => {
    const widened = { measures: ['customer_insights.customers'], filters: [{ or: [{ member: 'customer_insights.owner_id', operator: 'notEquals', values: ['7'] }] }] };
    expect(applyAccessRules(widened, staff).filters).toEqual([
      widened.filters[0],
      { member: 'customer_insights.owner_id', operator: 'equals', values: ['7'] },
    ]);
    expect(applyAccessRules({ measures: ['sales_overview.gmv'] }, manager).filters)
      .toEqual([{ member: 'sales_overview.team_id', operator: 'equals', values: ['2'] }]);
    expect(applyAccessRules({ measures: ['sales_overview.gmv'] }, exec)).toEqual({ measures: ['sales_overview.gmv'] });
  });

  it('limit the customers a fact view lists to the ones the scope owns', () => {
    const q = { measures: ['sales_overview.gmv'], dimensions: ['sales_overview.customer_name'] };
    expect(applyAccessRules(q, staff).filters).toEqual([
      { member: 'sales_overview.employee_id', operator: 'equals', values: ['7'] },
      { member: 'sales_overview.owner_id', operator: 'equals', values: ['7'] },
    ]);
  });

  it('limit rows to owned customers for any customer member of a fact view, wherever the query names it', () => {
    const owner = { member: 'sales_drill.owner_id', operator: 'equals', values: ['7'] };
    const credited = { member: 'sales_drill.employee_id', operator: 'equals', values: ['7'] };
    const filter = { member: 'sales_drill.rfm_segment', operator: 'equals', values: ['重要价值'] };
    expect(applyAccessRules({ measures: ['sales_drill.gmv'], filters: [filter] }, staff).filters).toEqual([filter, credited, owner]);
    expect(applyAccessRules({ measures: ['sales_drill.gmv'], order: [['sales_drill.customer_ltv', 'desc']] }, staff).filters).toEqual([credited, owner]);
    expect(applyAccessRules({ measures: ['sales_drill.gmv'], dimensions: ['sales_drill.owner_team'] }, manager).filters)
      .toEqual([{ ...credited, member: 'sales_drill.team_id', values: ['2'] }, { ...owner, member: 'sales_drill.owner_team_id', values: ['2'] }]);
    // The fact's own members alone keep every fact of the scope, whoever owns the customer.
    expect(applyAccessRules({ measures: ['sales_drill.gmv', 'sales_drill.buyers'], dimensions: ['sales_drill.channel', 'sales_drill.employee'] }, staff).filters)
      .toEqual([credited]);
    // A member nobody has classified yet counts as the customer's.
    expect(applyAccessRules({ dimensions: ['sales_drill.some_new_member'] }, staff).filters).toEqual([credited, owner]);
    expect(applyAccessRules({ dimensions: ['sales_drill.some_new_member'] }, exec).filters).toBeUndefined();
  });

  it('list as the fact\'s own member nothing a view reaches through the customer (read from the view files)', () => {
    let checked = 0;
    for (const [view, rule] of Object.entries(VIEW_RULES)) {
      if (rule.limit === null || rule.customers === 'owned') continue;
      // Each member of the view file with the join path it comes through (`- name` or `- name: x` / `alias: y`).
      const paths = new Map<string, string>();
      let path = '';
      let pending: string | null = null;
      for (const line of readFileSync(`model/views/${view}.yml`, 'utf8').split('\n')) {
        const join = /^\s*- join_path:\s*(\S+)/.exec(line);
        if (join) path = join[1]!;
        const plain = /^\s*- ([a-z_]+)\s*$/.exec(line);
        if (plain) paths.set(plain[1]!, path);
        const named = /^\s*- name:\s*([a-z_]+)/.exec(line);
        if (named && !join) {
          pending = named[1]!;
          paths.set(pending, path);
        }
        const alias = /^\s*alias:\s*([a-z_]+)/.exec(line);
        if (alias && pending) {
          paths.delete(pending);
          paths.set(alias[1]!, path);
          pending = null;
        }
      }
      for (const member of rule.customers.factMembers) {
        expect(paths.has(member), `${view}.${member} is in the view file`).toBe(true);
        expect(paths.get(member)!.split('.'), `${view}.${member} comes through ${paths.get(member)}`).not.toContain('customers');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('close customer members of a fact view without an owner member to team roles', () => {
    expect(mayUseMember('staff', 'channel_roi.roi')).toBe(true);
    expect(mayUseMember('staff', 'channel_roi.some_new_member')).toBe(false);
    expect(mayUseMember('executive', 'channel_roi.some_new_member')).toBe(true);
  });

  it('refuse cubes, unknown views, views without a rule, closed members and two views at once', () => {
    const refuse = (q: Record<string, unknown>, ctx: SecurityContext): number | null => {
      try {
        applyAccessRules(q, ctx);
        return null;
      } catch (error) {
        return (error as AccessError).status;
      }
    };
    expect(refuse({ measures: ['orders.count'] }, exec)).toBe(403);
    expect(refuse({ measures: ['campaign_budgets.budget'] }, manager)).toBe(403);
    expect(refuse({ measures: ['campaign_budgets.budget'] }, exec)).toBeNull();
    expect(refuse({ dimensions: ['customer_insights.referrer'] }, staff)).toBe(403);
    expect(refuse({ dimensions: ['customer_insights.referrer'] }, exec)).toBeNull();
    expect(refuse({ measures: ['activity_performance.budget_used'] }, staff)).toBe(403);
    expect(refuse({ measures: ['sales_overview.gmv', 'channel_roi.roi'] }, exec)).toBe(400);
    expect(refuse({ measures: ['sales_overview.gmv'], filters: [{ and: [{ member: 'customers.phone', operator: 'set' }] }] }, exec)).toBe(403);
  });

  it('a team role without its id sees nothing rather than everything', () => {
    const broken: SecurityContext = { username: 'x', role: 'staff', employeeId: null, teamId: null };
    expect(applyAccessRules({ measures: ['sales_overview.gmv'] }, broken).filters)
      .toEqual([{ member: 'sales_overview.employee_id', operator: 'equals', values: ['-1'] }]);
  });

  it('find members everywhere a query names them', () => {
    expect([...queryMembers({
      measures: ['a.m'], dimensions: ['a.d'], segments: ['a.s'], timeDimensions: [{ dimension: 'a.t' }],
      filters: [{ or: [{ member: 'a.f1' }, { and: [{ dimension: 'a.f2' }] }] }], order: [['a.o', 'asc']],
    })].sort()).toEqual(['a.d', 'a.f1', 'a.f2', 'a.m', 'a.o', 'a.s', 'a.t']);
    expect([...queryMembers({ measures: ['a.m'], order: { 'a.o': 'desc' } })].sort()).toEqual(['a.m', 'a.o']);
  });

  it('have a rule for every view of the model', async () => {
    const { readdirSync } = await import('node:fs');
    const views = readdirSync('model/views').map((f) => f.replace(/\.(yml|js)$/, '')).sort();
    expect(views.filter((v) => !VIEW_RULES[v])).toEqual([]);
    expect(mayUseMember('admin', 'campaign_budgets.budget')).toBe(true);
  });

  it("have each view's rule stated in docs/security.md's table (a row naming it, or its prefix with `*`)", () => {
    const rows = readFileSync('docs/security.md', 'utf8').split('\n').filter((line) => line.startsWith('| `'));
    const named = new Set(rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([a-z_]+\*?)`/g)].map((m) => m[1]!)));
    const stated = (view: string): boolean => named.has(view) || [...named].some((n) => n.endsWith('*') && view.startsWith(n.slice(0, -1)));
    expect(Object.keys(VIEW_RULES).filter((view) => !stated(view))).toEqual([]);
  });
  it('refuse a journey query that does not pin both days to one value each', () => {
    const days = [
      { member: 'journey_flows.from_date', operator: 'equals', values: ['2026-08-22'] },
      { member: 'journey_flows.to_date', operator: 'equals', values: ['2026-11-20'] },
    ];
    const q = (filters: unknown[]) => ({ measures: ['journey_flows.customers'], filters });
    expect(applyAccessRules(q(days), exec).filters).toEqual(days);
    expect(applyAccessRules(q(days), manager).filters).toEqual([...days, { member: 'journey_flows.owner_team_id', operator: 'equals', values: ['2'] }]);
    const message = (filters: unknown[]) => {
      try {
        applyAccessRules(q(filters), exec);
        return null;
      } catch (error) {
        return error instanceof AccessError ? error.message : String(error);
      }
    };
    expect(message([days[0]])).toMatch(/journey_flows\.to_date/);
    expect(message([days[0], { ...days[1], values: ['2026-11-19', '2026-11-20'] }])).toMatch(/journey_flows\.to_date/);
    expect(message([days[0], { ...days[1], operator: 'gte' }])).toMatch(/journey_flows\.to_date/);
    // Inside an or-group it does not pin the day.
    expect(message([days[0], { or: [days[1]] }])).toMatch(/journey_flows\.to_date/);
  });
});
