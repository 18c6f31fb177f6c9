/**
 * Evaluation sessions. An invitation is one rating opportunity: in window mode (一次一评, 第九条) it needs a
 * logged-in, unpaused staff member; in terminal mode (一事一评) it needs none. One is open at a time, and it ends
 * exactly once: `rated` (the first valid press wins), `unrated` (its rating window ran out; the centre applies
 * 第八条's 7-day default) or `cancelled`. A press with no invitation open is a stray press (第四条): logged for
 * audit, never a rating. After a 差评 the rater may add a follow-up within 60 s.
 *
 * Durability contract: `press` returns only after the rating and its outbox row have committed together, so an
 * input may acknowledge the press to the rater (the evaluator's ACK, the screen's thanks) as soon as it returns.
 * Runs in Node.
 */
import { RATING_WINDOW_SECONDS } from '../shared/device-config.js';
import { DEFAULT_KEY_MAP, type KeyMapInForce } from '../shared/key-map.js';
import { KioskError } from '../shared/kiosk-errors.js';
import type { InvitationRequest, InvitationView } from '../shared/local-api.js';
import type { EvaluationRecord, FollowUpRecord, PressSource, StrayPressRecord } from '../shared/records.js';
import { isBadRating, type Satisfaction } from '../shared/satisfaction.js';
import type { FollowUpRequest } from '../shared/ui-contract.js';
import { hasRoom, iso, transact, type KioskContext } from './context.js';
import { uuidv7 } from '../common/ids.js';
import type { InvitationRow } from './store/invitation-repo.js';

/** How long after a 差评 the rater may still add reasons and a callback number. */
export const FOLLOW_UP_MS = 60_000;

/** A rater's key press, touch or keystroke, already mapped to a level. */
export interface Press {
  level: Satisfaction;
  source: PressSource;
  /** The physical key (1–5, left to right) when the input has keys. */
  key?: number;
}

export type PressOutcome =
  | { kind: 'rated'; invitationId: string; followUpUntil: string | null }
  | { kind: 'stray' }
  /** Technician mode's key test: seen, shown to the technician, not recorded. */
  | { kind: 'test' };

/** What the invitation service asks the rest of the kiosk. */
export interface InvitationHooks {
  /** True while technician mode's key test is on: no invitation opens then (src/kiosk/key-test.ts). */
  keyTestOn(): boolean;
  /** The key map in force: a technician's local one is written into every record a press makes under it. */
  keyMapInForce(): KeyMapInForce;
}

const NO_HOOKS: InvitationHooks = {
  keyTestOn: () => false,
  keyMapInForce: () => ({ map: [...DEFAULT_KEY_MAP], source: 'central' }),
};

export function invitationView(row: Pick<InvitationRow, 'id' | 'state' | 'expiresAt'>): InvitationView {
  return { id: row.id, state: row.state, expiresAt: iso(row.expiresAt) };
}

export class InvitationService {
  private expiryTimer: NodeJS.Timeout | undefined;
  /** The invitation that last ended unrated in this run, and when: the screen shows its QR code for a while. */
  private lastUnrated: { id: string; endedAt: number } | null = null;

  constructor(
    private readonly ctx: KioskContext,
    private readonly hooks: InvitationHooks = NO_HOOKS,
  ) {}

  /** Ends an invitation left open by a previous run whose window has passed, or re-arms its timer. */
  recover(): void {
    const open = this.ctx.invitations.open();
    if (open) this.armExpiry(open);
  }

