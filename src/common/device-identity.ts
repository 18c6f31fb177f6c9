/**
 * The kiosk's identity towards the central system: an Ed25519 key pair made on the device at enrolment. The centre
 * keeps only the public key; the private key stays in DATA/device-key.pem with mode 0600 (the Electron shell wraps
 * it with the OS key store). Every request is signed as src/shared/device-auth.ts describes. Runs in Node.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalRequest, DEVICE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../shared/device-auth.js';
import { DEVICE_KEY_FILE } from '../shared/kiosk-files.js';
import { signQrToken, type QrToken } from './qr-token.js';

export { DEVICE_KEY_FILE };

export class DeviceIdentity {
  private constructor(private readonly privateKey: KeyObject) {}

  /** Makes a new key pair and keeps the private key in `dataDir` (replacing any earlier one). */
  static create(dataDir: string): DeviceIdentity {
    const identity = DeviceIdentity.generate();
    identity.save(dataDir);
    return identity;
  }

  /** Makes a new key pair in memory only: enrolment saves it once the centre's answer is verified. */
  static generate(): DeviceIdentity {
    return new DeviceIdentity(generateKeyPairSync('ed25519').privateKey);
  }

  /** Keeps the private key in `dataDir` (mode 0600), replacing any earlier one. */
  save(dataDir: string): void {
    const file = join(dataDir, DEVICE_KEY_FILE);
    writeFileSync(file, this.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    chmodSync(file, 0o600);
  }

  /** From a PEM the Electron shell unwrapped from the OS key store. */
  static fromPem(pem: string): DeviceIdentity {
    return new DeviceIdentity(createPrivateKey(pem));
  }

  static load(dataDir: string): DeviceIdentity | null {
    const file = join(dataDir, DEVICE_KEY_FILE);
    if (!existsSync(file)) return null;
    return new DeviceIdentity(createPrivateKey(readFileSync(file)));
  }

  /** base64 of the public key's SPKI DER encoding, as enrolment sends it. */
  publicKey(): string {
    return createPublicKey(this.privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
  }

  /** A QR rating token for one of this kiosk's services (qr-token.ts), signed with its key. */
  signQr(token: QrToken): string {
    return signQrToken(token, this.privateKey);
  }

  /** The headers that sign one request. */
  sign(deviceId: string, method: string, path: string, body: Buffer, now = Date.now()): Record<string, string> {
    const timestamp = String(now);
    const digest = createHash('sha256').update(body).digest('hex');
    const signature = sign(null, Buffer.from(canonicalRequest(method, path, timestamp, digest)), this.privateKey);
    return {
      [DEVICE_HEADER]: deviceId,
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signature.toString('base64'),
    };
  }
}
