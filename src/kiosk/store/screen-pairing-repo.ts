/**
 * The browser host's paired screens and the pending one-time pairing codes (migrations/kiosk/0050). Tokens and
 * codes are kept only as SHA-256 hashes. Runs in Node.
 */
import type { UiRole } from '../../shared/ui-contract.js';
import { statementCache, type Database, type StatementCache } from './database.js';

export interface ScreenTokenRow {
  id: string;
  role: UiRole;
  label: string;
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
}

export interface PairingCodeRow {
  role: UiRole;
  label: string;
  expiresAt: number;
}

const TOKEN_COLUMNS = `id, role, label, created_at AS createdAt, last_seen_at AS lastSeenAt, revoked_at AS revokedAt`;

export class ScreenPairingRepo {
  private readonly sql: StatementCache;

  constructor(db: Database) {
    this.sql = statementCache(db);
  }

  addCode(codeHash: string, code: PairingCodeRow): void {
    this.sql('INSERT INTO screen_pairing_codes (code_hash, role, label, expires_at) VALUES (?, ?, ?, ?)').run(
      codeHash,
      code.role,
      code.label,
      code.expiresAt,
    );
  }

  code(codeHash: string): PairingCodeRow | undefined {
    return this.sql('SELECT role, label, expires_at AS expiresAt FROM screen_pairing_codes WHERE code_hash = ?').get(
      codeHash,
    ) as PairingCodeRow | undefined;
  }

  deleteCode(codeHash: string): void {
    this.sql('DELETE FROM screen_pairing_codes WHERE code_hash = ?').run(codeHash);
  }

  /** Drops codes that have expired (all of them when `now` is Infinity). */
  deleteCodesExpiredAt(now: number): number {
    return this.sql('DELETE FROM screen_pairing_codes WHERE expires_at <= ?').run(now).changes;
  }

  deleteAllCodes(): number {
    return this.sql('DELETE FROM screen_pairing_codes').run().changes;
  }

  addToken(tokenHash: string, row: Omit<ScreenTokenRow, 'lastSeenAt' | 'revokedAt'>): void {
    this.sql('INSERT INTO screen_tokens (id, token_hash, role, label, created_at) VALUES (?, ?, ?, ?, ?)').run(
      row.id,
      tokenHash,
      row.role,
      row.label,
      row.createdAt,
    );
  }

  /** The screen holding this token, revoked or not. */
  byTokenHash(tokenHash: string): ScreenTokenRow | undefined {
    return this.sql(`SELECT ${TOKEN_COLUMNS} FROM screen_tokens WHERE token_hash = ?`).get(tokenHash) as
      ScreenTokenRow | undefined;
  }

  byId(id: string): ScreenTokenRow | undefined {
    return this.sql(`SELECT ${TOKEN_COLUMNS} FROM screen_tokens WHERE id = ?`).get(id) as ScreenTokenRow | undefined;
  }

  /** The screens not revoked, oldest first. */
  active(): ScreenTokenRow[] {
    return this.sql(
      `SELECT ${TOKEN_COLUMNS} FROM screen_tokens WHERE revoked_at IS NULL ORDER BY created_at, id`,
    ).all() as ScreenTokenRow[];
  }

  touch(id: string, now: number): void {
    this.sql('UPDATE screen_tokens SET last_seen_at = ? WHERE id = ?').run(now, id);
  }

  revoke(id: string, now: number): boolean {
    return (
      this.sql('UPDATE screen_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes > 0
    );
  }
}
