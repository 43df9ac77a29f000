/**
 * The semantic layer against its contract (docs/metric-catalogue.md): every
 * metric and dimension id is in /meta, each metric is offered with every
 * dimension of its row by one view in one query, and docs/metrics.md is the
 * glossary the definitions module and Cube's /meta render today.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DOC_PATH, readModelMeta, renderMetricsDoc } from '../../cube/main/docs-metrics.ts';
import { loadConfig } from '../../cube/config.ts';
import { readCatalogue } from '../../cube/tools/metric-catalogue.ts';
import { definitionOf, isTermId } from '../../web/src/lib/definitions/index.ts';
import { ATTRIBUTES } from '../../web/src/lib/drill/columns.ts';
import { DRILL_METRICS, drillColumns, drillDef, isDrillMetric } from '../../web/src/lib/drill.ts';
import { offeringView, TIME_DIMENSION_IDS } from '../helpers/offering-view.ts';
import { useTestStack, type MetaResponse } from '../helpers/stack.ts';

describe('metric catalogue', () => {
  const catalogue = readCatalogue();
  const ctx = useTestStack('catalogue', { demoCustomers: 1200 });
  /** The whole model (cubes too); `surface` is what a person's /meta shows: views only. */
  let meta: MetaResponse;
  let surface: MetaResponse;

  beforeAll(async () => {
    meta = await readModelMeta(loadConfig().modelDir);
    surface = await ctx.api.meta();
  });

  it('shows people only views: every cube is private', () => {
    expect(surface.cubes.length).toBeGreaterThanOrEqual(6);
    expect(surface.cubes.filter((c) => c.type !== 'view').map((c) => c.name)).toEqual([]);
    expect(meta.cubes.filter((c) => c.type !== 'view').length).toBeGreaterThan(10);
  });

  it('reads a catalogue with every section', () => {
    expect(catalogue.metrics.length).toBeGreaterThanOrEqual(30);
    expect(catalogue.dimensions).toContain('five_a_stage');
  });

  it('finds every dimension id and every metric id in /meta', () => {
    const dimensionIds = new Set(meta.cubes.flatMap((c) => c.dimensions.map((d) => d.meta?.dimension)));
    const metricIds = new Set(meta.cubes.flatMap((c) => c.measures.map((m) => m.meta?.metric)));
    expect(catalogue.dimensions.filter((id) => !dimensionIds.has(id))).toEqual([]);
    expect(catalogue.metrics.map((m) => m.id).filter((id) => !metricIds.has(id))).toEqual([]);
  });

  it('holds planned sections apart: each says why, and none of their ids is in the model yet', () => {
    // A section in the catalogue before the model has it says `Status: planned.`; once
    // a member carries one of its ids, the line must go, so that the metric is held to
    // every check above (the targets section, issue 24, went so).
    expect(catalogue.metrics.map((m) => m.id)).toEqual(expect.arrayContaining(['target', 'achievement_rate', 'bonus_earned']));
    const metricIds = new Set(meta.cubes.flatMap((c) => c.measures.map((m) => m.meta?.metric)));
    for (const metric of catalogue.planned) {
      expect(metric.reason, metric.id).toMatch(/issue \d+/i);
      expect(metricIds.has(metric.id), `${metric.id} is built: remove the section's "Status: planned." line`).toBe(false);
      expect(catalogue.metrics.map((m) => m.id), metric.id).not.toContain(metric.id);
    }
  });

  it('defines each metric once, with a Chinese title and a formula, and re-exposes it only through views', () => {
    for (const metric of catalogue.metrics) {
      const definitions = meta.cubes.filter((c) => c.type !== 'view').flatMap((c) => c.measures).filter((m) => m.meta?.metric === metric.id);
      expect(definitions.map((d) => d.name), metric.id).toHaveLength(1);
      expect(definitions[0]!.shortTitle, metric.id).toMatch(/[\u4e00-\u9fff]|GMV|LTV/);
      expect((definitions[0]!.description ?? '').length, metric.id).toBeGreaterThan(15);
    }
  });

  it('offers every metric with all the dimensions of its row in one view, and answers that query', async () => {
    for (const metric of catalogue.metrics) {
      const offering = offeringView(surface, metric);
      expect(offering?.view.name, `${metric.id} with ${metric.sliceBy.join(', ')}`).toBeDefined();
      const { measure, member } = offering!;
      const timeIds = metric.sliceBy.filter((id) => TIME_DIMENSION_IDS.has(id));
      const rows = await ctx.api.load({
        measures: [measure],
        dimensions: metric.sliceBy.filter((id) => !TIME_DIMENSION_IDS.has(id)).map(member),
        timeDimensions: timeIds.map((id) => ({ dimension: member(id), granularity: 'month', dateRange: ['2026-09-01', '2026-11-20'] })),
        limit: 50,
      });
      // The demo data has sales, spend, campaigns and customers in these months: every metric has a row.
      expect(rows.length, metric.id).toBeGreaterThan(0);
    }
  });

  it('drills every metric the pages open to its customers through DRILL_DEFS, whose lists name the customer, owner and team and read only members of their view', () => {
    // The drill lists are defined once, in web/src/lib/drill/catalogue.ts (the pages run them);
    // the model carries no drill_members of its own. These catalogue metrics open no customer list
    // on any page, each for a reason:
    const NO_LIST: Readonly<Record<string, string>> = {
      spend: 'money spent belongs to campaigns and channels, not to customers',
      budget: 'a campaign budget belongs to the campaign', budget_used: 'a campaign budget belongs to the campaign',
      order_count: 'shown only beside GMV, whose list has each customer\'s orders',
      avg_order_value: 'a ratio of two sums shown beside GMV', items_per_buyer: 'a ratio of two sums shown beside GMV',
      per_capita_gmv: 'a ratio of two sums shown beside GMV', refund_rate: 'no page shows it as a tile of its own',
      referral_rate: 'no page shows it as a tile of its own',
      // Targets and their completion belong to employees and teams: /targets lists the target rows.
      target: 'a target belongs to an employee or a team', achievement_rate: 'a target belongs to an employee or a team',
      time_progress: 'a share of the period, not of customers', forecast_achievement: 'a target belongs to an employee or a team',
      bonus_earned: 'a bonus belongs to an employee',
    };
    expect(catalogue.metrics.map((m) => m.id).filter((id) => !isDrillMetric(id) && !(id in NO_LIST))).toEqual([]);
    expect(Object.keys(NO_LIST).filter((id) => isDrillMetric(id)), 'a metric with a list is not in NO_LIST').toEqual([]);

    const members = new Set(meta.cubes.filter((c) => c.type === 'view').flatMap((c) => [...c.measures, ...c.dimensions, ...(c.segments ?? [])].map((m) => m.name)));
    const missing: string[] = [];
    for (const metric of DRILL_METRICS) {
      const def = drillDef(metric);
      const columns = drillColumns(metric);
      expect(columns.map((c) => c.id), metric).toEqual(expect.arrayContaining(['customer_name', 'owner', 'owner_team']));
      const scopes = [def.scope, def.numeratorScope].flatMap((sc) => (sc ? [sc.customers, ...sc.sums] : []));
      const short = [
        ...def.measures, ...def.summary, ...Object.values(def.slice), ...scopes, ...(def.fixed ?? []).map((f) => f.member),
        def.part, def.numerator, def.population?.measure, def.date, ATTRIBUTES[def.view].customer,
      ].filter((m): m is string => typeof m === 'string');
      for (const member of [...short.map((m) => `${def.view}.${m}`), ...columns.map((c) => c.member)]) {
        if (!members.has(member)) missing.push(`${metric}: ${member}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('defines a sale once: orders.is_paid is the condition of the siyu.paid_orders view, and counts the same orders', async () => {
    // The view (migration 003) is the definition; the model's is_paid repeats its condition for the
    // sales measures (model/cubes/orders.yml), so the two must not drift apart.
    const normalise = (condition: string): string => condition.replace(/\{CUBE\}\.|\borders\.|::text|[()\s]/g, '');
    const yaml = readFileSync(`${loadConfig().modelDir}/cubes/orders.yml`, 'utf8');
    const modelCondition = /- name: is_paid\n(?:\s+\w+:.*\n)*?\s+sql: "(.*)"/.exec(yaml)?.[1];
    expect(modelCondition, 'orders.is_paid has a sql').toBeDefined();
    const [view] = await ctx.db.sql<{ definition: string }[]>`SELECT pg_get_viewdef('siyu.paid_orders'::regclass) AS definition`;
    const viewCondition = /WHERE\s+([\s\S]*?);?\s*$/.exec(view!.definition)?.[1];
    expect(viewCondition, 'siyu.paid_orders has a WHERE').toBeDefined();
    expect(normalise(modelCondition!)).toBe(normalise(viewCondition!));
    const [sql] = await ctx.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.paid_orders`;
    const [cube] = await ctx.api.load({ measures: ['sales_overview.order_count'] });
    expect(Number(cube!['sales_overview.order_count'])).toBe(sql!.n);
  });

  it('names every metric and dimension member as the definitions module does (the tooltips, /glossary and docs/metrics.md read it)', () => {
    const mismatched: string[] = [];
    for (const cube of meta.cubes.filter((c) => c.type !== 'view')) {
      for (const m of [...cube.measures, ...cube.dimensions]) {
        const id = m.meta?.metric ?? m.meta?.dimension;
        if (!id) continue;
        if (!isTermId(id)) mismatched.push(`${m.name}: ${id} has no definition`);
        else if (m.shortTitle !== definitionOf(id).zh.name) mismatched.push(`${m.name}: "${m.shortTitle}" but the definitions say "${definitionOf(id).zh.name}"`);
      }
    }
    expect(mismatched).toEqual([]);
  });

  it('keeps docs/metrics.md equal to what /meta renders (run `npm run docs:metrics` after changing the model)', () => {
    expect(readFileSync(DOC_PATH, 'utf8')).toBe(renderMetricsDoc(meta, catalogue));
  });
});
