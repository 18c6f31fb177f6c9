/**
 * Integration (embedded PGlite on its worker thread): rows, errors and transactions cross the thread as they would
 * on one thread, and a stopped or unopenable database says so.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../common/test-support/temp-dir.js';
import { openPglite, type CentralDb } from './database.js';

describe('PGlite on a worker thread', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: CentralDb;

  beforeAll(async () => {
    dir = tempDir('hcp-pglite-worker-');
    db = await openPglite(join(dir.path, 'pgdata'));
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, at timestamptz, bytes bytea)');
  });
  afterAll(async () => {
    await db.close().catch(() => undefined);
    dir.remove();
  });

  const ids = async () => (await db.query<{ id: number }>('SELECT id FROM t ORDER BY id')).map((r) => r.id);

  it('returns rows with their types and errors with their SQLSTATE and detail', async () => {
    await db.query('INSERT INTO t VALUES (1, $1, $2)', ['2026-11-25T06:00:00Z', Buffer.from([1, 2, 3])]);
    const [row] = await db.query<{ id: number; at: Date; bytes: Uint8Array }>('SELECT * FROM t WHERE id = 1');
    expect(row!.at).toEqual(new Date('2026-11-25T06:00:00Z'));
    expect([...row!.bytes]).toEqual([1, 2, 3]);
    const error = await db.query('INSERT INTO t (id) VALUES (1)').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: '23505', detail: 'Key (id)=(1) already exists.' });
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t (id) VALUES (2)');
    });
    const thrown = await db
      .transaction(async (tx) => {
        await tx.query('INSERT INTO t (id) VALUES (3)');
        throw new Error('changed my mind');
      })
      .catch((e: Error) => e.message);
    expect(thrown).toBe('changed my mind');
    expect(await ids()).toEqual([1, 2]);
  });

  it('runs a batch in one transaction: each statement’s rows in order, nothing kept when one fails', async () => {
    const rows = await db.batch<{ id: number }>([
      { sql: 'INSERT INTO t (id) VALUES (4) RETURNING id' },
      { sql: 'INSERT INTO t (id) SELECT unnest($1::int[]) RETURNING id', params: [[5, 6]] },
    ]);
    expect(rows).toEqual([[{ id: 4 }], [{ id: 5 }, { id: 6 }]]);
    const failed = await db
      .batch([{ sql: 'INSERT INTO t (id) VALUES (7)' }, { sql: 'INSERT INTO t (id) VALUES (1)' }])
      .catch((e: { code?: string }) => e.code);
    expect(failed).toBe('23505');
    expect(await ids()).toEqual([1, 2, 4, 5, 6]);
  });

  it('keeps a statement outside a transaction waiting until the transaction has ended', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inside!: () => void;
    const begun = new Promise<void>((resolve) => (inside = resolve));
    const transaction = db.transaction(async (tx) => {
      await tx.query('INSERT INTO t (id) VALUES (8)');
      inside();
      await held;
    });
    await begun;
    let counted: number | undefined;
    const count = db.query<{ n: number }>('SELECT count(*)::int AS n FROM t').then(([r]) => (counted = r!.n));
    await new Promise((r) => setTimeout(r, 100));
    expect(counted).toBeUndefined();
    release();
    await transaction;
    await count;
    expect(counted).toBe(6);
  });

  it('refuses every call once closed, saying the worker has stopped', async () => {
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toThrow('the PGlite worker stopped');
  });
});

it('fails to open a data folder that is not one, with the reason', async () => {
  const dir = tempDir('hcp-pglite-bad-');
  try {
    const file = join(dir.path, 'not-a-folder');
    writeFileSync(file, 'hello');
    await expect(openPglite(file)).rejects.toThrow(
      `the embedded database in ${file} could not be opened: ENOTDIR: not a folder`,
    );
  } finally {
    dir.remove();
  }
});
