/**
 * Errors the kiosk service raises on purpose, each with a stable code. The local API maps a code to an HTTP status;
 * the UI maps it to a sentence in the user's language. Runs everywhere (pure).
 */
export const KIOSK_ERROR_CODES = [
  'invalid_request',
  'not_found',
  'not_provisioned',
  'not_window_mode',
  'bad_credentials',
  'locked',
  'shift_open',
  'no_shift',
  'paused',
  'not_paused',
  'invitation_open',
  /** Technician mode's key test is on: no invitation opens and no one logs in until it ends. */
  'key_test_on',
  'invitation_closed',
  'followup_not_allowed',
  'unknown_reason_tag',
  'storage_full',
  /** A provision file names another centre's signing key than the one this kiosk pinned. */
  'central_key_mismatch',
  /** No QR code for this invitation: it was rated or cancelled, or the kiosk is not enrolled with a centre. */
  'no_qr_code',
] as const;

export type KioskErrorCode = (typeof KIOSK_ERROR_CODES)[number];

export class KioskError extends Error {
  override readonly name = 'KioskError';
  constructor(
    readonly code: KioskErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
