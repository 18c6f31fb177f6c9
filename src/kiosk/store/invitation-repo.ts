/**
 * Invitations (one rating opportunity each), their follow-ups after a 差评, and stray presses. Runs in Node.
 */
import { statementCache, type Database, type StatementCache } from './database.js';
import type { InvitationState } from '../../shared/local-api.js';
import type { PressSource } from '../../shared/records.js';
import type { Satisfaction } from '../../shared/satisfaction.js';

export interface InvitationRow {
  id: string;
  mode: 'window' | 'terminal';
  shiftId: string | null;
  staffNo: string | null;
  windowCode: string | null;
  departmentCode: string | null;
  serviceItemCode: string | null;
  caseNo: string | null;
  ticketNo: string | null;
  raterSealed: Buffer | null;
  createdAt: number;
  expiresAt: number;
  state: InvitationState;
  endedAt: number | null;
  satisfaction: Satisfaction | null;
  source: PressSource | null;
}

export interface FollowUpRow {
  id: string;
  invitationId: string;
  reasonTags: string[];
  callbackPhoneSealed: Buffer | null;
  comment: string | null;
  createdAt: number;
}

export interface StrayPressRow {
  id: string;
  satisfaction: Satisfaction;
  key: number | null;
  source: PressSource;
  shiftId: string | null;
  pressedAt: number;
}

const SELECT = `SELECT id, mode, shift_id AS shiftId, staff_no AS staffNo, window_code AS windowCode,
  department_code AS departmentCode, service_item_code AS serviceItemCode, case_no AS caseNo, ticket_no AS ticketNo,
  rater_sealed AS raterSealed, created_at AS createdAt, expires_at AS expiresAt, state, ended_at AS endedAt,
  satisfaction, source FROM invitations`;

export class InvitationRepo {
  private readonly sql: StatementCache;

  constructor(db: Database) {
    this.sql = statementCache(db);
  }

  /** The open invitation, if any: only ever the newest (migration 0040 keeps it so), so one row is read. */
  open(): InvitationRow | undefined {
    const newest = this.sql(`${SELECT} ORDER BY rowid DESC LIMIT 1`).get() as InvitationRow | undefined;
    return newest?.state === 'open' ? newest : undefined;
  }

  get(id: string): InvitationRow | undefined {
    return this.sql(`${SELECT} WHERE id = ?`).get(id) as InvitationRow | undefined;
  }

  insert(row: Omit<InvitationRow, 'state' | 'endedAt' | 'satisfaction' | 'source'>): void {
    this.sql(
      `INSERT INTO invitations (id, mode, shift_id, staff_no, window_code, department_code, service_item_code,
           case_no, ticket_no, rater_sealed, created_at, expires_at, state)
         VALUES (@id, @mode, @shiftId, @staffNo, @windowCode, @departmentCode, @serviceItemCode,
           @caseNo, @ticketNo, @raterSealed, @createdAt, @expiresAt, 'open')`,
    ).run(row);
  }

  /**
   * Ends an open invitation. Returns false if it was no longer open (someone else ended it first), so callers
   * can never end one twice.
   */
  end(
    id: string,
    state: Exclude<InvitationState, 'open'>,
    endedAt: number,
    rating: { satisfaction: Satisfaction; source: PressSource } | null,
  ): boolean {
    const result = this.sql(
      `UPDATE invitations SET state = ?, ended_at = ?, satisfaction = ?, source = ?
          WHERE id = ? AND state = 'open'`,
    ).run(state, endedAt, rating?.satisfaction ?? null, rating?.source ?? null, id);
    return result.changes === 1;
  }

  insertFollowUp(row: FollowUpRow): void {
    this.sql(
      `INSERT INTO followups (id, invitation_id, reason_tags, callback_phone_sealed, comment, created_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(
      row.id,
      row.invitationId,
      JSON.stringify(row.reasonTags),
      row.callbackPhoneSealed,
      row.comment,
      row.createdAt,
    );
  }

  hasFollowUp(invitationId: string): boolean {
    return this.sql('SELECT 1 FROM followups WHERE invitation_id = ?').get(invitationId) !== undefined;
  }

  insertStrayPress(row: StrayPressRow): void {
    this.sql(
      `INSERT INTO stray_presses (id, satisfaction, key, source, shift_id, pressed_at)
           VALUES (@id, @satisfaction, @key, @source, @shiftId, @pressedAt)`,
    ).run(row);
  }
}
