/**
 * The relay (issue 16): moves the alerts of the outbox (outbox.ts) to their recipients, in one transaction per
 * batch: the console's notifications (one per alert and account), a job per webhook and per SMS for the job queue
 * (pg-boss, inserted through the same transaction), and the outbox rows marked dispatched. A process killed
 * mid-relay leaves the batch wholly undone, and the next relay takes it again; a relay never takes a row twice.
 * Runs in Node.
 */
import type PgBoss from 'pg-boss';
import { uuidv7 } from '../../common/ids.js';
import { CASE_STATE_LABELS, type CaseState } from '../../shared/cases.js';
import type { NotificationKind } from '../../shared/cases-api.js';
import { SATISFACTION_LABELS, type Satisfaction } from '../../shared/satisfaction.js';
import type { CentralDb, Queryable } from '../db/database.js';
import type { DeliverySettings } from './settings.js';

export const WEBHOOK_QUEUE = 'hcp-alert-webhook';
export const SMS_QUEUE = 'hcp-alert-sms';

/** The states in which the centre (a supervisor), not the department, acts next. */
const CENTRE_STATES: readonly string[] = ['triage', 'invalid_requested', 'explain_requested', 'revisit', 'review'];

export interface OutboxRow {
  id: string;
  key: string;
  kind: NotificationKind;
  caseId: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
}

export interface Recipient {
  id: string;
  username: string;
  /** Whether an SMS can reach them (their mobile, sealed, is read by the SMS job alone). */
  hasMobile: boolean;
}

/** pg-boss's connection interface over one of ours (a pool or a transaction). */
export const bossDb = (q: Queryable): PgBoss.Db => ({
  executeSql: async (text, values) => ({ rows: await q.query(text, values) }),
});

/** Relays up to `limit` pending alerts; answers how many. */
export async function relayOutbox(
  db: CentralDb,
  boss: Pick<PgBoss, 'insert'>,
  settings: () => Promise<DeliverySettings>,
  limit = 200,
): Promise<number> {
  return db.transaction(async (tx) => {
    // Taken and marked in one statement: what follows is written in this same transaction, so the mark stands only
    // with the notifications and jobs it stands for.
    const rows = await tx.query<OutboxRow>(
      `UPDATE alert_outbox o SET dispatched_at = now()
         FROM (SELECT id FROM alert_outbox WHERE dispatched_at IS NULL ORDER BY created_at, id LIMIT $1
                 FOR UPDATE SKIP LOCKED) p
        WHERE o.id = p.id
        RETURNING o.id, o.key, o.kind, o.case_id AS "caseId", o.payload, o.created_at AS "createdAt"`,
      [limit],
    );
    if (rows.length === 0) return 0;
    const config = await settings();
    const jobs: PgBoss.JobInsert[] = [];
    const notifications: { accountId: string; row: OutboxRow; text: string; number: string | null }[] = [];
    const lookup = new Recipients(tx);
    await lookup.cases(rows.map((r) => r.caseId).filter((id): id is string => id !== null));
    for (const row of rows) {
      const recipients = await lookup.of(row);
      const number = typeof row.payload.number === 'string' ? row.payload.number : null;
      const text = notificationText(row.kind, row.payload);
      for (const r of recipients) notifications.push({ accountId: r.id, row, text, number });
      for (const w of config.webhooks) {
        if (w.kinds.includes(row.kind)) jobs.push(job(WEBHOOK_QUEUE, { outboxId: row.id, webhookId: w.id }, config));
      }
      if (config.sms.enabled && config.sms.kinds.includes(row.kind)) {
        for (const r of recipients) {
          if (r.hasMobile) jobs.push(job(SMS_QUEUE, { outboxId: row.id, accountId: r.id }, config));
        }
      }
    }
    if (notifications.length > 0) {
      await tx.query(
        `INSERT INTO notifications (id, account_id, alert_key, kind, case_id, case_number, text, created_at)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[],
                              $8::timestamptz[])
         ON CONFLICT (alert_key, account_id) DO NOTHING`,
        [
          notifications.map(() => uuidv7()),
          notifications.map((n) => n.accountId),
          notifications.map((n) => n.row.key),
          notifications.map((n) => n.row.kind),
          notifications.map((n) => n.row.caseId),
          notifications.map((n) => n.number),
          notifications.map((n) => n.text),
          notifications.map((n) => n.row.createdAt),
        ],
      );
    }
    if (jobs.length > 0) await boss.insert(jobs, { db: bossDb(tx) });
    return rows.length;
  });
}

function job(name: string, data: object, config: DeliverySettings): PgBoss.JobInsert {
  return {
    name,
    data,
    retryLimit: config.retry.limit,
    retryDelay: config.retry.delaySeconds,
    retryBackoff: true,
    // A delivery takes at most DELIVERY_TIMEOUT_MS; a job still active after this was cut off.
    expireInSeconds: 60,
  };
}

const ACTIVE = `a.disabled_at IS NULL`;

interface CaseFacts {
  departmentCode: string | null;
  handlerId: string | null;
  state: string;
}

/**
 * Who is told of an alert in the console (and by SMS, when they have a mobile): the department's handlers (the
 * named one when the case has one, except for a new case, which all its department's handlers see) and the
 * centre's duty supervisors (值班; every supervisor when none is marked on duty), by kind:
 * a new case and an overdue one both; an assignment the handlers; a warning whoever acts next; the digest the
 * supervisors. Read once per relayed batch: its cases in one query, the supervisors once, the handlers once per
 * department (and named handler), however many alerts the batch holds.
 */
