import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/fixtures.js';
import { openDatabase } from './database.js';
import { DatabaseTooNewError, migrate, readMigrations, type Migration } from './migrations.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir()));
afterEach(() => dir.remove());

const tables = (db: BetterSqlite3.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
    (r) => r.name,
  );

describe('kiosk migrations', () => {
  it('bring a new database to the latest version, with STRICT tables and durable settings', () => {
    const db = openDatabase(join(dir.path, 'k.db'));
    const latest = readMigrations().at(-1)!.version;
    expect(db.pragma('user_version', { simple: true })).toBe(latest);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(tables(db)).toEqual(expect.arrayContaining(['invitations', 'outbox', 'shifts', 'staff']));
    const strict = db.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND strict = 0").all() as {
      name: string;
    }[];
    expect(strict.map((r) => r.name).filter((n) => !n.startsWith('sqlite_'))).toEqual([]);
    db.close();
  });

  it('are idempotent: opening again applies nothing', () => {
    openDatabase(join(dir.path, 'k.db')).close();
    const db = new BetterSqlite3(join(dir.path, 'k.db'));
    expect(migrate(db)).toEqual([]);
    db.close();
  });

  it('apply only what is newer than the database, in order', () => {
    const steps: Migration[] = [
      { version: 10, name: 'a', sql: 'CREATE TABLE a (x INTEGER) STRICT;' },
      { version: 20, name: 'b', sql: 'ALTER TABLE a ADD COLUMN y TEXT;' },
    ];
    const db = new BetterSqlite3(join(dir.path, 'm.db'));
    expect(migrate(db, steps.slice(0, 1))).toEqual([10]);
    db.prepare('INSERT INTO a (x) VALUES (1)').run();
    expect(migrate(db, steps)).toEqual([20]);
    expect(db.prepare('SELECT x, y FROM a').get()).toEqual({ x: 1, y: null });
    expect(db.pragma('user_version', { simple: true })).toBe(20);
    db.close();
  });

  it('apply all pending steps or none: a failing step leaves the database as it was', () => {
    const db = new BetterSqlite3(join(dir.path, 'm.db'));
    const steps: Migration[] = [
      { version: 10, name: 'a', sql: 'CREATE TABLE a (x INTEGER) STRICT;' },
      { version: 20, name: 'broken', sql: 'CREATE TABLE b (x INTEGER) STRICT; SELECT * FROM no_such_table;' },
    ];
    expect(() => migrate(db, steps)).toThrow(/no_such_table/);
    expect(tables(db)).toEqual([]);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    db.close();
  });

  it('refuse a database written by a newer app, with a named error, and leave it untouched', () => {
    const file = join(dir.path, 'k.db');
    const db = new BetterSqlite3(file);
    db.pragma('user_version = 9990');
    db.close();
    let error: unknown;
    try {
      openDatabase(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatabaseTooNewError);
    expect(error).toMatchObject({ name: 'DatabaseTooNewError', code: 'database_too_new', databaseVersion: 9990 });
    const again = new BetterSqlite3(file);
    expect(again.pragma('user_version', { simple: true })).toBe(9990);
    expect(tables(again)).toEqual([]);
    again.close();
  });

  it('keep one invitation open at most, the newest, in the database itself', () => {
    const db = openDatabase(join(dir.path, 'k.db'));
    const insert = db.prepare(
      "INSERT INTO invitations (id, mode, created_at, expires_at, state) VALUES (?, 'terminal', 1, 2, 'open')",
    );
    const end = db.prepare("UPDATE invitations SET state = 'cancelled', ended_at = 2 WHERE id = ?");
    insert.run('a');
    expect(() => insert.run('b')).toThrow(/another invitation is still open/);
    end.run('a');
    insert.run('b');
    expect(() => db.prepare("UPDATE invitations SET state = 'open', ended_at = NULL WHERE id = 'a'").run()).toThrow(
      /an ended invitation stays ended/,
    );
    expect(db.prepare("SELECT id FROM invitations WHERE state = 'open'").all()).toEqual([{ id: 'b' }]);
    db.close();
  });

  it('reject a badly named migration file', () => {
    const mdir = join(dir.path, 'migrations');
    mkdirSync(mdir);
    writeFileSync(join(mdir, '10-create.sql'), 'SELECT 1;');
    expect(() => readMigrations(mdir)).toThrow(/NNNN-name\.sql/);
  });
});
