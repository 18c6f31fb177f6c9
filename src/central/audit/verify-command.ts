/**
 * `hcp central audit verify`: walks the audit log's hash chain in the centre's database (DATABASE_URL, or the
 * embedded cluster in --data: the running one, or started for the check and stopped after) and reports the first
 * row that does not hold. Read-only: it migrates nothing. Runs in Node.
 */
import type { Logger } from '../../common/logger.js';
import { openPostgres } from '../db/database.js';
import { verifyAuditLog, type AuditVerification } from './audit-log.js';

export interface AuditVerifyOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  logger: Logger;
}

/** What to print, and whether the chain holds. */
export function describeVerification(v: AuditVerification): string {
  if (v.ok) return `audit log intact: ${v.rows} entries, head ${v.head}\n`;
  return (
    `audit log BROKEN at entry ${v.broken.seq} (${v.broken.reason}): ${v.broken.detail}\n` +
    `${v.rows} entries before it are intact\n`
  );
}

export async function runAuditVerify(options: AuditVerifyOptions): Promise<AuditVerification> {
  let url = options.databaseUrl;
  let stop = async () => undefined as void;
  if (!url) {
    const { runningClusterUrl, startEmbeddedCluster } = await import('../db/embedded-cluster.js');
    try {
      url = runningClusterUrl(options.dataDir);
    } catch {
      const cluster = await startEmbeddedCluster(options.dataDir, options.logger);
      url = cluster.url;
      stop = () => cluster.stop();
    }
  }
  try {
    const db = await openPostgres(url, { max: 1 });
    try {
      const [exists] = await db.query<{ present: boolean }>("SELECT to_regclass('audit_log') IS NOT NULL AS present");
      if (!exists?.present) {
        throw new Error('this database has no audit log yet: start hcp central of this release once to migrate it');
      }
      return await verifyAuditLog(db);
    } finally {
      await db.close();
    }
  } finally {
    await stop();
  }
}
