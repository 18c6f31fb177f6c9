/**
 * The 7-day default (第八条; issue 17, docs/channels.md): a service nobody rated, by any channel, within
 * DEFAULT_SATISFACTION_AFTER_DAYS of its end is 基本满意, marked as the system's default (channel
 * `system_default`, mode `default`), never a made-up 非常满意. Its evaluation takes the first rating's place of the
 * service, so a rating that comes later is kept as late and not counted.
 *
 * Run hourly by the centre's job queue, and once at each start (alerts/alerts.ts). Each chunk is one transaction
 * that takes its services off `services_awaiting` and writes their defaults: a process killed halfway loses only
 * the chunk in flight, which is rolled back and taken again by the next run. Exactly once rests on the database: a
 * service is taken off the queue only with its default written, chunks running at once skip each other's rows
 * (SKIP LOCKED), and the unique index evaluations_one_per_service refuses a second first rating. Runs in Node.
 */
import { uuidv7 } from '../../common/ids.js';
import { DEFAULT_SATISFACTION, DEFAULT_SATISFACTION_AFTER_DAYS } from '../../shared/satisfaction.js';
import type { DefaultDaysKind } from '../../shared/central-api.js';
import type { WorkCalendar } from '../../shared/work-calendar.js';
import type { CentralDb, Queryable } from '../db/database.js';

/**
 * The time a default falls due for a service that ended at `endedAt` (第八条): DEFAULT_SATISFACTION_AFTER_DAYS
 * calendar days after it, or, with a working-day calendar (the hall's `defaultDays` setting is `working`), the end
 * of the last of as many working days after it.
 */
export function defaultDueAt(endedAt: Date, workingDays: WorkCalendar | null = null): Date {
  return workingDays
    ? workingDays.deadline(endedAt, DEFAULT_SATISFACTION_AFTER_DAYS).dueAt
    : new Date(endedAt.getTime() + DEFAULT_SATISFACTION_AFTER_DAYS * 86_400_000);
}

/**
 * The hall's rule for the default's due time, read once and kept until the settings change (invalidate); the
 * working-day calendar itself is the calendar cache's, so an edited calendar counts at once.
 */
export class DefaultDueCache {
  private kind: Promise<DefaultDaysKind> | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly calendar: { get(): Promise<WorkCalendar> },
  ) {}

  /** The function that dates a service's default. */
  async get(): Promise<(endedAt: Date) => Date> {
    this.kind ??= this.db
      .query<{ value: unknown }>("SELECT value FROM settings WHERE key = 'defaultDays'")
      .then(([row]) => (row?.value === 'working' ? 'working' : 'calendar'))
      .catch((error: unknown) => {
        this.kind = undefined;
        throw error;
      });
    const calendar = (await this.kind) === 'working' ? await this.calendar.get() : null;
    return (endedAt) => defaultDueAt(endedAt, calendar);
  }

  invalidate(): void {
    this.kind = undefined;
  }
}

export interface DefaultRun {
  /** Services defaulted by this run. */
  defaulted: number;
  chunks: number;
}

export interface DefaultOptions {
  /** Services per transaction. */
  chunk?: number;
  /** Chunks written at once (2 by default). */
  workers?: number;
  /** Asked before each chunk: the centre stopping ends the run there (what is left waits for the next). */
  shouldStop?: () => boolean;
}

/**
 * Defaults every service whose default fell due by `now`; answers how many. `workers` chunks are written at once,
 * each on a connection of its own (they skip each other's services): PostgreSQL's work, not the centre's, is what a
 * default costs, and so a backlog after days down is cleared on all the server's cores.
 */
export async function applyDefaults(db: CentralDb, now: Date, options: DefaultOptions = {}): Promise<DefaultRun> {
  const run: DefaultRun = { defaulted: 0, chunks: 0 };
  await Promise.all(Array.from({ length: options.workers ?? 2 }, () => defaultChunks(db, now, options, run)));
  return run;
}

async function defaultChunks(db: CentralDb, now: Date, options: DefaultOptions, run: DefaultRun): Promise<void> {
  const chunk = options.chunk ?? 5000;
  while (!options.shouldStop?.()) {
    const n = await db.transaction(async (tx) => {
      const due = await tx.query<{ serviceId: string; dueAt: Date }>(
        `DELETE FROM services_awaiting a
          WHERE a.service_id IN (SELECT service_id FROM services_awaiting WHERE due_at <= $1
                                  ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
          RETURNING a.service_id::text AS "serviceId", a.due_at AS "dueAt"`,
        [now, chunk],
      );
      if (due.length === 0) return 0;
      const ids = due.map(() => uuidv7());
      // Dated when the default fell due, so that a period's figures do not change once it has passed.
      await tx.query(
        `INSERT INTO evaluations (id, device_id, channel, mode, outcome, satisfaction, source, invited_at, expires_at,
                                  ended_at, staff_no, window_code, department_code, service_item_code, case_no,
                                  service_id, assess_number)
         SELECT d.id, NULL, 'system_default', 'default', 'rated', $4, NULL, d.due_at, d.due_at, d.due_at, s.staff_no,
                s.window_code, s.department_code, s.service_item_code, s.project_no, s.id, 1
           FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS d (id, service_id, due_at)
           JOIN services s ON s.id = d.service_id`,
        [ids, due.map((d) => d.serviceId), due.map((d) => d.dueAt), DEFAULT_SATISFACTION],
      );
      return due.length;
    });
    if (n === 0) return;
    run.defaulted += n;
    run.chunks += 1;
  }
}
