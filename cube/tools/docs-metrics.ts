/**
 * `npm run docs:metrics`: writes docs/metrics.md, the metric glossary, from
 * Cube's own /meta, so it can never drift from the model. A test fails when
 * the committed file differs from what this renders.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync, mkdirSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT_DIR, loadConfig } from '../config.ts';
import { startCubeServer } from '../engine/cube-server.ts';
import { readCatalogue, type Catalogue } from './metric-catalogue.ts';
import type { MetaResponse as Meta } from '../engine/meta.ts';

export const DOC_PATH = path.join(ROOT_DIR, 'docs', 'metrics.md');

const cell = (text: string | undefined): string => (text ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();

export function renderMetricsDoc(meta: Meta, catalogue: Catalogue): string {
  const cubes = [...meta.cubes].sort((a, b) => a.name.localeCompare(b.name));
  const views = cubes.filter((c) => c.type === 'view');
  const baseCubes = cubes.filter((c) => c.type !== 'view');
  const out: string[] = [];
  out.push('# 指标口径 · Metric glossary', '');
  out.push('Generated from Cube\'s `/meta` by `npm run docs:metrics`; do not edit by hand. Every metric is defined once, on the cube named in "defined in"; views re-expose it for each audience. Ratios are fractions from 0 to 1.', '');

  let section = '';
  for (const metric of catalogue.metrics) {
    if (metric.section !== section) {
      if (section) out.push('');
      section = metric.section;
      out.push(`## ${section}`, '', '| id | 名称 | 口径 (formula) | defined in | views: dimension ids offered |', '|---|---|---|---|---|');
    }
    const home = baseCubes.flatMap((c) => c.measures).find((m) => m.meta?.metric === metric.id);
    const offered = views
      .filter((v) => v.measures.some((m) => m.meta?.metric === metric.id))
      .map((v) => {
        const dims = [...new Set(v.dimensions.map((d) => d.meta?.dimension).filter((d): d is string => !!d))].sort();
        return `\`${v.name}\`: ${dims.join(', ')}`;
      });
    out.push(`| \`${metric.id}\` | ${cell(home?.shortTitle ?? home?.title ?? '—')} | ${cell(home?.description ?? 'NOT DEFINED')} | ${home ? `\`${home.name}\`` : '—'} | ${offered.join('<br>') || '—'} |`);
  }
  out.push('');

  out.push('## Dimensions', '', '| id | 名称 | 说明 | members |', '|---|---|---|---|');
  for (const id of catalogue.dimensions) {
    const members = baseCubes.flatMap((c) => c.dimensions).filter((d) => d.meta?.dimension === id);
    const first = members[0];
    out.push(`| \`${id}\` | ${cell(first?.shortTitle ?? first?.title ?? '—')} | ${cell(first?.description)} | ${members.map((m) => `\`${m.name}\``).join(', ') || 'NOT DEFINED'} |`);
  }
  out.push('');

  out.push('## Action lists (segments)', '', '| segment | 名称 | rule |', '|---|---|---|');
  for (const cube of baseCubes) {
    for (const s of cube.segments) {
      if (s.description) out.push(`| \`${s.name}\` | ${cell(s.shortTitle ?? s.title)} | ${cell(s.description)} |`);
    }
  }
  out.push('');
  return out.join('\n');
}

/**
 * The whole model's /meta, cubes included, from a Cube started just for this
 * with a system secret of its own (tools only; the product's Cube never has
 * one). Compiling the model needs no database: /meta never queries it.
 */
export async function readModelMeta(modelDir: string): Promise<Meta> {
  const systemSecret = randomBytes(32).toString('hex');
  const cube = await startCubeServer({
    databaseUrl: 'postgres://nobody@127.0.0.1:1/none', port: 0, apiSecret: randomBytes(32).toString('hex'), modelDir, systemSecret,
  });
  try {
    const token = jwt.sign({ username: 'model-meta' }, systemSecret, { algorithm: 'HS256', expiresIn: 60 });
    const response = await fetch(`${cube.url}/cubejs-api/v1/meta`, { headers: { Authorization: token } });
    const meta = (await response.json()) as Meta & { error?: string };
    if (!response.ok) throw new Error(meta.error ?? `meta answered ${response.status}`);
    return meta;
  } finally {
    await cube.stop();
  }
}

async function main(): Promise<void> {
  const config = loadConfig({ logLevel: 'silent' });
  const meta = await readModelMeta(config.modelDir);
  mkdirSync(path.dirname(DOC_PATH), { recursive: true });
  writeFileSync(DOC_PATH, renderMetricsDoc(meta, readCatalogue()));
  process.stdout.write(`wrote ${path.relative(process.cwd(), DOC_PATH)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(() => process.exit(0), (error: Error) => {
    process.stderr.write(`docs:metrics failed: ${error.message}\n`);
    process.exit(1);
  });
}
