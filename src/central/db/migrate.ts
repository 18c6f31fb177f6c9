/**
 * The central system's numbered migrations (`migrations/central/NNNN-name.sql`), applied at start in one
 * transaction and tracked in `schema_migrations`. A database migrated by a newer release is refused. Runs in Node.
 */
import { fileURLToPath } from 'node:url';
import { readMigrationFiles, type Migration } from '../../common/migration-files.js';
import { seedCalendar } from '../calendar/calendar.js';
import type { CentralDb } from './database.js';

export const CENTRAL_MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/central/', import.meta.url));

export class CentralDatabaseTooNewError extends Error {
  override readonly name = 'CentralDatabaseTooNewError';
  readonly code = 'database_too_new';
}

export function readCentralMigrations(dir = CENTRAL_MIGRATIONS_DIR): Migration[] {
  return readMigrationFiles(dir);
}

/** The migration that made the working-day calendar's tables. */
const CALENDAR_MIGRATION = 90;

/**
 * Applies what is pending, then brings the working-day calendar up to the installed chinese-days package (an
 * admin's days stay: src/central/calendar/); returns the versions applied now.
 */
export async function migrateCentral(db: CentralDb, migrations = readCentralMigrations()): Promise<number[]> {
  const applied = await applyMigrations(db, migrations);
  if (migrations.some((m) => m.version === CALENDAR_MIGRATION)) await seedCalendar(db);
  return applied;
}

async function applyMigrations(db: CentralDb, migrations: Migration[]): Promise<number[]> {
  await db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  return db.transaction(async (tx) => {
    // One migrator at a time, even with several central processes starting together.
    await tx.query('LOCK TABLE schema_migrations IN EXCLUSIVE MODE');
    const [row] = await tx.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
    const current = row?.version ?? 0;
    const latest = migrations.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new CentralDatabaseTooNewError(
        `the database is at schema version ${current}, newer than this release knows (${latest})`,
      );
    }
    const pending = migrations.filter((m) => m.version > current);
    for (const m of pending) {
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    return pending.map((m) => m.version);
  });
}
