import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../../cube/config.ts';
import { startCubeServer } from '../../../cube/engine/cube-server.ts';
import { modelWithoutPreAggregations, withoutPreAggregations } from '../../../cube/engine/model-without-pre-aggregations.ts';

// The YAML parser Cube itself reads the model with.
const yaml = createRequire(createRequire(import.meta.url).resolve('@cubejs-backend/schema-compiler'))('js-yaml') as { load(text: string): unknown };

const CUBE_WITH_ROLLUPS = `cubes:
  - name: orders
    sql_table: siyu.orders
    public: false
    refresh_key:
      every: 2 second
    pre_aggregations:
      - name: by_day
        measures: [gmv]
        time_dimension: order_date
        granularity: day
        partition_granularity: month
    dimensions:
      - name: id
        sql: "{CUBE}.id"
        type: number
        primary_key: true
      - name: order_date
        sql: "{CUBE}.ordered_at"
        type: time
    measures:
      - name: gmv
        description: >-
          Sum of the amount of paid orders.
        sql: "{CUBE}.amount"
        type: sum
        filters:
          - sql: "{CUBE}.status = 'paid'"
  - name: refunds
    sql: >
      SELECT *
      FROM siyu.orders
      WHERE status = 'refunded'
    preAggregations:
      - name: total
        measures: [count]
    measures:
      - name: count
        type: count
`;

describe('the model without pre-aggregations (SIYU_PRE_AGGREGATIONS=off)', () => {
  it('drops every pre_aggregations block of a YAML file and keeps everything else as Cube reads it', () => {
    const out = withoutPreAggregations({ fileName: 'cubes/orders.yml', content: CUBE_WITH_ROLLUPS });
    expect(out.fileName).toBe('cubes/orders.yml');
    expect(out.content).not.toMatch(/pre_?aggregations/i);
    const expected = yaml.load(CUBE_WITH_ROLLUPS) as { cubes: Array<Record<string, unknown>> };
    delete expected.cubes[0]!.pre_aggregations;
    delete expected.cubes[1]!.preAggregations;
    expect(yaml.load(out.content)).toEqual(expected);
  });

  it('leaves files without pre-aggregations byte for byte as they are, views and JS included', () => {
    const view = { fileName: 'views/sales.yml', content: 'views:\n  - name: sales\n    # a comment\n    cubes:\n      - join_path: orders\n        includes: "*"\n' };
    const js = { fileName: 'cubes/contacts.js', content: 'cube(`contacts`, {\n  sql_table: `siyu.customers`,\n});\n' };
    expect(withoutPreAggregations(view)).toEqual(view);
    expect(withoutPreAggregations(js)).toEqual(js);
  });

  it('refuses a JS model file that defines pre-aggregations rather than silently keeping them', () => {
    const js = { fileName: 'cubes/contacts.js', content: 'cube(`contacts`, {\n  preAggregations: { main: { type: `rollup` } },\n});\n' };
    expect(() => withoutPreAggregations(js)).toThrow(/cubes\/contacts\.js/);
  });

  it('serves the product model with no pre-aggregation left, and Cube compiles it to the same views and members', async () => {
    const modelDir = path.join(ROOT_DIR, 'model');
    const files = await modelWithoutPreAggregations(modelDir).dataSchemaFiles();
    expect(files.some((f) => f.fileName === path.join('views', 'sales_overview.yml'))).toBe(true);
    for (const f of files.filter((x) => /\.ya?ml$/.test(x.fileName))) {
      const doc = yaml.load(f.content) as { cubes?: Array<Record<string, unknown>> } | null;
      for (const cube of doc?.cubes ?? []) expect(Object.keys(cube)).not.toContain('pre_aggregations');
    }

    const metaOf = async (preAggregations: boolean): Promise<unknown> => {
      const systemSecret = randomBytes(32).toString('hex');
      const cube = await startCubeServer({
        databaseUrl: 'postgres://nobody@127.0.0.1:1/none', port: 0, apiSecret: randomBytes(32).toString('hex'), modelDir, systemSecret, preAggregations,
      });
      try {
        const token = jwt.sign({ username: 'model-meta' }, systemSecret, { algorithm: 'HS256', expiresIn: 60 });
        const response = await fetch(`${cube.url}/cubejs-api/v1/meta`, { headers: { Authorization: token } });
        const meta = (await response.json()) as { cubes: Array<{ name: string; measures: Array<{ name: string }>; dimensions: Array<{ name: string }> }> };
        return meta.cubes.map((c) => ({ name: c.name, measures: c.measures.map((m) => m.name), dimensions: c.dimensions.map((d) => d.name) }));
      } finally {
        await cube.stop();
      }
    };
    const without = await metaOf(false);
    expect(without).toEqual(await metaOf(true));
    expect((without as unknown[]).length).toBeGreaterThan(10);
  });
});
