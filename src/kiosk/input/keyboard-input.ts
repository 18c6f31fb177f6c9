/**
 * A keyboard-wedge evaluator read as keystrokes: keys 1–5 (or F1–F5) typed by a USB evaluator that presents itself
 * as a keyboard. The demo feeds it from the terminal; the citizen screen catches the same keys in the browser.
 * Runs in Node.
 */
import { levelForKey } from '../../shared/key-map.js';
import type { EvaluatorStatus } from '../../shared/local-api.js';
import type { PressOutcome } from '../invitation-service.js';
import type { PressHandler, RaterInput } from './rater-input.js';

export class KeyboardInput implements RaterInput {
  readonly kind = 'keyboard';
  private onPress: PressHandler | undefined;

  /** @param keyMap the level of each key, left to right (reads the live configuration each time). */
  constructor(private readonly keyMap: () => readonly number[]) {}

  async start(onPress: PressHandler): Promise<void> {
    this.onPress = onPress;
  }

  async stop(): Promise<void> {
    this.onPress = undefined;
  }

  notify(): void {}

  status(): EvaluatorStatus {
    return { state: this.onPress ? 'connected' : 'none', kind: 'keyboard' };
  }

  /** Takes key `key` (1–5 from the left). Returns null for a key that is not an evaluator key. */
  async key(key: number): Promise<PressOutcome | null> {
    const level = levelForKey(key, this.keyMap());
    if (level === null || !this.onPress) return null;
    return this.onPress({ level, source: 'keyboard', key });
  }
}
