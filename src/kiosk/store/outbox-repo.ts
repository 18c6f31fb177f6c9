/**
 * The outbox: every record the central system must receive. Rows are appended in the same transaction as the
 * domain row they describe (callers run `append` inside their own transaction). Runs in Node.
 */
import { statementCache, type Database, type StatementCache } from './database.js';
import type { QueueStatus } from '../../shared/local-api.js';
import type { SyncRecord } from '../../shared/records.js';

export interface OutboxEntry {
  seq: number;
  recordId: string;
  kind: SyncRecord['kind'];
  payload: string;
  createdAt: number;
  attempts: number;
}

export class OutboxRepo {
  private readonly sql: StatementCache;

  constructor(db: Database) {
    this.sql = statementCache(db);
  }

  /** Queues `record` for delivery. Must run inside the transaction that writes the record's own row. */
  append(record: SyncRecord, createdAt: number): void {
    this.sql(
      'INSERT INTO outbox (record_id, kind, payload, created_at) VALUES (@recordId, @kind, @payload, @createdAt)',
    ).run({ recordId: record.id, kind: record.kind, payload: JSON.stringify(record), createdAt });
  }

  status(): QueueStatus {
    const row = this.sql(
      `SELECT count(*) FILTER (WHERE quarantined_at IS NULL) AS pending,
              count(*) FILTER (WHERE quarantined_at IS NOT NULL) AS quarantined,
              (SELECT created_at FROM outbox WHERE quarantined_at IS NULL ORDER BY seq LIMIT 1) AS oldest
         FROM outbox`,
    ).get() as { pending: number; quarantined: number; oldest: number | null };
    return {
      pending: row.pending,
      quarantined: row.quarantined,
      oldestPendingAt: row.oldest === null ? null : new Date(row.oldest).toISOString(),
    };
  }

  /** The oldest `limit` deliverable entries, in the order they were written. */
  pending(limit: number): OutboxEntry[] {
    return this.sql(
      `SELECT seq, record_id AS recordId, kind, payload, created_at AS createdAt, attempts
           FROM outbox WHERE quarantined_at IS NULL ORDER BY seq LIMIT ?`,
    ).all(limit) as OutboxEntry[];
  }

  /** The payloads of a given record, for tests and diagnostics. */
  find(recordId: string): OutboxEntry | undefined {
    return this.sql(
      `SELECT seq, record_id AS recordId, kind, payload, created_at AS createdAt, attempts
           FROM outbox WHERE record_id = ?`,
    ).get(recordId) as OutboxEntry | undefined;
  }
}
