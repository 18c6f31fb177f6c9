/**
 * Reconciliation and pruning, the kiosk's daily upkeep with the centre.
 *
 * - Reconciliation compares, per day (the UTC date of the record ids' timestamps), the kiosk's tally of delivered
 *   records with the centre's: the last `reconcileDays` days, and any older day not yet pruned with a record
 *   delivered since it last matched. A day that differs is re-queued (the centre answers `duplicate` for what it
 *   has); a day that matches is marked reconciled as of the moment the reconciliation began. Days with records
 *   still waiting are skipped: they are on their way.
 * - Pruning then forgets each reconciled day older than the retention that holds nothing waiting or quarantined
 *   (RetentionRepo says exactly what goes, and why such a day is kept whole).
 *
 * Both walk the outbox in bounded chunks and let the event loop turn between them, so a press never waits long
 * behind them. Runs in Node.
 */
import { tallyOf } from '../../common/tally.js';
import type { TallyResponse } from '../../shared/central-api.js';
import { RETENTION_DAYS } from '../../shared/device-config.js';
import { transact, type KioskContext } from '../context.js';
import { RetentionRepo } from '../store/retention-repo.js';
import type { CentralClient } from './central-client.js';

const DAY_MS = 24 * 3600_000;

/** One day as reconciliation found it. */
export interface DayReport {
  day: string;
  local: number;
  central: number | null;
  requeued: number;
}

/** What one pruning run forgot. */
export interface PruneReport {
  days: string[];
  records: number;
  invitations: number;
  followups: number;
  strayPresses: number;
  shifts: number;
}

/** The centre's tally could not be had: reconciliation failed and will be tried again. */
export class ReconcileFailedError extends Error {
  override readonly name = 'ReconcileFailedError';
  readonly code = 'reconcile_failed';
}

export interface ReconcilerOptions {
  ctx: KioskContext;
  client: CentralClient;
  /** How many days back every reconciliation looks. */
  reconcileDays: number;
  /** Rows read per chunk of the outbox scan. */
  scanChunk?: number;
  /** Records pruned per transaction. */
  pruneChunk?: number;
  /** Told when a day was re-queued, so delivery starts at once. */
  requeued: () => void;
}

interface DayState {
  delivered: number;
  waiting: number;
  quarantined: number;
  lastDeliveredAt: number;
  firstSeq: number;
  lastSeq: number;
}

const yieldToPresses = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The retention in force: the centre's setting, else the default. */
export function retentionDays(ctx: KioskContext): number {
  return ctx.settings.get('retentionDays') ?? RETENTION_DAYS.default;
}

export class Reconciler {
  private readonly repo: RetentionRepo;

  constructor(private readonly o: ReconcilerOptions) {
    this.repo = new RetentionRepo(o.ctx.db);
  }

  /** Walks the outbox once, in chunks: per day, what was delivered and when, what is waiting, and where it lies. */
  private async scanDays(): Promise<Map<string, DayState>> {
    const days = new Map<string, DayState>();
    const chunk = this.o.scanChunk ?? 10_000;
    for (let after = 0; ;) {
      const rows = this.repo.scan(after, chunk);
      if (rows.length === 0) return days;
      after = rows.at(-1)!.seq;
      for (const row of rows) {
        let day = days.get(row.day);
        if (!day) {
          day = { delivered: 0, waiting: 0, quarantined: 0, lastDeliveredAt: 0, firstSeq: row.seq, lastSeq: row.seq };
          days.set(row.day, day);
        }
        day.lastSeq = row.seq;
        if (row.quarantined === 1) day.quarantined++;
        else if (row.deliveredAt === null) day.waiting++;
        else {
          day.delivered++;
          day.lastDeliveredAt = Math.max(day.lastDeliveredAt, row.deliveredAt);
        }
      }
      await yieldToPresses();
    }
  }

