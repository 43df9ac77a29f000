/**
 * Reads the metric catalogue (docs/metric-catalogue.md, the semantic layer's
 * contract): every metric id with the dimension ids it must be sliceable by,
 * and the list of dimension ids. A section whose text has a line
 * `Status: planned. <why>` describes metrics the model does not have yet:
 * they are kept apart (`planned`), so the model is held to what is built and
 * the planned ones stay visible, with the reason, instead of being dropped.
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

export interface PlannedMetric extends CatalogueMetric {
  /** The section's `Status: planned.` line, after the mark: what will build it. */
  reason: string;
}

export interface Catalogue {
  /** The metrics the model must have. */
  metrics: CatalogueMetric[];
  /** Metrics of sections marked planned: not in the model yet. */
  planned: PlannedMetric[];
  dimensions: string[];
}

const PLANNED = /^Status:\s*planned\.?\s*(.*)$/i;

const ids = (text: string): string[] => [...text.matchAll(/`([a-z0-9_]+)`/g)].map((m) => m[1]!);

export function parseCatalogue(markdown: string): Catalogue {
  const lines = markdown.split('\n');
  const metrics: CatalogueMetric[] = [];
  const planned: PlannedMetric[] = [];
  /** The planned section's reason, or null while the section is to be built. */
  let plannedReason: string | null = null;
  /** While the status paragraph runs on. */
  let inStatus = false;
  const all: CatalogueMetric[] = [];
  let section = '';
  let dimensionText = '';
  let inDimensions = false;
  for (const line of lines) {
    if (line.startsWith('## ')) {
      section = line.slice(3).trim();
      inDimensions = section.toLowerCase().startsWith('dimension ids');
      plannedReason = null;
      inStatus = false;
      continue;
    }
    const status = PLANNED.exec(line.trim());
    if (status) {
      plannedReason = status[1]!.trim();
      inStatus = true;
      continue;
    }
    if (inStatus) {
      // The reason is the rest of the status paragraph.
      if (line.trim() === '') inStatus = false;
      else plannedReason = `${plannedReason} ${line.trim()}`.trim();
      continue;
    }
    if (inDimensions) dimensionText += `${line}\n`;
    const cells = line.split('|').map((c) => c.trim());
    // | id | definition | slice by |
    if (cells.length < 5 || cells[1] === 'id' || /^-+$/.test(cells[1] ?? '')) continue;
    const [, idCell, definition, rawSlice] = cells as [string, string, string, string];
    // "employee (promoter)" names the id `employee`; the parenthesis only explains it.
    const sliceCell = rawSlice.replace(/\s*\([^)]*\)/g, '');
    const previous = all[all.length - 1];
    let sliceBy: string[];
    const same = /^same as ([a-z0-9_]+)$/.exec(sliceCell);
    if (same) sliceBy = [...(all.find((m) => m.id === same[1])?.sliceBy ?? [])];
    else if (sliceCell === 'same') sliceBy = [...(previous?.sliceBy ?? [])];
    else if (sliceCell.startsWith('same +')) sliceBy = [...(previous?.sliceBy ?? []), ...sliceCell.slice(6).split(',').map((s) => s.trim())];
    else sliceBy = sliceCell.split(',').map((s) => s.trim()).filter(Boolean);
    for (const id of idCell.split('/').map((s) => s.trim())) {
      if (!/^[a-z0-9_]+$/.test(id)) continue;
      const metric = { id, definition, sliceBy, section };
      all.push(metric);
      if (plannedReason === null) metrics.push(metric);
      else planned.push({ ...metric, reason: plannedReason || 'planned' });
    }
  }
  return { metrics, planned, dimensions: ids(dimensionText) };
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
