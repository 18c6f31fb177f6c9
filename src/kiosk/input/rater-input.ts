/**
 * The one interface every rater input implements: the serial five-key evaluator, a keyboard-wedge evaluator and
 * the touchscreen. The kiosk starts each input with a press handler and tells it what happens (so it can prompt,
 * thank, go idle or show who is serving). Runs in Node.
 */
import type { KioskEvent } from '../../shared/kiosk-events.js';
import type { EvaluatorStatus } from '../../shared/local-api.js';
import type { Press, PressOutcome } from '../invitation-service.js';

/**
 * Commits a press. It resolves only after the rating (or stray press) has committed: an input acknowledges the
 * press to the device or the rater only then. It rejects when nothing could be stored (for example a full disk):
 * the input must then not acknowledge, so a device resends and the rater sees it was not taken.
 */
export type PressHandler = (press: Press) => Promise<PressOutcome>;

export interface RaterInput {
  /** Which kind of input this is; shown in status and diagnostics. */
  readonly kind: 'serial' | 'keyboard' | 'touch';
  /** Connects the input. A device that is not there yet is retried by the input, not an error. */
  start(onPress: PressHandler): Promise<void>;
  stop(): Promise<void>;
  /** Called for every kiosk event, after the change it describes has committed. */
  notify(event: KioskEvent): void;
  status(): EvaluatorStatus;
}
