/** The `--live` / LIVE=1 switch of `npm start`, and what it changes in the configuration. */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT_DIR, type Config } from '../cube/config.ts';
import { localClock } from './simulate.ts';

export interface LiveSwitch {
  live: boolean;
  rates: string | undefined;
}

/** The live switch from the command line or the environment (LIVE=1, LIVE_RATES). */
export function liveSwitch(argv: string[], env: NodeJS.ProcessEnv): LiveSwitch {
  const { values } = parseArgs({ args: argv, options: { live: { type: 'boolean', default: false }, rates: { type: 'string' } }, strict: false });
  const fromEnv = ['1', 'true', 'yes'].includes((env.LIVE ?? '').toLowerCase());
  return { live: values.live === true || fromEnv, rates: typeof values.rates === 'string' ? values.rates : env.LIVE_RATES };
}

/**
 * Live mode: as-of is today in the business zone, and the data lives in its
 * own folder (.data-live unless DATA_DIR is set), apart from the fixed demo.
 */
export function liveConfig(config: Config, nowMs: number, dataDirFromEnv: boolean): Config {
  return {
    ...config,
    demoAsOf: localClock(nowMs, config.timeZone).date,
    dataDir: dataDirFromEnv ? config.dataDir : path.join(ROOT_DIR, '.data-live'),
  };
}

