/**
 * Numbered SQL migrations: `NNNN-what-it-does.sql`, steps of 10, applied in order. The applied version is kept in
 * `PRAGMA user_version`. Runs in Node.
 */
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';
import { readMigrationFiles, type Migration } from '../../common/migration-files.js';

export type { Migration };

/** The kiosk's migrations ship beside the code: `<package>/migrations/kiosk`. */
export const KIOSK_MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/kiosk/', import.meta.url));

export class DatabaseTooNewError extends Error {
  override readonly name = 'DatabaseTooNewError';
  readonly code = 'database_too_new';
  constructor(
    readonly databaseVersion: number,
    readonly appVersion: number,
  ) {
    super(
      `the database is at schema version ${databaseVersion}, newer than this app knows (${appVersion}): ` +
        'install the newer app again, or restore a backup made by this version',
    );
  }
}

export function readMigrations(dir: string = KIOSK_MIGRATIONS_DIR): Migration[] {
  return readMigrationFiles(dir);
}

/**
 * Brings `db` to the newest schema in one transaction: either every pending migration applies or none does.
 * Refuses, with DatabaseTooNewError, a database written by a newer app.
 * @returns the versions applied now.
 */
export function migrate(db: Database, migrations: Migration[] = readMigrations()): number[] {
  const latest = migrations.at(-1)?.version ?? 0;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) throw new DatabaseTooNewError(current, latest);
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return [];
  db.transaction(() => {
    for (const m of pending) db.exec(m.sql);
    db.pragma(`user_version = ${latest}`);
  }).immediate();
  return pending.map((m) => m.version);
}
