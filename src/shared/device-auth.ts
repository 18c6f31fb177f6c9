/**
 * How a kiosk signs its requests to the central system. Every device request except enrolment carries
 *   X-HCP-Device: <deviceId>, X-HCP-Timestamp: <ms since epoch>, X-HCP-Signature: base64 Ed25519 signature of
 *   METHOD "\n" PATH "\n" TIMESTAMP "\n" hex(SHA-256(body))
 * PATH is the request target as sent, query string included. A request more than 5 minutes off the server's
 * clock, badly signed, or from a revoked device is refused with 401. Runs everywhere (pure).
 */
export const DEVICE_HEADER = 'x-hcp-device';
export const TIMESTAMP_HEADER = 'x-hcp-timestamp';
export const SIGNATURE_HEADER = 'x-hcp-signature';
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export function canonicalRequest(method: string, path: string, timestamp: string, bodySha256Hex: string): string {
  return `${method.toUpperCase()}\n${path}\n${timestamp}\n${bodySha256Hex}`;
}
