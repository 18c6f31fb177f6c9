/**
 * The QR rating token (issue 17, 第十条(四); docs/channels.md): what the kiosk puts in the QR code it shows after a
 * service nobody rated at the counter, so that the citizen can rate it on a phone, later, while the kiosk is
 * offline. Signed by the device's own Ed25519 key, so the centre can check it with the key it enrolled, before the
 * kiosk's record has arrived. Compact (binary, then base64url), because a QR code's size grows with its text:
 *
 *   version (1) · record id (16) · device id (16) · expires, Unix seconds (4) · item, department, window and staff
 *   codes (each a length byte and UTF-8) · Ed25519 signature (64) over "hcp-qr-v1\0" and everything before it.
 *
 * The staff number is the one on the counter when the service was given: the rating counts for that staff member,
 * as a rating at the counter would.
 *
 * Runs in Node (the kiosk signs, the centre verifies).
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { DEFAULT_SATISFACTION_AFTER_DAYS } from '../shared/satisfaction.js';

const VERSION = 1;
const DOMAIN = Buffer.from('hcp-qr-v1\0');
const SIGNATURE_BYTES = 64;
/** The codes after the expiry: item, department, window, staff. */
const CODES = 4;
/** A token's text is at most this long (the route refuses longer before decoding). */
export const MAX_QR_TOKEN_LENGTH = 400;
/** How long a QR code may be used: the time the 7-day default (第八条) leaves a service to be rated. */
export const QR_TOKEN_DAYS = DEFAULT_SATISFACTION_AFTER_DAYS;

export interface QrToken {
  recordId: string;
  deviceId: string;
  /** When it expires. */
  expiresAt: Date;
  serviceItemCode: string | null;
  departmentCode: string | null;
  windowCode: string | null;
  staffNo: string | null;
}

const uuidBytes = (id: string) => Buffer.from(id.replaceAll('-', ''), 'hex');
const uuidText = (b: Buffer) =>
  [b.subarray(0, 4), b.subarray(4, 6), b.subarray(6, 8), b.subarray(8, 10), b.subarray(10, 16)]
    .map((part) => part.toString('hex'))
    .join('-');

function payloadOf(t: QrToken): Buffer {
  const text = (code: string | null) => {
    const bytes = Buffer.from(code ?? '', 'utf8');
    if (bytes.length > 255) throw new Error('a code in a QR token is at most 255 bytes');
    return Buffer.concat([Buffer.from([bytes.length]), bytes]);
  };
  const expires = Buffer.alloc(4);
  expires.writeUInt32BE(Math.floor(t.expiresAt.getTime() / 1000));
  return Buffer.concat([
    Buffer.from([VERSION]),
    uuidBytes(t.recordId),
    uuidBytes(t.deviceId),
    expires,
    text(t.serviceItemCode),
    text(t.departmentCode),
    text(t.windowCode),
    text(t.staffNo),
  ]);
}

/** The token of `t`, signed with the device's private key. */
export function signQrToken(t: QrToken, privateKey: KeyObject): string {
  const payload = payloadOf(t);
  const signature = sign(null, Buffer.concat([DOMAIN, payload]), privateKey);
  return Buffer.concat([payload, signature]).toString('base64url');
}

/** Why a token was refused, for the page that says so. */
export type QrRefusal = 'malformed' | 'forged' | 'expired' | 'unknown_device' | 'revoked_device';

/** Reads a token without checking its signature (the device it names gives the key): null when malformed. */
export function readQrToken(text: string): { token: QrToken; payload: Buffer; signature: Buffer } | null {
  if (text.length > MAX_QR_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length < 1 + 16 + 16 + 4 + CODES + SIGNATURE_BYTES || bytes[0] !== VERSION) return null;
  const payload = bytes.subarray(0, bytes.length - SIGNATURE_BYTES);
  let at = 37;
  const codes: (string | null)[] = [];
  for (let i = 0; i < CODES; i++) {
    const length = payload[at];
    if (length === undefined || at + 1 + length > payload.length) return null;
    const code = payload.subarray(at + 1, at + 1 + length).toString('utf8');
    codes.push(code === '' ? null : code);
    at += 1 + length;
  }
  if (at !== payload.length) return null;
  return {
    token: {
      recordId: uuidText(payload.subarray(1, 17)),
      deviceId: uuidText(payload.subarray(17, 33)),
      expiresAt: new Date(payload.readUInt32BE(33) * 1000),
      serviceItemCode: codes[0]!,
      departmentCode: codes[1]!,
      windowCode: codes[2]!,
      staffNo: codes[3]!,
    },
    payload,
    signature: bytes.subarray(bytes.length - SIGNATURE_BYTES),
  };
}

/** Whether `read` was signed by the key given (the device's, as enrolled). */
export function qrSignatureHolds(read: { payload: Buffer; signature: Buffer }, publicKey: KeyObject): boolean {
  return verify(null, Buffer.concat([DOMAIN, read.payload]), publicKey, read.signature);
}
