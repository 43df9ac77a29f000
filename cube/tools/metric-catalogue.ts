/**
 * Reads the metric catalogue (docs/metric-catalogue.md, the semantic layer's
 * contract): every metric id with the dimension ids it must be sliceable by,
 * and the list of dimension ids.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../config.ts';

export const CATALOGUE_PATH = path.join(ROOT_DIR, 'docs', 'metric-catalogue.md');

export interface CatalogueMetric {
  id: string;
  definition: string;
  sliceBy: string[];
  section: string;
}

export interface Catalogue {
  metrics: CatalogueMetric[];
  dimensions: string[];
}

const ids = (text: string): string[] => [...text.matchAll(/`([a-z0-9_]+)`/g)].map((m) => m[1]!);

export function parseCatalogue(markdown: string): Catalogue {
  const lines = markdown.split('\n');
  const metrics: CatalogueMetric[] = [];
  let section = '';
  let dimensionText = '';
  let inDimensions = false;
  for (const line of lines) {
    if (line.startsWith('## ')) {
      section = line.slice(3).trim();
      inDimensions = section.toLowerCase().startsWith('dimension ids');
      continue;
    }
    if (inDimensions) dimensionText += `${line}\n`;
    const cells = line.split('|').map((c) => c.trim());
    // | id | definition | slice by |
    if (cells.length < 5 || cells[1] === 'id' || /^-+$/.test(cells[1] ?? '')) continue;
    const [, idCell, definition, rawSlice] = cells as [string, string, string, string];
    // "employee (promoter)" names the id `employee`; the parenthesis only explains it.
    const sliceCell = rawSlice.replace(/\s*\([^)]*\)/g, '');
    const previous = metrics[metrics.length - 1];
    let sliceBy: string[];
    const same = /^same as ([a-z0-9_]+)$/.exec(sliceCell);
    if (same) sliceBy = [...(metrics.find((m) => m.id === same[1])?.sliceBy ?? [])];
    else if (sliceCell === 'same') sliceBy = [...(previous?.sliceBy ?? [])];
    else if (sliceCell.startsWith('same +')) sliceBy = [...(previous?.sliceBy ?? []), ...sliceCell.slice(6).split(',').map((s) => s.trim())];
    else sliceBy = sliceCell.split(',').map((s) => s.trim()).filter(Boolean);
    for (const id of idCell.split('/').map((s) => s.trim())) {
      if (/^[a-z0-9_]+$/.test(id)) metrics.push({ id, definition, sliceBy, section });
    }
  }
  return { metrics, dimensions: ids(dimensionText) };
}

export function readCatalogue(file = CATALOGUE_PATH): Catalogue {
  let markdown: string;
  try {
    markdown = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`The metric catalogue was not found at ${file}.`);
  }
  return parseCatalogue(markdown);
}
