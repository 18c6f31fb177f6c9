/**
 * WAL checkpoints out of the rating path. Left to SQLite, a checkpoint runs inside whichever commit pushes the WAL
 * past 1,000 pages: that rating waits while pages are copied into the database file and it is fsynced, and the wait
 * grows with the database (npm run bench -- queue: write p99 +133 % with a million records waiting, flat without).
 * Here the connection never checkpoints on its own (`wal_autocheckpoint = 0`); after a burst of commits a PASSIVE
 * checkpoint is scheduled for the next idle turn of the event loop, after the acknowledgements have gone out, and
 * only while `quiet()` says nobody is about to write: the kiosk's answer is "no invitation open", since a citizen
 * who has just been prompted presses within seconds and that rating must not wait behind a checkpoint's copying
 * and fsync. A checkpoint put off so is taken after the next commit (the invitation ending). Should the loop never
 * be idle, or never quiet, every 8,192 commits one runs inline, so the WAL cannot grow without bound. Durability
 * does not depend on checkpoints: a commit is durable once its WAL frames are fsynced. Runs in Node.
 */
import type { Database } from './database.js';

const COMMITS_BEFORE_CHECKPOINT = 256;
const COMMITS_BEFORE_INLINE = 8192;

export class IdleCheckpoints {
  private commits = 0;
  private scheduled: NodeJS.Immediate | undefined;

  constructor(
    private readonly db: Database,
    private readonly quiet: () => boolean = () => true,
  ) {
    db.pragma('wal_autocheckpoint = 0');
  }

  /**
   * Called after every commit. Never throws: the commit it follows has already happened, and a caller must not be
   * told otherwise (an evaluator would resend a rating that was stored).
   */
  committed(): void {
    // A write nested in an outer transaction is not a commit yet: the outer one counts when it commits.
    if (this.db.inTransaction) return;
    this.commits += 1;
    if (this.commits >= COMMITS_BEFORE_INLINE) return this.run();
    if (this.commits >= COMMITS_BEFORE_CHECKPOINT && !this.scheduled) {
      this.scheduled = setImmediate(() => this.run());
    }
  }

  stop(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
  }

  private run(): void {
    this.stop();
    if (!this.db.open) return;
    // A write is expected soon (an invitation is open): the next commit schedules this again.
    if (this.commits < COMMITS_BEFORE_INLINE && !this.quiet()) return;
    // A checkpoint cannot run inside a transaction: wait for the next idle turn.
    if (this.db.inTransaction) {
      this.scheduled = setImmediate(() => this.run());
      return;
    }
    this.commits = 0;
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy or locked by another connection: the next burst tries again; the WAL only grows meanwhile.
    }
  }
}
