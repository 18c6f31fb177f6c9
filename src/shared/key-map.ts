/**
 * Evaluator keys → rating levels. Vendors order the five keys differently, so the mapping is configuration
 * (DeviceConfig.keyMap: the level of each key, left to right). Runs everywhere (pure).
 */
import { isSatisfaction, type Satisfaction } from './satisfaction.js';

export const DEFAULT_KEY_MAP: readonly Satisfaction[] = [5, 4, 3, 2, 1];

/** The level of physical key `key` (1–5, from the left), or null for anything else. */
export function levelForKey(key: number, keyMap: readonly number[] = DEFAULT_KEY_MAP): Satisfaction | null {
  if (!Number.isInteger(key) || key < 1 || key > 5) return null;
  const level = keyMap[key - 1];
  return isSatisfaction(level) ? level : null;
}
