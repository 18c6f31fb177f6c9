/**
 * Numbered SQL migration files, `NNNN-what-it-does.sql` (steps of 10), read in order. Both services keep theirs
 * this way (migrations/kiosk for SQLite, migrations/central for PostgreSQL). Runs in Node.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrationFiles(dir: string): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const match = /^(\d{4})-([a-z0-9-]+)\.sql$/.exec(file);
      if (!match) throw new Error(`migration file name ${file} is not NNNN-name.sql`);
      return { version: Number(match[1]), name: match[2]!, sql: readFileSync(join(dir, file), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new Error(`two migrations have version ${migrations[i]!.version}`);
    }
  }
  return migrations;
}
