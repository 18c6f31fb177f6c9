/**
 * The per-day tally kiosk and centre compare to find records that went missing: the count of a day's record ids
 * and the hex SHA-256 of those ids, sorted, joined by "\n". Runs in Node.
 */
import { createHash } from 'node:crypto';
import type { TallyResponse } from '../shared/central-api.js';

export function tallyOf(day: string, ids: string[]): TallyResponse {
  const sorted = [...ids].sort();
  return { day, count: sorted.length, digest: createHash('sha256').update(sorted.join('\n')).digest('hex') };
}
