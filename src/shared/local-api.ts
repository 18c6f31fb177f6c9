/**
 * The kiosk's local HTTP API (for the hall's business and queue systems): request bodies and response shapes.
 * Validation is strict: unknown fields, wrong types and out-of-range values are refused, never dropped or coerced.
 * Runs everywhere (pure).
 */
import { z } from 'zod';
import type { KioskMode } from './device-config.js';
import { PIN_PATTERN } from './device-config.js';

export const LOCAL_API_DEFAULT_PORT = 8710;
export const LOCAL_API_PREFIX = '/api/v1';

const text = (max: number) => z.string().trim().min(1).max(max);

export const LoginRequest = z.strictObject({
  staffNo: text(64),
  pin: z.string().regex(PIN_PATTERN, '4 to 8 digits'),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const PauseRequest = z.strictObject({ reason: text(100) });
export type PauseRequest = z.infer<typeof PauseRequest>;

/** 第五条: who rated. Encrypted at rest, never returned by any API, never logged. */
export const RaterIdentity = z.strictObject({
  name: text(64).optional(),
  idNumber: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z]{6,32}$/, '6 to 32 letters or digits')
    .optional(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9-]{5,20}$/, 'digits, optionally with + and -')
    .optional(),
});
export type RaterIdentity = z.infer<typeof RaterIdentity>;

export const InvitationRequest = z.strictObject({
  serviceItemCode: text(64).optional(),
  /** 办件编号 */
  caseNo: text(64).optional(),
  /** Queue ticket number. */
  ticketNo: text(32).optional(),
  rater: RaterIdentity.optional(),
});
export type InvitationRequest = z.infer<typeof InvitationRequest>;

export const INVITATION_STATES = ['open', 'rated', 'unrated', 'cancelled'] as const;
export type InvitationState = (typeof INVITATION_STATES)[number];

/** What a caller learns of an invitation. The level is deliberately absent (the counter must not learn it). */
export interface InvitationView {
  id: string;
  state: InvitationState;
  expiresAt: string;
}

/** The QR code of a service not rated at the counter, for the 办件 system to print on the receipt. */
export interface RatingQrView {
  /** The centre's rating page for this service: `<url>/r/<token>`, the token signed by this kiosk's device key. */
  url: string;
  /** When the code stops working: 7 days after the service (the 7-day default takes over then). */
  expiresAt: string;
}

export interface ShiftView {
  id: string;
  staffNo: string;
  name: string;
  since: string;
  paused: boolean;
  pauseReason: string | null;
}

/** Counts only: who rated what stays private (第五条). */
export interface ShiftSummary {
  shiftId: string;
  staffNo: string;
  name: string;
  since: string;
  until: string;
  invitations: number;
  rated: number;
  unrated: number;
  cancelled: number;
  strayPresses: number;
  pauses: number;
  pausedSeconds: number;
}

export type EvaluatorState = 'none' | 'connected' | 'disconnected' | 'not_responding';

export interface EvaluatorStatus {
  state: EvaluatorState;
  kind: 'serial' | 'keyboard' | 'touch' | null;
  model?: string;
  firmware?: string;
  serial?: string;
}

export interface QueueStatus {
  pending: number;
  quarantined: number;
  oldestPendingAt: string | null;
}

export interface StatusView {
  mode: KioskMode | null;
  version: string;
  deviceId: string;
  /** `centralDeviceId`: this kiosk's id at the central system, once enrolled. */
  enrolment: { enrolled: boolean; provisioned: boolean; centralDeviceId: string | null };
  window: { code: string; name: string } | null;
  department: { code: string; name: string } | null;
  shift: ShiftView | null;
  invitation: InvitationView | null;
  evaluator: EvaluatorStatus;
  queue: QueueStatus;
  /**
   * `lastReconciledAt`: when the last reconciliation with the centre succeeded (ISO), null if never. `state`
   * `insecure_url`: enrolled over plain http off this machine, nothing is delivered; `no_central_key`: no centre key
   * pinned, every configuration is refused (kiosks enrolled before signed configurations; docs/install.md).
   * `lastError` says what to do.
   */
  central: {
    state: 'not_enrolled' | 'online' | 'offline' | 'insecure_url' | 'no_central_key';
    lastError: string | null;
    lastReconciledAt: string | null;
  };
  storage: { full: boolean };
}

/** Error body of every non-2xx answer. */
export interface ApiErrorBody {
  error: string;
  message: string;
  [detail: string]: unknown;
}
