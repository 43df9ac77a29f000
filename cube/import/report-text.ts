/**
 * An import's progress and report as lines of text for a terminal, in one
 * language (the CLI's; the admin page renders the same report as tables).
 */
import type { EntityName } from './contract.ts';
import { entityLabel, type Lang } from './messages.ts';
import type { ImportReport, ProblemOut, Progress } from './run.ts';

const T = {
  read: ['读取', 'read'],
  write: ['写入', 'wrote'],
  derived: ['建表', 'built'],
  derivedFrom: ['由', 'from'],
  derivedFromEnd: ['汇总，同一事务，不计入上面的行/秒', 'in the same transaction, not in the rows/s above'],
  wholeImport: ['整个导入（墙钟）', 'the whole import (wall clock)'],
  rowsPerSecond: ['行/秒', 'rows/s'],
  whole: ['读取+检查+写入', 'read+checked+written'],
  rows: ['行', 'rows'],
  file: ['文件', 'file'],
  line: ['行号', 'line'],
  column: ['列', 'column'],
  value: ['值', 'value'],
  reason: ['原因', 'reason'],
  problems: ['个问题，未写入任何数据（全部或全不）', 'problems: nothing was written (all or nothing)'],
  warnings: ['个提醒（不影响导入）', 'warnings (the import is not affected)'],
  merges: ['位客户按 OneID 合并', 'customers merged by OneID'],
  imported: ['导入完成', 'imported'],
  checked: ['检查通过（--check：未写入）', 'check passed (--check: nothing written)'],
  inserted: ['新增', 'new'],
  updated: ['更新', 'updated'],
  unchanged: ['未变', 'unchanged'],
  asOf: ['数据日期', 'data date'],
} as const;

const t = (key: keyof typeof T, lang: Lang): string => T[key][lang === 'zh' ? 0 : 1];
const n = (x: number): string => x.toLocaleString('en-US');

const rate = (rows: number, seconds: number): number => (seconds > 0 ? Math.round(rows / seconds) : rows);

/**
 * `read`: the file read, decoded, parsed and checked. `wrote`: its write,
 * then the file's whole processing and the rows per second over it.
 * `built`: a table derived from the file's rows (the customer-day table
 * from the orders), its rows and seconds, after the file's line and not in
 * its rate (as the seed times its summary tables).
 */
export function progressLine(p: Progress, lang: Lang): string {
  if (p.phase === 'derived') {
    const from = lang === 'zh'
      ? `${t('derivedFrom', lang)} ${p.file} (${entityLabel(p.entity, lang)}) ${t('derivedFromEnd', lang)}`
      : `${t('derivedFrom', lang)} ${p.file} (${entityLabel(p.entity, lang)}), ${t('derivedFromEnd', lang)}`;
    return `${t('derived', lang)} ${p.table ?? ''}: ${n(p.rows)} ${t('rows', lang)}, ${p.seconds.toFixed(2)} s (${from})`;
  }
  const head = `${t(p.phase, lang)} ${p.file} (${entityLabel(p.entity, lang)}): ${n(p.rows)} ${t('rows', lang)}, ${p.seconds.toFixed(2)} s`;
  if (p.total === undefined) return `${head}, ${n(rate(p.rows, p.seconds))} ${t('rowsPerSecond', lang)}`;
  return `${head}; ${t('whole', lang)} ${p.total.toFixed(2)} s, ${n(rate(p.rows, p.total))} ${t('rowsPerSecond', lang)}`;
}

function problemLines(list: ProblemOut[], lang: Lang): string[] {
  return list.map((p) => {
    const where = [p.file, p.line === null ? null : `${t('line', lang)} ${p.line}`, p.column === null ? null : `${t('column', lang)} ${p.column}`]
      .filter(Boolean).join(', ');
    const value = p.value === null ? '' : ` ${t('value', lang)} "${p.value}"`;
    return `  ${where}:${value} ${p.reason[lang]}`;
  });
}

export function reportLines(r: ImportReport, lang: Lang): string[] {
  const lines: string[] = [];
  if (r.warnings.length) lines.push(`${r.warnings.length} ${t('warnings', lang)}`, ...problemLines(r.warnings, lang));
  if (r.merges.length) lines.push(`${r.merges.length} ${t('merges', lang)}`, ...r.merges.map((m) => `  ${m.reason[lang]}`));
  if (r.result === 'refused') {
    lines.push(`${r.problems.length} ${t('problems', lang)}`, ...problemLines(r.problems, lang));
    return lines;
  }
  lines.push(`${t(r.result === 'imported' ? 'imported' : 'checked', lang)}${r.asOf ? ` · ${t('asOf', lang)} ${r.asOf}` : ''}`);
  for (const [entity, c] of Object.entries(r.entities) as [EntityName, (typeof r.entities)[EntityName]][]) {
    if (!c) continue;
    lines.push(`  ${entityLabel(entity, lang).padEnd(lang === 'zh' ? 4 : 14)} ${n(c.rows).padStart(9)} ${t('rows', lang)}: `
      + `${t('inserted', lang)} ${n(c.inserted)}, ${t('updated', lang)} ${n(c.updated)}, ${t('unchanged', lang)} ${n(c.unchanged)}`);
  }
  return lines;
}

/** The whole import's wall time, every line above and what follows the last (the derived tables, the commit, the classification). */
export function wholeLine(seconds: number, lang: Lang): string {
  return `${t('wholeImport', lang)}: ${seconds.toFixed(2)} s`;
}
