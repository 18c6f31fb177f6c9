/**
 * `hcp central audit verify`: walks the audit log's hash chain in the centre's database (DATABASE_URL, or the
 * embedded cluster in --data: the running one, or started for the check and stopped after) and reports the first
 * row that does not hold. Read-only: it migrates nothing. Runs in Node.
 */
import { withCentralDb, type CommandDbOptions } from '../db/command-db.js';
import { verifyAuditLog, type AuditVerification } from './audit-log.js';

export type AuditVerifyOptions = CommandDbOptions;

/** What to print, and whether the chain holds. */
export function describeVerification(v: AuditVerification): string {
  if (v.ok) return `audit log intact: ${v.rows} entries, head ${v.head}\n`;
  return (
    `audit log BROKEN at entry ${v.broken.seq} (${v.broken.reason}): ${v.broken.detail}\n` +
    `${v.rows} entries before it are intact\n`
  );
}

export function runAuditVerify(options: AuditVerifyOptions): Promise<AuditVerification> {
  return withCentralDb(options, 'audit_log', (db) => verifyAuditLog(db));
}
