/**
 * Integration (real PostgreSQL): the centre's surface before authentication (issue 13, item 10). Ids are UUIDs and
 * days real days before anything reaches PostgreSQL; no input answers 500; every route has its own body limit,
 * and a device request's headers and device are checked before its body is read; security headers on every answer;
 * enrolment rate-limited per IP, device routes per device, and failed device requests per IP (made-up device ids
 * buy no database work).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { DeviceIdentity } from '../common/device-identity.js';
import { tempDir } from '../common/test-support/temp-dir.js';
import { batch, evaluation, startHarness, type Harness } from './test-support/api-harness.js';

describe('the centre before authentication', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it.each([
    ['36 dashes', '------------------------------------'],
    ['36 hex digits and dashes out of place', '0123456789abcdef-0123456789abcdef-01'],
    ['upper-case', '0190A1B2-C3D4-7E5F-8A6B-7C8D9E0F1A2B'],
    ['an SQL-looking id', "x'; DROP TABLE devices;--"],
  ])('answers a revoke of %s with 404, before PostgreSQL', async (_what, id) => {
    const res = await h.admin('POST', `/devices/${encodeURIComponent(id)}/revoke`);
    expect([res.statusCode, res.json<{ error: string }>().error]).toEqual([404, 'not_found']);
  });

  it.each(['2026-02-31', '2026-13-01', '2026-2-3', '0000-00-00', '2026-02-28T00:00:00Z', ''])(
    'answers a tally of day %j with 400',
    async (day) => {
      const res = await h.device('GET', `/api/v1/device/tally?day=${day}`);
      expect([res.statusCode, res.json<{ error: string }>().error]).toEqual([400, 'invalid_request']);
    },
  );

  it.each([
    ['/evaluations?from=2026-02-31', 400],
    ['/evaluations?from=0000-01-01T00:00:00Z', 400],
    ['/evaluations?deviceId=------------------------------------', 400],
    [
      '/evaluations?cursor=' +
        Buffer.from('2026-01-01T00:00:00Z|------------------------------------').toString('base64url'),
      400,
    ],
    ['/departments/%00', 404],
    // Fastify's own limit on a parameter's length: 414.
    ['/departments/' + 'x'.repeat(500), 414],
  ])('answers GET %s with a 4xx, never a 500', async (url, status) => {
    expect((await h.admin('GET', url)).statusCode).toBe(status);
  });

  it('answers a device id that is not a UUID, or an unknown device, with 401 before reading a large body', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 'x');
    for (const id of ['------------------------------------', '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b']) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/device/records',
        headers: {
          ...DeviceIdentity.create(tempDir().path).sign(id, 'POST', '/api/v1/device/records', big),
          'content-type': 'application/json',
        },
        payload: big,
      });
      // A 400 invalid_json would mean the body was read and parsed first.
      expect([res.statusCode, res.json<{ error: string }>().error]).toEqual([401, 'unauthorized']);
    }
  });

  it('limits each route’s body: enrolment a few KiB, heartbeat 16 KiB, admin 64 KiB', async () => {
    const enrol = await h.app.inject({
      method: 'POST',
      url: '/api/v1/devices/enroll',
      payload: { code: 'ABCD-EFGH', publicKey: 'A'.repeat(60), info: { version: '1', hostname: 'h'.repeat(8000) } },
    });
    expect([enrol.statusCode, enrol.json<{ error: string }>().error]).toEqual([413, 'payload_too_large']);
    const heartbeat = await h.device('POST', '/api/v1/device/heartbeat', { padding: 'x'.repeat(20_000) });
    expect(heartbeat.statusCode).toBe(413);
    const admin = await h.admin('POST', '/departments', { code: 'BIG', name: 'x'.repeat(70_000) });
    expect(admin.statusCode).toBe(413);
    expect(await h.count("departments WHERE code = 'BIG'")).toBe(0);
  });

  it('sends security headers with every answer', async () => {
    for (const res of [
      await h.app.inject({ method: 'GET', url: '/api/v1/health' }),
      await h.app.inject({ method: 'GET', url: '/api/v1/nowhere' }),
      await h.admin('GET', '/devices'),
    ]) {
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'strict-transport-security': expect.stringMatching(/max-age=\d+/) as unknown,
        'content-security-policy': expect.stringContaining("default-src 'self'") as unknown,
      });
    }
  });

  it('limits enrolment attempts per IP, and each device’s requests on its own', async () => {
    const limited = await startHarness({ enrollPerMinute: 3, devicePerMinute: 5 });
    onTestFinished(() => limited.close());
    const attempt = (ip: string) =>
      limited.app.inject({
        method: 'POST',
        url: '/api/v1/devices/enroll',
        remoteAddress: ip,
        payload: {
          code: 'WRONG-CODE',
          publicKey: DeviceIdentity.create(tempDir().path).publicKey(),
          info: { version: '1' },
        },
      });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await attempt('10.0.0.7')).statusCode);
    expect(codes).toEqual([403, 403, 403, 429]);
    expect((await attempt('10.0.0.7')).json<{ error: string }>().error).toBe('rate_limited');
    expect((await attempt('10.0.0.8')).statusCode).toBe(403);

    const other = await limited.enrol({ mode: 'window', windowCode: 'W01', name: 'other' });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await limited.device('POST', '/api/v1/device/records', batch([evaluation()]))).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await limited.device('GET', '/api/v1/device/config', undefined, other)).statusCode).toBe(200);
  });

  it('refuses device requests from an address past deviceFailuresPerMinute failures, and not a kiosk elsewhere', async () => {
    const limited = await startHarness({
      enrollPerMinute: 10_000,
      devicePerMinute: 1_000_000,
      deviceFailuresPerMinute: 5,
    });
    onTestFinished(() => limited.close());
    const identity = DeviceIdentity.create(tempDir().path);
    const guess = () => {
      const url = '/api/v1/device/heartbeat';
      const bytes = Buffer.from('{}');
      return limited.app.inject({
        method: 'POST',
        url,
        remoteAddress: '10.0.0.66',
        headers: { ...identity.sign(randomUUID(), 'POST', url, bytes), 'content-type': 'application/json' },
        payload: bytes,
      });
    };
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await guess()).statusCode);
    // A fresh random device id each time: before, each was a fresh allowance and a fresh database lookup.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
    expect((await limited.device('GET', '/api/v1/device/config')).statusCode).toBe(200);
  });
});