export class Recipients {
  private readonly facts = new Map<string, CaseFacts>();
  private readonly handlerLists = new Map<string, Promise<Recipient[]>>();
  private supervisorList: Promise<Recipient[]> | undefined;

  constructor(private readonly q: Queryable) {}

  /** Reads the cases of the alerts about to be relayed, in one query. */
  async cases(ids: readonly string[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.facts.has(id));
    if (missing.length === 0) return;
    const rows = await this.q.query<CaseFacts & { id: string }>(
      `SELECT id::text AS id, department_code AS "departmentCode", handler_id AS "handlerId", state
         FROM cases WHERE id = ANY($1::uuid[])`,
      [missing],
    );
    for (const { id, ...facts } of rows) this.facts.set(id, facts);
  }

  async of(alert: Pick<OutboxRow, 'kind' | 'caseId' | 'payload'>): Promise<Recipient[]> {
    if (alert.caseId) await this.cases([alert.caseId]);
    const c = alert.caseId ? this.facts.get(alert.caseId) : undefined;
    const department = c?.departmentCode ?? null;
    const named = alert.kind === 'case_created' ? null : (c?.handlerId ?? null);
    const handlers = () => this.handlers(department, named);
    const both = async () => dedupe([...(await handlers()), ...(await this.supervisors())]);
    switch (alert.kind) {
      case 'case_created':
      case 'overdue':
        return both();
      case 'case_assigned':
        return handlers();
      case 'deadline_warning': {
        if (department === null || CENTRE_STATES.includes(c?.state ?? 'triage')) return this.supervisors();
        const h = await handlers();
        // A department with no handler yet: the centre is told instead of nobody.
        return h.length > 0 ? h : this.supervisors();
      }
      case 'daily_digest':
        return this.supervisors();
    }
  }

  private handlers(department: string | null, named: string | null): Promise<Recipient[]> {
    if (department === null) return Promise.resolve([]);
    const key = `${department}|${named ?? ''}`;
    let list = this.handlerLists.get(key);
    if (!list) {
      list = this.q.query<Recipient>(
        `SELECT a.id, a.username, c.mobile_sealed IS NOT NULL AS "hasMobile" FROM accounts a
           JOIN account_departments d ON d.account_id = a.id AND d.department_code = $1
           LEFT JOIN alert_contacts c ON c.account_id = a.id
          WHERE a.role = 'handler' AND ${ACTIVE} AND ($2::uuid IS NULL OR a.id = $2)
          ORDER BY a.id`,
        [department, named],
      );
      this.handlerLists.set(key, list);
    }
    return list;
  }

  private supervisors(): Promise<Recipient[]> {
    this.supervisorList ??= this.q.query<Recipient>(
      `SELECT a.id, a.username, c.mobile_sealed IS NOT NULL AS "hasMobile"
         FROM accounts a LEFT JOIN alert_contacts c ON c.account_id = a.id
        WHERE a.role = 'supervisor' AND ${ACTIVE}
          AND (c.on_duty OR NOT EXISTS (
                SELECT 1 FROM alert_contacts x JOIN accounts y ON y.id = x.account_id
                 WHERE x.on_duty AND y.role = 'supervisor' AND y.disabled_at IS NULL))
        ORDER BY a.id`,
    );
    return this.supervisorList;
  }
}

const dedupe = (list: Recipient[]) => [...new Map(list.map((r) => [r.id, r])).values()];

const str = (v: unknown, fallback = '—') => (typeof v === 'string' && v !== '' ? v : fallback);
const stateLabel = (v: unknown) => CASE_STATE_LABELS[v as CaseState]?.zh ?? str(v);
const satisfactionLabel = (v: unknown) => SATISFACTION_LABELS[v as Satisfaction]?.zh ?? '差评';
export const beijingDayOf = (v: unknown): string => {
  if (typeof v !== 'string') return '—';
  const t = Date.parse(v);
  return Number.isNaN(t) ? '—' : new Date(t + 8 * 3600_000 - 1).toISOString().slice(0, 10);
};

/** The console's sentence for an alert: codes, numbers and states, never a person. */
export function notificationText(kind: NotificationKind, p: Record<string, unknown>): string {
  const number = str(p.number);
  const department = str(p.departmentCode, '待分派');
  const due = typeof p.dueDay === 'string' ? p.dueDay : beijingDayOf(p.dueAt);
  switch (kind) {
    case 'case_created':
      return `新差评工单 ${number}：${satisfactionLabel(p.satisfaction)}，${department}，时限 ${due}`;
    case 'case_assigned':
      return `差评工单 ${number} 已分派（${department}，${stateLabel(p.state)}），时限 ${due}`;
    case 'deadline_warning':
      return `差评工单 ${number} 将于 ${due} 到期（${stateLabel(p.state)}）`;
    case 'overdue':
      return `差评工单 ${number} 已超期（${stateLabel(p.state)}，时限 ${due}）`;
    case 'daily_digest':
      return `每日汇总 ${str(p.day)}：在办 ${Number(p.open ?? 0)} 件，超期 ${Number(p.overdue ?? 0)} 件，今日到期 ${Number(p.dueToday ?? 0)} 件，前一日新增 ${Number(p.created ?? 0)} 件`;
  }
}
