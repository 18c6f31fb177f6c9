/**
 * The alerts (issue 16): the outbox (outbox.ts) delivered by a job queue on the centre's own database (pg-boss 10,
 * through the centre's pool) to the console's notifications, webhooks and SMS; the deadline sweep every minute and
 * the daily digest at 08:00 Beijing (pg-boss cron, tz Asia/Shanghai); and the calendar's warning, in the log at
 * start and daily, when next year is missing from 1 November.
 *
 * Exactly once by key: the relay (relay.ts) writes notifications and inserts the jobs in the transaction that marks
 * the outbox rows dispatched, so a kill loses nothing and relays nothing twice; a job is completed only after its
 * delivery answered 2xx, so a kill between the two sends it again, with the same `Idempotency-Key`, which the
 * receiver honours. The centre is one node: a job still active when it starts was cut off by a crash, and is
 * failed (so retried) at once instead of after its expiry. Runs in Node.
 */
import PgBoss from 'pg-boss';
import type { FastifyBaseLogger } from 'fastify';
import type { Sealer } from '../../common/data-key.js';
import { missingNextYear } from '../../shared/work-calendar.js';
import type { NotificationKind } from '../../shared/cases-api.js';
import type { AlertDelivery } from '../../shared/alerts-api.js';
import type { CalendarCache } from '../calendar/calendar.js';
import type { CentralDb } from '../db/database.js';
import { DeliveryError, HttpSmsGateway, postWebhook, smsParams, type SmsSender } from './channels.js';
import { applyDefaults } from '../channels/defaults.js';
import { bossDb, relayOutbox, SMS_QUEUE, WEBHOOK_QUEUE } from './relay.js';
import { deliverySettings, mobileContext, secretContext } from './settings.js';
import { pruneAlerts, sweepDeadlines, writeDailyDigest } from './sweep.js';

export { registerAlertRoutes } from './alerts.routes.js';

export const SWEEP_QUEUE = 'hcp-alert-sweep';
export const DIGEST_QUEUE = 'hcp-alert-digest';
/** The 7-day default of 第八条 (src/central/channels/defaults.ts), on the same queue hourly (and run at start). */
export const RATING_DEFAULT_QUEUE = 'hcp-rating-default';
const QUEUES = [WEBHOOK_QUEUE, SMS_QUEUE, SWEEP_QUEUE, DIGEST_QUEUE, RATING_DEFAULT_QUEUE];

export interface AlertsTuning {
  /** How often the outbox is looked at. */
  relayIntervalMs: number;
  /** How often an idle delivery worker asks the queue for jobs. */
  pollingIntervalSeconds: number;
  sweepCron: string;
  digestCron: string;
  ratingDefaultCron: string;
  /** The SMS sender for a gateway URL (the HTTP adapter by default). */
  smsSender: (gatewayUrl: string) => SmsSender;
  /** The clock of the calendar's warning. */
  now: () => Date;
  /** How long after a failed start the queue is started again. */
  restartDelayMs: number;
  /** How often pg-boss looks for a cron job due (its default, 30 s, when absent). */
  cronCheckSeconds?: number;
}

export const DEFAULT_TUNING: AlertsTuning = {
  relayIntervalMs: 1000,
  pollingIntervalSeconds: 1,
  sweepCron: '* * * * *',
  digestCron: '0 8 * * *',
  ratingDefaultCron: '5 * * * *',
  smsSender: (url) => new HttpSmsGateway(url),
  now: () => new Date(),
  restartDelayMs: 30_000,
};

export interface AlertsContext {
  db: CentralDb;
  logger: FastifyBaseLogger;
  calendar: CalendarCache;
  /** Seals the webhooks' secrets and the staff's mobiles (the centre's data key). */
  sealer: Sealer;
  /** The centre's clock for the 7-day default (the cases' clock). */
  clock?: () => Date;
  tuning?: Partial<AlertsTuning>;
}

export interface Alerts {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Relays the pending outbox now (also done every `relayIntervalMs`); answers how many alerts. */
  relay(): Promise<number>;
  /** What the settings' secrets and mobiles are sealed with. */
  readonly sealer: Sealer;
}

interface OutboxAlert {
  key: string;
  kind: NotificationKind;
  caseId: string | null;
  createdAt: Date;
  payload: Record<string, unknown>;
}

type DeliveryJob<T> = PgBoss.JobWithMetadata<T>;

