/**
 * Every rollup's tables fit PostgreSQL's 63-byte names. Cube names a build
 * `<cube>_<rollup>[<partition YYYYMMDD>]_<content 8>_<structure 8>_<time 7>`;
 * PostgreSQL cuts a longer name without a word, and Cube, not finding the
 * table it just built under the name it asked for, builds it again and again
 * ("Pre-aggregation table is not found … after it was successfully created"):
 * a rollup rebuilt in a loop, never answering.
 *
 * A rollup's indexes too: Cube names one `<cube>_<rollup>_<index>` with the
 * same suffix as its table's build (PreAggregations.js, prepareIndexesSql).
 * Cut at 63 bytes, the name loses the build time, and the next build of the
 * same partition with the same versions (Cube's refresh worker and a page
 * query both deciding to build it) fails with `relation "…" already exists`
 * and leaves its table without the index.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';

const POSTGRES_NAME_BYTES = 63;
/** `_` + 8 + `_` + 8 + `_` + 7: the versions and build time Cube appends (seconds in base 32, encodeTimeStamp in PreAggregations.js: 7 characters until the year 3058). */
const CUBE_SUFFIX = 26;

interface Rollup { name: string; partitioned: boolean; indexes: string[] }

function rollups(modelDir: string): Rollup[] {
  const out: Rollup[] = [];
  for (const file of readdirSync(path.join(modelDir, 'cubes')).filter((f) => f.endsWith('.yml'))) {
    let cube = '';
    let section = '';
    let inIndexes = false;
    for (const line of readFileSync(path.join(modelDir, 'cubes', file), 'utf8').split('\n')) {
      const cubeName = /^ {2}- name: (\w+)/.exec(line);
      if (cubeName) [cube, section] = [cubeName[1]!, ''];
      else if (/^ {4}\w/.test(line)) section = line.trim();
      const rollup = section === 'pre_aggregations:' ? /^ {6}- name: (\w+)/.exec(line) : null;
      const index = section === 'pre_aggregations:' && inIndexes ? /^ {10}- name: (\w+)/.exec(line) : null;
      if (rollup) out.push({ name: `${cube}_${rollup[1]}`, partitioned: false, indexes: [] });
      else if (section === 'pre_aggregations:' && /^ {8}partition_granularity:/.test(line)) out[out.length - 1]!.partitioned = true;
      else if (index) out[out.length - 1]!.indexes.push(index[1]!);
      if (/^ {8}\w/.test(line)) inIndexes = /^ {8}indexes:/.test(line);
    }
  }
  return out;
}

describe('rollup table names', () => {
  it('fit PostgreSQL\'s 63 bytes with the partition and the suffix Cube appends', () => {
    const all = rollups(loadConfig().modelDir);
    expect(all.length).toBeGreaterThan(0);
    const tooLong = all
      .map((r) => ({ ...r, bytes: Buffer.byteLength(r.name) + (r.partitioned ? 8 : 0) + CUBE_SUFFIX }))
      .filter((r) => r.bytes > POSTGRES_NAME_BYTES)
      .map((r) => `${r.name}${r.partitioned ? ' (partitioned)' : ''}: ${r.bytes} bytes`);
    expect(tooLong).toEqual([]);
  });

  it("and so do their indexes' names, with the same suffix", () => {
    const all = rollups(loadConfig().modelDir);
    // No rollup of the model has an index since the monthly rollups went (migrations 042-045); a rollup given one
    // later must still fit its name (the monthly rollups' role-limit indexes broke on this: docs/performance.md).
    const tooLong = all
      .flatMap((r) => r.indexes.map((index) => `${r.name}_${index}`))
      .map((name) => ({ name, bytes: Buffer.byteLength(name) + CUBE_SUFFIX }))
      .filter((r) => r.bytes > POSTGRES_NAME_BYTES)
      .map((r) => `index ${r.name}: ${r.bytes} bytes`);
    expect(tooLong).toEqual([]);
  });
});
