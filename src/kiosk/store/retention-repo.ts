/**
 * What the kiosk forgets, and when (第五条: a counter PC holds a rating no longer than the centre needs it to). A
 * record's rows go once its day is *reconciled* and older than the retention the centre sets:
 *
 * - a day is reconciled when a reconciliation that began after the last of its records was delivered found the
 *   kiosk's tally of the day's delivered records equal to the centre's (`reconciled_days.matched_at`);
 * - a day that still holds a record waiting or quarantined is not pruned at all, nor marked pruned: once that record
 *   is delivered, the day is whole and is compared again, and only a match after that delivery lets it go. (A day
 *   pruned in part could never be compared again: the centre holds ids the kiosk no longer has.)
 * - then its delivered outbox rows go, with the rows they describe: the invitation (an evaluation), the follow-up,
 *   the stray press. An open invitation has no record yet and is never touched; an invitation whose follow-up must
 *   stay (on the next day, still waiting) stays with it, and goes at a later pruning;
 * - a day once pruned is never compared again; a record of it delivered after its last match (which the rule above
 *   leaves only to a kiosk pruned by an older version) is kept, never pruned unreconciled;
 * - shifts (staff number and name) go once ended before the cutoff and no invitation of theirs is left.
 *
 * Every method here is one bounded statement or chunk, so that the caller can let presses in between. Runs in Node.
 */
import { statementCache, type Database, type StatementCache } from './database.js';

/**
 * One outbox row as the day scan sees it. Quarantined rows are part of no tally and are never pruned, but they are
 * seen: a day that holds one is not pruned.
 */
export interface ScannedRow {
  seq: number;
  day: string;
  deliveredAt: number | null;
  /** 1 when the centre refused it and it waits in quarantine. */
  quarantined: 0 | 1;
}

/** What reconciliation last found about a day. */
export interface ReconciledDay {
  matchedAt: number;
  prunedAt: number | null;
}

/** What one pruning chunk did. */
export interface PruneChunk {
  /** The last seq looked at: the next chunk starts after it. Null when the day had nothing more. */
  lastSeq: number | null;
  records: number;
  invitations: number;
  followups: number;
  strayPresses: number;
}

export class RetentionRepo {
  private readonly sql: StatementCache;

  constructor(db: Database) {
    this.sql = statementCache(db);
  }

  /** Up to `limit` outbox rows after `afterSeq` in seq order, quarantined ones flagged. */
  scan(afterSeq: number, limit: number): ScannedRow[] {
    return this.sql(
      `SELECT seq, day, delivered_at AS deliveredAt, quarantined_at IS NOT NULL AS quarantined FROM outbox
        WHERE seq > ? ORDER BY seq LIMIT ?`,
    ).all(afterSeq, limit) as ScannedRow[];
  }

  /** The ids of a day's delivered records, read within the seq range the scan found the day in. */
  deliveredOfDay(day: string, firstSeq: number, lastSeq: number): { seq: number; recordId: string }[] {
    return this.sql(
      `SELECT seq, record_id AS recordId FROM outbox
        WHERE seq BETWEEN ? AND ? AND day = ? AND delivered_at IS NOT NULL AND quarantined_at IS NULL`,
    ).all(firstSeq, lastSeq, day) as { seq: number; recordId: string }[];
  }

  reconciledDays(): Map<string, ReconciledDay> {
    const rows = this.sql(
      'SELECT day, matched_at AS matchedAt, pruned_at AS prunedAt FROM reconciled_days',
    ).all() as (ReconciledDay & { day: string })[];
    return new Map(rows.map((r) => [r.day, { matchedAt: r.matchedAt, prunedAt: r.prunedAt }]));
  }

  /** The day's tally matched the centre's at a reconciliation that began at `at`. */
  markMatched(day: string, at: number): void {
    this.sql(
      `INSERT INTO reconciled_days (day, matched_at) VALUES (?, ?)
         ON CONFLICT (day) DO UPDATE SET matched_at = max(matched_at, excluded.matched_at)`,
    ).run(day, at);
  }

  markPruned(day: string, at: number): void {
    this.sql('UPDATE reconciled_days SET pruned_at = coalesce(pruned_at, ?) WHERE day = ?').run(at, day);
  }

  /**
   * Prunes up to `limit` delivered records of `day` with seq in (afterSeq, lastSeq], and the rows they describe.
   * Must run inside a transaction (the caller's `transact`): records and rows go together or not at all.
   */
  pruneChunk(day: string, afterSeq: number, lastSeq: number, limit: number): PruneChunk {
    const rows = this.sql(
      `SELECT seq, record_id AS recordId, kind FROM outbox
        WHERE seq > ? AND seq <= ? AND day = ? AND delivered_at IS NOT NULL AND quarantined_at IS NULL
        ORDER BY seq LIMIT ?`,
    ).all(afterSeq, lastSeq, day, limit) as { seq: number; recordId: string; kind: string }[];
    const done: PruneChunk = {
      lastSeq: rows.at(-1)?.seq ?? null,
      records: 0,
      invitations: 0,
      followups: 0,
      strayPresses: 0,
    };
    const gone: number[] = [];
    // Follow-ups first: an invitation goes only once its follow-up has gone.
    for (const row of rows) {
      if (row.kind === 'followup') {
        done.followups += this.sql('DELETE FROM followups WHERE id = ?').run(row.recordId).changes;
        gone.push(row.seq);
      } else if (row.kind === 'stray_press') {
        done.strayPresses += this.sql('DELETE FROM stray_presses WHERE id = ?').run(row.recordId).changes;
        gone.push(row.seq);
      } else if (row.kind !== 'evaluation') {
        gone.push(row.seq);
      }
    }
    for (const row of rows) {
      if (row.kind !== 'evaluation') continue;
      const deleted = this.sql(
        `DELETE FROM invitations WHERE id = ? AND state <> 'open'
            AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.invitation_id = invitations.id)`,
      ).run(row.recordId).changes;
      done.invitations += deleted;
      // Still there (its follow-up is not prunable yet): keep its record too, for the next pruning.
      if (deleted === 1 || this.sql('SELECT 1 FROM invitations WHERE id = ?').get(row.recordId) === undefined) {
        gone.push(row.seq);
      }
    }
    if (gone.length > 0) {
      done.records = this.sql('DELETE FROM outbox WHERE seq IN (SELECT value FROM json_each(?))').run(
        JSON.stringify(gone),
      ).changes;
    }
    return done;
  }

  /**
   * Forgets up to `limit` shifts that ended before `before` (ms) and have no invitation left, with their pauses.
   * The open shift has no end and is never touched. Must run inside a transaction.
   */
  pruneShifts(before: number, limit: number): number {
    const ids = (
      this.sql(
        `SELECT id FROM shifts s WHERE ended_at IS NOT NULL AND ended_at < ?
            AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.shift_id = s.id) LIMIT ?`,
      ).all(before, limit) as { id: string }[]
    ).map((r) => r.id);
    if (ids.length === 0) return 0;
    const list = JSON.stringify(ids);
    this.sql('DELETE FROM shift_pauses WHERE shift_id IN (SELECT value FROM json_each(?))').run(list);
    return this.sql('DELETE FROM shifts WHERE id IN (SELECT value FROM json_each(?))').run(list).changes;
  }
}
