/**
 * Key tests running now (technician mode): a row from a session's start to its end. Runs in Node.
 */
import { statementCache, type Database, type StatementCache } from './database.js';

export interface KeyTestRow {
  id: string;
  startedAt: number;
  presses: number;
}

export class KeyTestRepo {
  private readonly sql: StatementCache;

  constructor(db: Database) {
    this.sql = statementCache(db);
  }

  insert(id: string, startedAt: number): void {
    this.sql('INSERT INTO key_tests (id, started_at) VALUES (?, ?)').run(id, startedAt);
  }

  /** A key arrived while these sessions were on: each of them counts it. */
  countPress(ids: string[]): void {
    this.sql('UPDATE key_tests SET presses = presses + 1 WHERE id IN (SELECT value FROM json_each(?))').run(
      JSON.stringify(ids),
    );
  }

  get(id: string): KeyTestRow | undefined {
    return this.sql('SELECT id, started_at AS startedAt, presses FROM key_tests WHERE id = ?').get(id) as
      KeyTestRow | undefined;
  }

  all(): KeyTestRow[] {
    return this.sql(
      'SELECT id, started_at AS startedAt, presses FROM key_tests ORDER BY started_at',
    ).all() as KeyTestRow[];
  }

  delete(id: string): boolean {
    return this.sql('DELETE FROM key_tests WHERE id = ?').run(id).changes === 1;
  }
}
