/**
 * The audit log (issue 15): an append-only table, `audit_log` (migrations/central/0040-audit-log.sql), whose rows
 * are chained by SHA-256 so that an edit or a gap is found by `verifyAuditLog`. `appendAudit` is called with the
 * caller's transaction, so that the entry commits or rolls back with the change it records; the chain itself (the
 * next sequence number, the previous hash, the hash) is computed by the database under a lock, so it never forks
 * whoever inserts. Runs in Node.
 */
import type { AuditActor, AuditEntry } from '../../shared/audit.js';
import type { Queryable } from '../db/database.js';

export type { AuditAction, AuditActor, AuditEntry } from '../../shared/audit.js';

/** The actor of a request made with the deprecated static admin token (one-release migration path). */
export const LEGACY_ADMIN_ACTOR: AuditActor = {
  kind: 'api_key',
  id: null,
  name: 'legacy-admin-token',
  role: 'admin',
};

/** Appends one entry, in `q`'s transaction when `q` is one. */
export async function appendAudit(q: Queryable, entry: AuditEntry): Promise<void> {
  await q.query(
    `INSERT INTO audit_log (actor_kind, actor_id, actor_name, actor_role, action, target, summary, ip, result)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
    [
      entry.actor.kind,
      entry.actor.id,
      entry.actor.name,
      entry.actor.role,
      entry.action,
      entry.target,
      entry.summary === null ? null : JSON.stringify(entry.summary),
      entry.ip,
      entry.result,
    ],
  );
}
