/**
 * Records a kiosk delivers to the central system, exactly as they sit in its outbox. Each has a UUIDv7 id made on
 * the device: the idempotency key of sync. Times are device time in ISO 8601 with offset. Personal data (第五条) is
 * never stored in the clear: it travels in `sealed` envelopes that only the device can open.
 * Runs everywhere (pure).
 */
import type { Channel } from './channels.js';
import type { KioskMode } from './device-config.js';
import type { InvitationState } from './local-api.js';
import type { Satisfaction } from './satisfaction.js';

/** Where a press came from. */
export type PressSource = 'serial' | 'keyboard' | 'touch';

/** AES-256-GCM ciphertext under the device data key, base64 of `version | nonce | tag | ciphertext`. */
export interface Sealed {
  sealed: string;
}

/** One invitation and how it ended. `unrated` goes to the centre too: it applies 第八条's 7-day default there. */
export interface EvaluationRecord {
  kind: 'evaluation';
  id: string;
  channel: Channel;
  mode: KioskMode;
  outcome: Exclude<InvitationState, 'open'>;
  satisfaction: Satisfaction | null;
  source: PressSource | null;
  invitedAt: string;
  expiresAt: string;
  endedAt: string;
  shiftId: string | null;
  staffNo: string | null;
  windowCode: string | null;
  departmentCode: string | null;
  serviceItemCode: string | null;
  caseNo: string | null;
  ticketNo: string | null;
  rater: Sealed | null;
  /** The technician's local key map, when one was in force (it overrides the centre's). */
  localKeyMap?: Satisfaction[] | null;
  /** Set when the kiosk's catalogue lacked `serviceItemCode`: the citizen saw a neutral 政务服务 instead. */
  unknownItem?: true;
}

/** What a rater added after a 差评: reason tags, a callback number for the return visit (第十四条), a comment. */
export interface FollowUpRecord {
  kind: 'followup';
  id: string;
  evaluationId: string;
  reasonTags: string[];
  callbackPhone: Sealed | null;
  comment: string | null;
  at: string;
}

export interface ShiftEventRecord {
  kind: 'shift_event';
  id: string;
  shiftId: string;
  type: 'login' | 'pause' | 'resume' | 'logout';
  staffNo: string;
  windowCode: string | null;
  reason: string | null;
  at: string;
}

/** A key pressed with no invitation open (第四条): logged for audit, never counted as a rating. */
export interface StrayPressRecord {
  kind: 'stray_press';
  id: string;
  satisfaction: Satisfaction;
  key: number | null;
  source: PressSource;
  shiftId: string | null;
  staffNo: string | null;
  at: string;
  /** The technician's local key map, when one was in force (it overrides the centre's). */
  localKeyMap?: Satisfaction[] | null;
}

/**
 * How a key test ended: the technician ended it, it ran out (a key test ends by itself after
 * KEY_TEST_MAX_MS), or its screen went away (closed).
 */
export const KEY_TEST_END_REASONS = ['technician', 'timeout', 'closed'] as const;
export type KeyTestEndReason = (typeof KEY_TEST_END_REASONS)[number];
/** A key test ends by itself after this long, so a forgotten one never blocks the counter. */
export const KEY_TEST_MAX_MS = 2 * 60_000;

/** One key-test session in technician mode: its presses were never ratings, so the session itself is on record. */
export interface KeyTestRecord {
  kind: 'key_test';
  id: string;
  startedAt: string;
  endedAt: string;
  endedBy: KeyTestEndReason;
  presses: number;
}

export type SyncRecord = EvaluationRecord | FollowUpRecord | ShiftEventRecord | StrayPressRecord | KeyTestRecord;
export type SyncRecordKind = SyncRecord['kind'];
