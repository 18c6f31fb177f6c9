/**
 * The physical floor of a kiosk write: one bare durable SQLite commit (WAL, synchronous=FULL, one small row),
 * measured on the same disk as the kiosk's data.
 */
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { summarize, type Summary } from './stats.js';

export interface BareCommits {
  /** Times `count` commits, one after another, and returns ms per commit. */
  time(count: number): number[];
  close(): void;
}

/** A database for bare commits in `dir`, warmed by 50 unmeasured ones (they warm the file and the cache). */
export function openBareCommits(dir: string): BareCommits {
  const db = new BetterSqlite3(join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const time = (count: number) => {
    const samples: number[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      insert.run(`row ${i}`);
      samples.push(performance.now() - t0);
    }
    return samples;
  };
  time(50);
  return { time, close: () => db.close() };
}

export function measureBareCommit(dir: string, count = 1000): Summary {
  const commits = openBareCommits(dir);
  try {
    return summarize(commits.time(count));
  } finally {
    commits.close();
  }
}
