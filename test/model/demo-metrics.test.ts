/**
 * On the demo data set: every metric of the catalogue, in total and sliced by
 * each dimension of its row, equals an independent SQL query
 * (test/helpers/independent-sql.ts), not derived from the model.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readCatalogue } from '../../cube/tools/metric-catalogue.ts';
import { offeringView, TIME_DIMENSION_IDS } from '../helpers/offering-view.ts';
import { compare, independentSql, norm, num, PROFILE_SQL, RANGE, type Values } from '../helpers/independent-sql.ts';
import { useTestStack, type MetaResponse } from '../helpers/stack.ts';

describe('every metric on the demo data equals independent SQL', () => {
  const catalogue = readCatalogue();
  const ctx = useTestStack('demo'); // the default demo size, seeded as `npm start` does
  let meta: MetaResponse;

  beforeAll(async () => {
    meta = await ctx.api.meta();
    await ctx.db.sql`CREATE SCHEMA test_expect`;
    await ctx.db.sql.unsafe(PROFILE_SQL);
  });

  for (const metric of catalogue.metrics) {
    it(`${metric.id}: total and by ${metric.sliceBy.join(', ')}`, async () => {
      const offering = offeringView(meta, metric);
      expect(offering, metric.id).toBeDefined();
      const { measure } = offering!;
      for (const dim of [null, ...metric.sliceBy]) {
        const member = dim ? offering!.member(dim) : null;
        const isTime = dim !== null && TIME_DIMENSION_IDS.has(dim);
        const rows = await ctx.api.load({
          measures: [measure],
          dimensions: member && !isTime ? [member] : [],
          timeDimensions: member && isTime ? [{ dimension: member, granularity: 'month', dateRange: RANGE }] : [],
          limit: 50_000,
        });
        const keyField = member ? (isTime ? `${member}.month` : member) : null;
        const cube: Values = new Map(rows.map((r) => [keyField ? norm(r[keyField]) : 'all', num(r[measure])]));
        const expected = await ctx.db.sql.unsafe<{ k: unknown; v: unknown }[]>(independentSql(metric.id, dim));
        const sql: Values = new Map(expected.map((r) => [norm(r.k), num(r.v)]));
        expect(sql.size, `${metric.id} by ${dim}: the SQL found data`).toBeGreaterThan(0);
        compare(`${metric.id} by ${dim ?? 'total'}`, cube, sql);
      }
    });
  }
});
