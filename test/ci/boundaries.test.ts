// The import boundaries of .ci/boundaries.js hold in the tree, and the
// specifier patterns ESLint is given (eslint.config.js) flag exactly what the
// resolved-path check flags, on every real import and on one made-up
// crossing per rule (its specifier worked out with path.relative).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundaries, roomOf, specifierPattern } from '../../.ci/boundaries.js';
import { crossings, importEdges, type Edge } from '../../.ci/import-graph.ts';

function eslintFlags(edge: Edge): boolean {
  const room = roomOf(edge.from);
  return !!room && room.forbid.some((target) => new RegExp(specifierPattern(room.room, target), 'u').test(edge.specifier));
}

function madeUpCrossings(): Edge[] {
  const edges: Edge[] = [];
  for (const { room, forbid } of boundaries) {
    for (const target of forbid) {
      for (const from of [`${room}a.ts`, `${room}x/a.ts`, `${room}x/y/a.ts`]) {
        if (roomOf(from)?.room !== room) continue;
        const to = `${target}b.ts`;
        let specifier = path.posix.relative(path.posix.dirname(from), to);
        if (!specifier.startsWith('.')) specifier = `./${specifier}`;
        edges.push({ from, to, specifier });
      }
    }
  }
  return edges;
}

describe('import boundaries', () => {
  const edges = importEdges();

  it('no import in the tree crosses a boundary', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(crossings(edges)).toEqual([]);
  });

  it('no library imports an entry point: nothing outside cube/main, test and bench imports cube/main', () => {
    const importers = edges.filter((e) => e.to.startsWith('cube/main/') && !/^(cube\/main|test|bench)\//.test(e.from));
    expect(importers).toEqual([]);
  });

  it("ESLint's patterns agree with the resolved check on every real import", () => {
    const disagree = edges.filter((e) => eslintFlags(e) !== crossings([e]).length > 0);
    expect(disagree).toEqual([]);
  });

  it('a made-up crossing of each rule is caught by both', () => {
    const made = madeUpCrossings();
    expect(made).toHaveLength(3 * boundaries.reduce((n, b) => n + b.forbid.length, 0));
    for (const edge of made) {
      expect(crossings([edge]), `${edge.from} → ${edge.specifier}`).toHaveLength(1);
      expect(eslintFlags(edge), `${edge.from} → ${edge.specifier}`).toBe(true);
    }
  });
});
