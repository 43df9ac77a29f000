import { describe, expect, it } from 'vitest';
import { CONTINUE_WAIT, stillRunning, untilAnswered } from '../../../cube/engine/continue-wait.ts';

/** Answers "Continue wait" `waits` times, then the rows; counts the asks. */
function cube(waits: number) {
  const asked = { count: 0 };
  const ask = async () => (++asked.count <= waits ? { error: CONTINUE_WAIT } : { data: [{ n: asked.count }] });
  return { asked, ask };
}

describe('untilAnswered', () => {
  it('asks again while Cube is still running and returns the first real answer', async () => {
    const { asked, ask } = cube(3);
    expect(await untilAnswered(ask, stillRunning, { attempts: 10 })).toEqual({ data: [{ n: 4 }] });
    expect(asked.count).toBe(4);
  });

  it('asks once when the answer is there at once', async () => {
    const { asked, ask } = cube(0);
    expect(await untilAnswered(ask, stillRunning, { attempts: 1 })).toEqual({ data: [{ n: 1 }] });
    expect(asked.count).toBe(1);
  });

  it('gives up after the attempts, with the caller\'s error', async () => {
    const { asked, ask } = cube(5);
    await expect(untilAnswered(ask, stillRunning, { attempts: 5, gaveUp: () => new Error('still working') })).rejects.toThrow('still working');
    expect(asked.count).toBe(5);
    await expect(untilAnswered(cube(5).ask, stillRunning, { attempts: 2 })).rejects.toThrow('Cube kept answering "Continue wait" 2 times');
  });

  it('pauses between asks, not before the first', async () => {
    let started = performance.now();
    await untilAnswered(cube(2).ask, stillRunning, { attempts: 3, delayMs: 50 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(95); // two pauses of 50 ms
    started = performance.now();
    await untilAnswered(cube(0).ask, stillRunning, { attempts: 3, delayMs: 300 });
    expect(performance.now() - started).toBeLessThan(250); // none before the first ask
  });

  it('reads only Cube\'s own "Continue wait" as still running', () => {
    expect(stillRunning({ error: 'Continue wait' })).toBe(true);
    expect(stillRunning({ error: 'Query timeout' })).toBe(false);
    expect(stillRunning({ data: [] })).toBe(false);
    expect(stillRunning(null)).toBe(false);
    expect(stillRunning('Continue wait')).toBe(false);
  });
});