  open(request: InvitationRequest): InvitationView {
    const { ctx } = this;
    if (this.hooks.keyTestOn()) {
      throw new KioskError('key_test_on', 'a technician is testing the evaluator keys: invite when the test ends');
    }
    // Never prompt a citizen for a rating there may be no room to store.
    if (!hasRoom(ctx)) throw new KioskError('storage_full', 'the kiosk is out of storage space: no new invitations');
    const row = transact(ctx, () => {
      const mode = ctx.settings.get('mode');
      if (!mode) throw new KioskError('not_provisioned', 'this kiosk has not been set up yet');
      const shift = ctx.shifts.current();
      if (mode === 'window') {
        if (!shift) throw new KioskError('no_shift', 'no staff member is logged in at this window');
        if (shift.pausedSince !== null) throw new KioskError('paused', 'service at this window is paused');
      }
      if (ctx.invitations.open()) throw new KioskError('invitation_open', 'another invitation is still open');
      const now = ctx.now();
      const id = uuidv7(now);
      const windowSeconds = ctx.settings.get('ratingWindowSeconds') ?? RATING_WINDOW_SECONDS.default;
      const inWindow = mode === 'window' ? shift : undefined;
      const staffDepartment = inWindow ? ctx.roster.staff(inWindow.staffNo)?.departmentCode : undefined;
      const row = {
        id,
        mode,
        shiftId: inWindow?.id ?? null,
        staffNo: inWindow?.staffNo ?? null,
        windowCode: ctx.settings.get('window')?.code ?? null,
        departmentCode: staffDepartment ?? ctx.settings.get('department')?.code ?? null,
        serviceItemCode: request.serviceItemCode ?? null,
        caseNo: request.caseNo ?? null,
        ticketNo: request.ticketNo ?? null,
        raterSealed: hasIdentity(request.rater) ? ctx.sealer.seal(request.rater, id) : null,
        createdAt: now,
        expiresAt: now + windowSeconds * 1000,
      };
      ctx.invitations.insert(row);
      return row;
    });
    this.armExpiry(row);
    const item = row.serviceItemCode;
    ctx.emit({
      type: 'invitation.opened',
      invitation: {
        id: row.id,
        expiresAt: iso(row.expiresAt),
        seconds: Math.ceil((row.expiresAt - row.createdAt) / 1000),
        serviceItem: ctx.roster.itemView(item),
        caseNo: row.caseNo,
      },
    });
    return invitationView({ ...row, state: 'open' });
  }

  get(id: string): InvitationView {
    const row = this.ctx.invitations.get(id);
    if (!row) throw new KioskError('not_found', `no invitation ${id}`);
    return invitationView(row);
  }

  current(): InvitationView | null {
    const row = this.ctx.invitations.open();
    return row ? invitationView(row) : null;
  }

  cancel(id: string): void {
    const { ctx } = this;
    transact(ctx, () => {
      const row = ctx.invitations.get(id);
      if (!row) throw new KioskError('not_found', `no invitation ${id}`);
      if (!this.end(row, 'cancelled', ctx.now(), null)) {
        throw new KioskError('invitation_closed', `invitation ${id} has already ended (${row.state})`);
      }
    });
    this.disarmExpiry();
    ctx.emit({ type: 'invitation.cancelled', id });
  }

  /**
   * Takes a rater's press. Rates the open invitation if there is one and its window has not passed; otherwise
   * records a stray press. Returns after the transaction has committed: only then may the press be acknowledged.
   */
  press(press: Press): PressOutcome {
    const { ctx } = this;
    let expired: string | null = null;
    const outcome = transact(ctx, (): PressOutcome => {
      const now = ctx.now();
      const open = ctx.invitations.open();
      if (open && now >= open.expiresAt) {
        // The timer has not fired yet, but the window has passed: the invitation expired before this press.
        this.end(open, 'unrated', open.expiresAt, null);
        expired = open.id;
      } else if (open) {
        this.end(open, 'rated', now, press);
        const followUpUntil = isBadRating(press.level) ? iso(now + FOLLOW_UP_MS) : null;
        return { kind: 'rated', invitationId: open.id, followUpUntil };
      }
      const shift = ctx.shifts.current();
      const record: StrayPressRecord = {
        kind: 'stray_press',
        id: uuidv7(now),
        satisfaction: press.level,
        key: press.key ?? null,
        source: press.source,
        shiftId: shift?.id ?? null,
        staffNo: shift?.staffNo ?? null,
        at: iso(now),
        ...this.localKeyMap(),
      };
      ctx.invitations.insertStrayPress({
        id: record.id,
        satisfaction: press.level,
        key: record.key,
        source: press.source,
        shiftId: record.shiftId,
        pressedAt: now,
      });
      ctx.outbox.append(record, now);
      return { kind: 'stray' };
    });
    if (expired !== null) {
      this.disarmExpiry();
      this.lastUnrated = { id: expired, endedAt: ctx.now() };
      ctx.emit({ type: 'invitation.expired', id: expired });
    }
    if (outcome.kind === 'rated') {
      this.disarmExpiry();
      ctx.emit({
        type: 'invitation.rated',
        id: outcome.invitationId,
        source: press.source,
        followUpUntil: outcome.followUpUntil,
      });
    } else {
      ctx.log.info({ source: press.source }, 'stray press');
      ctx.emit({ type: 'press.stray', source: press.source });
    }
    return outcome;
  }

