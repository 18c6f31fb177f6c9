/**
 * Reading cases (issue 16): the 差评工单 list (newest first, keyset-paginated by (created_at, id)), its counts, and a
 * case's page with its rating, timeline and attachments — each within what the viewer may see: a handler its own
 * departments' cases only (DepartmentScope, in SQL; a case in 待分派 has no department and so is the centre's),
 * every other role the whole hall. The callback phone is never read in clear here: a case shows it masked
 * (`maskPhone`), and only the audited reveal (phone-reveal.ts) opens it. Overdue and due soon are computed from
 * the deadline and the working-day calendar at the moment of the request, never stored as states. Runs in Node.
 */
import type { Sealer } from '../../common/data-key.js';
import { HttpError } from '../../common/http.js';
import {
  availableActions,
  CONTACT_STATES,
  isOpenState,
  maySeeCase,
  type CaseActor,
  type CaseState,
} from '../../shared/cases.js';
import {
  maskPhone,
  type AttachmentType,
  type CaseAttachment,
  type CaseCounts,
  type CaseDetail,
  type CaseEvent,
  type CaseListItem,
  type CasePage,
  type CaseQuery,
} from '../../shared/cases-api.js';
import { beijingDay, type WorkCalendar } from '../../shared/work-calendar.js';
import type { AuditActor } from '../../shared/audit.js';
import type { DepartmentScope } from '../accounts/department-scope.js';
import type { Queryable } from '../db/database.js';
import { decodeCreatedCursor, encodeCreatedCursor } from '../db/created-cursor.js';

/** The acting account as the state machine sees it: its role and, for a handler, its departments. */
export async function caseActorOf(db: Queryable, actor: AuditActor | undefined): Promise<CaseActor> {
  const role = (actor?.role ?? 'auditor') as CaseActor['role'];
  if (role !== 'handler' || !actor?.id) return { role, departments: [] };
  const rows = await db.query<{ code: string }>(
    'SELECT department_code AS code FROM account_departments WHERE account_id = $1',
    [actor.id],
  );
  return { role, departments: rows.map((r) => r.code) };
}

/** A case's row as the list and the page read it: the list item's columns, with the database's dates. */
interface CaseRow extends Pick<
  CaseListItem,
  | 'id'
  | 'number'
  | 'state'
  | 'satisfaction'
  | 'channel'
  | 'departmentCode'
  | 'windowCode'
  | 'staffNo'
  | 'serviceItemCode'
  | 'handlerId'
  | 'handlerName'
  | 'deadlineUncovered'
  | 'reopenCount'
> {
  createdAt: Date;
  dueAt: Date | null;
  deadlineDay: string | null;
  extensionNewDueDay: string | null;
  extensionNote: string | null;
  promisedBy: string | null;
  followUpLevel: number | null;
  evaluationId: string;
}

export const CASE_COLUMNS = `c.id::text AS id, c.number, c.state, c.satisfaction, c.channel,
  c.department_code AS "departmentCode", c.window_code AS "windowCode", c.staff_no AS "staffNo",
  c.service_item_code AS "serviceItemCode", c.handler_id::text AS "handlerId", a.display_name AS "handlerName",
  c.created_at AS "createdAt", c.due_at AS "dueAt", to_char(c.deadline_day, 'YYYY-MM-DD') AS "deadlineDay",
  c.deadline_uncovered AS "deadlineUncovered", c.reopen_count AS "reopenCount",
  to_char(c.extension_new_due_day, 'YYYY-MM-DD') AS "extensionNewDueDay", c.extension_note AS "extensionNote",
  to_char(c.promised_by, 'YYYY-MM-DD') AS "promisedBy", c.follow_up_level AS "followUpLevel",
  c.evaluation_id::text AS "evaluationId"`;
const FROM_CASES = 'cases c LEFT JOIN accounts a ON a.id = c.handler_id';

/**
 * The deadline days whose warning is due now and which are not yet past: today through the first working day from
 * today. A deadline's warning is due at the end of the working day before it (WorkCalendar.warnAt), so a deadline
 * is due soon once no working day is left before its own.
 */
export function dueSoonDays(calendar: WorkCalendar, now: Date): string[] {
  const days: string[] = [];
  let day = beijingDay(now);
  for (let guard = 0; guard < 60; guard++) {
    days.push(day);
    if (calendar.isWorkday(day)) break;
    day = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  }
  return days;
}

