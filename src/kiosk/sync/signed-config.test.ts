/**
 * The kiosk's side of item 9 and 6 against a small stand-in centre (Fastify on loopback, its own Ed25519 key):
 * enrolment pins the centre's key and refuses an answer not signed by it (or by a key other than the one the
 * technician was told); every configuration pulled later must verify under the pinned key, else the previous one
 * stays; plain http off loopback is refused without --insecure-http; the last reconciliation is in the status and
 * the heartbeat, and a kiosk whose last one is more than a day old reconciles at start.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../common/ids.js';
import { keyFingerprint } from '../../common/key-fingerprint.js';
import { tallyOf } from '../../common/tally.js';
import { canonicalConfig, CONFIG_SIGNATURE_HEADER, CONFIG_VERSION_HEADER } from '../../shared/device-auth.js';
import type { SyncRecord } from '../../shared/records.js';
import type { KioskService } from '../kiosk-service.js';
import { syncAgentFor } from '../run-kiosk.js';
import { provisioned, tempDir, windowConfig } from '../test-support/fixtures.js';
import { enrollKiosk } from './enroll.js';
import type { SyncAgent } from './sync-agent.js';
import { waitFor } from '../../common/test-support/wait-for.js';

const DEVICE_ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

function keyPair(): { privateKey: KeyObject; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
}

const centreKey = keyPair();
const otherKey = keyPair();

/** What the stand-in centre answers, and what it was told. */
const centre = {
  signWith: centreKey.privateKey,
  /** Sign for this device id (another device's configuration replayed to this one when it differs). */
  signFor: DEVICE_ID,
  /** Change the body after signing it (a rewrite on the wire). */
  tamper: false,
  unsigned: false,
  configVersion: 1,
  ratingWindowSeconds: 30,
  heartbeats: [] as Record<string, unknown>[],
  tallies: 0,
};

function signed(body: string): { body: string; signature: string } {
  const digest = createHash('sha256').update(body).digest('hex');
  const canonical = canonicalConfig(centre.signFor, centre.configVersion, digest);
  const signature = sign(null, Buffer.from(canonical), centre.signWith).toString('base64');
  return { body: centre.tamper ? body.replace('"ratingWindowSeconds":', '"ratingWindowSeconds": ') : body, signature };
}

let app: FastifyInstance;
let url: string;
beforeAll(async () => {
  app = Fastify();
  const sendSigned = (reply: FastifyReply, status: number, payload: unknown) => {
    const { body, signature } = signed(JSON.stringify(payload));
    if (!centre.unsigned) void reply.header(CONFIG_SIGNATURE_HEADER, signature);
    void reply.header(CONFIG_VERSION_HEADER, String(centre.configVersion));
    return reply.code(status).type('application/json').send(body);
  };
  const config = () => windowConfig({ ratingWindowSeconds: centre.ratingWindowSeconds });
  app.post('/api/v1/devices/enroll', (_request, reply) =>
    sendSigned(reply, 201, {
      deviceId: DEVICE_ID,
      config: config(),
      configVersion: centre.configVersion,
      centralPublicKey: centreKey.publicKey,
    }),
  );
  app.get('/api/v1/device/config', (_request, reply) => sendSigned(reply, 200, config()));
  app.post('/api/v1/device/heartbeat', async (request) => {
    centre.heartbeats.push(request.body as Record<string, unknown>);
    return { serverTime: new Date().toISOString(), configVersion: centre.configVersion };
  });
  app.get('/api/v1/device/tally', async (request) => {
    centre.tallies++;
    const day = (request.query as { day: string }).day;
    return tallyOf(day, []);
  });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => app.close());

let dir: ReturnType<typeof tempDir>;
let kiosk: KioskService;
let agent: SyncAgent | null = null;
const lines: { level: number; msg: string; code?: string }[] = [];
const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as never) });

