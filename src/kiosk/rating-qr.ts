/**
 * The QR code of a service (issue 17, 第十条(四); docs/channels.md): the centre's rating page with a token this
 * kiosk signs with its own device key, so a phone can rate the service while the kiosk is offline. Made from the
 * invitation's row, so the same service always gets the same code (Ed25519 signatures are deterministic): the
 * screen's code and the one the 办件 system prints are one. Runs in Node.
 */
import type { DeviceIdentity } from '../common/device-identity.js';
import { QR_TOKEN_DAYS } from '../common/qr-token.js';
import type { RatingQrView } from '../shared/local-api.js';
import type { InvitationRow } from './store/invitation-repo.js';

const DAY_MS = 86_400_000;

/** `<base>/r/<token>`, keeping any path the base has (a centre behind a prefix). */
export function ratingPageUrl(base: string, token: string): string {
  return new URL(`r/${token}`, base.endsWith('/') ? base : `${base}/`).toString();
}

export function ratingQr(
  row: Pick<InvitationRow, 'id' | 'createdAt' | 'serviceItemCode' | 'departmentCode' | 'windowCode' | 'staffNo'>,
  signer: { identity: DeviceIdentity; centralDeviceId: string; base: string },
): RatingQrView {
  const expiresAt = new Date(row.createdAt + QR_TOKEN_DAYS * DAY_MS);
  const token = signer.identity.signQr({
    recordId: row.id,
    deviceId: signer.centralDeviceId,
    expiresAt,
    serviceItemCode: row.serviceItemCode,
    departmentCode: row.departmentCode,
    windowCode: row.windowCode,
    staffNo: row.staffNo,
  });
  return { url: ratingPageUrl(signer.base, token), expiresAt: expiresAt.toISOString() };
}
