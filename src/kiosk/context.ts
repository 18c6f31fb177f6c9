/**
 * What the kiosk's services share: the database, its repositories, the sealer for personal data, a logger and the
 * event sink. Built once by KioskService. Runs in Node.
 */
import { KioskError } from '../shared/kiosk-errors.js';
import { IdleCheckpoints } from './store/checkpoints.js';
import type { KioskEvent } from '../shared/kiosk-events.js';
import type { Logger } from '../common/logger.js';
import type { Sealer } from '../common/data-key.js';
import type { Database } from './store/database.js';
import { InvitationRepo } from './store/invitation-repo.js';
import { OutboxRepo } from './store/outbox-repo.js';
import { RosterRepo } from './store/roster-repo.js';
import { SettingsRepo } from './store/settings-repo.js';
import { ShiftRepo } from './store/shift-repo.js';

export interface KioskContext {
  db: Database;
  settings: SettingsRepo;
  roster: RosterRepo;
  shifts: ShiftRepo;
  invitations: InvitationRepo;
  outbox: OutboxRepo;
  sealer: Sealer;
  log: Logger;
  emit(event: KioskEvent): void;
  /** The clock; tests move it. */
  now(): number;
  /** Set when the last write failed for lack of space, cleared by the next write that succeeds. */
  storage: { full: boolean };
  /** Told of every commit: schedules WAL checkpoints for idle time. */
  checkpoints: IdleCheckpoints;
}

export function createContext(
  db: Database,
  sealer: Sealer,
  log: Logger,
  emit: (event: KioskEvent) => void,
): KioskContext {
  return {
    db,
    settings: new SettingsRepo(db),
    roster: new RosterRepo(db),
    shifts: new ShiftRepo(db),
    invitations: new InvitationRepo(db),
    outbox: new OutboxRepo(db),
    sealer,
    log,
    emit,
    now: () => Date.now(),
    storage: { full: false },
    checkpoints: new IdleCheckpoints(db),
  };
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Runs `work` in one IMMEDIATE transaction and returns once it has committed (and, with `synchronous=FULL`,
 * reached the disk). A full disk surfaces as KioskError `storage_full`, with nothing written.
 */
export function transact<T>(ctx: KioskContext, work: () => T): T {
  try {
    const result = ctx.db.transaction(work).immediate();
    ctx.storage.full = false;
    ctx.checkpoints.committed();
    return result;
  } catch (error) {
    if (isDiskFull(error)) {
      ctx.storage.full = true;
      throw new KioskError('storage_full', 'the kiosk has no storage space left: nothing was saved');
    }
    throw error;
  }
}

function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_WRITE';
}
