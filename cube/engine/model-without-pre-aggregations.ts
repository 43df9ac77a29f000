/**
 * The model as Cube reads it, with every pre-aggregation left out
 * (`SIYU_PRE_AGGREGATIONS=off`): the benchmark's baseline of the same queries
 * on the raw tables. Cube 0.33 has no switch for this (cube-js/cube#2311), so
 * Cube is given a repository whose files no longer define any.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The YAML parser Cube reads the model with (a dependency of its schema compiler), so both read a file alike. */
const yaml = createRequire(createRequire(import.meta.url).resolve('@cubejs-backend/schema-compiler'))('js-yaml') as {
  load(text: string): unknown;
  dump(value: unknown, options?: { lineWidth?: number; noRefs?: boolean }): string;
};

/** Cube accepts both spellings in YAML and in JS. */
const KEYS = ['pre_aggregations', 'preAggregations'];
const JS_DEFINES_ONE = /\b(pre_aggregations|preAggregations)\s*:/;

export interface ModelFile {
  fileName: string;
  content: string;
}

/**
 * A model file without its cubes' pre-aggregations. A YAML file that has none
 * comes back byte for byte; one that has some is parsed, the key deleted on
 * each cube and written out again (comments are lost, meaning is not). A JS
 * file that defines one is refused: it cannot be edited safely as text, and
 * keeping it would make the baseline quietly use a rollup.
 */
export function withoutPreAggregations(file: ModelFile): ModelFile {
  if (/\.ya?ml$/.test(file.fileName)) {
    const doc = yaml.load(file.content) as { cubes?: Array<Record<string, unknown>> } | null | undefined;
    const cubes = Array.isArray(doc?.cubes) ? doc.cubes : [];
    if (!cubes.some((cube) => KEYS.some((key) => key in cube))) return file;
    for (const cube of cubes) for (const key of KEYS) delete cube[key];
    return { fileName: file.fileName, content: yaml.dump(doc, { lineWidth: -1, noRefs: true }) };
  }
  if (file.fileName.endsWith('.js') && JS_DEFINES_ONE.test(file.content)) {
    throw new Error(`${file.fileName} defines pre-aggregations in JS; SIYU_PRE_AGGREGATIONS=off can only leave out those of YAML files. Move them to YAML.`);
  }
  return file;
}

async function modelFiles(modelDir: string, dir = ''): Promise<ModelFile[]> {
  const out: ModelFile[] = [];
  for (const entry of await readdir(path.join(modelDir, dir), { withFileTypes: true })) {
    const fileName = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await modelFiles(modelDir, fileName)));
    else if (/\.(js|ya?ml)$/.test(entry.name)) out.push({ fileName, content: await readFile(path.join(modelDir, fileName), 'utf8') });
  }
  return out;
}

/** What Cube's `repositoryFactory` must return: the model folder's files, read at each compile. */
export function modelWithoutPreAggregations(modelDir: string): { localPath(): string; dataSchemaFiles(): Promise<ModelFile[]> } {
  return {
    localPath: () => modelDir,
    dataSchemaFiles: async () => (await modelFiles(modelDir)).map(withoutPreAggregations),
  };
}
