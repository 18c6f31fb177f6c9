/**
 * The outbox: every record the central system must receive. Rows are appended in the same transaction as the
 * domain row they describe (callers run `append` inside their own transaction), leave the queue when the centre
 * acknowledges them, and are kept 30 days more for reconciliation. Runs in Node.
 */
import { recordDay } from '../../shared/wire-records.js';
import type { QueueStatus } from '../../shared/local-api.js';
import type { SyncRecord } from '../../shared/records.js';
import { statementCache, type Database, type StatementCache } from './database.js';

export interface OutboxEntry {
  seq: number;
  recordId: string;
  kind: SyncRecord['kind'];
  payload: string;
  createdAt: number;
  attempts: number;
}

/** A record as reconciliation sees it: its day (UTC, from its id) and whether the centre acknowledged it. */
export interface DayRecord {
  seq: number;
  day: string;
  recordId: string;
  delivered: boolean;
}

export interface QuarantinedEntry {
  seq: number;
  recordId: string;
  kind: string;
  quarantinedAt: number;
  lastError: string;
}

const ENTRY = 'seq, record_id AS recordId, kind, payload, created_at AS createdAt, attempts';

export class OutboxRepo {
  private readonly sql: StatementCache;

  constructor(db: Database) {
    this.sql = statementCache(db);
  }

  /** Queues `record` for delivery. Must run inside the transaction that writes the record's own row. */
  append(record: SyncRecord, createdAt: number): void {
    this.sql(
      'INSERT INTO outbox (record_id, kind, day, payload, created_at) VALUES (@recordId, @kind, @day, @payload, @createdAt)',
    ).run({
      recordId: record.id,
      kind: record.kind,
      day: recordDay(record.id),
      payload: JSON.stringify(record),
      createdAt,
    });
  }

  /**
   * The whole queue, every kind of record: what the centre is told (the heartbeat's depth). Never shown at the
   * counter, where `counterStatus` is.
   */
  status(): QueueStatus {
    const row = this.sql(
      `SELECT (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND quarantined_at IS NULL) AS pending,
              (SELECT count(*) FROM outbox WHERE quarantined_at IS NOT NULL) AS quarantined,
              (SELECT created_at FROM outbox WHERE delivered_at IS NULL AND quarantined_at IS NULL
                ORDER BY seq LIMIT 1) AS oldest`,
    ).get() as { pending: number; quarantined: number; oldest: number | null };
    return {
      pending: row.pending,
      quarantined: row.quarantined,
      oldestPendingAt: row.oldest === null ? null : new Date(row.oldest).toISOString(),
    };
  }

  /**
   * The queue as the counter may see it (the staff panel's 待上传, the status, the technician's diagnostics): a
   * 差评's follow-up is counted within its evaluation, not as a record of its own, which would tell the staff that
   * the last rating was bad. Pending follow-ups are subtracted through their own partial index (written only for
   * them), so the count stays index-only.
   */
  counterStatus(): QueueStatus {
    const row = this.sql(
      `SELECT (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND quarantined_at IS NULL)
            - (SELECT count(*) FROM outbox
                WHERE kind = 'followup' AND delivered_at IS NULL AND quarantined_at IS NULL) AS pending,
              (SELECT count(*) FROM outbox WHERE quarantined_at IS NOT NULL AND kind <> 'followup') AS quarantined,
              (SELECT created_at FROM outbox WHERE delivered_at IS NULL AND quarantined_at IS NULL
                AND kind <> 'followup' ORDER BY seq LIMIT 1) AS oldest`,
    ).get() as { pending: number; quarantined: number; oldest: number | null };
    return {
      pending: row.pending,
      quarantined: row.quarantined,
      oldestPendingAt: row.oldest === null ? null : new Date(row.oldest).toISOString(),
    };
  }

  /** The oldest `limit` entries waiting for delivery after `afterSeq`, in the order they were written. */
  pending(limit: number, afterSeq = 0): OutboxEntry[] {
    return this.sql(
      `SELECT ${ENTRY} FROM outbox WHERE delivered_at IS NULL AND quarantined_at IS NULL AND seq > ? ORDER BY seq LIMIT ?`,
    ).all(afterSeq, limit) as OutboxEntry[];
  }

  /** The centre has them: they leave the queue. */
  markDelivered(seqs: number[], at: number): void {
    if (seqs.length === 0) return;
    this.sql(
      `UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL
        WHERE seq IN (SELECT value FROM json_each(?))`,
    ).run(at, JSON.stringify(seqs));
  }

  /** The centre refused it: set aside with the reason, so the rest of the queue moves on. */
  quarantine(seq: number, reason: string, at: number): void {
    this.sql('UPDATE outbox SET quarantined_at = ?, last_error = ?, attempts = attempts + 1 WHERE seq = ?').run(
      at,
      reason,
      seq,
    );
  }

  /**
   * Quarantined records as the counter may see them: follow-ups left out (a follow-up's id dates a 差评; the centre,
   * which refused it, holds the reason). `retryQuarantined` sends them again with the rest.
   */
  quarantined(limit = 100): QuarantinedEntry[] {
    return this.sql(
      `SELECT seq, record_id AS recordId, kind, quarantined_at AS quarantinedAt, last_error AS lastError
         FROM outbox WHERE quarantined_at IS NOT NULL AND kind <> 'followup' ORDER BY seq LIMIT ?`,
    ).all(limit) as QuarantinedEntry[];
  }

  /** Puts quarantined records back in the queue (after the cause was fixed at the centre). */
  retryQuarantined(): number {
    return this.sql('UPDATE outbox SET quarantined_at = NULL WHERE quarantined_at IS NOT NULL').run().changes;
  }

  /**
   * Every record of the days from `since` (YYYY-MM-DD) on, in chunks of `chunk` rows read in seq order: reconciliation
   * groups them by day and may yield between chunks. `day` has no index of its own (it would be one more page
   * written per rating, for a read made once a day), so this walks the table by its primary key.
   */
  *recordsSince(since: string, chunk = 10_000): Generator<DayRecord[]> {
    const read = this.sql(
      `SELECT seq, day, record_id AS recordId, delivered_at IS NOT NULL AS delivered
         FROM outbox WHERE seq > ? AND quarantined_at IS NULL ORDER BY seq LIMIT ?`,
    );
    for (let after = 0; ;) {
      const rows = read.all(after, chunk) as (Omit<DayRecord, 'delivered'> & { delivered: number })[];
      if (rows.length === 0) return;
      after = rows.at(-1)!.seq;
      yield rows.filter((r) => r.day >= since).map((r) => ({ ...r, delivered: r.delivered === 1 }));
    }
  }

  /** Sends delivered records again: the centre answers `duplicate` for what it has and takes what it lacks. */
  requeue(seqs: number[]): number {
    if (seqs.length === 0) return 0;
    return this.sql(
      `UPDATE outbox SET delivered_at = NULL
        WHERE seq IN (SELECT value FROM json_each(?)) AND delivered_at IS NOT NULL AND quarantined_at IS NULL`,
    ).run(JSON.stringify(seqs)).changes;
  }

  /** Forgets delivered rows older than `before` (ms). */
  pruneDelivered(before: number): number {
    return this.sql('DELETE FROM outbox WHERE delivered_at IS NOT NULL AND created_at < ?').run(before).changes;
  }

  /** The entry of a record, for tests and diagnostics. */
  find(recordId: string): OutboxEntry | undefined {
    return this.sql(`SELECT ${ENTRY} FROM outbox WHERE record_id = ?`).get(recordId) as OutboxEntry | undefined;
  }
}
