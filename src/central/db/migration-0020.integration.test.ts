/**
 * Integration (real PostgreSQL): migration 0020 brings what a centre stored before it to the same terms as what
 * it stores after: stray presses get their device's window and department (the reports group them so), evaluations
 * of a staff number the centre does not know are flagged, and a plain-http update feed is dropped.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uuidv7 } from '../../common/ids.js';
import { createTestDatabase } from '../test-support/pg-cluster.js';
import { openPostgres, type CentralDb } from './database.js';
import { migrateCentral, readCentralMigrations } from './migrate.js';

describe('migration 0020 on a centre with data', () => {
  let db: CentralDb;
  const device = uuidv7();
  const press = uuidv7();
  const known = uuidv7();
  const ghost = uuidv7();

  beforeAll(async () => {
    db = await openPostgres(await createTestDatabase(inject('pgUrl'), 'central_m20'));
    await migrateCentral(
      db,
      readCentralMigrations().filter((m) => m.version < 20),
    );
    await db.exec(`
      INSERT INTO departments (code, name) VALUES ('SCJG', 'x');
      INSERT INTO windows (code, name, department_code) VALUES ('W01', 'x', 'SCJG');
      INSERT INTO staff (staff_no, name, department_code, pin_hash) VALUES ('1001', 'x', 'SCJG', 'h');
      INSERT INTO settings (key, value) VALUES ('updateFeedUrl', '"http://updates.example/hcp"');
      INSERT INTO devices (id, public_key, mode, window_code, name, info) VALUES ('${device}', 'k', 'window', 'W01', 'x', '{}');
      INSERT INTO records (id, device_id, kind, day) VALUES
        ('${press}', '${device}', 'stray_press', '2026-11-30'), ('${known}', '${device}', 'evaluation', '2026-11-30'),
        ('${ghost}', '${device}', 'evaluation', '2026-11-30');
      INSERT INTO stray_presses (id, device_id, satisfaction, source, at) VALUES ('${press}', '${device}', 1, 'serial', now());
      INSERT INTO evaluations (id, device_id, channel, mode, outcome, invited_at, expires_at, ended_at, staff_no,
                               window_code, department_code)
      VALUES ('${known}', '${device}', 'hall_window', 'window', 'unrated', now(), now(), now(), '1001', 'W01', 'SCJG'),
             ('${ghost}', '${device}', 'hall_window', 'window', 'unrated', now(), now(), now(), 'NOBODY', 'W01', 'SCJG');
    `);
    expect(await migrateCentral(db)).toContain(20);
  });
  afterAll(() => db.close());

  it("gives old stray presses their device's window and department", async () => {
    const [row] = await db.query('SELECT window_code, department_code FROM stray_presses WHERE id = $1', [press]);
    expect(row).toEqual({ window_code: 'W01', department_code: 'SCJG' });
  });

  it('flags old evaluations of staff numbers the centre does not know', async () => {
    const rows = await db.query<{ id: string; staff_unknown: boolean }>(
      'SELECT id::text AS id, staff_unknown FROM evaluations ORDER BY staff_no',
    );
    expect(Object.fromEntries(rows.map((r) => [r.id, r.staff_unknown]))).toEqual({ [known]: false, [ghost]: true });
  });

  it('drops a plain-http update feed', async () => {
    expect(await db.query("SELECT 1 FROM settings WHERE key = 'updateFeedUrl'")).toEqual([]);
  });
});
