import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../common/test-support/temp-dir.js';
import { IdleCheckpoints } from './checkpoints.js';
import { openDatabase, type Database } from './database.js';

let dir: ReturnType<typeof tempDir>;
let db: Database;
beforeEach(() => {
  dir = tempDir();
  db = openDatabase(join(dir.path, 'k.db'));
});
afterEach(() => {
  db.close();
  dir.remove();
});

/** Counts the PASSIVE checkpoints asked of the connection since `spy` was set up. */
function checkpointsOf(spy: { mock: { calls: unknown[][] } }): number {
  return spy.mock.calls.filter((c) => c[0] === 'wal_checkpoint(PASSIVE)').length;
}

describe('idle checkpoints', () => {
  it('take automatic checkpoints out of commits and run one in the next idle turn after a burst', async () => {
    const checkpoints = new IdleCheckpoints(db);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const spy = vi.spyOn(db, 'pragma');
    for (let i = 0; i < 300; i++) checkpoints.committed();
    expect(checkpointsOf(spy)).toBe(0); // never inside the burst
    await new Promise((r) => setImmediate(r));
    expect(checkpointsOf(spy)).toBe(1);
  });

  it('checkpoints inline when the event loop is never idle, so the WAL cannot grow without bound', () => {
    const checkpoints = new IdleCheckpoints(db);
    const spy = vi.spyOn(db, 'pragma');
    for (let i = 0; i < 8192; i++) checkpoints.committed();
    expect(checkpointsOf(spy)).toBe(1);
    checkpoints.stop();
  });

  it('puts a checkpoint off while a write is expected, and takes it after the next commit once quiet', async () => {
    let invitationOpen = true;
    const checkpoints = new IdleCheckpoints(db, () => !invitationOpen);
    const spy = vi.spyOn(db, 'pragma');
    for (let i = 0; i < 300; i++) checkpoints.committed();
    await new Promise((r) => setImmediate(r));
    expect(checkpointsOf(spy)).toBe(0); // a citizen was prompted: their rating must not wait behind it
    invitationOpen = false; // the rating's commit ends the invitation
    checkpoints.committed();
    await new Promise((r) => setImmediate(r));
    expect(checkpointsOf(spy)).toBe(1);
  });

  it('still checkpoints inline when it is never quiet', () => {
    const checkpoints = new IdleCheckpoints(db, () => false);
    const spy = vi.spyOn(db, 'pragma');
    for (let i = 0; i < 8192; i++) checkpoints.committed();
    expect(checkpointsOf(spy)).toBe(1);
    checkpoints.stop();
  });

  it('never checkpoints, nor throws, inside an outer transaction: the outer commit counts', () => {
    const checkpoints = new IdleCheckpoints(db);
    const spy = vi.spyOn(db, 'pragma');
    db.exec('CREATE TABLE t (x INTEGER) STRICT');
    db.transaction(() => {
      for (let i = 0; i < 9000; i++) {
        db.prepare('INSERT INTO t (x) VALUES (?)').run(i);
        checkpoints.committed();
      }
    })();
    expect(checkpointsOf(spy)).toBe(0);
    checkpoints.committed();
    checkpoints.stop();
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 9000 });
  });
});