  /** Adds the rater's reasons, callback number and comment to a 差评, within FOLLOW_UP_MS of the rating. */
  followUp(request: FollowUpRequest): { id: string } {
    const { ctx } = this;
    return transact(ctx, () => {
      const now = ctx.now();
      const row = ctx.invitations.get(request.invitationId);
      const allowed =
        row?.state === 'rated' &&
        row.satisfaction !== null &&
        isBadRating(row.satisfaction) &&
        row.endedAt !== null &&
        now - row.endedAt <= FOLLOW_UP_MS &&
        !ctx.invitations.hasFollowUp(row.id);
      if (!allowed) {
        throw new KioskError('followup_not_allowed', 'a follow-up is taken once, within 60 s of a 差评');
      }
      const known = new Set(ctx.roster.reasonTags().map((t) => t.code));
      const unknown = request.reasonTags.filter((t) => !known.has(t));
      if (unknown.length > 0) throw new KioskError('unknown_reason_tag', `unknown reason tags: ${unknown.join(', ')}`);

      const id = uuidv7(now);
      const phone = request.callbackPhone ? ctx.sealer.seal(request.callbackPhone, id) : null;
      const record: FollowUpRecord = {
        kind: 'followup',
        id,
        evaluationId: row.id,
        reasonTags: [...new Set(request.reasonTags)],
        callbackPhone: phone ? { sealed: phone.toString('base64') } : null,
        comment: request.comment ?? null,
        at: iso(now),
      };
      ctx.invitations.insertFollowUp({
        id,
        invitationId: row.id,
        reasonTags: record.reasonTags,
        callbackPhoneSealed: phone,
        comment: record.comment,
        createdAt: now,
      });
      ctx.outbox.append(record, now);
      return { id };
    });
  }

  /** The invitation that last ended unrated since start, if any (the QR code's screen: KioskService.screenView). */
  lastEndedUnrated(): { id: string; endedAt: number } | null {
    return this.lastUnrated;
  }

  close(): void {
    this.disarmExpiry();
  }

  /** Ends `row` and queues its evaluation record, in the caller's transaction. False if it had already ended. */
  private end(row: InvitationRow, state: EvaluationRecord['outcome'], endedAt: number, press: Press | null): boolean {
    const rating = press ? { satisfaction: press.level, source: press.source } : null;
    if (!this.ctx.invitations.end(row.id, state, endedAt, rating)) return false;
    const record: EvaluationRecord = {
      kind: 'evaluation',
      id: row.id,
      channel: row.mode === 'window' ? 'hall_window' : 'hall_terminal',
      mode: row.mode,
      outcome: state,
      satisfaction: press?.level ?? null,
      source: press?.source ?? null,
      invitedAt: iso(row.createdAt),
      expiresAt: iso(row.expiresAt),
      endedAt: iso(endedAt),
      shiftId: row.shiftId,
      staffNo: row.staffNo,
      windowCode: row.windowCode,
      departmentCode: row.departmentCode,
      serviceItemCode: row.serviceItemCode,
      caseNo: row.caseNo,
      ticketNo: row.ticketNo,
      rater: row.raterSealed ? { sealed: row.raterSealed.toString('base64') } : null,
      ...(press ? this.localKeyMap() : {}),
      ...(row.serviceItemCode && !this.ctx.roster.serviceItem(row.serviceItemCode)
        ? { unknownItem: true as const }
        : {}),
    };
    this.ctx.outbox.append(record, endedAt);
    return true;
  }

  /** `localKeyMap` for a record a press made: set only while a technician's local key map is in force. */
  private localKeyMap(): { localKeyMap?: Satisfaction[] } {
    const inForce = this.hooks.keyMapInForce();
    return inForce.source === 'local' ? { localKeyMap: [...inForce.map] } : {};
  }

  private armExpiry(row: Pick<InvitationRow, 'id' | 'expiresAt'>): void {
    this.disarmExpiry();
    const delay = Math.max(0, row.expiresAt - this.ctx.now());
    this.expiryTimer = setTimeout(() => this.expire(row.id), delay);
  }

  private disarmExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
  }

  private expire(id: string): void {
    const { ctx } = this;
    this.expiryTimer = undefined;
    try {
      const ended = transact(ctx, () => {
        const row = ctx.invitations.get(id);
        return row !== undefined && this.end(row, 'unrated', row.expiresAt, null);
      });
      if (ended) {
        this.lastUnrated = { id, endedAt: ctx.now() };
        ctx.emit({ type: 'invitation.expired', id });
      }
    } catch (error) {
      // Most likely a full disk: try again shortly. A press meanwhile still finds the window passed.
      ctx.log.error({ err: error, id }, 'could not end an expired invitation; retrying');
      this.expiryTimer = setTimeout(() => this.expire(id), 1000);
    }
  }
}

function hasIdentity(rater: InvitationRequest['rater']): rater is NonNullable<InvitationRequest['rater']> {
  return rater !== undefined && Object.values(rater).some((v) => v !== undefined && v !== '');
}