function listItem(row: CaseRow, calendar: WorkCalendar, now: Date): CaseListItem {
  const open = isOpenState(row.state);
  const overdue = open && row.dueAt !== null && row.dueAt.getTime() <= now.getTime();
  const dueSoon =
    open &&
    !overdue &&
    row.deadlineDay !== null &&
    calendar.warnAt({ day: row.deadlineDay }).getTime() <= now.getTime();
  return {
    id: row.id,
    number: row.number,
    state: row.state,
    satisfaction: row.satisfaction,
    channel: row.channel,
    departmentCode: row.departmentCode,
    windowCode: row.windowCode,
    staffNo: row.staffNo,
    serviceItemCode: row.serviceItemCode,
    handlerId: row.handlerId,
    handlerName: row.handlerName,
    createdAt: row.createdAt.toISOString(),
    dueAt: row.dueAt?.toISOString() ?? null,
    overdue,
    dueSoon,
    deadlineUncovered: row.deadlineUncovered,
    reopenCount: row.reopenCount,
    extensionPending: row.extensionNewDueDay !== null,
  };
}

export async function listCases(
  db: Queryable,
  calendar: WorkCalendar,
  q: CaseQuery,
  scope: DepartmentScope,
  now = new Date(),
): Promise<CasePage> {
  const params: unknown[] = [];
  const where: string[] = [scope.departmentIn('c.department_code', params)];
  const add = (sql: string, ...values: unknown[]) => {
    let out = sql;
    for (const value of values) out = out.replace('?', `$${params.push(value)}`);
    where.push(out);
  };
  if (q.state) add('c.state = ?', q.state);
  if (q.departmentCode) add('c.department_code = ?', q.departmentCode);
  if (q.handlerId) add('c.handler_id = ?::uuid', q.handlerId);
  if (q.from) add('c.created_at >= ?::timestamptz', q.from);
  if (q.to) add('c.created_at < ?::timestamptz', q.to);
  if (q.open === 'true') where.push(`c.state NOT IN ('closed', 'invalid')`);
  if (q.open === 'false') where.push(`c.state IN ('closed', 'invalid')`);
  if (q.overdue) {
    const overdue = `(c.state NOT IN ('closed', 'invalid') AND c.due_at <= $${params.push(now)}::timestamptz)`;
    where.push(q.overdue === 'true' ? overdue : `NOT coalesce(${overdue}, false)`);
  }
  if (q.dueSoon) {
    const soon = `(c.state NOT IN ('closed', 'invalid') AND c.due_at > $${params.push(now)}::timestamptz
      AND c.deadline_day = ANY($${params.push(dueSoonDays(calendar, now))}::date[]))`;
    where.push(q.dueSoon === 'true' ? soon : `NOT coalesce(${soon}, false)`);
  }
  if (q.cursor) {
    const [at, id] = decodeCreatedCursor(q.cursor);
    add('(c.created_at, c.id) < (?::timestamptz, ?::uuid)', at, id);
  }
  const rows = await db.query<CaseRow>(
    `SELECT ${CASE_COLUMNS} FROM ${FROM_CASES} WHERE ${where.join(' AND ')}
      ORDER BY c.created_at DESC, c.id DESC LIMIT $${params.push(q.limit + 1)}`,
    params,
  );
  const items = rows.slice(0, q.limit).map((row) => listItem(row, calendar, now));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > q.limit && last ? encodeCreatedCursor(last.createdAt, last.id) : null };
}

export async function caseCounts(
  db: Queryable,
  calendar: WorkCalendar,
  scope: DepartmentScope,
  now = new Date(),
): Promise<CaseCounts> {
  const params: unknown[] = [now, dueSoonDays(calendar, now)];
  const rows = await db.query<{ state: CaseState; n: number; overdue: number; soon: number }>(
    `SELECT c.state, count(*)::int AS n,
            count(*) FILTER (WHERE c.due_at <= $1::timestamptz)::int AS overdue,
            count(*) FILTER (WHERE c.due_at > $1::timestamptz AND c.deadline_day = ANY($2::date[]))::int AS soon
       FROM cases c WHERE ${scope.departmentIn('c.department_code', params)} GROUP BY c.state`,
    params,
  );
  const counts: CaseCounts = { byState: {}, open: 0, overdue: 0, dueSoon: 0, triage: 0 };
  for (const row of rows) {
    counts.byState[row.state] = row.n;
    if (!isOpenState(row.state)) continue;
    counts.open += row.n;
    counts.overdue += row.overdue;
    counts.dueSoon += row.soon;
  }
  counts.triage = counts.byState.triage ?? 0;
  return counts;
}

/** A case's row, or null when there is none or the viewer may not see it (the same answer: 404). */
export async function caseRow(db: Queryable, id: string, actor: CaseActor, lock = false): Promise<CaseRow | null> {
  const rows = await db.query<CaseRow>(
    `SELECT ${CASE_COLUMNS} FROM ${FROM_CASES} WHERE c.id = $1 ${lock ? 'FOR UPDATE OF c' : ''}`,
    [id],
  );
  const row = rows[0];
  return row && maySeeCase(actor, row) ? row : null;
}

