/**
 * Sessions, server-side in the central database (issue 15): the cookie carries 32 random bytes, the table only
 * their SHA-256, so a copy of the table opens no session. A session ends after 30 minutes unused or 12 hours in
 * all, at logout, and when its account's role, departments, password or state change. Each carries its CSRF token.
 * Runs in Node.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../../shared/abilities.js';
import type { Queryable } from '../db/database.js';

export const SESSION_COOKIE = 'hcp_session';
export const IDLE_MINUTES = 30;
export const ABSOLUTE_HOURS = 12;

export const hashSessionId = (id: string): Buffer => createHash('sha256').update(id, 'utf8').digest();

export interface SessionOf {
  idHash: Buffer;
  csrfToken: string;
  accountId: string;
  username: string;
  role: Role;
  mustChangePassword: boolean;
}

export async function createSession(
  q: Queryable,
  accountId: string,
  ip: string | null,
): Promise<{ id: string; csrfToken: string }> {
  const id = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  await q.query(
    `INSERT INTO sessions (id_hash, account_id, csrf_token, expires_at, ip)
     VALUES ($1, $2, $3, now() + make_interval(hours => $4), $5)`,
    [hashSessionId(id), accountId, csrfToken, ABSOLUTE_HOURS, ip],
  );
  return { id, csrfToken };
}

/** The live session of cookie value `id` (and touches it), or null: unknown, idle too long, too old, disabled. */
export async function findSession(q: Queryable, id: string): Promise<SessionOf | null> {
  if (id.length === 0 || id.length > 100) return null;
  const [row] = await q.query<{
    id_hash: Buffer;
    csrf_token: string;
    account_id: string;
    username: string;
    role: Role;
    must_change_password: boolean;
  }>(
    `UPDATE sessions s SET last_seen_at = now()
       FROM accounts a
      WHERE s.id_hash = $1 AND a.id = s.account_id AND a.disabled_at IS NULL
        AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(mins => $2)
     RETURNING s.id_hash, s.csrf_token, s.account_id, a.username, a.role, a.must_change_password`,
    [hashSessionId(id), IDLE_MINUTES],
  );
  if (!row) return null;
  return {
    idHash: row.id_hash,
    csrfToken: row.csrf_token,
    accountId: row.account_id,
    username: row.username,
    role: row.role,
    mustChangePassword: row.must_change_password,
  };
}

export async function endSession(q: Queryable, idHash: Buffer): Promise<void> {
  await q.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
}

/** An account's sessions past either limit, removed at its next login (they are refused regardless). */
export async function removeExpiredSessions(q: Queryable, accountId: string): Promise<void> {
  await q.query(
    `DELETE FROM sessions WHERE account_id = $1
        AND (expires_at <= now() OR last_seen_at <= now() - make_interval(mins => $2))`,
    [accountId, IDLE_MINUTES],
  );
}