beforeEach(async () => {
  Object.assign(centre, {
    signWith: centreKey.privateKey,
    signFor: DEVICE_ID,
    tamper: false,
    unsigned: false,
    configVersion: 1,
    ratingWindowSeconds: 30,
    heartbeats: [],
    tallies: 0,
  });
  lines.length = 0;
  dir = tempDir();
  kiosk = await provisioned(dir.path, windowConfig({ ratingWindowSeconds: 20 }));
});
afterEach(async () => {
  await agent?.stop();
  agent = null;
  await kiosk.close();
  dir.remove();
});

function startAgent(): SyncAgent {
  agent = syncAgentFor(kiosk, dir.path, log, { heartbeatMs: 100, minBackoffMs: 50, maxBackoffMs: 100 })!;
  kiosk.attachSync(agent);
  return agent;
}

describe('enrolment', () => {
  it('pins the centre key from a signed answer, and checks it against the fingerprint the technician has', async () => {
    const result = await enrollKiosk(kiosk, dir.path, url, 'ABCD-1234', {
      centralFingerprint: keyFingerprint(centreKey.publicKey).toLowerCase(),
    });
    expect(result.deviceId).toBe(DEVICE_ID);
    expect(kiosk.context.settings.get('centralPublicKey')).toBe(centreKey.publicKey);
    expect(kiosk.context.settings.get('ratingWindowSeconds')).toBe(30);
  });

  it('refuses an answer unsigned, rewritten on the way, signed by another key, or not matching the fingerprint', async () => {
    const refused = async (code: string, options = {}) => {
      await expect(enrollKiosk(kiosk, dir.path, url, 'ABCD-1234', options)).rejects.toMatchObject({ code });
      expect(kiosk.context.settings.get('enrolment')).toBeUndefined();
      expect(kiosk.context.settings.get('ratingWindowSeconds')).toBe(20);
      expect(existsSync(join(dir.path, 'device-key.pem'))).toBe(false); // no key pair kept for a refused answer
    };
    centre.unsigned = true;
    await refused('config_unsigned');
    centre.unsigned = false;
    centre.tamper = true;
    await refused('config_signature_invalid');
    centre.tamper = false;
    centre.signWith = otherKey.privateKey;
    await refused('config_signature_invalid');
    centre.signWith = centreKey.privateKey;
    await refused('central_key_mismatch', { centralFingerprint: keyFingerprint(otherKey.publicKey) });
  });

  it('refuses to enrol anew while records of the current enrolment wait or are quarantined, unless forced (loudly)', async () => {
    await enrollKiosk(kiosk, dir.path, url, 'ABCD-1234');
    const first = kiosk.context.settings.get('enrolment')!;
    const at = Date.now();
    kiosk.context.outbox.append({ kind: 'evaluation', id: uuidv7(at) } as SyncRecord, at);
    kiosk.context.outbox.append({ kind: 'evaluation', id: uuidv7(at + 1) } as SyncRecord, at);
    kiosk.context.outbox.quarantine(kiosk.context.outbox.pending(1)[0]!.seq, 'scope_window: test', at);
    const refusal = enrollKiosk(kiosk, dir.path, url, 'EFGH-5678', { log });
    await expect(refusal).rejects.toMatchObject({ name: 'EnrolmentError', code: 'records_waiting' });
    await expect(refusal).rejects.toThrow(/2 record\(s\).*1 waiting, 1 quarantined.*deliver them first.*quarantine/);
    expect(kiosk.context.settings.get('enrolment')).toEqual(first); // nothing changed

    lines.length = 0;
    await enrollKiosk(kiosk, dir.path, url, 'EFGH-5678', { force: true, log });
    expect(kiosk.context.settings.get('enrolment')!.enrolledAt >= first.enrolledAt).toBe(true);
    const warning = lines.find((l) => l.code === 'records_waiting');
    expect(warning?.level).toBe(40);
    expect(warning?.msg).toMatch(/--force.*delivered under the new enrolment.*may reject them/);
  });

  it('enrols a kiosk never enrolled whatever its outbox holds, and an enrolled one whose outbox is empty', async () => {
    const at = Date.now();
    kiosk.context.outbox.append({ kind: 'evaluation', id: uuidv7(at) } as SyncRecord, at);
    await enrollKiosk(kiosk, dir.path, url, 'ABCD-1234');
    kiosk.context.outbox.markDelivered([kiosk.context.outbox.pending(1)[0]!.seq], at);
    await enrollKiosk(kiosk, dir.path, url, 'EFGH-5678');
  });

  it('refuses plain http off this machine unless --insecure-http is given', async () => {
    await expect(enrollKiosk(kiosk, dir.path, 'http://hcp.hall.example', 'ABCD-1234')).rejects.toMatchObject({
      code: 'insecure_url',
    });
    await expect(
      enrollKiosk(kiosk, dir.path, 'http://10.0.0.9:1', 'ABCD-1234', { insecureHttp: true }),
    ).rejects.toMatchObject({ code: 'central_unreachable' });
  });
});

