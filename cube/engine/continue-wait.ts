/**
 * Cube answers a query it is still running with `{ error: "Continue wait" }`
 * (after holding the request for a while); the client asks again. Every
 * caller outside the browser (whose @cubejs-client does it itself) waits
 * through this one helper, so each wait has a limit.
 */
export const CONTINUE_WAIT = 'Continue wait';

export interface WaitLimits {
  /** How many answers to ask for at the most. */
  attempts: number;
  /** A pause before asking again; 0 when Cube's own hold is pause enough. */
  delayMs?: number;
  /** The error once the attempts are spent; by default a plain Error saying so. */
  gaveUp?: () => Error;
}

/** Whether a load's JSON body says Cube is still running the query. */
export function stillRunning(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { error?: unknown }).error === CONTINUE_WAIT;
}

/** Asks until `running(answer)` is false, and returns that answer. */
export async function untilAnswered<T>(ask: () => Promise<T>, running: (answer: T) => boolean, limits: WaitLimits): Promise<T> {
  for (let attempt = 0; attempt < limits.attempts; attempt++) {
    if (attempt > 0 && limits.delayMs) await new Promise((resolve) => setTimeout(resolve, limits.delayMs));
    const answer = await ask();
    if (!running(answer)) return answer;
  }
  throw limits.gaveUp?.() ?? new Error(`Cube kept answering "${CONTINUE_WAIT}" ${limits.attempts} times`);
}
