/**
 * Delivers the outbox to the central system and keeps the kiosk's configuration current.
 *
 * - Delivery: sends the oldest pending records in batches (`concurrency` in flight) while there is anything to send.
 *   A record leaves the queue only when the centre acknowledged it (`accepted` or `duplicate`); one the centre
 *   `rejected` is quarantined with its reason and never blocks the queue. Network errors, timeouts and 5xx back off
 *   exponentially with jitter between `minBackoffMs` and `maxBackoffMs`; a 4xx refusing a whole batch is narrowed
 *   down by halving the batch until the one bad record is found and quarantined.
 * - Heartbeat (every `heartbeatMs`): reports version, queue and evaluator; learns the server's clock (records carry
 *   the offset) and the configuration version, and pulls the configuration when that changes.
 * - The daily upkeep, reconciliation and pruning: upkeep.ts. Its last reconciliation is in the status and the
 *   heartbeat.
 * Runs in Node.
 */
import { hostname } from 'node:os';
import type { Logger } from '../../common/logger.js';
import type { HeartbeatResponse } from '../../shared/central-api.js';
import { CONFIG_SIGNATURE_HEADER, CONFIG_VERSION_HEADER } from '../../shared/device-auth.js';
import { DeviceConfig } from '../../shared/device-config.js';
import type { KeyMapInForce } from '../../shared/key-map.js';
import type { EvaluatorStatus } from '../../shared/local-api.js';
import { MAX_RECORDS_PER_BATCH, type RecordResult } from '../../shared/wire-records.js';
import { transact, type KioskContext } from '../context.js';
import type { OutboxEntry } from '../store/outbox-repo.js';
import { CentralUnreachableError, type CentralClient } from './central-client.js';
import { namedInLog, toWire } from './outbox-wire.js';
import { ConfigSignatureError, verifyConfig, type ConfigHeaders } from './config-signature.js';
import { DAILY_TASK_DEFAULTS, type DailyTask } from './daily-task.js';
import type { DayReport, PruneReport } from './reconciler.js';
import { Upkeep } from './upkeep.js';

export interface SyncTimings {
  minBackoffMs: number;
  maxBackoffMs: number;
  heartbeatMs: number;
  /** When reconciliation and pruning run: a cron pattern in local time (croner). */
  maintenanceSchedule: string;
  /** They also run at start when their last success is older than this. */
  maintenanceStaleMs: number;
  /** Retries of a failed reconciliation or pruning: backoff with jitter from minMs to maxMs, at most `attempts`. */
  maintenanceRetry: { minMs: number; maxMs: number; attempts: number };
  /** How many days back reconciliation looks every time. */
  reconcileDays: number;
  batchSize: number;
  /** Batches in flight at once. */
  concurrency: number;
}

export const DEFAULT_SYNC_TIMINGS: SyncTimings = {
  minBackoffMs: 1_000,
  maxBackoffMs: 5 * 60_000,
  heartbeatMs: 30_000,
  // A quiet hour: halls are closed, and a PC left on does its upkeep then.
  maintenanceSchedule: DAILY_TASK_DEFAULTS.schedule,
  maintenanceStaleMs: DAILY_TASK_DEFAULTS.staleAfterMs,
  maintenanceRetry: DAILY_TASK_DEFAULTS.retry,
  reconcileDays: 7,
  // The most the centre takes (MAX_RECORDS_PER_BATCH): a backlog of 100,000 reached PostgreSQL ~17 % sooner than in
  // batches of 500 (npm run bench -- backlog). Marking a batch delivered is one commit of ~1 MB: a few ms.
  batchSize: MAX_RECORDS_PER_BATCH,
  concurrency: 2,
};

export interface SyncStatus {
  state: 'online' | 'offline';
  lastError: string | null;
  lastDeliveredAt: string | null;
  clockOffsetMs: number | null;
  /** When the last reconciliation with the centre succeeded (ISO), null if never. */
  lastReconciledAt: string | null;
}

export interface SyncAgentOptions {
  ctx: KioskContext;
  client: CentralClient;
  log: Logger;
  version: string;
  /** Applies a configuration from the centre (KioskService.provision). */
  applyConfig: (config: DeviceConfig) => Promise<void>;
  /** What the heartbeat reports about the evaluator and the queue. */
  report: () => { evaluator: EvaluatorStatus; keyMap?: KeyMapInForce };
  timings?: Partial<SyncTimings>;
}

class RetryLater extends Error {
  override readonly name = 'RetryLater';
}

export class SyncAgent {
  private readonly t: SyncTimings;
  private stopped = true;
  private wake: (() => void) | undefined;
  private nudged = false;
  private timers: NodeJS.Timeout[] = [];
  private backoffMs: number;
  private loop: Promise<void> | undefined;
  private readonly upkeep: Upkeep;
  private readonly statusValue: Omit<SyncStatus, 'lastReconciledAt'> = {
    state: 'offline',
    lastError: null,
    lastDeliveredAt: null,
    clockOffsetMs: null,
  };

