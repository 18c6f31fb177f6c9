/**
 * The centre's own Ed25519 key, with which it signs every configuration it answers (the enrolment answer and
 * `GET /api/v1/device/config`; src/shared/device-auth.ts `canonicalConfig`). Kiosks pin its public key at
 * enrolment, so nobody on the hall network can rewrite a configuration or its update feed. The private key lives in
 * DATA/central-signing.key (PKCS#8 PEM, mode 0600), made at first start. Runs in Node.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyFingerprint } from '../common/key-fingerprint.js';
import { canonicalConfig } from '../shared/device-auth.js';

export const SIGNING_KEY_FILE = 'central-signing.key';

export class SigningKeyError extends Error {
  override readonly name = 'SigningKeyError';
  readonly code = 'signing_key_invalid';
}

export class CentralSigningKey {
  /** base64 of the public key's SPKI DER encoding (EnrollResponse.centralPublicKey). */
  readonly publicKey: string;

  private constructor(private readonly privateKey: KeyObject) {
    this.publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
  }

  /** A key kept in memory only (tests). */
  static generate(): CentralSigningKey {
    return new CentralSigningKey(generateKeyPairSync('ed25519').privateKey);
  }

  /** DATA/central-signing.key, made (mode 0600) if it is not there yet. */
  static loadOrCreate(dataDir: string): CentralSigningKey {
    const file = join(dataDir, SIGNING_KEY_FILE);
    if (!existsSync(file)) {
      const { privateKey } = generateKeyPairSync('ed25519');
      // 'wx': two centres starting on one folder never overwrite each other's key.
      try {
        writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    chmodSync(file, 0o600);
    return CentralSigningKey.load(dataDir);
  }

  /** DATA/central-signing.key as it is; an error if it is missing or not an Ed25519 key. */
  static load(dataDir: string): CentralSigningKey {
    const file = join(dataDir, SIGNING_KEY_FILE);
    let key: KeyObject;
    try {
      key = createPrivateKey(readFileSync(file));
    } catch (error) {
      throw new SigningKeyError(`${file}: not a readable private key (${(error as Error).message})`);
    }
    if (key.asymmetricKeyType !== 'ed25519') throw new SigningKeyError(`${file}: not an Ed25519 key`);
    return new CentralSigningKey(key);
  }

  /** What a technician compares with the kiosk's pinned key. */
  fingerprint(): string {
    return keyFingerprint(this.publicKey);
  }

  /**
   * The X-HCP-Config-Signature of a configuration answer: over the exact bytes of its body, bound to the device and
   * to the configuration version it is.
   */
  signConfig(deviceId: string, configVersion: number, body: Buffer | string): string {
    const digest = createHash('sha256').update(body).digest('hex');
    return sign(null, Buffer.from(canonicalConfig(deviceId, configVersion, digest)), this.privateKey).toString(
      'base64',
    );
  }
}
