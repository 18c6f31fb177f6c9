/**
 * The deadline sweep and the daily digest (issue 16), both writing alerts to the outbox in their own transaction.
 * One working day before a deadline (`WorkCalendar.warnAt`) a `deadline_warning`; past it an `overdue` notice and an
 * `overdue` event on the case's timeline; each once per deadline (cases.warned_at / overdue_at, and keys that make a
 * repeat a no-op: `deadline_warning:<caseId>:<dueAt>`). The digest once a Beijing day. Runs in Node.
 */
import { uuidv7 } from '../../common/ids.js';
import { beijingDay, type WorkCalendar } from '../../shared/work-calendar.js';
import type { CentralDb } from '../db/database.js';
import { enqueueAlerts, type Alert } from './outbox.js';

interface OpenCase {
  id: string;
  number: string;
  state: string;
  departmentCode: string | null;
  satisfaction: number;
  dueAt: Date;
  deadlineDay: string | null;
  warnedAt: Date | null;
  overdueAt: Date | null;
}

/** A warning is written at most this long before its deadline (the longest run of days off, with room). */
const WARN_HORIZON = "interval '31 days'";

export async function sweepDeadlines(
  db: CentralDb,
  calendar: WorkCalendar,
  now = new Date(),
): Promise<{ warned: number; overdue: number }> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<OpenCase>(
      `SELECT id, number, state, department_code AS "departmentCode", satisfaction, due_at AS "dueAt",
              to_char(deadline_day, 'YYYY-MM-DD') AS "deadlineDay", warned_at AS "warnedAt", overdue_at AS "overdueAt"
         FROM cases
        WHERE due_at IS NOT NULL AND state NOT IN ('closed', 'invalid')
          AND ((overdue_at IS NULL AND due_at <= $1)
            OR (warned_at IS NULL AND due_at > $1 AND due_at <= $1::timestamptz + ${WARN_HORIZON}))
        ORDER BY due_at
        FOR UPDATE SKIP LOCKED`,
      [now],
    );
    const alerts: Alert[] = [];
    const warned: string[] = [];
    const overdue: OpenCase[] = [];
    for (const c of rows) {
      const dueAt = c.dueAt.toISOString();
      const dueDay = c.deadlineDay ?? beijingDay(new Date(c.dueAt.getTime() - 1));
      const payload = {
        caseId: c.id,
        number: c.number,
        state: c.state,
        departmentCode: c.departmentCode,
        satisfaction: c.satisfaction,
        dueAt,
        dueDay,
      };
      if (c.dueAt <= now) {
        overdue.push(c);
        alerts.push({ kind: 'overdue', caseId: c.id, payload, key: `overdue:${c.id}:${dueAt}` });
      } else if (now >= calendar.warnAt({ day: dueDay })) {
        warned.push(c.id);
        alerts.push({ kind: 'deadline_warning', caseId: c.id, payload, key: `deadline_warning:${c.id}:${dueAt}` });
      }
    }
    if (alerts.length === 0) return { warned: 0, overdue: 0 };
    await enqueueAlerts(tx, alerts);
    if (warned.length > 0) {
      await tx.query('UPDATE cases SET warned_at = $2 WHERE id = ANY($1::uuid[])', [warned, now]);
    }
    if (overdue.length > 0) {
      await tx.query('UPDATE cases SET overdue_at = $2 WHERE id = ANY($1::uuid[])', [overdue.map((c) => c.id), now]);
      await tx.query(
        `INSERT INTO case_events (id, case_id, action, from_state, to_state, actor_id, actor_name, actor_role, at, detail)
         SELECT x.id, x.case_id, 'overdue', x.state, NULL, NULL, '系统', 'system', $4, x.detail
           FROM unnest($1::uuid[], $2::uuid[], $3::text[], $5::jsonb[]) AS x (id, case_id, state, detail)`,
        [
          overdue.map(() => uuidv7()),
          overdue.map((c) => c.id),
          overdue.map((c) => c.state),
          now,
          overdue.map((c) => JSON.stringify({ dueAt: c.dueAt.toISOString(), deadlineDay: c.deadlineDay })),
        ],
      );
    }
    return { warned: warned.length, overdue: overdue.length };
  });
}

/**
 * The day's digest (每日汇总) for the centre: open, overdue, due today, made the day before. Once a Beijing day; none
 * on a day with nothing open and nothing new (null).
 */
export async function writeDailyDigest(db: CentralDb, now = new Date()): Promise<Record<string, unknown> | null> {
  const day = beijingDay(now);
  return db.transaction(async (tx) => {
    const [counts] = await tx.query<{ open: number; overdue: number; dueToday: number; created: number }>(
      `SELECT count(*) FILTER (WHERE state NOT IN ('closed', 'invalid')) AS open,
              count(*) FILTER (WHERE state NOT IN ('closed', 'invalid') AND due_at <= $1) AS overdue,
              count(*) FILTER (WHERE state NOT IN ('closed', 'invalid') AND deadline_day = $2::date) AS "dueToday",
              count(*) FILTER (WHERE created_at >= ($2::date - 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
                                 AND created_at < $2::date::timestamp AT TIME ZONE 'Asia/Shanghai') AS created
         FROM cases`,
      [now, day],
    );
    if (counts!.open === 0 && counts!.created === 0) return null;
    const byDepartment = await tx.query<{ departmentCode: string | null; open: number; overdue: number }>(
      `SELECT department_code AS "departmentCode", count(*) AS open, count(*) FILTER (WHERE due_at <= $1) AS overdue
         FROM cases WHERE state NOT IN ('closed', 'invalid') GROUP BY department_code ORDER BY department_code`,
      [now],
    );
    const payload = { day, ...counts!, byDepartment };
    await enqueueAlerts(tx, [{ kind: 'daily_digest', caseId: null, payload, key: `daily_digest:${day}` }]);
    return payload;
  });
}

/** How long the delivery log and read notifications are kept: 等保 2.0 asks six months of logs at least. */
export const DELIVERY_LOG_DAYS = 180;
export const READ_NOTIFICATION_DAYS = 90;

/** Drops delivery attempts and read notifications past their keeping (run with the daily digest). */
export async function pruneAlerts(
  db: CentralDb,
  now = new Date(),
): Promise<{ deliveries: number; notifications: number }> {
  const deliveries = await db.query(
    `DELETE FROM alert_deliveries WHERE at < $1::timestamptz - make_interval(days => $2) RETURNING id`,
    [now, DELIVERY_LOG_DAYS],
  );
  const notifications = await db.query(
    `DELETE FROM notifications WHERE read_at < $1::timestamptz - make_interval(days => $2) RETURNING id`,
    [now, READ_NOTIFICATION_DAYS],
  );
  return { deliveries: deliveries.length, notifications: notifications.length };
}
