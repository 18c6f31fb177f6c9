/**
 * Integration (real PostgreSQL, real TLS): the centre signs every configuration it answers with an Ed25519 key of
 * its own, kept in its data folder (issue 13, item 9): the enrolment answer carries the public key to pin, both
 * configuration answers carry X-HCP-Config-Signature over their exact bytes and bound to the device; the update feed
 * is https only; `hcp central` serves HTTPS with a certificate given to it.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { DeviceIdentity } from '../common/device-identity.js';
import { keyFingerprint } from '../common/key-fingerprint.js';
import { silentLogger } from '../common/logger.js';
import { tempDir } from '../common/test-support/temp-dir.js';
import { centralCommand } from '../cli/central-command.js';
import type { EnrollResponse, SigningKeyResponse } from '../shared/central-api.js';
import { canonicalConfig, CONFIG_SIGNATURE_HEADER, CONFIG_VERSION_HEADER } from '../shared/device-auth.js';
import { runCentral } from './run-central.js';
import { SIGNING_KEY_FILE } from './signing-key.js';
import { createTestDatabase } from './test-support/pg-cluster.js';
import { startHarness, type Harness } from './test-support/api-harness.js';

/** Whether `signature` is the centre's, under `publicKey`, over `body` for `deviceId` and `version`. */
function signedBy(publicKey: string, deviceId: string, body: Buffer, signature: unknown, version: unknown): boolean {
  if (typeof signature !== 'string' || typeof version !== 'string') return false;
  const key = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
  const digest = createHash('sha256').update(body).digest('hex');
  const signed = canonicalConfig(deviceId, Number(version), digest);
  return verify(null, Buffer.from(signed), key, Buffer.from(signature, 'base64'));
}

describe('signed configuration answers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('signs the enrolment answer over its exact bytes and gives the key to pin', async () => {
    const { code } = (await h.admin('POST', '/enrollments', { mode: 'window', windowCode: 'W01', name: 'x' })).json<{
      code: string;
    }>();
    const identity = DeviceIdentity.create(tempDir().path);
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/devices/enroll',
      payload: { code, publicKey: identity.publicKey(), info: { version: '1' } },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json<EnrollResponse>();
    expect(body.centralPublicKey).toBe(h.signingKey.publicKey);
    const signature = res.headers[CONFIG_SIGNATURE_HEADER];
    const version = res.headers[CONFIG_VERSION_HEADER];
    expect(version).toBe(String(body.configVersion));
    expect(signedBy(body.centralPublicKey, body.deviceId, res.rawPayload, signature, version)).toBe(true);
    // Bound to the device: the same answer replayed to another kiosk does not verify.
    expect(signedBy(body.centralPublicKey, h.kiosk.id, res.rawPayload, signature, version)).toBe(false);
  });

  it('signs GET /api/v1/device/config over its exact bytes, for this device only', async () => {
    const res = await h.device('GET', '/api/v1/device/config');
    expect(res.statusCode).toBe(200);
    const signature = res.headers[CONFIG_SIGNATURE_HEADER];
    const version = res.headers[CONFIG_VERSION_HEADER];
    expect(signedBy(h.signingKey.publicKey, h.kiosk.id, res.rawPayload, signature, version)).toBe(true);
    const tampered = Buffer.from(res.body.replace('"W01"', '"W02"'));
    expect(signedBy(h.signingKey.publicKey, h.kiosk.id, tampered, signature, version)).toBe(false);
    const other = await h.enrol({ mode: 'window', windowCode: 'W02', name: '2' });
    expect(signedBy(h.signingKey.publicKey, other.id, res.rawPayload, signature, version)).toBe(false);
  });

  it('signs the configuration version it answers (X-HCP-Config-Version), so that an old answer is not a new one', async () => {
    const first = await h.device('GET', '/api/v1/device/config');
    const { version } = (await h.db.query<{ version: number }>('SELECT version FROM config_version'))[0]!;
    expect(first.headers[CONFIG_VERSION_HEADER]).toBe(String(version));
    const signature = first.headers[CONFIG_SIGNATURE_HEADER];
    expect(signedBy(h.signingKey.publicKey, h.kiosk.id, first.rawPayload, signature, String(version))).toBe(true);
    // The same bytes and signature, presented as a later version: they do not verify.
    expect(signedBy(h.signingKey.publicKey, h.kiosk.id, first.rawPayload, signature, String(version + 1))).toBe(false);
    expect((await h.admin('PATCH', '/windows/W01', { name: '1号窗口（新）' })).statusCode).toBe(200);
    const second = await h.device('GET', '/api/v1/device/config');
    expect(second.headers[CONFIG_VERSION_HEADER]).toBe(String(version + 1));
    const next = second.headers[CONFIG_SIGNATURE_HEADER];
    expect(signedBy(h.signingKey.publicKey, h.kiosk.id, second.rawPayload, next, String(version + 1))).toBe(true);
  });

  it('takes only an https update feed', async () => {
    const http = await h.admin('PATCH', '/settings', { updateFeedUrl: 'http://updates.example/hcp' });
    expect([http.statusCode, http.json<{ error: string }>().error]).toEqual([400, 'invalid_request']);
    expect((await h.admin('PATCH', '/settings', { updateFeedUrl: 'https://updates.example/hcp' })).statusCode).toBe(
      200,
    );
  });

  it('shows the public key and its fingerprint to the admin', async () => {
    const res = (await h.admin('GET', '/signing-key')).json<SigningKeyResponse>();
    expect(res).toEqual({ publicKey: h.signingKey.publicKey, fingerprint: keyFingerprint(h.signingKey.publicKey) });
    expect(res.fingerprint).toMatch(/^([0-9A-F]{4} ){7}[0-9A-F]{4}$/);
  });
});

describe('hcp central: its signing key and HTTPS', () => {
  const dir = tempDir('hcp-central-tls-');
  afterAll(() => dir.remove());

  it('makes the signing key at first start (mode 0600), keeps it across restarts, and serves HTTPS', async () => {
    const cert = join(dir.path, 'cert.pem');
    const key = join(dir.path, 'key.pem');
    execFileSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]);
    const data = join(dir.path, 'central');
    const databaseUrl = await createTestDatabase(inject('pgUrl'), 'central_tls');
    const start = () =>
      runCentral({ dataDir: data, databaseUrl, port: 0, logger: silentLogger, tls: { certFile: cert, keyFile: key } });
    const first = await start();
    const fingerprint = first.signingKey.fingerprint();
    try {
      expect(first.url).toMatch(/^https:\/\//);
      expect(statSync(join(data, SIGNING_KEY_FILE)).mode & 0o777).toBe(0o600);
      const health = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${first.url}/api/v1/health`, { ca: readFileSync(cert) }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(health).toMatchObject({ status: 200, body: expect.stringContaining('hcp-central') as unknown });
    } finally {
      await first.stop();
    }
    const second = await start();
    try {
      expect(second.signingKey.fingerprint()).toBe(fingerprint);
    } finally {
      await second.stop();
    }
    // `hcp central key` prints the same fingerprint for the technician.
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await centralCommand(data).parseAsync(['key', '--data', data], { from: 'user' });
      expect(out.mock.calls.map((c) => String(c[0])).join('')).toContain(fingerprint);
    } finally {
      out.mockRestore();
    }
  });
});
