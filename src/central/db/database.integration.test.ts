/**
 * Integration (real PostgreSQL, the global setup's cluster): the database layer's rows, errors, transactions and
 * batches, and a server that does not answer.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freeLoopbackPort, postgresMajor } from './postgres-tools.js';
import { createTestDatabase, testPgBin } from '../test-support/pg-cluster.js';
import { openPostgres, type CentralDb } from './database.js';

describe('the database layer on PostgreSQL', () => {
  let db: CentralDb;

  beforeAll(async () => {
    db = await openPostgres(await createTestDatabase(inject('pgUrl'), 'central_db'));
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, at timestamptz, bytes bytea)');
  });
  afterAll(async () => {
    await db.close();
  });

  it('runs on the server HCP_TEST_PG selects: Debian’s with `debian`, the embedded binaries otherwise', async () => {
    const [row] = await db.query<{ server_version_num: string }>('SHOW server_version_num');
    const expected = process.env.HCP_TEST_PG === 'debian' ? testPgBin().bin.split('/').at(-2) : '18';
    expect(Math.floor(Number(row!.server_version_num) / 10000)).toBe(Number(expected));
    expect(postgresMajor(testPgBin().bin)).toBe(Number(expected));
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

  it('runs statements asked together in a transaction one at a time, in order, as pg will require', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const answers = await db.transaction((tx) =>
        Promise.all(
          [3, 1, 2].map((n) =>
            tx.query<{ n: number }>('SELECT $1::int AS n, pg_sleep(0.02)', [n]).then((r) => r[0]!.n),
          ),
        ),
      );
      expect(answers).toEqual([3, 1, 2]);
      // Let a warning emitted on the next tick arrive before looking.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.includes('already executing a query'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
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

  it('keeps a statement that asks to be prepared prepared on its connection, and runs it with each one’s values', async () => {
    const sql = 'SELECT count(*) AS n FROM t WHERE id = ANY($1::int[])';
    // More runs than the pool has connections, several at once: each connection prepares it once, under one name.
    const counts = await Promise.all(
      Array.from({ length: 24 }, (_, i) => db.statement<{ n: number }>({ sql, params: [[1, i % 7]], prepare: true })),
    );
    const held = await ids();
    const expected = (i: number) => new Set([1, i % 7].filter((id) => held.includes(id))).size;
    expect(counts.map((r) => r[0]!.n)).toEqual(Array.from({ length: 24 }, (_, i) => expected(i)));
    const prepared = await db.transaction(async (tx) => {
      const [inBatch] = await tx.statement<{ n: number }>({ sql, params: [[4, 5, 6]], prepare: true });
      expect(inBatch!.n).toBe(3);
      return tx.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements');
    });
    expect(prepared.map((p) => p.statement)).toEqual([sql]);
    expect(prepared[0]!.name).toMatch(/^hcp_[0-9a-f]{24}$/);
    // One not asking to be prepared leaves nothing behind.
    const plain = await db.transaction(async (tx) => {
      await tx.statement({ sql: 'SELECT 1 AS one' });
      return tx.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements');
    });
    expect(plain.map((p) => p.statement)).not.toContain('SELECT 1 AS one');
  });
});

it('fails to open a server that does not answer, with the reason', async () => {
  const port = await freeLoopbackPort();
  await expect(openPostgres(`postgres://hcp@127.0.0.1:${port}/postgres`)).rejects.toThrow('ECONNREFUSED');
});
