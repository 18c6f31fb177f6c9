/**
 * Shifts (a staff member logged in at this window) and their pauses. Runs in Node.
 */
import { statementCache, type Database, type StatementCache } from './database.js';

export interface ShiftRow {
  id: string;
  staffNo: string;
  staffName: string;
  windowCode: string | null;
  startedAt: number;
  endedAt: number | null;
  pausedSince: number | null;
  pauseReason: string | null;
}

export interface ShiftCounts {
  invitations: number;
  rated: number;
  unrated: number;
  cancelled: number;
  strayPresses: number;
  pauses: number;
  pausedMs: number;
}

const SELECT = `SELECT id, staff_no AS staffNo, staff_name AS staffName, window_code AS windowCode,
  started_at AS startedAt, ended_at AS endedAt, paused_since AS pausedSince, pause_reason AS pauseReason FROM shifts`;

export class ShiftRepo {
  private readonly sql: StatementCache;

  constructor(db: Database) {
    this.sql = statementCache(db);
  }

  current(): ShiftRow | undefined {
    return this.sql(`${SELECT} WHERE ended_at IS NULL`).get() as ShiftRow | undefined;
  }

  get(id: string): ShiftRow | undefined {
    return this.sql(`${SELECT} WHERE id = ?`).get(id) as ShiftRow | undefined;
  }

  insert(row: Pick<ShiftRow, 'id' | 'staffNo' | 'staffName' | 'windowCode' | 'startedAt'>): void {
    this.sql(
      `INSERT INTO shifts (id, staff_no, staff_name, window_code, started_at)
           VALUES (@id, @staffNo, @staffName, @windowCode, @startedAt)`,
    ).run(row);
  }

  pause(id: string, at: number, reason: string): void {
    this.sql('UPDATE shifts SET paused_since = ?, pause_reason = ? WHERE id = ?').run(at, reason, id);
    this.sql('INSERT INTO shift_pauses (shift_id, started_at, reason) VALUES (?, ?, ?)').run(id, at, reason);
  }

  resume(id: string, at: number): void {
    this.sql('UPDATE shifts SET paused_since = NULL, pause_reason = NULL WHERE id = ?').run(id);
    this.sql('UPDATE shift_pauses SET ended_at = ? WHERE shift_id = ? AND ended_at IS NULL').run(at, id);
  }

  end(id: string, at: number): void {
    this.resume(id, at);
    this.sql('UPDATE shifts SET ended_at = ? WHERE id = ?').run(at, id);
  }

  counts(id: string): ShiftCounts {
    const inv = this.sql(
      `SELECT count(*) AS invitations,
                count(*) FILTER (WHERE state = 'rated') AS rated,
                count(*) FILTER (WHERE state = 'unrated') AS unrated,
                count(*) FILTER (WHERE state = 'cancelled') AS cancelled
           FROM invitations WHERE shift_id = ?`,
    ).get(id) as Pick<ShiftCounts, 'invitations' | 'rated' | 'unrated' | 'cancelled'>;
    const stray = this.sql('SELECT count(*) AS n FROM stray_presses WHERE shift_id = ?').get(id) as { n: number };
    const pauses = this.sql(
      `SELECT count(*) AS n, coalesce(sum(ended_at - started_at), 0) AS ms
           FROM shift_pauses WHERE shift_id = ? AND ended_at IS NOT NULL`,
    ).get(id) as { n: number; ms: number };
    return { ...inv, strayPresses: stray.n, pauses: pauses.n, pausedMs: pauses.ms };
  }
}
