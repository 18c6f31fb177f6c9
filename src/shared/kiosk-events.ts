/**
 * What the kiosk service tells its inputs (the serial evaluator, the citizen screen) as things happen. Events carry
 * what a rater-facing device shows, never who rated what. Runs everywhere (pure).
 */
import type { ShiftSummary, ShiftView } from './local-api.js';
import type { KeyTestEndReason, PressSource } from './records.js';

export interface OpenedInvitation {
  id: string;
  expiresAt: string;
  /** Seconds the rater has, rounded up. */
  seconds: number;
  serviceItem: { code: string; name: string | null } | null;
  caseNo: string | null;
}

export type KioskEvent =
  | { type: 'shift.started'; shift: ShiftView }
  | { type: 'shift.paused'; shift: ShiftView }
  | { type: 'shift.resumed'; shift: ShiftView }
  | { type: 'shift.ended'; summary: ShiftSummary }
  | { type: 'invitation.opened'; invitation: OpenedInvitation }
  /**
   * `followUpUntil` is set after a 差评: the rater may add reasons and a callback number until then. Only the
   * rater's own screen acts on it; the staff panel and the local API never see how an invitation was rated.
   */
  | { type: 'invitation.rated'; id: string; source: PressSource; followUpUntil: string | null }
  /** What the staff panel is told instead of `invitation.rated`: it was rated, not how. */
  | { type: 'invitation.done'; id: string }
  | { type: 'invitation.expired'; id: string }
  | { type: 'invitation.cancelled'; id: string }
  | { type: 'press.stray'; source: PressSource }
  /** Technician mode's key test: a key arrived and was not recorded (only technician screens are told). */
  | { type: 'evaluator.key'; key: number | null; level: number; source: PressSource }
  /** A key-test session ended (only technician screens are told): by the technician, by its time running out, or closed. */
  | { type: 'keytest.ended'; id: string; endedBy: KeyTestEndReason }
  | { type: 'config.changed' };
