/**
 * The one summary table a full run ends with: a line per measure of issue 6's rows 1–6, this project against the
 * peer (PouchDB) and the floor (the bare storage underneath), the target and whether this run met it.
 */
import { table } from './stats.js';

export interface SummaryLine {
  /** "1 durable rating write", numbered by the row. */
  measure: string;
  hcp: string;
  /** PouchDB's figure, or "—" where the row has no peer. */
  peer: string;
  floor: string;
  /** HCP ÷ floor, for times (lower is better). */
  vsFloor: string;
  /** HCP ÷ PouchDB, for times: below 1× is ahead. */
  vsPeer: string;
  target: string;
  /** Whether this run met the target; null where the row has none. */
  met: boolean | null;
  /** What holds the figure back, said when the target was missed. */
  limit?: string;
}

export const NONE = '—';

export function summaryTable(lines: SummaryLine[]): string {
  return table(
    ['measure', 'HCP', 'PouchDB', 'floor', 'HCP / floor', 'HCP / PouchDB', 'target', 'met?'],
    lines.map((l) => [
      l.measure,
      l.hcp,
      l.peer,
      l.floor,
      l.vsFloor,
      l.vsPeer,
      l.target,
      l.met === null ? NONE : l.met ? 'yes' : 'no',
    ]),
  );
}

/** For the notes: each missed target with what limits it. */
export function missedTargets(lines: SummaryLine[]): string[] {
  return lines.filter((l) => l.met === false).map((l) => `- **${l.measure}** missed: ${l.limit ?? 'see its section'}`);
}
