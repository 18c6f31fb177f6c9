/**
 * Waiting for a condition in a test, instead of sleeping for wall-clock time: polls a probe until it gives a value
 * and returns that value, or gives up after a bound with an error that says what it waited for. Runs in Node
 * (tests only).
 */

/** How long to wait and how often to look. */
export interface WaitForOptions {
  /** Give up after this long, in milliseconds; WAIT_FOR_DEFAULT_MS by default. */
  timeoutMs?: number;
  /** Look again after this long, in milliseconds; WAIT_FOR_INTERVAL_MS by default. */
  intervalMs?: number;
}

/** Generous: a slow CI machine only makes the wait longer, a passing condition ends it at once. */
export const WAIT_FOR_DEFAULT_MS = 20_000;
export const WAIT_FOR_INTERVAL_MS = 25;

/** A probe's "not yet": anything else is the value waited for. */
type NotYet = undefined | null | false;

/** Thrown when the condition did not hold in time; the message names it. */
export class WaitForTimeoutError extends Error {
  override readonly name = 'WaitForTimeoutError';
  readonly code = 'wait_for_timeout';
}

/**
 * Polls `probe` until it answers something other than undefined, null or false, and resolves with that answer.
 * `what` names the condition for the error (`the kiosk to say online`), or is a function that says it when the wait
 * gives up (to tell what was seen instead). `options` may be the timeout alone. A probe that throws ends the wait
 * with its error.
 */
export async function waitFor<T>(
  what: string | (() => string),
  probe: () => T | NotYet | Promise<T | NotYet>,
  options: WaitForOptions | number = {},
): Promise<T> {
  const { timeoutMs = WAIT_FOR_DEFAULT_MS, intervalMs = WAIT_FOR_INTERVAL_MS } =
    typeof options === 'number' ? { timeoutMs: options } : options;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() >= until) {
      const said = typeof what === 'function' ? what() : what;
      throw new WaitForTimeoutError(`timed out after ${timeoutMs} ms waiting for ${said}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
