/** Technician mode's service: what a provision file loaded there may and may not change. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KioskService } from './kiosk-service.js';
import { centralPublicKey, provisioned, technicianFor, tempDir, windowConfig } from './test-support/fixtures.js';

const publicKey = centralPublicKey;

let dir: ReturnType<typeof tempDir>;
let kiosk: KioskService;
beforeEach(async () => {
  dir = tempDir();
  kiosk = await provisioned(dir.path);
});
afterEach(async () => {
  await kiosk.close();
  dir.remove();
});

describe('technician mode: provision file', () => {
  it('refuses a file naming another centre’s key before applying any of it: the hall configuration stays', async () => {
    kiosk.applyLocalPins({ centralPublicKey: publicKey() });
    const tech = technicianFor(kiosk, dir.path);
    const file = { ...windowConfig({ window: { code: 'W99', name: '99号窗口' } }), centralPublicKey: publicKey() };
    await expect(tech.provision(file)).rejects.toMatchObject({ name: 'KioskError', code: 'central_key_mismatch' });
    expect(kiosk.status().window).toEqual({ code: 'W01', name: '1号窗口' });
  });

  it('pins the update origins a provision file names, through the service', async () => {
    const tech = technicianFor(kiosk, dir.path);
    await tech.provision({ ...windowConfig(), updateOrigins: ['https://updates.example/feed'] });
    expect(kiosk.updateOrigins()).toEqual(['https://updates.example']);
  });
});
