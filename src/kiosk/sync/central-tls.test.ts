/**
 * A hall's own certificate authority (real TLS): a centre on https://127.0.0.1 with a certificate from a throwaway
 * CA made here with the openssl CLI. Without `--ca-file` the kiosk refuses it (not a certificate it can verify);
 * with it, enrolment and sync go through. And the transport policy: plain http only to loopback.
 */
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { canonicalConfig, CONFIG_SIGNATURE_HEADER, CONFIG_VERSION_HEADER } from '../../shared/device-auth.js';
import { syncAgentFor } from '../run-kiosk.js';
import { provisioned, tempDir, windowConfig } from '../test-support/fixtures.js';
import { isLoopback as commonIsLoopback } from '../../common/loopback.js';
import { isLoopback as localApiIsLoopback } from '../api/local-api.js';
import { checkCentralUrl, isLoopback } from './central-transport.js';
import { enrollKiosk } from './enroll.js';

const DEVICE_ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const centralPublicKey = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

let pki: ReturnType<typeof tempDir>;
let app: FastifyInstance;
let url: string;
let heartbeats = 0;

/** A CA, and a server certificate for 127.0.0.1 signed by it. */
function makePki(dir: string): { ca: string; key: string; cert: string } {
  const p = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=Hall test CA',
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.pem'),
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    p('server.key'),
    '-out',
    p('server.csr'),
  );
  writeFileSync(p('ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  openssl(
    'x509',
    '-req',
    '-in',
    p('server.csr'),
    '-CA',
    p('ca.pem'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    p('ext.cnf'),
    '-out',
    p('server.pem'),
  );
  return { ca: p('ca.pem'), key: p('server.key'), cert: p('server.pem') };
}

beforeAll(async () => {
  pki = tempDir();
  const files = makePki(pki.path);
  app = Fastify({ https: { key: readFileSync(files.key), cert: readFileSync(files.cert) } });
  app.post('/api/v1/devices/enroll', (_request, reply) => {
    const body = JSON.stringify({ deviceId: DEVICE_ID, config: windowConfig(), configVersion: 1, centralPublicKey });
    const digest = createHash('sha256').update(body).digest('hex');
    const signature = sign(null, Buffer.from(canonicalConfig(DEVICE_ID, 1, digest)), privateKey).toString('base64');
    return reply
      .code(201)
      .header(CONFIG_VERSION_HEADER, '1')
      .header(CONFIG_SIGNATURE_HEADER, signature)
      .type('application/json')
      .send(body);
  });
  app.post('/api/v1/device/heartbeat', async () => {
    heartbeats++;
    return { serverTime: new Date().toISOString(), configVersion: 1 };
  });
  app.get('/api/v1/device/tally', async (request) => ({ day: (request.query as { day: string }).day, count: 0 }));
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
  pki.remove();
});

describe("a hall's own certificate authority", () => {
  it('is refused without the CA file, and enrols and syncs with it', async () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:/);
    const dir = tempDir();
    const kiosk = await provisioned(dir.path);
    try {
      await expect(enrollKiosk(kiosk, dir.path, url, 'ABCD-1234')).rejects.toMatchObject({
        code: 'central_unreachable',
        message: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY|certificate/i) as unknown,
      });
      const caFile = join(pki.path, 'ca.pem');
      await enrollKiosk(kiosk, dir.path, url, 'ABCD-1234', { caFile });
      expect(kiosk.context.settings.get('enrolment')?.deviceId).toBe(DEVICE_ID);
      const withoutCa = syncAgentFor(kiosk, dir.path, silentLogger)!;
      await withoutCa.heartbeat();
      expect(withoutCa.status().state).toBe('offline');
      expect(heartbeats).toBe(0);
      const withCa = syncAgentFor(kiosk, dir.path, silentLogger, {}, undefined, { caFile })!;
      await withCa.heartbeat();
      expect(withCa.status().state).toBe('online');
      expect(heartbeats).toBe(1);
    } finally {
      await kiosk.close();
      dir.remove();
    }
  });
});

describe('the transport policy', () => {
  it('knows this machine by the one definition the local API uses too (src/common/loopback.ts)', () => {
    expect(isLoopback).toBe(commonIsLoopback);
    expect(localApiIsLoopback).toBe(commonIsLoopback);
  });

  it('takes plain http only to loopback, unless --insecure-http', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', '[::1]']) {
      expect(isLoopback(new URL(`http://${host}:1/`).hostname), host).toBe(true);
      expect(checkCentralUrl(`http://${host}:8720`).protocol).toBe('http:');
    }
    for (const host of ['10.0.0.9', '128.0.0.1', 'hcp.hall.example', '[::2]', 'localhost.evil.example']) {
      expect(() => checkCentralUrl(`http://${host}:8720`), host).toThrow(
        expect.objectContaining({ code: 'insecure_url' }),
      );
      expect(checkCentralUrl(`http://${host}:8720`, { insecureHttp: true }).protocol).toBe('http:');
    }
    expect(checkCentralUrl('https://hcp.hall.example').protocol).toBe('https:');
    expect(() => checkCentralUrl('ftp://hcp.hall.example')).toThrow(expect.objectContaining({ code: 'invalid_url' }));
  });
});
