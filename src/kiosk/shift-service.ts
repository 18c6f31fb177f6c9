/**
 * Shifts in window mode: staff log in with staff number and PIN against the cached roster, pause (暂停服务) and
 * resume, log out with a summary of counts. Five wrong PINs lock that staff number on this device for five minutes.
 * Every change is a shift event delivered to the central system. Runs in Node.
 */
import { KioskError } from '../shared/kiosk-errors.js';
import type { LoginRequest, ShiftSummary, ShiftView } from '../shared/local-api.js';
import type { ShiftEventRecord } from '../shared/records.js';
import { iso, transact, type KioskContext } from './context.js';
import { uuidv7 } from '../common/ids.js';
import { verifyPin } from '../common/pin-hash.js';
import type { ShiftRow } from './store/shift-repo.js';

export const MAX_FAILED_PINS = 5;
export const LOCKOUT_MS = 5 * 60_000;

export function shiftView(row: ShiftRow): ShiftView {
  return {
    id: row.id,
    staffNo: row.staffNo,
    name: row.staffName,
    since: iso(row.startedAt),
    paused: row.pausedSince !== null,
    pauseReason: row.pauseReason,
  };
}

export class ShiftService {
  constructor(
    private readonly ctx: KioskContext,
    /** True while technician mode's key test is on: no one logs in then (src/kiosk/key-test.ts). */
    private readonly keyTestOn: () => boolean = () => false,
  ) {}

  current(): ShiftRow | undefined {
    return this.ctx.shifts.current();
  }

  async login({ staffNo, pin }: LoginRequest): Promise<ShiftView> {
    const { ctx } = this;
    this.requireWindowMode();
    this.assertNotLocked(staffNo);
    this.assertNoKeyTest();
    if (ctx.shifts.current()) throw new KioskError('shift_open', 'a staff member is already logged in at this window');

    const staff = ctx.roster.staff(staffNo);
    const matches = await verifyPin(pin, staff?.pinHash ?? null);

    // The PIN check yielded to the event loop: decide on the state as it is now.
    if (!matches || !staff) {
      // Count the failure in its own transaction: it must stick even though the login is refused.
      const failure = transact(ctx, () => {
        const now = ctx.now();
        const previous = ctx.roster.lockout(staffNo);
        // A lock that has run out starts the count again.
        const failed = (previous.lockedUntil === null ? previous.failedAttempts : 0) + 1;
        const until = failed >= MAX_FAILED_PINS ? now + LOCKOUT_MS : null;
        ctx.roster.setLockout(staffNo, { failedAttempts: failed, lockedUntil: until });
        ctx.log.info({ staffNo, failed }, 'wrong PIN');
        return { failed, until };
      });
      if (failure.until !== null) throw lockedError(failure.until);
      throw new KioskError('bad_credentials', 'staff number or PIN is wrong', {
        attemptsLeft: MAX_FAILED_PINS - failure.failed,
      });
    }
    // The PIN check yielded: a key test may have started meanwhile (it ends its sessions outside a transaction).
    this.assertNoKeyTest();
    const view = transact(ctx, () => {
      const now = ctx.now();
      this.assertNotLocked(staffNo);
      if (ctx.shifts.current())
        throw new KioskError('shift_open', 'a staff member is already logged in at this window');
      ctx.roster.clearLockout(staffNo);
      const row = {
        id: uuidv7(now),
        staffNo,
        staffName: staff.name,
        windowCode: ctx.settings.get('window')?.code ?? null,
        startedAt: now,
      };
      ctx.shifts.insert(row);
      this.record(row.id, 'login', row.staffNo, null, now);
      return shiftView({ ...row, endedAt: null, pausedSince: null, pauseReason: null });
    });
    ctx.emit({ type: 'shift.started', shift: view });
    return view;
  }

  private assertNoKeyTest(): void {
    if (this.keyTestOn()) {
      throw new KioskError('key_test_on', 'a technician is testing the evaluator keys: log in when the test ends');
    }
  }

  pause(reason: string): ShiftView {
    const { ctx } = this;
    const view = transact(ctx, () => {
      const shift = this.requireShift();
      if (shift.pausedSince !== null) throw new KioskError('paused', 'service is already paused');
      const now = ctx.now();
      ctx.shifts.pause(shift.id, now, reason);
      this.record(shift.id, 'pause', shift.staffNo, reason, now);
      return shiftView({ ...shift, pausedSince: now, pauseReason: reason });
    });
    ctx.emit({ type: 'shift.paused', shift: view });
    return view;
  }

  resume(): ShiftView {
    const { ctx } = this;
    const view = transact(ctx, () => {
      const shift = this.requireShift();
      if (shift.pausedSince === null) throw new KioskError('not_paused', 'service is not paused');
      const now = ctx.now();
      ctx.shifts.resume(shift.id, now);
      this.record(shift.id, 'resume', shift.staffNo, null, now);
      return shiftView({ ...shift, pausedSince: null, pauseReason: null });
    });
    ctx.emit({ type: 'shift.resumed', shift: view });
    return view;
  }

  /** Ends the shift. Refused while an invitation is open: logging out must not be a way to dodge a rating. */
  logout(): ShiftSummary {
    const { ctx } = this;
    const summary = transact(ctx, (): ShiftSummary => {
      const shift = this.requireShift();
      if (ctx.invitations.open()) {
        throw new KioskError('invitation_open', 'an invitation is open: wait for the rating or cancel it first');
      }
      const now = ctx.now();
      ctx.shifts.end(shift.id, now);
      this.record(shift.id, 'logout', shift.staffNo, null, now);
      const counts = ctx.shifts.counts(shift.id);
      return {
        shiftId: shift.id,
        staffNo: shift.staffNo,
        name: shift.staffName,
        since: iso(shift.startedAt),
        until: iso(now),
        invitations: counts.invitations,
        rated: counts.rated,
        unrated: counts.unrated,
        cancelled: counts.cancelled,
        strayPresses: counts.strayPresses,
        pauses: counts.pauses,
        pausedSeconds: Math.round(counts.pausedMs / 1000),
      };
    });
    ctx.emit({ type: 'shift.ended', summary });
    return summary;
  }

  private requireWindowMode(): void {
    const mode = this.ctx.settings.get('mode');
    if (!mode) throw new KioskError('not_provisioned', 'this kiosk has not been set up yet');
    if (mode !== 'window') throw new KioskError('not_window_mode', 'staff log in only on a counter window kiosk');
  }

  private requireShift(): ShiftRow {
    const shift = this.ctx.shifts.current();
    if (!shift) throw new KioskError('no_shift', 'no staff member is logged in');
    return shift;
  }

  private assertNotLocked(staffNo: string): void {
    const { lockedUntil } = this.ctx.roster.lockout(staffNo);
    if (lockedUntil === null) return;
    if (lockedUntil > this.ctx.now()) throw lockedError(lockedUntil);
  }

  private record(shiftId: string, type: ShiftEventRecord['type'], staffNo: string, reason: string | null, at: number) {
    const record: ShiftEventRecord = {
      kind: 'shift_event',
      id: uuidv7(at),
      shiftId,
      type,
      staffNo,
      windowCode: this.ctx.settings.get('window')?.code ?? null,
      reason,
      at: iso(at),
    };
    this.ctx.outbox.append(record, at);
  }
}

function lockedError(until: number): KioskError {
  return new KioskError('locked', 'too many wrong PINs: this staff number is locked on this kiosk for a while', {
    retryAt: iso(until),
  });
}
