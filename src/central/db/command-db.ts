/**
 * The centre's database for a one-off command on the centre's machine (`hcp central user add`, `apikey add`,
 * `audit verify`): DATABASE_URL when given, else the embedded cluster in the data folder — the running one, or one
 * started for the command and stopped after. Runs in Node.
 */
import type { Logger } from '../../common/logger.js';
import { openPostgres, type CentralDb } from './database.js';

export interface CommandDbOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  logger: Logger;
}

/**
 * Runs `work` on the centre's database with one connection. `needs` names the table the command works on: a
 * database that lacks it was not migrated by this release, and is said so instead of failing on a missing table.
 */
export async function withCentralDb<T>(
  options: CommandDbOptions,
  needs: string,
  work: (db: CentralDb) => Promise<T>,
): Promise<T> {
  let url = options.databaseUrl;
  let stop = async () => undefined as void;
  if (!url) {
    const { runningClusterUrl, startEmbeddedCluster } = await import('./embedded-cluster.js');
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
      const [row] = await db.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [needs]);
      if (!row?.present) {
        throw new Error(`this database has no ${needs} yet: start hcp central of this release once to migrate it`);
      }
      return await work(db);
    } finally {
      await db.close();
    }
  } finally {
    await stop();
  }
}
