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

/**
 * The centre signs every configuration it answers (the enrolment answer and `GET /api/v1/device/config`) with its
 * own Ed25519 key, so that nobody on the hall network can rewrite a kiosk's configuration or its update feed:
 *   X-HCP-Config-Version: the configuration version the answer is (decimal)
 *   X-HCP-Config-Signature: base64 Ed25519 signature of canonicalConfig(deviceId, version, hex(SHA-256(body)))
 * over the exact bytes of the response body. Binding the device id stops one kiosk's configuration (another window,
 * another department) being replayed to another; binding the version lets the kiosk refuse an older answer of its
 * own replayed after a newer one (a roster with a dismissed member, an old update feed). The kiosk verifies it under
 * the key it pinned at enrolment or provisioning and refuses the configuration otherwise.
 */
export const CONFIG_SIGNATURE_HEADER = 'x-hcp-config-signature';
export const CONFIG_VERSION_HEADER = 'x-hcp-config-version';

export function canonicalConfig(deviceId: string, configVersion: number, bodySha256Hex: string): string {
  return `hcp-config\n${deviceId}\n${configVersion}\n${bodySha256Hex}`;
}
