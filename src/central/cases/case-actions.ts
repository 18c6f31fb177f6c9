/**
 * Moving a case (issue 16): `POST /cases/:id/actions`. The case's row is locked, `decide` (src/shared/cases.ts, the
 * transition table) judges the action, and what it changes is written in the same transaction: the case's state and
 * deadline, its timeline event (actor, time, note, attachments and the action's other fields), the audit entry
 * (`case.transitioned`, codes only: never the note, which may quote the rater), and for an assignment its
 * `case_assigned` alert. A refusal maps to its status: not_found 404, forbidden 403, wrong_state 409,
 * invalid_input 400. Runs in Node.
 */
import type { FastifyRequest } from 'fastify';
import { uuidv7 } from '../../common/ids.js';
import { HttpError } from '../../common/http.js';
import {
  decide,
  type CaseAction,
  type CaseActionInput,
  type CaseActor,
  type CaseRefusal,
  type CaseState,
} from '../../shared/cases.js';
import { beijingDay, type WorkCalendar } from '../../shared/work-calendar.js';
import { enqueueAlerts } from '../alerts/outbox.js';
import { auditWithin } from '../audit/audit.routes.js';
import type { Queryable } from '../db/database.js';
import { caseRow, factsOf, notFound, type CaseRow } from './case-repository.js';
import { extensionDeadline, stateDeadline, type DeadlineTable, type StoredDeadline } from './deadlines.js';

const REFUSAL_STATUS: Record<CaseRefusal['code'], number> = {
  invalid_input: 400,
  forbidden: 403,
  not_found: 404,
  wrong_state: 409,
};

const invalid = (message: string) => new HttpError(400, 'invalid_input', message);

/** Checks of an input against the database and the case, beyond its schema (CASE_ACTION_INPUTS). */
async function checkInput(
  tx: Queryable,
  row: CaseRow,
  action: CaseAction,
  input: Record<string, unknown>,
  today: string,
): Promise<void> {
  if (action === 'assign' || action === 'reassign') {
    const { departmentCode, handlerId } = input as CaseActionInput<'assign'>;
    const [department] = await tx.query('SELECT 1 FROM departments WHERE code = $1', [departmentCode]);
    if (!department) throw invalid(`departmentCode: no department ${departmentCode}`);
    if (handlerId) {
      const [handler] = await tx.query(
        `SELECT 1 FROM accounts a JOIN account_departments d ON d.account_id = a.id
          WHERE a.id = $1 AND a.role = 'handler' AND a.disabled_at IS NULL AND d.department_code = $2`,
        [handlerId, departmentCode],
      );
      if (!handler) throw invalid(`handlerId: not an active handler of ${departmentCode}`);
    }
  }
  const attachments = (input as { attachments?: string[] }).attachments ?? [];
  if (attachments.length > 0) {
    const found = await tx.query<{ sha256: string }>(
      'SELECT sha256 FROM case_attachments WHERE case_id = $1 AND sha256 = ANY($2::text[])',
      [row.id, attachments],
    );
    const missing = attachments.find((sha) => !found.some((f) => f.sha256 === sha));
    if (missing) throw invalid(`attachments: ${missing} is not an attachment of this case (upload it first)`);
  }
  if (action === 'rectify') {
    const { promisedBy } = input as CaseActionInput<'rectify'>;
    if (promisedBy < today) throw invalid(`promisedBy: ${promisedBy} is in the past`);
  }
  if (action === 'request_extension') {
    const { newDueDay } = input as CaseActionInput<'request_extension'>;
    if (newDueDay < today) throw invalid(`newDueDay: ${newDueDay} is in the past`);
    if (row.deadlineDay !== null && newDueDay <= row.deadlineDay) {
      throw invalid(`newDueDay: an extension must end after the deadline (${row.deadlineDay})`);
    }
  }
}

/** The input's fields other than the note and the attachments: the event's `detail`. */
function detailOf(input: Record<string, unknown>): Record<string, unknown> {
  const { note: _note, attachments: _attachments, ...rest } = input;
  return rest;
}

export interface ActionContext {
  calendar: WorkCalendar;
  deadlines: DeadlineTable;
  now?: Date;
}

