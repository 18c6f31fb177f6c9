/**
 * Integration (real PostgreSQL): the central API's admin side, enrolment, signed device requests, exactly-once
 * ingest, configuration, heartbeat, tally and reports.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sealer } from '../common/data-key.js';
import { DeviceIdentity } from '../common/device-identity.js';
import { uuidv7 } from '../common/ids.js';
import { verifyPin } from '../common/pin-hash.js';
import { tallyOf } from '../common/tally.js';
import { tempDir } from '../common/test-support/temp-dir.js';
import { recordDay } from '../shared/wire-records.js';
import { openPostgres, type CentralDb } from './db/database.js';
import { migrateCentral } from './db/migrate.js';
import { buildCentralApi } from './server.js';
import { CentralSigningKey } from './signing-key.js';
import { evaluation } from './test-support/api-harness.js';
import { createTestDatabase } from './test-support/pg-cluster.js';

const TOKEN = 'admin-token-for-tests-0123456789';

const open = async () => openPostgres(await createTestDatabase(inject('pgUrl'), 'central_api'));

describe('central API on PostgreSQL', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: CentralDb;
  let app: FastifyInstance;
  let identity: DeviceIdentity;
  let deviceId: string;

  const admin = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    app.inject({
      method,
      url: `/api/v1/admin${url}`,
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: payload as object,
    });

  /** A request signed by `who` (the enrolled device unless told otherwise). */
  const device = (
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
    who: { id: string; identity: DeviceIdentity; at?: number } = { id: deviceId, identity },
  ) => {
    const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    return app.inject({
      method,
      url,
      headers: {
        ...who.identity.sign(who.id, method, url, bytes, who.at),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      payload: body === undefined ? undefined : bytes,
    });
  };

  const count = async (table: string) => (await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n;

  const batch = (records: unknown[]) => ({ sentAt: new Date().toISOString(), clockOffsetMs: 12, records });

  beforeAll(async () => {
    dir = tempDir('hcp-central-');
    db = await open();
    await migrateCentral(db);
    app = buildCentralApi({
      db,
      adminToken: TOKEN,
      sealer: Sealer.fromFile(join(dir.path, 'data.key')),
      signingKey: CentralSigningKey.generate(),
    });
    expect((await admin('POST', '/departments', { code: 'SCJG', name: '市场监督管理局' })).statusCode).toBe(201);
    expect((await admin('POST', '/windows', { code: 'W01', name: '1号窗口', departmentCode: 'SCJG' })).statusCode).toBe(
      201,
    );
    await admin('POST', '/staff', { staffNo: '1001', name: '王丽', departmentCode: 'SCJG', pin: '246810' });
    await admin('POST', '/service-items', { code: 'SC-0001', name: '个体工商户设立登记', departmentCode: 'SCJG' });
    const { code } = (
      await admin('POST', '/enrollments', { mode: 'window', windowCode: 'W01', name: '1号窗口' })
    ).json<{ code: string }>();
    identity = DeviceIdentity.create(dir.path);
    const enrolled = await app.inject({
      method: 'POST',
      url: '/api/v1/devices/enroll',
      payload: { code, publicKey: identity.publicKey(), info: { version: '0.1.0' } },
    });
    expect(enrolled.statusCode).toBe(201);
    deviceId = enrolled.json<{ deviceId: string }>().deviceId;
  });

  afterAll(async () => {
    await app.close();
    await db.close();
    dir.remove();
  });

  describe('admin API', () => {
    it('refuses every request without the admin token, or with a wrong one', async () => {
      for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: TOKEN }]) {
        const res = await app.inject({ method: 'GET', url: '/api/v1/admin/departments', headers });
        expect(res.statusCode).toBe(401);
      }
      const write = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/departments',
        payload: { code: 'X', name: 'x' },
      });
      expect(write.statusCode).toBe(401);
      expect(await count("departments WHERE code = 'X'")).toBe(0);
    });

    it('creates, reads, patches and lists, and refuses duplicates and dangling references with 409', async () => {
      expect((await admin('POST', '/departments', { code: 'GA', name: '公安局' })).statusCode).toBe(201);
      const dup = await admin('POST', '/departments', { code: 'GA', name: '公安局' });
      expect([dup.statusCode, dup.json<{ error: string }>().error]).toEqual([409, 'already_exists']);
      const dangling = await admin('POST', '/windows', { code: 'W09', name: '9号', departmentCode: 'NOPE' });
      expect([dangling.statusCode, dangling.json<{ error: string }>().error]).toEqual([409, 'unknown_reference']);
      expect((await admin('PATCH', '/departments/GA', { name: '市公安局' })).json()).toMatchObject({
        name: '市公安局',
      });
      expect((await admin('GET', '/departments/GA')).json()).toMatchObject({ code: 'GA', name: '市公安局' });
      expect((await admin('GET', '/departments')).json<unknown[]>().length).toBeGreaterThanOrEqual(2);
      expect((await admin('PATCH', '/departments/NOPE', { name: 'x' })).statusCode).toBe(404);
    });

    it('keeps staff PINs only as scrypt hashes and never returns them', async () => {
      const res = await admin('POST', '/staff', {
        staffNo: '2001',
        name: '赵敏',
        departmentCode: 'SCJG',
        pin: '135790',
      });
      expect(res.statusCode).toBe(201);
      expect(JSON.stringify(res.json())).not.toMatch(/135790|pin/i);
      const [row] = await db.query<{ pin_hash: string }>("SELECT pin_hash FROM staff WHERE staff_no = '2001'");
      expect(row!.pin_hash).toMatch(/^scrypt\$/);
      expect(await verifyPin('135790', row!.pin_hash)).toBe(true);
      expect(JSON.stringify((await admin('GET', '/staff')).json())).not.toContain('scrypt');
    });

    it.each([
      ['an unknown field', '/departments', { code: 'A', name: 'a', colour: 'red' }],
      ['a wrong type', '/departments', { code: 5, name: 'a' }],
      ['a PIN with letters', '/staff', { staffNo: '9', name: 'x', departmentCode: 'SCJG', pin: '12ab' }],
      ['an SQL-looking code', '/departments', { code: "A'; DROP TABLE staff;--", name: 'x' }],
      ['a window enrolment without a window', '/enrollments', { mode: 'window', name: 'x' }],
    ])('answers %s with 400 and writes nothing', async (_what, url, body) => {
      const before = (await count('departments')) + (await count('staff')) + (await count('enrollments'));
      const res = await admin('POST', url, body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'invalid_request' });
      expect((await count('departments')) + (await count('staff')) + (await count('enrollments'))).toBe(before);
    });

    it('answers malformed JSON with 400 and an oversize admin body with 413', async () => {
      const bad = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/departments',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        payload: '{"code": "A",',
      });
      expect([bad.statusCode, bad.json<{ error: string }>().error]).toEqual([400, 'invalid_json']);
      const big = await admin('POST', '/departments', { code: 'BIG', name: 'x'.repeat(100_000) });
      expect(big.statusCode).toBe(413);
      expect(await count("departments WHERE code = 'BIG'")).toBe(0);
    });
  });

  describe('enrolment', () => {
    it('takes a code once, within 24 h, and refuses a key that is not Ed25519', async () => {
      const { code, expiresAt } = (await admin('POST', '/enrollments', { mode: 'terminal', name: '自助区 1号' })).json<{
        code: string;
        expiresAt: string;
      }>();
      expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
      const other = DeviceIdentity.create(
        join(dir.path, '..', `${dir.path.split('/').pop()}-x`).replace(/-x$/, '') === dir.path ? dir.path : dir.path,
      );
      void other;
      const key = DeviceIdentity.create(tempDir().path).publicKey();
      const badKey = await app.inject({
        method: 'POST',
        url: '/api/v1/devices/enroll',
        payload: { code, publicKey: 'A'.repeat(60), info: { version: '1' } },
      });
      expect([badKey.statusCode, badKey.json<{ error: string }>().error]).toEqual([400, 'invalid_public_key']);
      const first = await app.inject({
        method: 'POST',
        url: '/api/v1/devices/enroll',
        payload: { code, publicKey: key, info: { version: '1' } },
      });
      expect(first.statusCode).toBe(201);
      expect(first.json()).toMatchObject({ config: { mode: 'terminal', terminalName: '自助区 1号' } });
      const again = await app.inject({
        method: 'POST',
        url: '/api/v1/devices/enroll',
        payload: { code, publicKey: key, info: { version: '1' } },
      });
      expect([again.statusCode, again.json<{ error: string }>().error]).toEqual([403, 'enrollment_code_invalid']);

      const late = (await admin('POST', '/enrollments', { mode: 'terminal', name: 'late' })).json<{ code: string }>();
      await db.query("UPDATE enrollments SET expires_at = now() - interval '1 minute' WHERE used_at IS NULL");
      const expired = await app.inject({
        method: 'POST',
        url: '/api/v1/devices/enroll',
        payload: { code: late.code, publicKey: key, info: { version: '1' } },
      });
      expect(expired.statusCode).toBe(403);
    });
  });

  describe('signed device requests', () => {
    it('accepts a correctly signed request', async () => {
      expect((await device('GET', '/api/v1/device/config')).statusCode).toBe(200);
    });

    it('refuses unsigned, wrongly signed, tampered, too-late and unknown-device requests', async () => {
      const unsigned = await app.inject({ method: 'GET', url: '/api/v1/device/config' });
      expect(unsigned.statusCode).toBe(401);
      const stranger = DeviceIdentity.create(tempDir().path);
      expect(
        (await device('GET', '/api/v1/device/config', undefined, { id: deviceId, identity: stranger })).statusCode,
      ).toBe(401);
      expect((await device('GET', '/api/v1/device/config', undefined, { id: uuidv7(), identity })).statusCode).toBe(
        401,
      );
      const late = await device('GET', '/api/v1/device/config', undefined, {
        id: deviceId,
        identity,
        at: Date.now() - 6 * 60_000,
      });
      expect([late.statusCode, late.json<{ message: string }>().message]).toEqual([
        401,
        expect.stringMatching(/5 minutes/),
      ]);
      const early = await device('GET', '/api/v1/device/config', undefined, {
        id: deviceId,
        identity,
        at: Date.now() + 6 * 60_000,
      });
      expect(early.statusCode).toBe(401);

      // A signed body changed on the way: the signature no longer matches, and nothing is written.
      const body = batch([evaluation()]);
      const bytes = Buffer.from(JSON.stringify(body));
      const headers = identity.sign(deviceId, 'POST', '/api/v1/device/records', bytes);
      const tampered = Buffer.from(JSON.stringify({ ...body, records: [evaluation({ satisfaction: 1 })] }));
      const before = await count('records');
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/device/records',
        headers: { ...headers, 'content-type': 'application/json' },
        payload: tampered,
      });
      expect(res.statusCode).toBe(401);
      expect(await count('records')).toBe(before);
    });

    it('refuses a revoked device', async () => {
      const { code } = (
        await admin('POST', '/enrollments', { mode: 'window', windowCode: 'W01', name: 'to revoke' })
      ).json<{ code: string }>();
      const id2 = DeviceIdentity.create(tempDir().path);
      const enrolled = await app.inject({
        method: 'POST',
        url: '/api/v1/devices/enroll',
        payload: { code, publicKey: id2.publicKey(), info: { version: '1' } },
      });
      const revokedId = enrolled.json<{ deviceId: string }>().deviceId;
      const who = { id: revokedId, identity: id2 };
      expect((await device('GET', '/api/v1/device/config', undefined, who)).statusCode).toBe(200);
      expect((await admin('POST', `/devices/${revokedId}/revoke`)).statusCode).toBe(200);
      const refused = await device('POST', '/api/v1/device/records', batch([evaluation()]), who);
      expect([refused.statusCode, refused.json<{ message: string }>().message]).toEqual([
        401,
        'this device has been revoked',
      ]);
    });
  });

  describe('configuration', () => {
    it('sends window, department, roster hashes and items, with an ETag that answers 304 until something changes', async () => {
      const res = await device('GET', '/api/v1/device/config');
      const config = res.json<{ window: { code: string }; roster: { staffNo: string; pinHash: string }[] }>();
      expect(config).toMatchObject({ mode: 'window', window: { code: 'W01' }, department: { code: 'SCJG' } });
      expect(config.roster.find((s) => s.staffNo === '1001')!.pinHash).toMatch(/^scrypt\$/);
      expect(JSON.stringify(config)).not.toContain('246810');
      const etag = res.headers.etag as string;
      const url = '/api/v1/device/config';
      const same = await app.inject({
        method: 'GET',
        url,
        headers: { ...identity.sign(deviceId, 'GET', url, Buffer.alloc(0)), 'if-none-match': etag },
      });
      expect(same.statusCode).toBe(304);

      const hb1 = (await device('POST', '/api/v1/device/heartbeat', heartbeat())).json<{ configVersion: number }>();
      await admin('PATCH', '/settings', { ratingWindowSeconds: 30, updateFeedUrl: 'https://updates.example/hcp' });
      const hb2 = (await device('POST', '/api/v1/device/heartbeat', heartbeat())).json<{ configVersion: number }>();
      expect(hb2.configVersion).toBeGreaterThan(hb1.configVersion);
      const changed = await app.inject({
        method: 'GET',
        url,
        headers: { ...identity.sign(deviceId, 'GET', url, Buffer.alloc(0)), 'if-none-match': etag },
      });
      expect(changed.statusCode).toBe(200);
      expect(changed.json()).toMatchObject({ ratingWindowSeconds: 30, updateFeedUrl: 'https://updates.example/hcp' });
    });
  });

  const heartbeat = () => ({
    version: '0.1.0',
    queueDepth: 3,
    oldestPendingAt: null,
    evaluator: { state: 'connected', kind: 'serial', model: 'X' },
  });

  describe('heartbeat', () => {
    it('records what the kiosk reports and answers with the server time and configuration version', async () => {
      const res = await device('POST', '/api/v1/device/heartbeat', heartbeat());
      expect(res.statusCode).toBe(200);
      expect(Math.abs(Date.parse(res.json<{ serverTime: string }>().serverTime) - Date.now())).toBeLessThan(5000);
      const devices = (await admin('GET', '/devices')).json<{
        items: { id: string; queueDepth: number; evaluator: unknown }[];
      }>().items;
      expect(devices.find((d) => d.id === deviceId)).toMatchObject({
        queueDepth: 3,
        evaluator: { state: 'connected' },
      });
      expect((await device('POST', '/api/v1/device/heartbeat', { ...heartbeat(), queueDepth: -1 })).statusCode).toBe(
        400,
      );
    });
  });

  describe('ingest', () => {
    it('accepts a batch once: the same batch again is all duplicate and changes nothing', async () => {
      const followupOf = (e: { id: string }) => ({
        kind: 'followup',
        id: uuidv7(),
        evaluationId: e.id,
        reasonTags: ['efficiency', 'attitude'],
        callbackPhone: '13800138000',
        comment: '排队太久',
        at: new Date().toISOString(),
      });
      const e1 = evaluation({ satisfaction: 1, rater: { name: '张三', idNumber: '110101199001011234' } });
      const shift = {
        kind: 'shift_event',
        id: uuidv7(),
        shiftId: uuidv7(),
        type: 'login',
        staffNo: '1001',
        windowCode: 'W01',
        reason: null,
        at: new Date().toISOString(),
      };
      const stray = {
        kind: 'stray_press',
        id: uuidv7(),
        satisfaction: 5,
        key: 1,
        source: 'serial',
        shiftId: null,
        staffNo: null,
        at: new Date().toISOString(),
      };
      const body = batch([
        e1,
        evaluation({ outcome: 'unrated', satisfaction: null, source: null }),
        followupOf(e1),
        shift,
        stray,
      ]);
      const before = { records: await count('records'), evaluations: await count('evaluations') };
      const first = await device('POST', '/api/v1/device/records', body);
      expect(first.statusCode).toBe(200);
      expect(first.json<{ results: { status: string }[] }>().results.map((r) => r.status)).toEqual(
        Array(5).fill('accepted'),
      );
      const second = await device('POST', '/api/v1/device/records', body);
      expect(second.json<{ results: { status: string }[] }>().results.map((r) => r.status)).toEqual(
        Array(5).fill('duplicate'),
      );
      expect(await count('records')).toBe(before.records + 5);
      expect(await count('evaluations')).toBe(before.evaluations + 2);

      const [stored] = await db.query<{
        satisfaction: number;
        staff_no: string;
        rater_sealed: Buffer | Uint8Array;
        clock_offset_ms: number;
      }>('SELECT satisfaction, staff_no, rater_sealed, clock_offset_ms FROM evaluations WHERE id = $1', [e1.id]);
      expect(stored).toMatchObject({ satisfaction: 1, staff_no: '1001', clock_offset_ms: 12 });
      // 第五条: the rater's identity is sealed at rest, not readable in the row.
      expect(Buffer.from(stored!.rater_sealed).includes(Buffer.from('110101199001011234'))).toBe(false);
      const [f] = await db.query<{ reason_tags: string[]; comment: string }>(
        'SELECT reason_tags, comment FROM followups WHERE evaluation_id = $1',
        [e1.id],
      );
      expect(f).toMatchObject({ reason_tags: ['efficiency', 'attitude'], comment: '排队太久' });
    });

    it('rejects a bad record with a code and still takes the rest; counts an id twice in one batch once', async () => {
      const good = evaluation();
      const res = await device(
        'POST',
        '/api/v1/device/records',
        batch([
          good,
          evaluation({ satisfaction: 9 }),
          { kind: 'telepathy', id: uuidv7() },
          { ...good },
          evaluation({ outcome: 'rated', satisfaction: null }),
        ]),
      );
      const results = res.json<{ results: { status: string; code?: string }[] }>().results;
      expect(results.map((r) => r.status)).toEqual(['accepted', 'rejected', 'rejected', 'duplicate', 'rejected']);
      expect(results[1]).toMatchObject({
        code: 'invalid_record',
        message: expect.stringMatching(/satisfaction/) as unknown,
      });
    });

    it('rejects only the record the database refuses, taking the rest of its batch', async () => {
      // Passes the schema, but PostgreSQL refuses it: text cannot hold a NUL character.
      const bad = evaluation({ shiftId: '01a20f3b-9aa3-7003-8cc9-a4377d4540b1', caseNo: 'C-\u0000' });
      const good = evaluation();
      const res = await device('POST', '/api/v1/device/records', batch([good, bad]));
      const results = res.json<{ results: { status: string }[] }>().results;
      expect(results.map((r) => r.status)).toEqual(['accepted', 'rejected']);
      expect(await count(`evaluations WHERE id = '${good.id}'`)).toBe(1);
    });

    it('refuses a malformed, empty, oversize or over-long batch whole, writing nothing', async () => {
      const before = await count('records');
      expect(
        (
          await device('POST', '/api/v1/device/records', {
            sentAt: 'yesterday',
            clockOffsetMs: null,
            records: [evaluation()],
          })
        ).statusCode,
      ).toBe(400);
      expect((await device('POST', '/api/v1/device/records', batch([]))).statusCode).toBe(400);
      expect(
        (await device('POST', '/api/v1/device/records', batch(Array.from({ length: 1001 }, () => evaluation()))))
          .statusCode,
      ).toBe(400);
      const huge = await device(
        'POST',
        '/api/v1/device/records',
        batch([evaluation({ caseNo: 'x'.repeat(5_000_000) })]),
      );
      expect(huge.statusCode).toBe(413);
      expect(await count('records')).toBe(before);
    });
  });

  describe('tally and reports', () => {
    it('tallies a day exactly as the kiosk computes it', async () => {
      const records = [evaluation(), evaluation(), evaluation()];
      await device('POST', '/api/v1/device/records', batch(records));
      const day = recordDay(records[0]!.id);
      const ids = (
        await db.query<{ id: string }>('SELECT id::text AS id FROM records WHERE device_id = $1 AND day = $2', [
          deviceId,
          day,
        ])
      ).map((r) => r.id);
      const res = await device('GET', `/api/v1/device/tally?day=${day}`);
      expect(res.json()).toEqual(tallyOf(day, ids));
      expect(ids).toEqual(expect.arrayContaining(records.map((r) => r.id)));
      expect((await device('GET', '/api/v1/device/tally?day=24-11-2026')).statusCode).toBe(400);
    });

    it('lists evaluations with filters and a cursor, and counts them per group', async () => {
      await device(
        'POST',
        '/api/v1/device/records',
        batch(Array.from({ length: 25 }, (_, i) => evaluation({ staffNo: 'P7', satisfaction: (i % 5) + 1 }))),
      );
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { id: string; staffNo: string }[]; nextCursor: string | null } = (
          await admin('GET', `/evaluations?staffNo=P7&limit=10${cursor ? `&cursor=${cursor}` : ''}`)
        ).json();
        seen.push(...page.items.map((i) => i.id));
        expect(page.items.every((i) => i.staffNo === 'P7')).toBe(true);
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(25);
      expect((await admin('GET', '/evaluations?cursor=garbage')).statusCode).toBe(400);
      const stats = (await admin('GET', '/stats?groupBy=staff')).json<{
        groups: { key: string; counts: Record<string, number>; bad: number; rated: number; badRate: number }[];
      }>();
      const p7 = stats.groups.find((g) => g.key === 'P7')!;
      expect(p7).toMatchObject({ counts: { 1: 5, 2: 5, 3: 5, 4: 5, 5: 5 }, rated: 25, bad: 10, badRate: 0.4 });
      expect(JSON.stringify((await admin('GET', '/evaluations?limit=1000')).json())).not.toMatch(
        /110101199001011234|rater/,
      );
    });
  });
});
