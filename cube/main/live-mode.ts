/** The `--live` / LIVE=1 switch of `npm start`, and what it changes in the configuration. */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT_DIR, type Config } from '../config.ts';
import { localClock } from '../../seed/simulate.ts';

export interface LiveSwitch {
  live: boolean;
  rates: string | undefined;
}

/** The live switch from the command line, or from the configuration (LIVE=1, LIVE_RATES). */
export function liveSwitch(argv: string[], config: Pick<Config, 'liveFromEnv' | 'liveRates'>): LiveSwitch {
  const { values } = parseArgs({ args: argv, options: { live: { type: 'boolean', default: false }, rates: { type: 'string' } }, strict: false });
  return { live: values.live === true || config.liveFromEnv, rates: typeof values.rates === 'string' ? values.rates : config.liveRates };
}

/**
 * Live mode: as-of is today in the business zone, and the data lives in its
 * own folder (.data-live unless DATA_DIR is set), apart from the fixed demo.
 */
export function liveConfig(config: Config, nowMs: number): Config {
  return {
    ...config,
    demoAsOf: localClock(nowMs, config.timeZone).date,
    dataDir: config.dataDirFromEnv ? config.dataDir : path.join(ROOT_DIR, '.data-live'),
  };
}
