/**
 * Technician mode's key test: the technician presses each key and sees which level it gives, and nothing pressed is
 * a rating. So that it can never swallow a real rating, a test starts only while no staff member is logged in and no
 * invitation is open, and while one is on no invitation opens and no one logs in (KioskError `key_test_on`). It ends
 * when the technician ends it, when its screen goes (`closed`), or by itself after KEY_TEST_MAX_MS (`timeout`).
 *
 * Every session is on record for the centre: a `key_test` outbox record (start, end, how it ended, presses counted),
 * written with the end in one transaction. A session is a row of `key_tests` from its start, its presses counted
 * there, so one still running when the process dies is closed at the next start (`recover`, as `closed`).
 * Runs in Node.
 */
import { uuidv7 } from '../common/ids.js';
import { KioskError } from '../shared/kiosk-errors.js';
import { KEY_TEST_MAX_MS, type KeyTestEndReason, type KeyTestRecord } from '../shared/records.js';
import { iso, transact, type KioskContext } from './context.js';
import { KeyTestRepo, type KeyTestRow } from './store/key-test-repo.js';

/** Ends one key-test session; by default as ended by the technician. Calling it again does nothing. */
export type EndKeyTest = ((reason?: Exclude<KeyTestEndReason, 'timeout'>) => void) & {
  /** The session's id: its `key_test` record's, and the one `keytest.ended` names. */
  readonly id: string;
  /** When it ends by itself (ms since the epoch). */
  readonly endsAt: number;
};

interface Running {
  startedAt: number;
  timer: NodeJS.Timeout;
}

/**
 * The kiosk's key-test sessions (each technician screen that turns the test on has its own): starts one (refused
 * while a shift or an invitation is open), says whether any is on (the press path and the invitation and shift
 * services ask), counts presses, ends a session by reason or by its own timer, and closes at the next start the
 * sessions a crash left running. One per kiosk service.
 */
export class KeyTests {
  private readonly repo: KeyTestRepo;
  private readonly running = new Map<string, Running>();

  constructor(private readonly ctx: KioskContext) {
    this.repo = new KeyTestRepo(ctx.db);
  }

  /** Closes, as `closed`, the sessions a previous run left on (it died or was killed mid-test). */
  recover(): void {
    const { ctx } = this;
    const rows = this.repo.all();
    if (rows.length === 0) return;
    const now = ctx.now();
    transact(ctx, () => {
      // It ended at the latest when it would have timed out.
      for (const row of rows) this.write(row, Math.min(now, row.startedAt + KEY_TEST_MAX_MS), 'closed');
    });
    ctx.log.info({ sessions: rows.length }, 'key tests left on by the last run closed');
  }

  /** True while a session is on. Sessions past KEY_TEST_MAX_MS by the context clock end first. Not in a transaction. */
  on(): boolean {
    this.endDue();
    return this.running.size > 0;
  }

  /**
   * Starts a session. Refused with `shift_open` while a staff member is logged in and `invitation_open` while an
   * invitation is open: a press then may be a citizen's rating.
   */
  start(): EndKeyTest {
    const { ctx } = this;
    const startedAt = ctx.now();
    const id = uuidv7(startedAt);
    transact(ctx, () => {
      if (ctx.shifts.current()) {
        throw new KioskError('shift_open', 'log the staff member out first: during a key test no rating is taken');
      }
      if (ctx.invitations.open()) {
        throw new KioskError('invitation_open', 'wait for the open invitation to end: its press is a rating');
      }
      this.repo.insert(id, startedAt);
    });
    const timer = setTimeout(() => this.end(id, 'timeout'), KEY_TEST_MAX_MS);
    // A forgotten test must not keep the process alive.
    timer.unref();
    this.running.set(id, { startedAt, timer });
    ctx.log.info({ keyTest: id }, 'key test started');
    const end = (reason: Exclude<KeyTestEndReason, 'timeout'> = 'technician') => this.end(id, reason);
    return Object.assign(end, { id, endsAt: startedAt + KEY_TEST_MAX_MS });
  }

  /** A key arrived during a test: each session on counts it. Only the count is kept, never the key. */
  countPress(): void {
    const ids = [...this.running.keys()];
    transact(this.ctx, () => this.repo.countPress(ids));
  }

  /** Ends every session on, as `closed` (the service is closing). */
  close(): void {
    for (const id of [...this.running.keys()]) this.end(id, 'closed');
  }

  private end(id: string, reason: KeyTestEndReason): void {
    const { ctx } = this;
    const session = this.running.get(id);
    if (!session) return;
    clearTimeout(session.timer);
    this.running.delete(id);
    const endedAt = reason === 'timeout' ? Math.min(ctx.now(), session.startedAt + KEY_TEST_MAX_MS) : ctx.now();
    try {
      transact(ctx, () => {
        const row = this.repo.get(id);
        if (row) this.write(row, endedAt, reason);
      });
      ctx.log.info({ keyTest: id, endedBy: reason }, 'key test ended');
      // The technician's screen shows the test as off once it is: presses after it are no longer test presses.
      ctx.emit({ type: 'keytest.ended', id, endedBy: reason });
    } catch (error) {
      // Its row stays: the next start closes it (`recover`), so the session still reaches the centre.
      ctx.log.error({ err: error, keyTest: id }, 'could not record the end of a key test');
    }
  }

  private endDue(): void {
    const now = this.ctx.now();
    for (const [id, session] of this.running) {
      if (now - session.startedAt >= KEY_TEST_MAX_MS) this.end(id, 'timeout');
    }
  }

  /** Ends `row` in the caller's transaction: its record into the outbox, its row gone. */
  private write(row: KeyTestRow, endedAt: number, endedBy: KeyTestEndReason): void {
    const record: KeyTestRecord = {
      kind: 'key_test',
      id: row.id,
      startedAt: iso(row.startedAt),
      endedAt: iso(endedAt),
      endedBy,
      presses: row.presses,
    };
    this.repo.delete(row.id);
    this.ctx.outbox.append(record, endedAt);
  }
}
