/**
 * A job that must run once a day on a PC that may be switched off every night: on a wall-clock schedule (croner, a
 * cron pattern in local time, by default at a quiet hour), and at start when its last success is older than
 * `staleAfterMs`. A failure is logged and tried again with exponential backoff and full jitter, a bounded number of
 * times; then the next scheduled run takes over. One run at a time. Runs in Node.
 */
import { Cron } from 'croner';
import type { Logger } from '../../common/logger.js';

export interface DailyTaskOptions {
  /** For the log. */
  name: string;
  /** Does the work; a rejection is a failure. */
  run: () => Promise<void>;
  /** When the work last succeeded (ms), as persisted across restarts; null if never. */
  lastSuccess: () => number | null;
  log: Logger;
  /** Cron pattern, local time. Default: `DAILY_TASK_DEFAULTS.schedule`, a quiet hour when halls are closed. */
  schedule?: string;
  /** Run at start when the last success is older than this (ms). Default: `DAILY_TASK_DEFAULTS.staleAfterMs`. */
  staleAfterMs?: number;
  /** Retries after a failure: the first waits about `minMs`, each next one up to twice as long, at most `maxMs`. */
  retry?: { minMs: number; maxMs: number; attempts: number };
  /** The clock (tests move it). */
  now?: () => number;
  random?: () => number;
}

export const DAILY_TASK_DEFAULTS = {
  schedule: '30 2 * * *',
  staleAfterMs: 24 * 3600_000,
  retry: { minMs: 60_000, maxMs: 3600_000, attempts: 6 },
} as const;

/** What a daily task did since it was made: for tests and diagnostics. */
export interface DailyTaskStats {
  /** Runs begun (a call to `runNow` while one is under way joins it and begins none). */
  runs: number;
  /** Why the last run began: 'stale at start', 'schedule', 'retry', or the caller's reason. */
  lastReason: string | null;
  /** How the last finished run ended; null while none has. */
  lastOutcome: 'succeeded' | 'failed' | null;
}

export class DailyTask {
  private cron: Cron | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private running: Promise<boolean> | undefined;
  private failures = 0;
  private readonly counts: DailyTaskStats = { runs: 0, lastReason: null, lastOutcome: null };

  constructor(private readonly o: DailyTaskOptions) {}

  /** Starts the schedule, and runs now if the last success is stale (or there was none). */
  start(): void {
    if (this.cron) return;
    this.cron = new Cron(this.o.schedule ?? DAILY_TASK_DEFAULTS.schedule, { protect: true }, () => {
      this.failures = 0;
      void this.runNow('schedule');
    });
    const last = this.o.lastSuccess();
    const now = (this.o.now ?? Date.now)();
    if (last === null || now - last > (this.o.staleAfterMs ?? DAILY_TASK_DEFAULTS.staleAfterMs)) {
      void this.runNow('stale at start');
    }
  }

  /** The next scheduled run (not counting a retry). */
  nextRun(): Date | null {
    return this.cron?.nextRun() ?? null;
  }

  stop(): void {
    this.cron?.stop();
    this.cron = undefined;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Runs the job unless a run is already under way (then waits for that one). Resolves true on success. */
  runNow(reason: string): Promise<boolean> {
    if (!this.running) {
      this.counts.runs++;
      this.counts.lastReason = reason;
      this.running = this.attempt(reason)
        .then((ok) => {
          this.counts.lastOutcome = ok ? 'succeeded' : 'failed';
          return ok;
        })
        .finally(() => (this.running = undefined));
    }
    return this.running;
  }

  /** Whether and why it ran: counted when a run begins, so a run started in the background is seen at once. */
  stats(): DailyTaskStats {
    return { ...this.counts };
  }

  private async attempt(reason: string): Promise<boolean> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    try {
      await this.o.run();
      this.failures = 0;
      this.o.log.info({ task: this.o.name, reason }, 'daily task done');
      return true;
    } catch (error) {
      this.failures++;
      const retry = this.o.retry ?? DAILY_TASK_DEFAULTS.retry;
      const err = error instanceof Error ? error.message : String(error);
      if (this.failures > retry.attempts || !this.cron) {
        this.o.log.error(
          { task: this.o.name, err, failures: this.failures },
          'daily task failed; next at its schedule',
        );
        return false;
      }
      // Exponential backoff with full jitter between minMs and the current ceiling.
      const ceiling = Math.min(retry.minMs * 2 ** (this.failures - 1), retry.maxMs);
      const wait = Math.round(retry.minMs + (this.o.random ?? Math.random)() * (ceiling - retry.minMs));
      this.o.log.warn({ task: this.o.name, err, failures: this.failures, retryInMs: wait }, 'daily task failed');
      this.retryTimer = setTimeout(() => void this.runNow('retry'), wait);
      return false;
    }
  }
}