export function createAlerts(context: AlertsContext): Alerts {
  const { db, calendar, sealer } = context;
  const tuning = { ...DEFAULT_TUNING, ...context.tuning };
  const logger = context.logger.child({ module: 'alerts' });
  let boss: PgBoss | undefined;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  let relaying: Promise<number> = Promise.resolve(0);
  const workers: string[] = [];

  const outboxAlert = async (id: string): Promise<OutboxAlert | undefined> =>
    (
      await db.query<OutboxAlert>(
        `SELECT key, kind, case_id AS "caseId", created_at AS "createdAt", payload FROM alert_outbox WHERE id = $1`,
        [id],
      )
    )[0];

  const logDelivery = (
    entry: Pick<AlertDelivery, 'channel' | 'target' | 'attempt' | 'status' | 'httpStatus' | 'error'> & {
      alert: OutboxAlert;
      started: number;
    },
  ) =>
    db.query(
      `INSERT INTO alert_deliveries (id, alert_key, kind, channel, target, attempt, status, http_status, error, duration_ms)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        entry.alert.key,
        entry.alert.kind,
        entry.channel,
        entry.target,
        entry.attempt,
        entry.status,
        entry.httpStatus,
        entry.error?.slice(0, 500) ?? null,
        Math.round(performance.now() - entry.started),
      ],
    );

  /** Runs `send` for each job; a failed one is failed alone (retried with backoff), the others completed. */
  const deliverEach =
    <T>(
      queue: string,
      channel: 'webhook' | 'sms',
      prepare: (
        job: DeliveryJob<T>,
      ) => Promise<{ alert: OutboxAlert; target: string; send: () => Promise<number | null> } | null>,
    ) =>
    async (jobs: DeliveryJob<T>[]) => {
      await Promise.all(
        jobs.map(async (job) => {
          const what = await prepare(job);
          // Its alert, webhook or recipient is gone (removed since, SMS turned off): nothing to deliver.
          if (!what) return;
          const started = performance.now();
          const attempt = job.retryCount + 1;
          try {
            const httpStatus = await what.send();
            await logDelivery({ ...what, channel, attempt, status: 'delivered', httpStatus, error: null, started });
          } catch (error) {
            const last = job.retryCount >= job.retryLimit;
            const httpStatus = error instanceof DeliveryError ? error.httpStatus : null;
            const message = (error as Error).message;
            await logDelivery({
              ...what,
              channel,
              attempt,
              status: last ? 'gave_up' : 'failed',
              httpStatus,
              error: message,
              started,
            });
            if (last) logger.error({ key: what.alert.key, target: what.target }, `alert not delivered: ${message}`);
            await boss!.fail(queue, job.id, { message });
          }
        }),
      );
    };

  const webhookJobs = deliverEach<{ outboxId: string; webhookId: string }>(WEBHOOK_QUEUE, 'webhook', async (job) => {
    const [alert, [webhook]] = await Promise.all([
      outboxAlert(job.data.outboxId),
      db.query<{ name: string; url: string; sealed: Buffer; enabled: boolean }>(
        'SELECT name, url, secret_sealed AS sealed, enabled FROM alert_webhooks WHERE id = $1',
        [job.data.webhookId],
      ),
    ]);
    if (!alert || !webhook?.enabled) return null;
    const secret = sealer.open<string>(webhook.sealed, secretContext(job.data.webhookId));
    const body = {
      key: alert.key,
      kind: alert.kind,
      caseId: alert.caseId,
      createdAt: alert.createdAt.toISOString(),
      payload: alert.payload,
    };
    return { alert, target: webhook.name, send: () => postWebhook({ url: webhook.url, secret }, body) };
  });

  const smsJobs = deliverEach<{ outboxId: string; accountId: string }>(SMS_QUEUE, 'sms', async (job) => {
    const [alert, settings, [contact]] = await Promise.all([
      outboxAlert(job.data.outboxId),
      deliverySettings(db),
      db.query<{ username: string; sealed: Buffer | null }>(
        `SELECT a.username, c.mobile_sealed AS sealed FROM accounts a JOIN alert_contacts c ON c.account_id = a.id
          WHERE a.id = $1 AND a.disabled_at IS NULL`,
        [job.data.accountId],
      ),
    ]);
    const { sms } = settings;
    if (!alert || !contact?.sealed || !sms.enabled || !sms.gatewayUrl || !sms.templateId) return null;
    const message = {
      mobile: sealer.open<string>(contact.sealed, mobileContext(job.data.accountId)),
      templateId: sms.templateId,
      params: smsParams(sms.params, alert.kind, alert.payload),
      key: `${alert.key}:sms:${job.data.accountId}`,
    };
    const sender = tuning.smsSender(sms.gatewayUrl);
    // The log names the account, never the mobile.
    return { alert, target: contact.username, send: () => sender.send(message) };
  });

  const relay = (): Promise<number> => {
    relaying = relaying
      .catch(() => 0)
      .then(async () => {
        if (!boss) return 0;
        let total = 0;
        for (;;) {
          const n = await relayOutbox(db, boss, () => deliverySettings(db));
          total += n;
          if (n < 200) break;
        }
        if (total > 0) for (const id of workers) boss.notifyWorker(id);
        return total;
      });
    return relaying;
  };

  const tick = () => {
    timer = setTimeout(() => {
      relay()
        .catch((error: unknown) => {
          if (running) logger.error({ err: error }, 'relaying alerts failed');
          return 0;
        })
        .finally(() => {
          if (running) tick();
        });
    }, tuning.relayIntervalMs);
  };

  const checkCalendar = async () => {
    const year = missingNextYear(await calendar.get(), tuning.now());
    if (year !== null) {
      logger.warn(
        { year },
        `the working-day calendar lacks ${year} (工作日历缺少 ${year} 年): deadlines counted into it skip weekends only; an admin enters it under 工作日历`,
      );
    }
  };

  let defaulting: Promise<void> = Promise.resolve();
  const giveDefaults = async () => {
    const run = await applyDefaults(db, (context.clock ?? tuning.now)(), { shouldStop: () => stopped });
    if (run.defaulted > 0) logger.info({ defaulted: run.defaulted }, '7-day defaults given (默认评价, 基本满意)');
  };

  const startQueue = async () => {
    const b = new PgBoss({
      db: bossDb(db),
      migrate: true,
      supervise: true,
      schedule: true,
      ...(tuning.cronCheckSeconds
        ? { cronMonitorIntervalSeconds: tuning.cronCheckSeconds, cronWorkerIntervalSeconds: tuning.cronCheckSeconds }
        : {}),
    });
    b.on('error', (error) => logger.error({ err: error }, 'the alerts’ job queue'));
    await b.start();
    boss = b;
    for (const name of QUEUES) await b.createQueue(name, { name, policy: 'standard' });
    // One central node: a job active at start was cut off by a crash of this process. Retried now.
    const cutOff = await db.query<{ id: string; name: string }>(
      `SELECT id, name FROM pgboss.job WHERE state = 'active' AND name = ANY($1)`,
      [[WEBHOOK_QUEUE, SMS_QUEUE, RATING_DEFAULT_QUEUE]],
    );
    for (const name of [WEBHOOK_QUEUE, SMS_QUEUE, RATING_DEFAULT_QUEUE]) {
      for (const job of cutOff.filter((j) => j.name === name)) {
        await b.fail(name, job.id, { message: 'cut off: the centre stopped during the delivery' });
      }
    }
    await b.schedule(SWEEP_QUEUE, tuning.sweepCron, {}, { tz: 'Asia/Shanghai' });
    await b.schedule(DIGEST_QUEUE, tuning.digestCron, {}, { tz: 'Asia/Shanghai' });
    await b.schedule(RATING_DEFAULT_QUEUE, tuning.ratingDefaultCron, {}, { tz: 'Asia/Shanghai' });
    const delivery = {
      batchSize: 20,
      pollingIntervalSeconds: tuning.pollingIntervalSeconds,
      includeMetadata: true as const,
    };
    workers.push(await b.work(WEBHOOK_QUEUE, delivery, webhookJobs));
    workers.push(await b.work(SMS_QUEUE, delivery, smsJobs));
    await b.work(SWEEP_QUEUE, { pollingIntervalSeconds: 5 }, async () => {
      const swept = await sweepDeadlines(db, await calendar.get());
      if (swept.warned + swept.overdue > 0) await relay();
    });
    await b.work(DIGEST_QUEUE, { pollingIntervalSeconds: 5 }, async () => {
      await writeDailyDigest(db);
      await pruneAlerts(db);
      await checkCalendar();
      await relay();
    });
    await b.work(RATING_DEFAULT_QUEUE, { pollingIntervalSeconds: 5 }, () => giveDefaults());
    running = true;
    // At start too: what fell due while the centre was down (or was cut off by its crash) is defaulted now, not at
    // the next hour; run here rather than through the queue, so that stop() waits for it (it stops between chunks).
    // Two runs at once are harmless: they skip each other's services.
    defaulting = giveDefaults().catch((error: unknown) => {
      if (!stopped) logger.error({ err: error }, 'the 7-day default failed: it runs again at the next hour');
    });
    await checkCalendar().catch((error: unknown) => logger.error({ err: error }, 'reading the calendar failed'));
    tick();
  };

  /**
   * Starts the queue; a failure is logged and the start tried again later, so that the centre still takes ratings
   * (their alerts wait in the outbox, lost by nobody) while its job queue cannot run.
   */
  const start = async (): Promise<void> => {
    if (stopped) return;
    try {
      await startQueue();
    } catch (error) {
      logger.error(
        { err: error },
        `the alerts' job queue did not start: alerts wait in the outbox; starting it again in ${tuning.restartDelayMs / 1000} s`,
      );
      const b = boss;
      boss = undefined;
      workers.length = 0;
      await b?.stop({ graceful: false, close: false }).catch(() => undefined);
      if (!stopped) restartTimer = setTimeout(() => void start(), tuning.restartDelayMs);
    }
  };

  return {
    relay,
    sealer,
    start,
    async stop() {
      stopped = true;
      running = false;
      clearTimeout(restartTimer);
      clearTimeout(timer);
      await relaying.catch(() => 0);
      await defaulting;
      const b = boss;
      boss = undefined;
      await b?.stop({ graceful: true, wait: true, timeout: 5000, close: false });
    },
  };
}