  constructor(private readonly o: SyncAgentOptions) {
    this.t = { ...DEFAULT_SYNC_TIMINGS, ...o.timings };
    this.backoffMs = this.t.minBackoffMs;
    this.statusValue.clockOffsetMs = o.ctx.settings.get('clockOffsetMs') ?? null;
    this.upkeep = new Upkeep({
      ctx: o.ctx,
      client: o.client,
      log: o.log,
      reconcileDays: this.t.reconcileDays,
      schedule: this.t.maintenanceSchedule,
      staleAfterMs: this.t.maintenanceStaleMs,
      retry: this.t.maintenanceRetry,
      requeued: () => this.nudge(),
    });
  }

  status(): SyncStatus {
    return { ...this.statusValue, lastReconciledAt: this.upkeep.lastReconciledAt };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.deliverLoop();
    void this.heartbeat();
    this.timers.push(setInterval(() => void this.heartbeat(), this.t.heartbeatMs));
    this.upkeep.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.upkeep.stop();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.wake?.();
    await this.loop;
  }

  /**
   * Something was queued: deliver now instead of at the next idle check. "Now" is the next turn of the event loop:
   * a rating's commit nudges from inside the press, and reading and signing a batch must not run before the
   * evaluator's ACK, which follows the commit as a microtask.
   */
  nudge(): void {
    if (this.nudged) return;
    this.nudged = true;
    setImmediate(() => {
      this.nudged = false;
      this.wake?.();
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /**
   * Keeps up to `concurrency` batches in flight, so the kiosk prepares the next batch while the centre stores the
   * last. Each batch is acknowledged on its own, so they may finish in any order; after a failure everything in
   * flight settles and delivery starts again from the oldest pending record, after the backoff.
   */
  private async deliverLoop(): Promise<void> {
    const active = new Set<Promise<void>>();
    let cursor = 0; // the highest seq handed to a send since the queue was last read from its head
    let batchSize = this.t.batchSize;
    let failure: unknown = null;
    let refused = false;
    while (!this.stopped) {
      if (failure !== null || refused) {
        await Promise.allSettled(active);
        cursor = 0;
        if (failure !== null) {
          this.offline(failure);
          failure = null;
          // Exponential backoff with full jitter, from minBackoffMs up to maxBackoffMs.
          const wait = this.t.minBackoffMs + Math.random() * (this.backoffMs - this.t.minBackoffMs);
          this.backoffMs = Math.min(this.backoffMs * 2, this.t.maxBackoffMs);
          await this.sleep(wait);
        }
        refused = false;
        continue;
      }
      if (active.size >= this.t.concurrency) {
        await Promise.race(active);
        continue;
      }
      const batch = this.o.ctx.outbox.pending(batchSize, cursor);
      if (batch.length === 0) {
        if (active.size > 0) {
          await Promise.race(active);
          continue;
        }
        cursor = 0;
        batchSize = this.t.batchSize;
        await this.sleep(5_000);
        continue;
      }
      cursor = batch.at(-1)!.seq;
      const sending: Promise<void> = this.send(batch).then(
        (outcome) => {
          this.online();
          if (outcome === 'refused') {
            // A batch refused whole hides a bad record: halve until it stands alone and is quarantined.
            refused = true;
            batchSize = batch.length > 1 ? Math.ceil(batch.length / 2) : this.t.batchSize;
          }
        },
        (error: unknown) => {
          failure = error;
        },
      );
      const tracked = sending.finally(() => active.delete(tracked));
      active.add(tracked);
    }
    await Promise.allSettled(active);
  }

  /** Sends one batch; applies the centre's answer per record. */
  private async send(batch: OutboxEntry[]): Promise<'delivered' | 'refused'> {
    const { ctx, client } = this.o;
    const records = batch.map((entry) => toWire(entry, ctx, this.o.log));
    const res = await client.request<{ results?: RecordResult[]; error?: string; message?: string }>(
      'POST',
      '/api/v1/device/records',
      { sentAt: new Date().toISOString(), clockOffsetMs: this.statusValue.clockOffsetMs, records },
    );
    if (res.status >= 500 || res.status === 429 || res.status === 401 || res.status === 408) {
      // 401: the device is not (or no longer) trusted, or its clock is far off. Nothing to quarantine: retry later.
      throw new RetryLater(`central system answered ${res.status} ${res.body?.error ?? ''}`.trim());
    }
    if (res.status !== 200 || !Array.isArray(res.body?.results) || res.body.results.length !== batch.length) {
      if (res.status >= 400 && res.status < 500 && batch.length === 1) {
        const reason = `${res.body?.error ?? `http_${res.status}`}: ${res.body?.message ?? ''}`.trim();
        transact(ctx, () => ctx.outbox.quarantine(batch[0]!.seq, reason, ctx.now()));
        ctx.log.warn({ ...namedInLog(batch[0]!), reason }, 'record quarantined');
        return 'refused';
      }
      if (res.status >= 400 && res.status < 500) return 'refused';
      throw new RetryLater(`unexpected answer ${res.status} from the central system`);
    }
    const results = res.body.results;
    const now = ctx.now();
    transact(ctx, () => {
      const delivered: number[] = [];
      results.forEach((result, i) => {
        const entry = batch[i]!;
        if (result.status === 'rejected') {
          ctx.outbox.quarantine(entry.seq, `${result.code}: ${result.message}`, now);
          ctx.log.warn({ ...namedInLog(entry), code: result.code }, 'record rejected by the central system');
        } else {
          delivered.push(entry.seq);
        }
      });
      ctx.outbox.markDelivered(delivered, now);
    });
    this.statusValue.lastDeliveredAt = new Date(now).toISOString();
    return 'delivered';
  }

  private online(): void {
    this.statusValue.state = 'online';
    this.statusValue.lastError = null;
    this.backoffMs = this.t.minBackoffMs;
  }

  private offline(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (this.statusValue.lastError !== message) this.o.log.warn({ err: message }, 'central system unreachable');
    this.statusValue.state = 'offline';
    this.statusValue.lastError = message;
  }

  /** Reports to the centre; learns its clock and configuration version. */
  async heartbeat(): Promise<void> {
    const { ctx, client } = this.o;
    try {
      const queue = ctx.outbox.status();
      const sentAt = Date.now();
      const res = await client.request<HeartbeatResponse>('POST', '/api/v1/device/heartbeat', {
        version: this.o.version,
        queueDepth: queue.pending,
        oldestPendingAt: queue.oldestPendingAt,
        ...this.o.report(),
        lastReconciledAt: this.upkeep.lastReconciledAt,
      });
      if (res.status !== 200) throw new RetryLater(`heartbeat answered ${res.status}`);
      const receivedAt = Date.now();
      const offset = Math.round(Date.parse(res.body.serverTime) - (sentAt + receivedAt) / 2);
      this.statusValue.clockOffsetMs = offset;
      transact(ctx, () => ctx.settings.set('clockOffsetMs', offset));
      if (res.body.configVersion !== ctx.settings.get('configVersion')) await this.pullConfig(res.body.configVersion);
      this.online();
    } catch (error) {
      this.offline(error);
    }
  }

  private async pullConfig(version: number): Promise<void> {
    const { ctx, client } = this.o;
    const etag = ctx.settings.get('configEtag');
    const res = await client.request<unknown>(
      'GET',
      '/api/v1/device/config',
      undefined,
      etag ? { 'if-none-match': etag } : {},
    );
    if (res.status === 200) {
      const { config, signedVersion } = this.verifiedConfig(res.raw, {
        signature: res.headers.get(CONFIG_SIGNATURE_HEADER),
        version: res.headers.get(CONFIG_VERSION_HEADER),
      });
      await this.o.applyConfig(config);
      const newEtag = res.headers.get('etag');
      transact(ctx, () => {
        if (newEtag) ctx.settings.set('configEtag', newEtag);
        ctx.settings.set('configVersion', version);
        ctx.settings.set('configVersionInForce', signedVersion);
      });
      this.o.log.info({ version }, 'configuration updated from the central system');
    } else if (res.status === 304) {
      transact(ctx, () => ctx.settings.set('configVersion', version));
    } else {
      throw new RetryLater(`configuration answered ${res.status}`);
    }
  }

  /**
   * A configuration answer, only once its signature verifies under the pinned central key (config-signature.ts),
   * over the exact bytes received. A refused one is logged loudly and the configuration in force stays.
   */
  private verifiedConfig(raw: Buffer, headers: ConfigHeaders): { config: DeviceConfig; signedVersion: number } {
    const { ctx } = this.o;
    const pinned = ctx.settings.get('centralPublicKey');
    let signedVersion: number;
    try {
      if (!pinned) {
        throw new ConfigSignatureError(
          'central_key_invalid',
          'no central key is pinned: enrol again, or provision the key (hcp kiosk provision --central-key)',
        );
      }
      signedVersion = verifyConfig(
        pinned,
        this.o.client.deviceId,
        raw,
        headers,
        ctx.settings.get('configVersionInForce'),
      );
    } catch (error) {
      const e = error as ConfigSignatureError;
      this.o.log.error(
        { code: e.code, err: e.message },
        'CONFIGURATION REFUSED: its signature does not verify under the pinned central key, or it is older than ' +
          'the one in force; the previous configuration stays in force',
      );
      throw error;
    }
    return { config: DeviceConfig.parse(JSON.parse(raw.toString('utf8'))), signedVersion };
  }

  /** Reconciles with the centre now (upkeep.ts). */
  reconcile(): Promise<DayReport[]> {
    return this.upkeep.reconcile();
  }

  /** Forgets what is delivered, reconciled and older than the retention (upkeep.ts). */
  prune(): Promise<PruneReport> {
    return this.upkeep.prune();
  }

  /** The daily upkeep's task, for tests and diagnostics: its schedule, and whether and why it ran. */
  get upkeepTask(): DailyTask {
    return this.upkeep.task;
  }
}

/** What enrolment sends about this kiosk. */
export function deviceInfo(version: string, localDeviceId: string) {
  return { version, hostname: hostname().slice(0, 100), platform: process.platform, localDeviceId };
}

export { CentralUnreachableError };
