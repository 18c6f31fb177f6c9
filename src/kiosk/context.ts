/**
 * What the kiosk's services share: the database, its repositories, the sealer for personal data, a logger and the
 * event sink. Built once by KioskService. Runs in Node.
 */
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
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
  /** Set when the last write failed for lack of space, cleared by the next write that succeeds. See hasRoom. */
  storage: { full: boolean };
  /** Told of every commit: schedules WAL checkpoints for idle time. */
  checkpoints: IdleCheckpoints;
  /** Runs `work` in one IMMEDIATE transaction (a savepoint when already in one). Use `transact`, which wraps it. */
  immediate<T>(work: () => T): T;
}

export function createContext(
  db: Database,
  sealer: Sealer,
  log: Logger,
  emit: (event: KioskEvent) => void,
): KioskContext {
  const invitations = new InvitationRepo(db);
  // One transaction function for every write: better-sqlite3 builds five closures for each `db.transaction(fn)`,
  // ~8 µs a rating if made per call.
  const inTransaction = db.transaction((work: () => unknown) => work());
  return {
    db,
    settings: new SettingsRepo(db),
    roster: new RosterRepo(db),
    shifts: new ShiftRepo(db),
    invitations,
    outbox: new OutboxRepo(db),
    sealer,
    log,
    emit,
    now: () => Date.now(),
    storage: { full: false },
    // Never while an invitation is open: its rating is on its way (store/checkpoints.ts).
    checkpoints: new IdleCheckpoints(db, () => invitations.open() === undefined),
    immediate: <T>(work: () => T) => inTransaction.immediate(work) as T,
  };
}

/**
 * The room a new invitation needs before it opens, so that the rating it asks the citizen for can be stored: 16
 * database pages under the database's cap, and 4 MiB free on the disk (the WAL grows until the next checkpoint).
 */
export const STORAGE_RESERVE = { pages: 16, bytes: 4 * 1024 * 1024 };

/** True while both the database cap and the disk leave the reserve free. Cheap: three pragmas and one statfs. */
export function hasRoom(ctx: KioskContext): boolean {
  const { db } = ctx;
  const pragma = (name: string) => db.pragma(name, { simple: true }) as number;
  const pagesLeft = pragma('max_page_count') - pragma('page_count') + pragma('freelist_count');
  if (pagesLeft < STORAGE_RESERVE.pages) return false;
  const disk = statfsSync(dirname(db.name));
  return disk.bavail * disk.bsize >= STORAGE_RESERVE.bytes;
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Runs `work` in one IMMEDIATE transaction and returns once it has committed (and, with `synchronous=FULL`,
 * reached the disk). A full disk surfaces as KioskError `storage_full`, with nothing written.
 */
export function transact<T>(ctx: KioskContext, work: () => T): T {
  try {
    const result = ctx.immediate(work);
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
