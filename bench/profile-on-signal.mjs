/**
 * A CPU profile of the product while the benchmark's people are at it
 * (`--cpu-prof` is not allowed in NODE_OPTIONS, an `--import` is):
 *
 *   PROFILE_DIR=DIR PRODUCT_NODE_OPTIONS="--import $PWD/bench/profile-on-signal.mjs" ISOLATION_ONLY=users node --import tsx bench/isolation.ts …
 *
 * then `kill -USR2 <product pid>` once to start, once more to write
 * DIR/product-<pid>-<time>.cpuprofile (Chrome DevTools, or any .cpuprofile reader).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();
session.connect();
let profiling = false;
process.on('SIGUSR2', () => {
  if (!profiling) {
    session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 500 },
      () => session.post('Profiler.start', () => { profiling = true; })));
    return;
  }
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(`${process.env.PROFILE_DIR ?? '.'}/product-${process.pid}-${Date.now()}.cpuprofile`, JSON.stringify(result.profile));
    profiling = false;
  });
});
