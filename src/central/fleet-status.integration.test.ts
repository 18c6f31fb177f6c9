/**
 * Integration (real PostgreSQL): heartbeats never queue behind record batches (issue 15). A heartbeat is answered
 * from a pool of its own while every connection record batches use is taken; a batch takes no lock on its
 * device's row; what heartbeats report is written in one statement per flush, the latest of each field kept, a
 * value the database refuses dropping only its own device's status, a failed write kept for the next one, and the
 * last status written when the centre closes.
 */
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { Sealer } from '../common/data-key.js';
import { DeviceIdentity } from '../common/device-identity.js';
import { tempDir } from '../common/test-support/temp-dir.js';
import type { HeartbeatRequest } from '../shared/central-api.js';
import type { DevicePage } from '../shared/fleet-api.js';
import { openPostgres, type CentralDb, type Queryable } from './db/database.js';
import { migrateCentral } from './db/migrate.js';
import { FleetStatus } from './fleet-status.js';
import { buildCentralApi } from './server.js';
import { CentralSigningKey } from './signing-key.js';
import { ADMIN_TOKEN, batch, evaluation, outcomes } from './test-support/api-harness.js';
import { createTestDatabase } from './test-support/pg-cluster.js';

const beat = (queueDepth: number, extra: Partial<HeartbeatRequest> = {}): HeartbeatRequest => ({
  version: '0.1.0',
  queueDepth,
  oldestPendingAt: null,
  evaluator: { state: 'connected', kind: 'serial' },
  ...extra,
});

interface Kiosk {
  id: string;
  identity: DeviceIdentity;
}

