/**
 * The kiosk's side of the signed configuration (src/shared/device-auth.ts): every configuration answer (the
 * enrolment answer, `GET /api/v1/device/config`) must carry `X-HCP-Config-Signature`, an Ed25519 signature under
 * the centre's key the kiosk pinned, over canonicalConfig(its device id, SHA-256 of the exact bytes received).
 * It is checked on the raw bytes before anything in them is trusted. Runs in Node.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { keyFingerprint } from '../../common/key-fingerprint.js';
import { canonicalConfig, CONFIG_SIGNATURE_HEADER } from '../../shared/device-auth.js';

/** A configuration whose signature does not verify (or a key that cannot be pinned): it is not applied. */
export class ConfigSignatureError extends Error {
  override readonly name = 'ConfigSignatureError';
  constructor(
    readonly code: 'config_unsigned' | 'config_signature_invalid' | 'central_key_invalid' | 'central_key_mismatch',
    message: string,
  ) {
    super(message);
  }
}

/** Reads a pinned key (base64 SPKI DER); refuses anything but an Ed25519 public key. */
export function centralKey(spkiBase64: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spkiBase64, 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new ConfigSignatureError('central_key_invalid', 'the central public key is not a base64 SPKI key');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ConfigSignatureError('central_key_invalid', 'the central public key is not an Ed25519 key');
  }
  return key;
}

/** Throws ConfigSignatureError unless `signature` (the header's value) signs `body` for `deviceId` under `pinned`. */
export function verifyConfig(pinned: string, deviceId: string, body: Buffer, signature: string | null): void {
  if (!signature) {
    throw new ConfigSignatureError('config_unsigned', `the configuration answer has no ${CONFIG_SIGNATURE_HEADER}`);
  }
  const digest = createHash('sha256').update(body).digest('hex');
  let ok = false;
  try {
    ok = verify(
      null,
      Buffer.from(canonicalConfig(deviceId, digest)),
      centralKey(pinned),
      Buffer.from(signature, 'base64'),
    );
  } catch (error) {
    if (error instanceof ConfigSignatureError) throw error;
  }
  if (!ok) {
    throw new ConfigSignatureError(
      'config_signature_invalid',
      'the configuration answer is not signed by the central key this kiosk pinned',
    );
  }
}

/** Compares a key with the fingerprint a technician was given (spaces and case do not matter). */
export function matchesFingerprint(spkiBase64: string, expected: string): boolean {
  const norm = (s: string) => s.replace(/[\s:]/g, '').toUpperCase();
  return norm(keyFingerprint(spkiBase64)) === norm(expected);
}
