/**
 * The kiosk's daily upkeep with the centre: reconcile, then prune what that made prunable (reconciler.ts), as one
 * daily task (daily-task.ts): on a wall-clock schedule at a quiet hour, at start when the last run is older than a
 * day (a PC switched off at night never reaches a 24-hour interval), retried with backoff after a failure, and on
 * demand. Each success is persisted (it survives a restart and decides whether the next start runs it again), and
 * the last reconciliation is shown in the status and reported in the heartbeat. Runs in Node.
 */
import type { Logger } from '../../common/logger.js';
import { transact, type KioskContext } from '../context.js';
import type { CentralClient } from './central-client.js';
import { DailyTask, type DailyTaskOptions } from './daily-task.js';
import { Reconciler, type DayReport, type PruneReport } from './reconciler.js';

export interface UpkeepOptions {
  ctx: KioskContext;
  client: CentralClient;
  log: Logger;
  /** How many days back reconciliation looks every time. */
  reconcileDays: number;
  schedule: string;
  staleAfterMs: number;
  retry: NonNullable<DailyTaskOptions['retry']>;
  /** Told when reconciliation re-queued a day, so delivery starts at once. */
  requeued: () => void;
}

export class Upkeep {
  private readonly reconciler: Reconciler;
  /** The daily task that runs it; its `stats()` tell tests and diagnostics whether and why it ran. */
  readonly task: DailyTask;
  private lastReconciled: string | null;

  constructor(private readonly o: UpkeepOptions) {
    this.lastReconciled = o.ctx.settings.get('lastReconciledAt') ?? null;
    this.reconciler = new Reconciler({
      ctx: o.ctx,
      client: o.client,
      reconcileDays: o.reconcileDays,
      requeued: o.requeued,
    });
    const lastRun = (key: 'lastReconciledAt' | 'lastPrunedAt') => {
      const at = o.ctx.settings.get(key);
      return at ? Date.parse(at) : null;
    };
    this.task = new DailyTask({
      name: 'reconcile and prune',
      run: () => this.run(),
      // Stale when either is: a kiosk that reconciled but could not prune runs again.
      lastSuccess: () => {
        const [r, p] = [lastRun('lastReconciledAt'), lastRun('lastPrunedAt')];
        return r === null || p === null ? null : Math.min(r, p);
      },
      log: o.log,
      schedule: o.schedule,
      staleAfterMs: o.staleAfterMs,
      retry: o.retry,
      now: () => o.ctx.now(),
    });
  }

  /** When the last reconciliation succeeded (ISO), null if never. */
  get lastReconciledAt(): string | null {
    return this.lastReconciled;
  }

  start(): void {
    this.task.start();
  }

  stop(): void {
    this.task.stop();
  }

  /** Reconciles with the centre now (see reconciler.ts) and records the success. */
  async reconcile(): Promise<DayReport[]> {
    const report = await this.reconciler.reconcile();
    const at = new Date(this.o.ctx.now()).toISOString();
    transact(this.o.ctx, () => this.o.ctx.settings.set('lastReconciledAt', at));
    this.lastReconciled = at;
    return report;
  }

  /** Forgets what is delivered, reconciled and older than the retention (see RetentionRepo). */
  async prune(): Promise<PruneReport> {
    const report = await this.reconciler.prune();
    transact(this.o.ctx, () => this.o.ctx.settings.set('lastPrunedAt', new Date(this.o.ctx.now()).toISOString()));
    return report;
  }

  /** Reconcile, then prune (pruning runs even when the centre is away: it needs only what was reconciled before). */
  private async run(): Promise<void> {
    let failure: Error | null = null;
    try {
      await this.reconcile();
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    await this.prune();
    if (failure) throw failure;
  }
}