describe('heartbeats beside record batches on PostgreSQL', () => {
  const dir = tempDir('hcp-fleet-status-');
  /** The pool record batches use: two connections, so that a test can hold them all. */
  let records: CentralDb;
  let status: CentralDb;
  let app: FastifyInstance;
  let kiosk: Kiosk;
  let other: Kiosk;

  const admin = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.inject({
      method,
      url: `/api/v1/admin${url}`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: payload as object,
    });
  const device = (url: string, body: unknown, who = kiosk): Promise<LightMyRequestResponse> => {
    const bytes = Buffer.from(JSON.stringify(body));
    return app.inject({
      method: 'POST',
      url,
      headers: { ...who.identity.sign(who.id, 'POST', url, bytes), 'content-type': 'application/json' },
      payload: bytes,
    });
  };
  const row = async (id: string) =>
    (
      await status.query<{ queue_depth: number | null; key_map: number[] | null; clock_offset_ms: number | null }>(
        'SELECT queue_depth, key_map, clock_offset_ms, last_reconciled_at FROM devices WHERE id = $1',
        [id],
      )
    )[0]!;
  /** Holds `n` connections of `db` in open transactions until the returned function is called. */
  const hold = async (db: CentralDb, n: number, sql = 'SELECT 1', params: unknown[] = []) => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const ready: Promise<void>[] = [];
    const done = Array.from({ length: n }, () => {
      let started!: () => void;
      ready.push(new Promise<void>((resolve) => (started = resolve)));
      return db.transaction(async (tx) => {
        await tx.query(sql, params);
        started();
        await released;
      });
    });
    await Promise.all(ready);
    // Also when the test times out waiting (what it proves broken): the rest of the file then runs.
    onTestFinished(() => release());
    return async () => {
      release();
      await Promise.all(done);
    };
  };

  beforeAll(async () => {
    const url = await createTestDatabase(inject('pgUrl'), 'fleet_status');
    records = await openPostgres(url, { max: 2 });
    status = await openPostgres(url, { max: 1 });
    await migrateCentral(records);
    app = buildCentralApi({
      db: records,
      statusDb: status,
      adminToken: ADMIN_TOKEN,
      sealer: Sealer.fromFile(join(dir.path, 'data.key')),
      signingKey: CentralSigningKey.generate(),
      rateLimits: { enrollPerMinute: 1000, devicePerMinute: 100_000 },
    });
    for (const [url, body] of [
      ['/departments', { code: 'SCJG', name: '市场监督管理局' }],
      ['/windows', { code: 'W01', name: '1号窗口', departmentCode: 'SCJG' }],
      ['/staff', { staffNo: '1001', name: '王丽', departmentCode: 'SCJG', pin: '246810' }],
      ['/service-items', { code: 'SC-0001', name: '个体工商户设立登记', departmentCode: 'SCJG' }],
    ] as const) {
      expect((await admin('POST', url, body)).statusCode).toBe(201);
    }
    const enrol = async (name: string): Promise<Kiosk> => {
      const { code } = (await admin('POST', '/enrollments', { mode: 'window', windowCode: 'W01', name })).json<{
        code: string;
      }>();
      const identity = DeviceIdentity.create(tempDir('hcp-kiosk-key-').path);
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/devices/enroll',
        payload: { code, publicKey: identity.publicKey(), info: { version: '0.1.0' } },
      });
      expect(res.statusCode).toBe(201);
      return { id: res.json<{ deviceId: string }>().deviceId, identity };
    };
    kiosk = await enrol('1号窗口 甲');
    other = await enrol('1号窗口 乙');
  });
  afterAll(async () => {
    await app.close();
    await status.close();
    await records.close();
    dir.remove();
  });

  it("answers a heartbeat while every connection of the record batches' pool is taken, and stores it", async () => {
    const release = await hold(records, 2);
    try {
      const res = await device('/api/v1/device/heartbeat', beat(17));
      expect(res.statusCode).toBe(200);
      expect(res.json<{ configVersion: number }>().configVersion).toBeGreaterThan(0);
    } finally {
      await release();
    }
    const listed = (await admin('GET', '/devices')).json<DevicePage>();
    expect(listed.items.find((d) => d.id === kiosk.id)).toMatchObject({ queueDepth: 17, status: 'online' });
  });

  it("stores a record batch while its device's row is locked for a status write: a batch takes no lock on it", async () => {
    const release = await hold(records, 1, 'SELECT id FROM devices WHERE id = $1 FOR NO KEY UPDATE', [kiosk.id]);
    try {
      const res = await device('/api/v1/device/records', { ...batch([evaluation()]), clockOffsetMs: 42 });
      expect(outcomes(res)).toEqual(['accepted']);
    } finally {
      await release();
    }
    const listed = (await admin('GET', '/devices')).json<DevicePage>();
    expect(listed.items.find((d) => d.id === kiosk.id)!.clockOffsetMs).toBe(42);
  });

  it('writes the heartbeats of a flush in one statement, the latest of each field, and what only earlier ones said', async () => {
    const statements: string[] = [];
    const counting: Queryable = {
      query: (sql, params) => {
        statements.push(sql);
        return status.query(sql, params);
      },
    };
    const fleet = new FleetStatus(counting);
    fleet.heartbeat(kiosk.id, beat(3, { keyMap: { map: [5, 4, 3, 2, 1], source: 'local' } }));
    fleet.heartbeat(other.id, beat(8, { lastReconciledAt: '2026-11-30T02:00:00.000Z' }));
    fleet.heartbeat(kiosk.id, beat(4));
    fleet.clockOffset(kiosk.id, -5);
    fleet.heartbeat(other.id, beat(9));
    await fleet.flush();
    expect(statements).toHaveLength(1);
    expect(await row(kiosk.id)).toMatchObject({ queue_depth: 4, key_map: [5, 4, 3, 2, 1], clock_offset_ms: -5 });
    expect(await row(other.id)).toMatchObject({ queue_depth: 9 });
    expect(
      (await status.query<{ at: Date }>('SELECT last_reconciled_at AS at FROM devices WHERE id = $1', [other.id]))[0]!
        .at,
    ).toEqual(new Date('2026-11-30T02:00:00.000Z'));
    await fleet.flush();
    expect(statements).toHaveLength(1);
  });

  it("drops only a device's status the database refuses, and keeps the others'", async () => {
    const errors: unknown[] = [];
    const fleet = new FleetStatus(status, (error) => errors.push(error));
    // The schema lets a NUL through; jsonb does not take it.
    fleet.heartbeat(kiosk.id, beat(5, { evaluator: { state: 'connected', kind: 'serial', model: 'X\u0000' } }));
    fleet.heartbeat(other.id, beat(6));
    await fleet.flush();
    expect(errors).toHaveLength(1);
    expect((await row(other.id)).queue_depth).toBe(6);
    expect((await row(kiosk.id)).queue_depth).not.toBe(5);
  });

  it('keeps what a failed write held for the next one, under what arrived since', async () => {
    let down = true;
    const flaky: Queryable = {
      query: (sql, params) =>
        down
          ? Promise.reject(Object.assign(new Error('connection lost'), { code: '08006' }))
          : status.query(sql, params),
    };
    const fleet = new FleetStatus(flaky);
    fleet.heartbeat(kiosk.id, beat(11, { keyMap: { map: [1, 2, 3, 4, 5], source: 'central' } }));
    await expect(fleet.flush()).rejects.toThrow('connection lost');
    fleet.heartbeat(kiosk.id, beat(12));
    down = false;
    await fleet.flush();
    expect(await row(kiosk.id)).toMatchObject({ queue_depth: 12, key_map: [1, 2, 3, 4, 5] });
  });

  it('writes what arrived when it is closed', async () => {
    const fleet = new FleetStatus(status, undefined, 3_600_000);
    fleet.start();
    fleet.heartbeat(other.id, beat(21));
    await fleet.close();
    expect((await row(other.id)).queue_depth).toBe(21);
  });
});
