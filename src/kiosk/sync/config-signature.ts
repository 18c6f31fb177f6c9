/**
 * The kiosk's side of the signed configuration (src/shared/device-auth.ts): every configuration answer (the
 * enrolment answer, `GET /api/v1/device/config`) must carry `X-HCP-Config-Signature`, an Ed25519 signature under
 * the centre's key the kiosk pinned, over canonicalConfig(its device id, the answer's X-HCP-Config-Version, SHA-256
 * of the exact bytes received). It is checked on the raw bytes before anything in them is trusted, and a version
 * older than the one in force (settings `configVersionInForce`) is refused: an old answer of the centre's own,
 * replayed, would bring back a dismissed staff member's PIN or an old update feed. Runs in Node.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { keyFingerprint } from '../../common/key-fingerprint.js';
import { canonicalConfig, CONFIG_SIGNATURE_HEADER, CONFIG_VERSION_HEADER } from '../../shared/device-auth.js';

/** A configuration whose signature does not verify (or a key that cannot be pinned): it is not applied. */
export class ConfigSignatureError extends Error {
  override readonly name = 'ConfigSignatureError';
  constructor(
    readonly code:
      | 'config_unsigned'
      | 'config_signature_invalid'
      | 'config_version_invalid'
      | 'config_version_old'
      | 'central_key_invalid'
      | 'central_key_mismatch',
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

/** The signature headers of a configuration answer, as received (null when absent). */
export interface ConfigHeaders {
  signature: string | null;
  version: string | null;
}

/**
 * Throws ConfigSignatureError unless `headers.signature` signs `body` for `deviceId` and `headers.version` under
 * `pinned`, and that version is not older than `inForce` (the version of the configuration applied last; absent
 * before the first). Returns the version, to be kept as the one in force once the configuration is applied.
 */
export function verifyConfig(
  pinned: string,
  deviceId: string,
  body: Buffer,
  headers: ConfigHeaders,
  inForce?: number,
): number {
  const { signature } = headers;
  if (!signature) {
    throw new ConfigSignatureError('config_unsigned', `the configuration answer has no ${CONFIG_SIGNATURE_HEADER}`);
  }
  if (!headers.version || !/^\d{1,15}$/.test(headers.version)) {
    throw new ConfigSignatureError(
      'config_version_invalid',
      `the configuration answer has no ${CONFIG_VERSION_HEADER}, or not a version number`,
    );
  }
  const version = Number(headers.version);
  const digest = createHash('sha256').update(body).digest('hex');
  let ok = false;
  try {
    ok = verify(
      null,
      Buffer.from(canonicalConfig(deviceId, version, digest)),
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
  if (inForce !== undefined && version < inForce) {
    throw new ConfigSignatureError(
      'config_version_old',
      `the configuration answer is version ${version}, older than version ${inForce} in force: a replay`,
    );
  }
  return version;
}

/** Compares a key with the fingerprint a technician was given (spaces and case do not matter). */
export function matchesFingerprint(spkiBase64: string, expected: string): boolean {
  const norm = (s: string) => s.replace(/[\s:]/g, '').toUpperCase();
  return norm(keyFingerprint(spkiBase64)) === norm(expected);
}
