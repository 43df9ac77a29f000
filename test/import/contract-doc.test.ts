/** docs/import.md documents every file name, column, Chinese header and accepted value the importer knows (cube/import/contract.ts). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../cube/config.ts';
import { ENTITIES } from '../../cube/import/contract.ts';

describe('docs/import.md', () => {
  const doc = readFileSync(path.join(ROOT_DIR, 'docs', 'import.md'), 'utf8');
  for (const entity of ENTITIES) {
    it(`documents ${entity.name}: its file names, columns, headers and values`, () => {
      const section = doc.slice(doc.indexOf(`### ${entity.name} (`));
      expect(section.length, `a section for ${entity.name}`).toBeLessThan(doc.length);
      const table = section.slice(0, section.indexOf('\n### ', 4) >= 0 ? section.indexOf('\n### ', 4) : undefined);
      for (const f of entity.files) expect(table, f).toContain(f);
      for (const c of entity.columns) {
        const row = table.split('\n').find((l) => l.startsWith(`| \`${c.name}\` |`));
        expect(row, `${entity.name}.${c.name}`).toBeDefined();
        for (const a of c.aliases) expect(row, `${entity.name}.${c.name}: ${a}`).toContain(a);
        if (c.type.kind === 'enum') for (const [v, names] of Object.entries(c.type.values)) for (const n of [v, ...names]) expect(row, n).toContain(n);
      }
    });
  }
});
