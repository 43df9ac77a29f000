/** `npm run bench`'s options (see run.ts for their meaning), read once, and its log line. */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, ROOT_DIR } from '../cube/config.ts';
import { DEFAULT_RANGE, isRangePreset, PRESET_MENU, type RangePreset } from '../web/src/lib/date-range.ts';

export const { values: args } = parseArgs({
  options: {
    customers: { type: 'string' },
    runs: { type: 'string', default: '20' },
    'open-runs': { type: 'string', default: '10' },
    'compare-runs': { type: 'string', default: '5' },
    presets: { type: 'string', default: PRESET_MENU.join(',') },
    'custom-runs': { type: 'string', default: '5' },
    'freshness-runs': { type: 'string', default: '5' },
    deadline: { type: 'string' },
    'skip-tiles': { type: 'boolean', default: false },
    users: { type: 'string', default: '50' },
    duration: { type: 'string', default: '60' },
    think: { type: 'string', default: '1000' },
    'csv-rows': { type: 'string', default: '100000' },
    budget: { type: 'string', default: '30' },
    'data-dir': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    doc: { type: 'string', default: path.join('docs', 'benchmarks.md') },
    render: { type: 'boolean', default: false },
  },
});
export const whole = (name: string, raw: string | undefined, min = 1): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got ${raw}`);
  return n;
};

export const config = loadConfig({ logLevel: 'silent' });
export const customers = whole('customers', args.customers ?? String(config.demoCustomers));
export const runs = whole('runs', args.runs);
export const openRuns = whole('open-runs', args['open-runs']);
export const compareRuns = whole('compare-runs', args['compare-runs'], 0);
export const customRuns = whole('custom-runs', args['custom-runs']);
export const freshnessRuns = whole('freshness-runs', args['freshness-runs']);
/** The date presets whose tiles are timed; the pages' default (last 12 months) always is, first. */
export const presets: RangePreset[] = ((): RangePreset[] => {
  const list = args.presets!.split(',').map((p) => p.trim()).filter(Boolean);
  const bad = list.filter((p) => !isRangePreset(p));
  if (bad.length > 0) throw new Error(`--presets: ${bad.join(', ')} is no preset; the presets are ${PRESET_MENU.join(', ')}`);
  return [...new Set([DEFAULT_RANGE, ...list])] as RangePreset[];
})();
export const users = whole('users', args.users);
export const durationMs = whole('duration', args.duration) * 1000;
export const thinkMs = whole('think', args.think, 0);
export const csvRows = whole('csv-rows', args['csv-rows']);
export const budgetMs = whole('budget', args.budget) * 1000;
/** Past this moment (an ISO time) the ranges' timing, the last phase, stops where it is and the report is written. */
export const deadline = ((): number | null => {
  if (!args.deadline) return null;
  const at = Date.parse(args.deadline);
  if (Number.isNaN(at)) throw new Error(`--deadline must be a moment such as 2026-12-03T20:25:00Z, got ${args.deadline}`);
  return at;
})();
export const skipTiles = args['skip-tiles']!;
export const pastDeadline = (): boolean => deadline !== null && Date.now() > deadline;
export const docFile = path.resolve(ROOT_DIR, args.doc!);
export const password = config.demoPassword;
export const RESULTS_FILE = path.join(ROOT_DIR, 'bench', 'results.json');

export const say = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};
