/**
 * Integration (real PostgreSQL): the audit log is appended to in the caller's transaction, chained without forks
 * under concurrent appends, refuses UPDATE, DELETE and TRUNCATE whoever asks, and `verifyAuditLog` finds a row
 * edited or removed behind the database's back (as the superuser, with the trigger disabled).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { AuditEntry } from '../../shared/audit.js';
import { openPostgres, type CentralDb } from '../db/database.js';
import { migrateCentral } from '../db/migrate.js';
import { createTestDatabase } from '../test-support/pg-cluster.js';
import {
  AUDIT_GENESIS_HASH,
  appendAudit,
  AuditQuery,
  LEGACY_ADMIN_ACTOR,
  listAudit,
  verifyAuditLog,
} from './audit-log.js';

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  actor: LEGACY_ADMIN_ACTOR,
  action: 'catalog.created',
  target: 'departments:SCJG',
  summary: { after: { code: 'SCJG', name: '市场监督管理局' } },
  ip: '127.0.0.1',
  result: 'ok',
  ...over,
});

describe('the audit log', () => {
  let db: CentralDb;

  beforeAll(async () => {
    // The test database's user is the cluster's superuser: it may disable triggers, as an attacker with it could.
    db = await openPostgres(await createTestDatabase(inject('pgUrl'), 'central_audit'));
    await migrateCentral(db);
  });
  afterAll(() => db.close());

  // A fresh log for each test: the superuser goes behind the triggers to empty it.
  beforeEach(async () => {
    await db.exec(`
      ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate;
      TRUNCATE audit_log;
      ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_truncate;
    `);
  });

  const disabled = async (sql: string) =>
    db.exec(`
      ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
      ${sql};
      ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;
    `);

  it('chains entries from the genesis hash, in seq order, and verifies them', async () => {
    await appendAudit(db, entry());
    await appendAudit(db, entry({ action: 'settings.updated', target: 'settings', summary: null, ip: null }));
    await appendAudit(db, entry({ actor: { kind: 'anonymous', id: null, name: null, role: null }, result: 'refused' }));
    const rows = await db.query<{ seq: number; prev_hash: string; hash: string }>(
      'SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq',
    );
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rows[0]!.prev_hash).toBe(AUDIT_GENESIS_HASH);
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
    expect(rows[2]!.prev_hash).toBe(rows[1]!.hash);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash))).toBe(true);
    expect(await verifyAuditLog(db)).toEqual({ ok: true, rows: 3, head: rows[2]!.hash });
  });

  it('verifies an empty log, and a long one across pages', async () => {
    expect(await verifyAuditLog(db)).toEqual({ ok: true, rows: 0, head: AUDIT_GENESIS_HASH });
    for (let i = 0; i < 25; i++) await appendAudit(db, entry({ target: `staff:${i}` }));
    expect(await verifyAuditLog(db, 7)).toMatchObject({ ok: true, rows: 25 });
  });

  it('commits and rolls back with the caller’s transaction', async () => {
    await db
      .transaction(async (tx) => {
        await appendAudit(tx, entry());
        throw new Error('the change failed');
      })
      .catch(() => undefined);
    await db.transaction((tx) => appendAudit(tx, entry({ target: 'departments:GA' })));
    const rows = await db.query<{ seq: number; target: string }>('SELECT seq, target FROM audit_log');
    // No gap either: the rolled-back entry took no number.
    expect(rows).toEqual([{ seq: 1, target: 'departments:GA' }]);
    expect((await verifyAuditLog(db)).ok).toBe(true);
  });

  it('never forks under concurrent appends from many connections', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2
          ? appendAudit(db, entry({ target: `t:${i}` }))
          : db.transaction((tx) => appendAudit(tx, entry({ target: `t:${i}` }))),
      ),
    );
    const [{ n, distinct } = { n: 0, distinct: 0 }] = await db.query<{ n: number; distinct: number }>(
      'SELECT count(*) AS n, count(DISTINCT prev_hash) AS distinct FROM audit_log',
    );
    expect([n, distinct]).toEqual([40, 40]);
    expect(await verifyAuditLog(db)).toMatchObject({ ok: true, rows: 40 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE, the owner’s and the superuser’s included', async () => {
    await appendAudit(db, entry());
    await expect(db.query("UPDATE audit_log SET target = 'x'")).rejects.toThrow(/append-only: UPDATE is refused/);
    await expect(db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only: DELETE is refused/);
    await expect(db.query('TRUNCATE audit_log')).rejects.toThrow(/append-only: TRUNCATE is refused/);
    // Nor can an insert choose its own place in the chain.
    await db.query(
      "INSERT INTO audit_log (seq, at, actor_kind, action, result, prev_hash, hash) VALUES (99, '2020-01-01Z', 'system', 'access.refused', 'ok', 'x', 'y')",
    );
    const rows = await db.query<{ seq: number }>('SELECT seq FROM audit_log ORDER BY seq');
    expect(rows.map((r) => r.seq)).toEqual([1, 2]);
    expect((await verifyAuditLog(db)).ok).toBe(true);
  });

  it('finds a row edited behind the database’s back, as the superuser with the trigger disabled', async () => {
    for (let i = 1; i <= 5; i++) await appendAudit(db, entry({ target: `staff:${i}` }));
    await disabled('UPDATE audit_log SET summary = \'{"after":{"name":"someone else"}}\' WHERE seq = 3');
    expect(await verifyAuditLog(db)).toEqual({
      ok: false,
      rows: 2,
      broken: { seq: 3, reason: 'hash', detail: expect.stringMatching(/edited/) as string },
    });
  });

  it('finds an edit whose hash was recomputed too: the next row no longer follows', async () => {
    for (let i = 1; i <= 4; i++) await appendAudit(db, entry({ target: `staff:${i}` }));
    await disabled(`
      UPDATE audit_log SET actor_name = 'nobody' WHERE seq = 2;
      UPDATE audit_log a SET hash = audit_log_hash(a) WHERE seq = 2
    `);
    expect(await verifyAuditLog(db)).toMatchObject({ ok: false, rows: 2, broken: { seq: 3, reason: 'prev_hash' } });
  });

  it('finds a row removed from the middle, and from the start', async () => {
    for (let i = 1; i <= 4; i++) await appendAudit(db, entry({ target: `staff:${i}` }));
    await disabled('DELETE FROM audit_log WHERE seq = 2');
    expect(await verifyAuditLog(db)).toMatchObject({ ok: false, rows: 1, broken: { seq: 3, reason: 'gap' } });
    await disabled('DELETE FROM audit_log WHERE seq = 1');
    expect(await verifyAuditLog(db)).toMatchObject({ ok: false, rows: 0, broken: { seq: 3, reason: 'gap' } });
  });

  it('computes in Node the hash the database computes, whatever the text, and is not fooled by a redefined hash', async () => {
    const tricky = 'quote " backslash \\ newline \n tab \t nul-ish \u0001 del \u007f 中文 emoji 😀 \u2028';
    await appendAudit(
      db,
      entry({ target: tricky, summary: { [tricky]: [1, 2.5, -0, 1e21, true, null, { b: 'x', a: tricky }], aa: {} } }),
    );
    await appendAudit(
      db,
      entry({ actor: { kind: 'system', id: null, name: null, role: null }, target: null, summary: {}, ip: '::1' }),
    );
    expect(await verifyAuditLog(db)).toMatchObject({ ok: true, rows: 2 });
    // A superuser who edits a row and makes the database's own function say every row is fine fools no one.
    await disabled("UPDATE audit_log SET target = 'staff:9999' WHERE seq = 1");
    await db.exec(`
      ALTER FUNCTION audit_log_hash(audit_log) RENAME TO audit_log_hash_real;
      CREATE FUNCTION audit_log_hash(r audit_log) RETURNS text LANGUAGE sql AS 'SELECT r.hash';
    `);
    try {
      expect(await verifyAuditLog(db)).toMatchObject({ ok: false, rows: 0, broken: { seq: 1, reason: 'hash' } });
    } finally {
      await db.exec(`
        DROP FUNCTION audit_log_hash(audit_log);
        ALTER FUNCTION audit_log_hash_real(audit_log) RENAME TO audit_log_hash;
      `);
    }
  });

  it('refuses a summary naming personal data or a secret, at any depth, and writes nothing', async () => {
    for (const summary of [
      { pin: '246810' },
      { after: { pinHash: 'x' } },
      { list: [{ callback_phone: '13800000000' }] },
      { Rater: { idNumber: 'x' } },
      { 'api-key': 'k' },
    ]) {
      await expect(appendAudit(db, entry({ summary }))).rejects.toThrow(/may not hold summary\./);
    }
    await appendAudit(db, entry({ summary: { pinSet: true, code: 'SCJG', phoneless: 1 } }));
    expect(await db.query('SELECT seq FROM audit_log')).toEqual([{ seq: 1 }]);
  });

  it('hashes the same whatever the session’s time zone', async () => {
    await appendAudit(db, entry());
    await db.transaction(async (tx) => {
      await tx.query("SET LOCAL TimeZone = 'Asia/Shanghai'");
      const [r] = await tx.query<{ same: boolean }>('SELECT audit_log_hash(a) = a.hash AS same FROM audit_log a');
      expect(r?.same).toBe(true);
    });
  });

  it('lists newest first with filters on actor, action, target and period, keyset-paged', async () => {
    const someone = { kind: 'account' as const, id: 'a1', name: 'zhang.wei', role: 'admin' };
    await appendAudit(db, entry({ target: 'staff:1001' }));
    await appendAudit(db, entry({ actor: someone, action: 'device.revoked', target: 'devices:d1' }));
    await appendAudit(db, entry({ actor: someone, target: 'staff:3001' }));
    await appendAudit(db, entry({ action: 'settings.updated', target: 'settings' }));
    const list = (q: Record<string, unknown>) => listAudit(db, AuditQuery.parse(q));
    const seqs = async (q: Record<string, unknown>) => (await list(q)).entries.map((e) => e.seq);
    expect(await seqs({})).toEqual([4, 3, 2, 1]);
    expect(await seqs({ actor: 'zhang.wei' })).toEqual([3, 2]);
    expect(await seqs({ action: 'catalog.created' })).toEqual([3, 1]);
    expect(await seqs({ target: 'staff:*' })).toEqual([3, 1]);
    expect(await seqs({ target: 'staff:1001' })).toEqual([1]);
    expect(await seqs({ actor: 'zhang.wei', action: 'catalog.created' })).toEqual([3]);
    expect(await seqs({ from: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    expect(
      await seqs({
        from: new Date(Date.now() - 60_000).toISOString(),
        to: new Date(Date.now() + 60_000).toISOString(),
      }),
    ).toEqual([4, 3, 2, 1]);
    const first = await list({ limit: '3' });
    expect([first.entries.map((e) => e.seq), first.nextBefore]).toEqual([[4, 3, 2], 2]);
    const second = await list({ limit: '3', before: String(first.nextBefore) });
    expect([second.entries.map((e) => e.seq), second.nextBefore]).toEqual([[1], null]);
    expect(first.entries[1]).toMatchObject({
      actor: someone,
      action: 'catalog.created',
      target: 'staff:3001',
      result: 'ok',
    });
    expect(AuditQuery.safeParse({ action: 'audit.cleared' }).success).toBe(false);
  });
});
