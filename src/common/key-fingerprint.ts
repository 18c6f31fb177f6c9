/**
 * A public key's fingerprint as people compare it: the SHA-256 of its SPKI DER encoding, the first 128 bits in
 * upper-case hex groups of four (`3F2A 9C01 …`, eight groups). The centre prints its own (`hcp central key`) and a
 * kiosk shows the one it pinned, so a technician can read one against the other. Runs in Node.
 */
import { createHash } from 'node:crypto';

export function keyFingerprint(spkiDerBase64: string): string {
  const hex = createHash('sha256').update(Buffer.from(spkiDerBase64, 'base64')).digest('hex').slice(0, 32);
  return hex.toUpperCase().match(/.{4}/g)!.join(' ');
}
