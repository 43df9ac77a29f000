// The import graph of the tree, read from the import statements themselves
// (TypeScript's own scanner: static, dynamic and type-only imports).
//
//   node --import tsx .ci/import-graph.ts            folder → folder edges, with counts
//   node --import tsx .ci/import-graph.ts --files    file → file edges
//   node --import tsx .ci/import-graph.ts --check    imports that cross .ci/boundaries.js; exit 1 if any
//
// `npm run graph` is the first form. Folders are shown two levels deep
// (cube/gateway, web/src/features/staff is web/src/features).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { boundaries, roomOf } from './boundaries.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['cube', 'seed', 'web', 'test', 'bench'];
const SKIP = new Set(['node_modules', 'dist', 'migrations']);

export interface Edge {
  from: string;
  to: string;
  specifier: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name)) out.push(...sourceFiles(rel));
    } else if (/\.(ts|tsx|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Every relative import in the tree, resolved to a repository-relative path. */
export function importEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of SOURCE_DIRS.flatMap(sourceFiles)) {
    const info = ts.preProcessFile(readFileSync(path.join(ROOT, file), 'utf8'), true, true);
    for (const { fileName: specifier } of info.importedFiles) {
      if (!specifier.startsWith('.')) continue; // a package
      const to = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
      edges.push({ from: file, to, specifier });
    }
  }
  return edges;
}

/** The imports that cross a boundary, in words. */
export function crossings(edges: Edge[] = importEdges()): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const room = roomOf(e.from);
    const target = room?.forbid.find((prefix) => e.to.startsWith(prefix));
    if (room && target) out.push(`${e.from} imports ${e.to}: ${room.why} (${room.room} may not import ${target})`);
  }
  return out;
}

function folderOf(file: string): string {
  const parts = file.split('/');
  const depth = parts[0] === 'web' ? 3 : 2;
  return parts.length > depth ? parts.slice(0, depth).join('/') : parts.slice(0, -1).join('/') || '.';
}

function main(): void {
  const mode = process.argv[2];
  const edges = importEdges();
  if (mode === '--check') {
    const found = crossings(edges);
    for (const line of found) console.log(line);
    console.log(found.length ? `${found.length} import(s) cross a boundary` : `no import crosses a boundary (${boundaries.length} rooms, ${edges.length} imports)`);
    process.exitCode = found.length ? 1 : 0;
    return;
  }
  const lines = new Map<string, number>();
  for (const e of edges) {
    const key = mode === '--files' ? `${e.from} → ${e.to}` : `${folderOf(e.from)} → ${folderOf(e.to)}`;
    if (mode !== '--files' && folderOf(e.from) === folderOf(e.to)) continue;
    lines.set(key, (lines.get(key) ?? 0) + 1);
  }
  for (const [key, n] of [...lines].sort(([a], [b]) => a.localeCompare(b))) console.log(mode === '--files' ? key : `${key}  (${n})`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
