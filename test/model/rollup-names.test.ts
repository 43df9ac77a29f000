/**
 * Every rollup's tables fit PostgreSQL's 63-byte names. Cube names a build
 * `<cube>_<rollup>[<partition YYYYMMDD>]_<content 8>_<structure 8>_<time 7>`;
 * PostgreSQL cuts a longer name without a word, and Cube, not finding the
 * table it just built under the name it asked for, builds it again and again
 * ("Pre-aggregation table is not found … after it was successfully created"):
 * a rollup rebuilt in a loop, never answering.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';

const POSTGRES_NAME_BYTES = 63;
/** `_` + 8 + `_` + 8 + `_` + 7: the versions and build time Cube appends (seconds in base 36: 7 characters until 2059). */
const CUBE_SUFFIX = 26;

function rollups(modelDir: string): Array<{ name: string; partitioned: boolean }> {
  const out: Array<{ name: string; partitioned: boolean }> = [];
  for (const file of readdirSync(path.join(modelDir, 'cubes')).filter((f) => f.endsWith('.yml'))) {
    let cube = '';
    let section = '';
    for (const line of readFileSync(path.join(modelDir, 'cubes', file), 'utf8').split('\n')) {
      const cubeName = /^ {2}- name: (\w+)/.exec(line);
      if (cubeName) [cube, section] = [cubeName[1]!, ''];
      else if (/^ {4}\w/.test(line)) section = line.trim();
      const rollup = section === 'pre_aggregations:' ? /^ {6}- name: (\w+)/.exec(line) : null;
      if (rollup) out.push({ name: `${cube}_${rollup[1]}`, partitioned: false });
      else if (section === 'pre_aggregations:' && /^ {8}partition_granularity:/.test(line)) out[out.length - 1]!.partitioned = true;
    }
  }
  return out;
}

describe('rollup table names', () => {
  it('fit PostgreSQL\'s 63 bytes with the partition and the suffix Cube appends', () => {
    const all = rollups(loadConfig().modelDir);
    expect(all.length).toBeGreaterThan(10);
    expect(all.filter((r) => r.partitioned).length).toBeGreaterThan(0);
    const tooLong = all
      .map((r) => ({ ...r, bytes: Buffer.byteLength(r.name) + (r.partitioned ? 8 : 0) + CUBE_SUFFIX }))
      .filter((r) => r.bytes > POSTGRES_NAME_BYTES)
      .map((r) => `${r.name}${r.partitioned ? ' (partitioned)' : ''}: ${r.bytes} bytes`);
    expect(tooLong).toEqual([]);
  });
});
