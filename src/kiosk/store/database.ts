/**
 * Opens the kiosk's SQLite database. Durability settings are the contract the rest of the kiosk builds on:
 * WAL with `synchronous=FULL` means a transaction that returned has been fsynced, so an acknowledged rating
 * survives a power cut. Runs in Node.
 */
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrate, readMigrations, type Migration } from './migrations.js';

export type { Database };

export interface OpenOptions {
  /** Migrations to apply; defaults to the ones shipped in migrations/kiosk. */
  migrations?: Migration[];
  /** SQLite `max_page_count`: caps the file size (tests and the soak use it to simulate a full disk). */
  maxPageCount?: number;
}

export function openDatabase(file: string, options: OpenOptions = {}): Database {
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    if (options.maxPageCount !== undefined) db.pragma(`max_page_count = ${Math.floor(options.maxPageCount)}`);
    migrate(db, options.migrations ?? readMigrations());
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * A per-connection cache of prepared statements: `sql('SELECT …')` prepares once and reuses the statement, so
 * repositories can keep their SQL inline where it is read without paying for a prepare on every call.
 */
export type StatementCache = (source: string) => BetterSqlite3.Statement;

export function statementCache(db: Database): StatementCache {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return (source) => {
    let statement = cache.get(source);
    if (!statement) {
      statement = db.prepare(source);
      cache.set(source, statement);
    }
    return statement;
  };
}