export const notFound = () => new HttpError(404, 'not_found', 'no such case');

/** The facts `decide` needs, from a row. */
export const factsOf = (row: CaseRow) => ({
  state: row.state,
  departmentCode: row.departmentCode,
  extensionPending: row.extensionNewDueDay !== null,
});

export type { CaseRow };

interface AttachmentRow {
  sha256: string;
  name: string;
  type: AttachmentType;
  bytes: number;
  uploadedAt: Date;
  uploadedBy: string;
}

export async function caseAttachments(db: Queryable, caseId: string): Promise<CaseAttachment[]> {
  const rows = await db.query<AttachmentRow>(
    `SELECT sha256, name, type, bytes, uploaded_at AS "uploadedAt", uploaded_by_name AS "uploadedBy"
       FROM case_attachments WHERE case_id = $1 ORDER BY uploaded_at, sha256`,
    [caseId],
  );
  return rows.map((r) => ({ ...r, uploadedAt: r.uploadedAt.toISOString() }));
}

/** The case's page for `actor`, or 404 when it may not see it. */
export async function caseDetail(
  db: Queryable,
  sealer: Sealer,
  calendar: WorkCalendar,
  id: string,
  actor: CaseActor,
  now = new Date(),
): Promise<CaseDetail> {
  const row = await caseRow(db, id, actor);
  if (!row) throw notFound();
  const [evaluation] = await db.query<{
    invitedAt: Date;
    endedAt: Date;
    reasonTags: string[] | null;
    comment: string | null;
    followupId: string | null;
    phoneSealed: Buffer | null;
  }>(
    `SELECT e.invited_at AS "invitedAt", e.ended_at AS "endedAt", f.reason_tags AS "reasonTags", f.comment,
            f.id::text AS "followupId", f.callback_phone_sealed AS "phoneSealed"
       FROM evaluations e
       LEFT JOIN LATERAL (SELECT * FROM followups f WHERE f.evaluation_id = e.id AND f.device_id IS NOT DISTINCT FROM e.device_id
                           ORDER BY f.at DESC, f.id DESC LIMIT 1) f ON true
      WHERE e.id = $1`,
    [row.evaluationId],
  );
  const events = await db.query<{
    id: string;
    action: CaseEvent['action'];
    from: CaseState | null;
    to: CaseState | null;
    actorId: string | null;
    actorName: string;
    actorRole: string | null;
    at: Date;
    note: string | null;
    detail: Record<string, unknown>;
    attachments: string[];
  }>(
    `SELECT id::text AS id, action, from_state AS "from", to_state AS "to", actor_id::text AS "actorId",
            actor_name AS "actorName", actor_role AS "actorRole", at, note, detail, attachments
       FROM case_events WHERE case_id = $1 ORDER BY at, id`,
    [id],
  );
  const attachments = await caseAttachments(db, id);
  const bySha = new Map(attachments.map((a) => [a.sha256, a]));
  const item = listItem(row, calendar, now);
  const phone =
    evaluation?.phoneSealed && evaluation.followupId
      ? maskPhone(sealer.open<string>(evaluation.phoneSealed, evaluation.followupId))
      : null;
  const facts = factsOf(row);
  const mayAct = actor.role === 'supervisor' || actor.role === 'handler';
  return {
    ...item,
    evaluation: {
      id: row.evaluationId,
      invitedAt: evaluation?.invitedAt.toISOString() ?? row.createdAt.toISOString(),
      endedAt: evaluation?.endedAt.toISOString() ?? row.createdAt.toISOString(),
      reasonTags: evaluation?.reasonTags ?? [],
      comment: evaluation?.comment ?? null,
      phoneMasked: phone,
    },
    deadlineDay: row.deadlineDay,
    // Counted to noon (Beijing) of the deadline's day: 0 on the day itself, negative once it has passed.
    workingDaysLeft:
      row.deadlineDay && isOpenState(row.state)
        ? calendar.workingDaysBetween(now, new Date(`${row.deadlineDay}T04:00:00Z`))
        : null,
    promisedBy: row.promisedBy,
    extension:
      row.extensionNewDueDay !== null ? { newDueDay: row.extensionNewDueDay, note: row.extensionNote ?? '' } : null,
    followUpLevel: row.followUpLevel,
    events: events.map((e) => ({
      id: e.id,
      action: e.action,
      from: e.from,
      to: e.to,
      actor: { id: e.actorId, name: e.actorName, role: e.actorRole },
      at: e.at.toISOString(),
      note: e.note,
      detail: e.detail,
      attachments: e.attachments.flatMap((sha) => bySha.get(sha) ?? []),
    })),
    attachments,
    actions: availableActions(facts, actor),
    mayRevealPhone: mayAct && phone !== null && CONTACT_STATES.includes(row.state),
  };
}