describe('configuration pulled from the centre', () => {
  beforeEach(async () => {
    await enrollKiosk(kiosk, dir.path, url, 'ABCD-1234');
  });

  it('is applied when it verifies under the pinned key', async () => {
    startAgent();
    centre.ratingWindowSeconds = 45;
    centre.configVersion = 2;
    await waitFor('the new configuration', () => kiosk.context.settings.get('ratingWindowSeconds') === 45);
  });

  it('is refused, loudly, and the previous one stays, when rewritten, signed by another key or for another device', async () => {
    for (const fault of ['tamper', 'otherKey', 'otherDevice'] as const) {
      lines.length = 0;
      centre.tamper = fault === 'tamper';
      centre.signWith = fault === 'otherKey' ? otherKey.privateKey : centreKey.privateKey;
      centre.signFor = fault === 'otherDevice' ? '0190a1b2-c3d4-7e5f-8a9b-000000000000' : DEVICE_ID;
      centre.ratingWindowSeconds = 60;
      centre.configVersion++;
      agent ??= startAgent();
      await agent.heartbeat();
      const refusal = lines.find((l) => l.msg.startsWith('CONFIGURATION REFUSED'));
      expect(refusal, fault).toMatchObject({ level: 50, code: 'config_signature_invalid' });
      expect(kiosk.context.settings.get('ratingWindowSeconds'), fault).toBe(30);
    }
  });
});

describe('reconciliation at start and in the status', () => {
  beforeEach(async () => {
    await enrollKiosk(kiosk, dir.path, url, 'ABCD-1234');
  });

  it('reconciles at start when the last reconciliation is more than a day old, and reports when it did', async () => {
    const old = new Date(Date.now() - 25 * 3600_000).toISOString();
    kiosk.context.db
      .prepare("INSERT INTO settings (key, value) VALUES ('lastReconciledAt', ?), ('lastPrunedAt', ?)")
      .run(JSON.stringify(old), JSON.stringify(new Date().toISOString()));
    const started = startAgent();
    expect(started.upkeepTask.stats()).toMatchObject({ runs: 1, lastReason: 'stale at start' });
    await waitFor('a reconciliation', () => kiosk.status().central.lastReconciledAt !== old);
    expect(centre.tallies).toBeGreaterThan(0);
    const at = kiosk.status().central.lastReconciledAt!;
    expect(Date.parse(at)).toBeGreaterThan(Date.parse(old));
    await waitFor('a heartbeat carrying it', () => centre.heartbeats.some((h) => h.lastReconciledAt === at));
  });

  it('does not reconcile at start when the last one is fresh', async () => {
    const fresh = new Date(Date.now() - 3600_000).toISOString();
    kiosk.context.db
      .prepare("INSERT INTO settings (key, value) VALUES ('lastReconciledAt', ?), ('lastPrunedAt', ?)")
      .run(JSON.stringify(fresh), JSON.stringify(fresh));
    const started = startAgent();
    // The task counts a run when it begins, so a run started in the background at start would be seen right here.
    expect(started.upkeepTask.stats()).toEqual({ runs: 0, lastReason: null, lastOutcome: null });
    await waitFor('a heartbeat', () => centre.heartbeats.length >= 1);
    expect(started.upkeepTask.stats().runs).toBe(0);
    expect(centre.heartbeats.at(-1)!.lastReconciledAt).toBe(fresh);
  });
});
