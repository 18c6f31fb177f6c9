/**
 * The physical floor of a kiosk write: one bare durable SQLite commit (WAL, synchronous=FULL, one small row),
 * measured on the same disk as the kiosk's data.
 */
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { summarize, type Summary } from './stats.js';

export function measureBareCommit(dir: string, count = 1000): Summary {
  const db = new BetterSqlite3(join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const samples: number[] = [];
  for (let i = 0; i < 50 + count; i++) {
    const t0 = performance.now();
    insert.run(`row ${i}`);
    const t = performance.now() - t0;
    if (i >= 50) samples.push(t); // the first 50 warm the file and the cache
  }
  db.close();
  return summarize(samples);
}
