/**
 * 未知事项: service item codes that ratings carried and the hall's catalogue does not hold (a 办件 system's code
 * the hall never listed). The citizen saw a neutral 政务服务; the centre keeps the code apart (migration 0120) until
 * an admin maps it to a real item. Pure.
 */
import { z } from 'zod';
import { codeSchema } from './device-config.js';

/** One unmapped code: how many ratings carry it, and when the first and the last were given. */
export interface UnknownItem {
  code: string;
  ratings: number;
  firstAt: string;
  lastAt: string;
}

/** A code as ratings carried it: any text a record may hold, not only a catalogue code. */
export const UnknownItemParam = z.strictObject({ code: z.string().min(1).max(64) });

/** Maps the code to an item of the catalogue: its ratings so far, and every later one that carries it. */
export const UnknownItemMap = z.strictObject({ serviceItemCode: codeSchema });

export interface UnknownItemMapped {
  code: string;
  serviceItemCode: string;
  /** The ratings filed under the item by this mapping. */
  ratings: number;
}
