/** Which views offer each catalogue id, from a /meta answer. Pure. */
export interface Meta {
  cubes: Array<{
    name: string;
    type?: string;
    measures: Array<{ meta?: { metric?: string } }>;
    dimensions: Array<{ meta?: { dimension?: string } }>;
  }>;
}

export function viewsByTerm(meta: Meta): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (id: string | undefined, view: string) => {
    if (!id) return;
    const list = out.get(id) ?? [];
    if (!list.includes(view)) list.push(view);
    out.set(id, list);
  };
  for (const cube of meta.cubes) {
    if (cube.type && cube.type !== 'view') continue;
    for (const m of cube.measures) add(m.meta?.metric, cube.name);
    for (const d of cube.dimensions) add(d.meta?.dimension, cube.name);
  }
  for (const list of out.values()) list.sort();
  return out;
}
