/**
 * A kiosk enrolled before this version's TLS and signing rules does not fail quietly: the status (staff panel,
 * technician mode, local API) names why it delivers nothing (`insecure_url`) or takes no configuration
 * (`no_central_key`), and says what to do.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceIdentity } from '../../common/device-identity.js';
import { silentLogger } from '../../common/logger.js';
import type { KioskService } from '../kiosk-service.js';
import { syncAgentFor } from '../run-kiosk.js';
import { centralPublicKey, provisioned, tempDir } from '../test-support/fixtures.js';
import { centralStatus } from './central-state.js';
import type { SyncAgent } from './sync-agent.js';

const DEVICE_ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const publicKey = centralPublicKey;

let dir: ReturnType<typeof tempDir>;
let kiosk: KioskService;
let agent: SyncAgent | null = null;
beforeEach(async () => {
  dir = tempDir();
  kiosk = await provisioned(dir.path);
  DeviceIdentity.generate().save(dir.path);
});
afterEach(async () => {
  await agent?.stop();
  agent = null;
  await kiosk.close();
  dir.remove();
});

/** Enrolled as an older version left it: the URL it was enrolled with, and maybe no pinned key. */
function enrolledBefore(centralUrl: string, pinned: boolean): void {
  kiosk.context.settings.set('enrolment', { centralUrl, deviceId: DEVICE_ID, enrolledAt: new Date().toISOString() });
  if (pinned) kiosk.context.settings.set('centralPublicKey', publicKey());
}

describe('the central state of an upgraded kiosk', () => {
  it('is insecure_url, not not_enrolled, when it was enrolled over plain http and delivery cannot start', () => {
    enrolledBefore('http://hcp.hall.example:8720', false);
    expect(syncAgentFor(kiosk, dir.path, silentLogger)).toBeNull();
    const central = kiosk.status().central;
    expect(central.state).toBe('insecure_url');
    expect(central.lastError).toMatch(/plain http.*http:\/\/hcp\.hall\.example:8720.*enrol again over https/i);
  });

  it('is no_central_key when no centre key is pinned, though delivery runs', () => {
    enrolledBefore('http://127.0.0.1:1', false);
    agent = syncAgentFor(kiosk, dir.path, silentLogger, { heartbeatMs: 60_000 })!;
    expect(agent).not.toBeNull();
    kiosk.attachSync(agent);
    const central = kiosk.status().central;
    expect(central.state).toBe('no_central_key');
    expect(central.lastError).toMatch(/hcp kiosk provision --central-key/);
  });

  it('is the agent’s own once the key is pinned, and not_enrolled before any enrolment', () => {
    expect(kiosk.status().central).toEqual({ state: 'not_enrolled', lastError: null, lastReconciledAt: null });
    enrolledBefore('https://hcp.hall.example', true);
    const online = {
      state: 'online',
      lastError: null,
      lastDeliveredAt: null,
      clockOffsetMs: 0,
      lastReconciledAt: null,
    };
    expect(centralStatus(kiosk.context, { ...online, state: 'online' }).state).toBe('online');
    expect(centralStatus(kiosk.context, { ...online, state: 'offline', lastError: 'down' })).toMatchObject({
      state: 'offline',
      lastError: 'down',
    });
    // With --insecure-http the agent runs: its own state, not insecure_url.
    enrolledBefore('http://hcp.hall.example', true);
    expect(centralStatus(kiosk.context, { ...online, state: 'online' }).state).toBe('online');
  });
});
