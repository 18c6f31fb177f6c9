/**
 * The touchscreen, and a keyboard-wedge evaluator typing into the citizen screen: presses that reach the kiosk
 * through the UI channel. The screen itself draws prompts and thanks from the events it is sent, so `notify` has
 * nothing to drive here. Runs in Node.
 */
import type { EvaluatorStatus } from '../../shared/local-api.js';
import type { Satisfaction } from '../../shared/satisfaction.js';
import type { PressOutcome } from '../invitation-service.js';
import type { PressHandler, RaterInput } from './rater-input.js';

export class ScreenInput implements RaterInput {
  readonly kind = 'touch';
  private onPress: PressHandler | undefined;
  private screens = 0;

  async start(onPress: PressHandler): Promise<void> {
    this.onPress = onPress;
  }

  async stop(): Promise<void> {
    this.onPress = undefined;
  }

  notify(): void {}

  /** A screen connected (returns the function to call when it goes). No screen attached reads as `none`. */
  attach(): () => void {
    this.screens += 1;
    let attached = true;
    return () => {
      if (attached) this.screens -= 1;
      attached = false;
    };
  }

  status(): EvaluatorStatus {
    return { state: this.onPress && this.screens > 0 ? 'connected' : 'none', kind: 'touch' };
  }

  /** A tap on a level, or a key 1–5 / F1–F5 from a keyboard-wedge evaluator. */
  async press(level: Satisfaction, source: 'touch' | 'keyboard'): Promise<PressOutcome> {
    if (!this.onPress) throw new Error('the screen input is not started');
    return this.onPress({ level, source });
  }
}
