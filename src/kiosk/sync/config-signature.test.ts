/**
 * The kiosk refuses an old configuration of its own centre's replayed after a newer one (review of issue 13, item
 * 9): the signature covers the version (X-HCP-Config-Version), and an answer older than the version in force is
 * refused, by verifyConfig and by the sync agent pulling one (against a stand-in centre on loopback with a local
 * Ed25519 key), while the configuration in force stays. An unsigned heartbeat cannot raise the version in force.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { canonicalConfig, CONFIG_SIGNATURE_HEADER, CONFIG_VERSION_HEADER } from '../../shared/device-auth.js';
import type { KioskService } from '../kiosk-service.js';
import { syncAgentFor } from '../run-kiosk.js';
import { provisioned, tempDir, windowConfig } from '../test-support/fixtures.js';
import { verifyConfig, type ConfigHeaders } from './config-signature.js';
import { enrollKiosk } from './enroll.js';
import type { SyncAgent } from './sync-agent.js';

const DEVICE_ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const { privateKey, publicKey: pub } = generateKeyPairSync('ed25519');
const publicKey = pub.export({ format: 'der', type: 'spki' }).toString('base64');

/** A configuration answer of `version`, signed as the centre signs one. */
function answer(payload: unknown, version: number, signedVersion = version) {
  const body = JSON.stringify(payload);
  const digest = createHash('sha256').update(body).digest('hex');
  const signature = sign(null, Buffer.from(canonicalConfig(DEVICE_ID, signedVersion, digest)), privateKey);
  return { body, headers: { signature: signature.toString('base64'), version: String(version) } };
}

describe('verifyConfig', () => {
  const config = answer({ ratingWindowSeconds: 30 }, 7);
  const check = (a: { body: string; headers: ConfigHeaders }, inForce?: number) =>
    verifyConfig(publicKey, DEVICE_ID, Buffer.from(a.body), a.headers, inForce);

  it('returns the signed version of an answer as new as or newer than the one in force', () => {
    expect([check(config), check(config, 6), check(config, 7)]).toEqual([7, 7, 7]);
  });

  it('refuses an answer older than the version in force: a replay', () => {
    expect(() => check(config, 8)).toThrow(expect.objectContaining({ code: 'config_version_old' }));
  });

  it('refuses an answer whose version header was raised on the wire, or is missing', () => {
    const raised = { ...config, headers: { ...config.headers, version: '9' } };
    expect(() => check(raised, 8)).toThrow(expect.objectContaining({ code: 'config_signature_invalid' }));
    const missing = { ...config, headers: { ...config.headers, version: null } };
    expect(() => check(missing)).toThrow(expect.objectContaining({ code: 'config_version_invalid' }));
    const signedWithout = answer({ ratingWindowSeconds: 30 }, 7, 6);
    expect(() => check(signedWithout)).toThrow(expect.objectContaining({ code: 'config_signature_invalid' }));
  });
});

describe('the sync agent pulling a configuration', () => {
  /** What the stand-in centre answers: `replay` is an old answer it sends as it was recorded. */
  const centre = { version: 1, ratingWindowSeconds: 30, heartbeatVersion: 1, replay: null as null | Answer };
  type Answer = ReturnType<typeof answer>;
  const current = () => answer(windowConfig({ ratingWindowSeconds: centre.ratingWindowSeconds }), centre.version);
  let app: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    app = Fastify();
    app.post('/api/v1/devices/enroll', (_request, reply) => {
      const payload = {
        deviceId: DEVICE_ID,
        config: windowConfig({ ratingWindowSeconds: centre.ratingWindowSeconds }),
        configVersion: centre.version,
        centralPublicKey: publicKey,
      };
      const a = answer(payload, centre.version);
      return reply
        .code(201)
        .headers({ [CONFIG_SIGNATURE_HEADER]: a.headers.signature, [CONFIG_VERSION_HEADER]: a.headers.version })
        .type('application/json')
        .send(a.body);
    });
    app.get('/api/v1/device/config', (_request, reply) => {
      const a = centre.replay ?? current();
      return reply
        .headers({ [CONFIG_SIGNATURE_HEADER]: a.headers.signature, [CONFIG_VERSION_HEADER]: a.headers.version })
        .type('application/json')
        .send(a.body);
    });
    app.post('/api/v1/device/heartbeat', async () => ({
      serverTime: new Date().toISOString(),
      configVersion: centre.heartbeatVersion,
    }));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => app.close());

  let dir: ReturnType<typeof tempDir>;
  let kiosk: KioskService;
  let agent: SyncAgent;
  const lines: { msg: string; code?: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as never) });
  beforeEach(async () => {
    Object.assign(centre, { version: 1, ratingWindowSeconds: 30, heartbeatVersion: 1, replay: null });
    lines.length = 0;
    dir = tempDir();
    kiosk = await provisioned(dir.path, windowConfig({ ratingWindowSeconds: 20 }));
    await enrollKiosk(kiosk, dir.path, url, 'ABCD-1234');
    agent = syncAgentFor(kiosk, dir.path, log, { heartbeatMs: 3_600_000 })!;
  });
  afterEach(async () => {
    await agent.stop();
    await kiosk.close();
    dir.remove();
  });
  const rating = () => kiosk.context.settings.get('ratingWindowSeconds');

  it('refuses an older answer replayed after a newer one, and keeps the newer in force', async () => {
    const old = current(); // version 1, 30 s: recorded on the wire
    Object.assign(centre, { version: 2, heartbeatVersion: 2, ratingWindowSeconds: 45 });
    await agent.heartbeat();
    expect([rating(), kiosk.context.settings.get('configVersionInForce')]).toEqual([45, 2]);
    Object.assign(centre, { heartbeatVersion: 3, replay: old });
    await agent.heartbeat();
    expect(lines.find((l) => l.msg.startsWith('CONFIGURATION REFUSED'))).toMatchObject({ code: 'config_version_old' });
    expect([rating(), kiosk.context.settings.get('configVersionInForce')]).toEqual([45, 2]);
    // The real answer, when it comes, is taken.
    Object.assign(centre, { version: 3, ratingWindowSeconds: 50, replay: null });
    await agent.heartbeat();
    expect([rating(), kiosk.context.settings.get('configVersionInForce')]).toEqual([50, 3]);
  });

  it('does not let a heartbeat (unsigned) raise the version in force above what the centre signed', async () => {
    Object.assign(centre, { heartbeatVersion: 1_000_000, version: 2, ratingWindowSeconds: 45 });
    await agent.heartbeat();
    expect(kiosk.context.settings.get('configVersionInForce')).toBe(2);
    Object.assign(centre, { heartbeatVersion: 3, version: 3, ratingWindowSeconds: 50 });
    await agent.heartbeat();
    expect([rating(), kiosk.context.settings.get('configVersionInForce')]).toEqual([50, 3]);
  });
});
