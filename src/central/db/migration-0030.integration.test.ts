/**
 * Integration (real PostgreSQL): migration 0030 gives every window there is its department as it is now, from its
 * creation on, and from then on every window created or moved to another department through any path is written
 * down in the same transaction; a change of name alone is not a move.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../test-support/pg-cluster.js';
import { openPostgres, type CentralDb } from './database.js';
import { migrateCentral, readCentralMigrations } from './migrate.js';

describe('migration 0030 on a centre with windows', () => {
  let db: CentralDb;
  const history = async (window: string) =>
    (
      await db.query<{ department_code: string }>(
        'SELECT department_code FROM window_departments WHERE window_code = $1 ORDER BY since, id',
        [window],
      )
    ).map((r) => r.department_code);

  beforeAll(async () => {
    db = await openPostgres(await createTestDatabase(inject('pgUrl'), 'central_m30'));
    await migrateCentral(
      db,
      readCentralMigrations().filter((m) => m.version < 30),
    );
    await db.exec(`
      INSERT INTO departments (code, name) VALUES ('SCJG', 'x'), ('GA', 'y');
      INSERT INTO windows (code, name, department_code, created_at)
      VALUES ('W01', 'x', 'SCJG', '2026-01-05T08:00:00Z'), ('W02', 'y', 'GA', '2026-02-05T08:00:00Z');
    `);
    expect(await migrateCentral(db)).toContain(30);
  });
  afterAll(() => db.close());

  it('backfills each window with its department now, from its creation', async () => {
    const rows = await db.query<{ window_code: string; department_code: string; since: Date }>(
      'SELECT window_code, department_code, since FROM window_departments ORDER BY window_code',
    );
    expect(rows).toEqual([
      { window_code: 'W01', department_code: 'SCJG', since: new Date('2026-01-05T08:00:00Z') },
      { window_code: 'W02', department_code: 'GA', since: new Date('2026-02-05T08:00:00Z') },
    ]);
  });

  it('writes down a window created or moved afterwards, in the same transaction, and not a rename', async () => {
    await db.query("INSERT INTO windows (code, name, department_code) VALUES ('W03', 'z', 'GA')");
    await db.query("UPDATE windows SET department_code = 'GA' WHERE code = 'W01'");
    await db.query("UPDATE windows SET name = 'renamed' WHERE code = 'W02'");
    await db
      .transaction(async (tx) => {
        await tx.query("UPDATE windows SET department_code = 'SCJG' WHERE code = 'W03'");
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    expect([await history('W01'), await history('W02'), await history('W03')]).toEqual([
      ['SCJG', 'GA'],
      ['GA'],
      ['GA'],
    ]);
  });
});
