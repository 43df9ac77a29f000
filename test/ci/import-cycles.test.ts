// No module of the tree reaches itself again through its runtime imports: a
// cycle makes what a module sees at load time depend on which one was loaded
// first (an export read before its module ran is undefined). Type-only
// imports are erased and may go both ways. A shared function goes in a small
// module both sides import (web/src/lib/drill/slice.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { importEdges, type Edge } from '../../.ci/import-graph.ts';

/** Whether the file imports or re-exports `specifier` for a value at runtime (not types only). */
function runtimeImport(file: string, specifier: string): boolean {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  return source.statements.some((s) => {
    if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === specifier) {
      const clause = s.importClause;
      if (!clause) return true;
      if (clause.isTypeOnly) return false;
      const named = clause.namedBindings;
      const allTypes = !clause.name && named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      return !allTypes;
    }
    if (ts.isExportDeclaration(s) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === specifier) {
      return !s.isTypeOnly;
    }
    return false;
  });
}

/** Each cycle of the graph once, as the files on it. */
function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const state = new Map<string, 'open' | 'done'>();
  const found: string[][] = [];
  const visit = (file: string, stack: string[]): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const to of next.get(file) ?? []) {
      if (state.get(to) === 'open') found.push(stack.slice(stack.indexOf(to)));
      else if (!state.has(to)) visit(to, stack);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...next.keys()].sort()) if (!state.has(file)) visit(file, []);
  return found;
}

describe('import cycles', () => {
  it('finds a made-up cycle', () => {
    expect(cycles([{ from: 'a.ts', to: 'b.ts', specifier: './b.ts' }, { from: 'b.ts', to: 'a.ts', specifier: './a.ts' }])).toEqual([['a.ts', 'b.ts']]);
  });

  it('no module imports itself again at runtime', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const runtime = importEdges().filter((e) => runtimeImport(path.join(root, e.from), e.specifier));
    expect(runtime.length).toBeGreaterThan(500);
    expect(cycles(runtime)).toEqual([]);
  });
});
