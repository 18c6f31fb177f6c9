/**
 * What the kiosk pins itself (the centre's key, the update origins): a pinned centre key is never swapped silently,
 * only from the command line with an explicit --replace-central-key, and never by a provision file.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyFingerprint } from '../../common/key-fingerprint.js';
import type { KioskService } from '../kiosk-service.js';
import { centralPublicKey, provisioned, technicianFor, tempDir, windowConfig } from '../test-support/fixtures.js';
import { applyLocalPins, checkLocalPins } from './local-pins.js';

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

describe('the pinned centre key', () => {
  it('is pinned when none is, and given again unchanged without a word', () => {
    const key = publicKey();
    applyLocalPins(kiosk.context, { centralPublicKey: key });
    applyLocalPins(kiosk.context, { centralPublicKey: key });
    expect(kiosk.context.settings.get('centralPublicKey')).toBe(key);
  });

  it('refuses a different key, naming both fingerprints, and changes nothing', () => {
    const pinned = publicKey();
    const other = publicKey();
    applyLocalPins(kiosk.context, { centralPublicKey: pinned, updateOrigins: ['https://updates.example'] });
    let refusal: unknown;
    try {
      applyLocalPins(kiosk.context, { centralPublicKey: other, updateOrigins: ['https://evil.example'] });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ name: 'LocalPinError', code: 'central_key_mismatch' });
    expect((refusal as Error).message).toContain(keyFingerprint(pinned));
    expect((refusal as Error).message).toContain(keyFingerprint(other));
    expect((refusal as Error).message).toMatch(/--replace-central-key/);
    expect(() => checkLocalPins(kiosk.context, { centralPublicKey: other })).toThrow(/central key/);
    expect(kiosk.context.settings.get('centralPublicKey')).toBe(pinned);
    expect(kiosk.context.settings.get('updateOrigins')).toEqual(['https://updates.example']);
  });

  it('is replaced only when the command line says --replace-central-key', () => {
    const pinned = publicKey();
    const next = publicKey();
    applyLocalPins(kiosk.context, { centralPublicKey: pinned });
    applyLocalPins(kiosk.context, { centralPublicKey: next }, { replaceCentralKey: true });
    expect(kiosk.context.settings.get('centralPublicKey')).toBe(next);
  });

  it('is not replaced by technician mode’s provision file', async () => {
    const pinned = publicKey();
    applyLocalPins(kiosk.context, { centralPublicKey: pinned });
    const tech = technicianFor(kiosk, dir.path);
    const file = { ...windowConfig(), centralPublicKey: publicKey() };
    await expect(tech.provision(file)).rejects.toMatchObject({ code: 'central_key_mismatch' });
    expect(kiosk.context.settings.get('centralPublicKey')).toBe(pinned);
  });
});
