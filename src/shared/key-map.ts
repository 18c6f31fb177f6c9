/**
 * Evaluator keys → rating levels. Vendors order the five keys differently, so the mapping is configuration
 * (DeviceConfig.keyMap: the level of each key, left to right). A key map is a permutation of the five levels and
 * nothing else: a map with a level twice (say [5,5,5,5,5]) would turn every press into one level, so every path
 * that takes a key map (provision file, the centre's settings, technician mode, the wire) uses `KeyMapSchema`.
 * Runs everywhere (pure).
 */
import { z } from 'zod';
import { isSatisfaction, SatisfactionSchema, type Satisfaction } from './satisfaction.js';

export const DEFAULT_KEY_MAP: readonly Satisfaction[] = [5, 4, 3, 2, 1];

/** The level of each physical key, left to right: each of the five levels exactly once. */
export const KeyMapSchema = z
  .array(SatisfactionSchema)
  .length(5)
  .refine((m) => new Set(m).size === 5, 'a key map names each of the five levels exactly once');
export type KeyMap = z.infer<typeof KeyMapSchema>;

/**
 * Where the key map in force came from: the centre's configuration, or a technician's local override at the kiosk.
 * A local override is reported to the centre (heartbeat, and every record rated under it) and shown in the fleet.
 */
export const KEY_MAP_SOURCES = ['central', 'local'] as const;
export const KeyMapInForce = z.strictObject({ map: KeyMapSchema, source: z.enum(KEY_MAP_SOURCES) });
export type KeyMapInForce = z.infer<typeof KeyMapInForce>;

/** The level of physical key `key` (1–5, from the left), or null for anything else. */
export function levelForKey(key: number, keyMap: readonly number[] = DEFAULT_KEY_MAP): Satisfaction | null {
  if (!Number.isInteger(key) || key < 1 || key > 5) return null;
  const level = keyMap[key - 1];
  return isSatisfaction(level) ? level : null;
}
