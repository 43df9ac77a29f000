/**
 * `npm run import -- <folder> [--check] [--as-of YYYY-MM-DD] [--replace-demo]`:
 * a brand's own files into the database (DATABASE_URL, the running embedded
 * cluster, or the embedded cluster started for this command). Exit 0 when
 * imported or checked, 1 when anything was refused (nothing written), 2 on
 * a usage error. Messages in Chinese, in English under LANG=en.
 */
import { userInfo } from 'node:os';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { withDatabase } from '../database/connect.ts';
import { readFolder } from '../import/read.ts';
import { runImport } from '../import/run.ts';
import { progressLine, reportLines, wholeLine } from '../import/report-text.ts';

const USAGE = 'usage: npm run import -- <folder> [--check] [--as-of YYYY-MM-DD] [--replace-demo]';

function fail(message: string): never {
  process.stderr.write(`import: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const lang = config.language;
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        check: { type: 'boolean', default: false },
        'as-of': { type: 'string' },
        'replace-demo': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (positionals.length !== 1) fail(lang === 'zh' ? '请给出一个文件夹' : 'give one folder');
  const folder = positionals[0]!;
  if (!(await stat(folder).catch(() => null))?.isDirectory()) fail(lang === 'zh' ? `找不到文件夹 ${folder}` : `no folder ${folder}`);
  const asOf = values['as-of'];
  if (asOf !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf)))) fail('--as-of must be a date YYYY-MM-DD');

  const started = performance.now();
  const files = await readFolder(folder);
  const report = await withDatabase(config, (sql) => runImport(sql, files, {
    check: values.check, timeZone: config.timeZone, ...(asOf ? { asOf } : {}), replaceDemo: values['replace-demo'],
    username: `cli:${userInfo().username}`, source: 'cli',
    onProgress: (p) => process.stdout.write(`${progressLine(p, lang)}\n`),
  }));
  const lines = [...reportLines(report, lang), wholeLine((performance.now() - started) / 1000, lang)];
  (report.result === 'refused' ? process.stderr : process.stdout).write(`${lines.join('\n')}\n`);
  if (report.result === 'refused') process.exitCode = 1;
}

main().catch((error: Error) => {
  process.stderr.write(`import failed: ${error.message}\nNothing was changed: the import runs in one transaction.\n`);
  process.exit(1);
});