/** Applies `action` to the case in `tx` (which the caller commits), or throws its refusal. */
export async function applyCaseAction(
  tx: Queryable,
  request: FastifyRequest,
  actor: CaseActor,
  caseId: string,
  action: CaseAction,
  rawInput: unknown,
  context: ActionContext,
): Promise<void> {
  const now = context.now ?? new Date();
  const row = await caseRow(tx, caseId, actor, true);
  if (!row) throw notFound();
  const decision = decide(factsOf(row), actor, action, rawInput);
  if (!decision.ok) {
    const { code, message } = decision.refusal;
    throw new HttpError(REFUSAL_STATUS[code], code, message);
  }
  const input = decision.input as Record<string, unknown>;
  await checkInput(tx, row, action, input, beijingDay(now));

  const from = row.state;
  const to: CaseState = decision.to;
  const set: Record<string, unknown> = { state: to, updated_at: now };
  let deadline: StoredDeadline | null = null;
  if (to !== from) {
    set.state_entered_at = now;
    // 限期整改 counts from the case's creation the first time; a case reopened by 复核 gets its full time again.
    deadline = stateDeadline(context.calendar, context.deadlines, to, {
      enteredAt: now,
      createdAt: row.createdAt,
      fromCreation: action === 'rectify' && row.reopenCount === 0,
    });
  }
  switch (action) {
    case 'assign':
    case 'reassign': {
      const { departmentCode, handlerId } = input as CaseActionInput<'assign'>;
      set.department_code = departmentCode;
      set.handler_id = handlerId ?? null;
      break;
    }
    case 'rectify':
      set.promised_by = (input as CaseActionInput<'rectify'>).promisedBy;
      break;
    case 'request_extension': {
      const { newDueDay, note } = input as CaseActionInput<'request_extension'>;
      set.extension_new_due_day = newDueDay;
      set.extension_note = note;
      break;
    }
    case 'approve_extension':
      deadline = extensionDeadline(context.calendar, row.extensionNewDueDay!);
      set.extension_new_due_day = null;
      set.extension_note = null;
      break;
    case 'reject_extension':
      set.extension_new_due_day = null;
      set.extension_note = null;
      break;
    case 'record_revisit': {
      const level = (input as CaseActionInput<'record_revisit'>).followUpLevel;
      if (level !== undefined) set.follow_up_level = level;
      break;
    }
    case 'reopen':
    case 'admin_reopen':
      set.reopen_count = row.reopenCount + 1;
      break;
    default:
      break;
  }
  if (deadline) {
    // A new deadline gets its own warning and overdue notice (the sweep writes each once per deadline).
    Object.assign(set, {
      due_at: deadline.dueAt,
      deadline_day: deadline.day,
      deadline_uncovered: deadline.uncovered,
      warned_at: null,
      overdue_at: null,
    });
  }
  const columns = Object.keys(set);
  const [updated] = await tx.query<{ number: string; departmentCode: string | null; dueAt: Date | null }>(
    `UPDATE cases SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1
     RETURNING number, department_code AS "departmentCode", due_at AS "dueAt"`,
    [caseId, ...columns.map((c) => set[c])],
  );
  const who = request.actor;
  const eventId = uuidv7();
  await tx.query(
    `INSERT INTO case_events (id, case_id, action, from_state, to_state, actor_id, actor_name, actor_role, at, note,
                              detail, attachments)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      eventId,
      caseId,
      action,
      from,
      to,
      who?.kind === 'account' ? who.id : null,
      who?.name ?? 'unknown',
      who?.role ?? null,
      now,
      (input.note as string | undefined) ?? null,
      JSON.stringify(detailOf(input)),
      (input.attachments as string[] | undefined) ?? [],
    ],
  );
  await auditWithin(tx, request, 'case.transitioned', `case:${caseId}`, {
    number: row.number,
    action,
    from,
    to,
  });
  if (action === 'assign' || action === 'reassign') {
    await enqueueAlerts(tx, [
      {
        kind: 'case_assigned',
        caseId,
        key: `case_assigned:${caseId}:${eventId}`,
        payload: {
          caseId,
          number: updated!.number,
          state: to,
          departmentCode: updated!.departmentCode,
          satisfaction: row.satisfaction,
          dueAt: updated!.dueAt?.toISOString() ?? null,
          handlerId: set.handler_id,
        },
      },
    ]);
  }
}