  /** Compares the days that need it with the centre's tally; see the module comment. */
  async reconcile(): Promise<DayReport[]> {
    const { ctx, client } = this.o;
    const startedAt = ctx.now();
    const days = await this.scanDays();
    const known = this.repo.reconciledDays();
    const recent = Array.from({ length: this.o.reconcileDays }, (_, i) =>
      new Date(startedAt - i * DAY_MS).toISOString().slice(0, 10),
    );
    const compare = new Set(recent);
    for (const [day, state] of days) {
      const seen = known.get(day);
      if ((seen !== undefined && seen.prunedAt !== null) || state.delivered === 0) continue;
      if (!seen || seen.matchedAt < state.lastDeliveredAt) compare.add(day);
    }
    const report: DayReport[] = [];
    for (const day of [...compare].sort().reverse()) {
      if (typeof known.get(day)?.prunedAt === 'number') continue;
      const state = days.get(day);
      if (state && state.waiting > 0) continue; // on its way
      const rows = state ? this.repo.deliveredOfDay(day, state.firstSeq, state.lastSeq) : [];
      const local = tallyOf(
        day,
        rows.map((r) => r.recordId),
      );
      const res = await client.request<TallyResponse>('GET', `/api/v1/device/tally?day=${day}`);
      if (res.status !== 200) throw new ReconcileFailedError(`the centre's tally of ${day} answered ${res.status}`);
      let requeued = 0;
      if (res.body.count === local.count && res.body.digest === local.digest) {
        if (local.count > 0) transact(ctx, () => this.repo.markMatched(day, startedAt));
      } else {
        requeued = transact(ctx, () => ctx.outbox.requeue(rows.map((r) => r.seq)));
        // The day and how much went again, not the day's counts: the log sits on the counter PC, and a count that
        // grows by two after a rating (its follow-up) would tell that it was a 差评.
        ctx.log.warn({ day, requeued }, 'tally differs: day re-queued');
        this.o.requeued();
      }
      report.push({ day, local: local.count, central: res.body.count, requeued });
    }
    return report;
  }

  /**
   * Forgets every reconciled day older than the retention, a chunk per transaction; see RetentionRepo. SQLite's
   * `secure_delete` is on meanwhile: the pages freed are overwritten with zeros, so a copy of the database file does
   * not hold the pruned rows in its free pages.
   */
  async prune(): Promise<PruneReport> {
    const { db } = this.o.ctx;
    const before = db.pragma('secure_delete', { simple: true }) as number;
    db.pragma('secure_delete = ON');
    try {
      return await this.pruneNow();
    } finally {
      db.pragma(`secure_delete = ${before ? 'ON' : 'OFF'}`);
    }
  }

  private async pruneNow(): Promise<PruneReport> {
    const { ctx } = this.o;
    const now = ctx.now();
    const cutoffMs = now - retentionDays(ctx) * DAY_MS;
    const cutoffDay = new Date(cutoffMs).toISOString().slice(0, 10);
    const days = await this.scanDays();
    const known = this.repo.reconciledDays();
    const report: PruneReport = { days: [], records: 0, invitations: 0, followups: 0, strayPresses: 0, shifts: 0 };
    const limit = this.o.pruneChunk ?? 500;
    let unreconciledPruned = 0;
    for (const [day, state] of [...days].sort(([a], [b]) => a.localeCompare(b))) {
      if (day >= cutoffDay || state.delivered === 0) continue;
      // Kept whole while a record of it is on its way or in quarantine: it will be compared again once delivered.
      if (state.waiting > 0 || state.quarantined > 0) continue;
      const seen = known.get(day);
      // Never a row delivered after the day's last match, pruned day or not.
      if (seen === undefined || seen.matchedAt < state.lastDeliveredAt) {
        if (typeof seen?.prunedAt === 'number') unreconciledPruned++;
        continue;
      }
      for (let after = state.firstSeq - 1; ;) {
        const chunk = transact(ctx, () => this.repo.pruneChunk(day, after, state.lastSeq, limit));
        report.records += chunk.records;
        report.invitations += chunk.invitations;
        report.followups += chunk.followups;
        report.strayPresses += chunk.strayPresses;
        await yieldToPresses();
        if (chunk.lastSeq === null) break;
        after = chunk.lastSeq;
      }
      transact(ctx, () => this.repo.markPruned(day, now));
      report.days.push(day);
    }
    for (;;) {
      const n = transact(ctx, () => this.repo.pruneShifts(cutoffMs, limit));
      report.shifts += n;
      if (n < limit) break;
      await yieldToPresses();
    }
    if (unreconciledPruned > 0) {
      ctx.log.warn(
        { days: unreconciledPruned },
        'records delivered after their day was pruned are kept: that day can no longer be reconciled',
      );
    }
    if (report.records > 0 || report.shifts > 0) {
      // Totals only (no count per kind: follow-ups are 差评s).
      ctx.log.info({ days: report.days.length, records: report.records }, 'delivered and reconciled days pruned');
    }
    return report;
  }
}
