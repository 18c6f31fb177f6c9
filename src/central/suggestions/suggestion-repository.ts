/**
 * The 意见箱's store (issue 17, 第十一条; docs/suggestions.md): an item left on the public page or through the API,
 * its list and page for the console, and the workflow's steps, each in one transaction with its event and its
 * audit entry. The contact is sealed at once and never read back here: lists and pages say only whether there is
 * one. A handler sees only what was referred to its departments, and only answers it. Runs in Node.
 */
import type { FastifyRequest } from 'fastify';
import type { Sealer } from '../../common/data-key.js';
import { HttpError } from '../../common/http.js';
import { uuidv7 } from '../../common/ids.js';
import { beijingDay, type WorkCalendar } from '../../shared/work-calendar.js';
import {
  SUGGESTION_ACTIONS,
  SUGGESTION_DEADLINES,
  type SuggestionActionRequest,
  type SuggestionCreate,
  type SuggestionDetail,
  type SuggestionEvent,
  type SuggestionItem,
  type SuggestionKind,
  type SuggestionPage,
  type SuggestionQuery,
  type SuggestionState,
} from '../../shared/suggestions.js';
import type { DepartmentScope } from '../accounts/department-scope.js';
import { auditWithin } from '../audit/audit.routes.js';
import { rateFromChannel, type ChannelContext } from '../channels/ratings.js';
import type { Queryable } from '../db/database.js';
import { decodeCreatedCursor, encodeCreatedCursor } from '../db/created-cursor.js';

interface Row {
  id: string;
  number: string;
  kind: SuggestionKind;
  body: string;
  state: SuggestionState;
  departmentCode: string | null;
  serviceItemCode: string | null;
  hasContact: boolean;
  contactSealed: Buffer | null;
  answer: string | null;
  caseId: string | null;
  createdAt: Date;
  dueAt: Date | null;
}

const COLUMNS = `s.id::text AS id, s.number, s.kind, s.body, s.state, s.department_code AS "departmentCode",
  s.service_item_code AS "serviceItemCode", s.contact_sealed IS NOT NULL AS "hasContact",
  s.answer, s.case_id::text AS "caseId", s.created_at AS "createdAt", s.due_at AS "dueAt"`;

function itemOf(row: Omit<Row, 'contactSealed'>, now: Date): SuggestionItem {
  return {
    id: row.id,
    number: row.number,
    kind: row.kind,
    text: row.body,
    state: row.state,
    departmentCode: row.departmentCode,
    serviceItemCode: row.serviceItemCode,
    hasContact: row.hasContact,
    answer: row.answer,
    caseId: row.caseId,
    createdAt: row.createdAt.toISOString(),
    dueAt: row.dueAt?.toISOString() ?? null,
    overdue: row.dueAt !== null && row.dueAt.getTime() <= now.getTime(),
  };
}

/** The deadline of `state` entered at `at`, or null for a state with none. */
function dueOf(calendar: WorkCalendar, state: SuggestionState, at: Date): Date | null {
  const days = SUGGESTION_DEADLINES[state];
  return days === undefined ? null : calendar.deadline(at, days).dueAt;
}

export interface SuggestionContext {
  db: ChannelContext['db'];
  sealer: Sealer;
  channels: ChannelContext;
  calendar: { get(): Promise<WorkCalendar> };
  clock: () => Date;
}

/** Checks the codes an item names against the catalogue: an unknown one is refused, in words. */
async function checkCodes(q: Queryable, departmentCode: string | null, serviceItemCode: string | null) {
  if (departmentCode !== null) {
    const [d] = await q.query('SELECT 1 FROM departments WHERE code = $1', [departmentCode]);
    if (!d) throw new HttpError(400, 'unknown_department', `no department ${departmentCode}`);
  }
  if (serviceItemCode !== null) {
    const [i] = await q.query('SELECT 1 FROM service_items WHERE code = $1', [serviceItemCode]);
    if (!i) throw new HttpError(400, 'unknown_service_item', `no service item ${serviceItemCode}`);
  }
}

/** Keeps what a person left: answers its number. */
export async function createSuggestion(
  ctx: SuggestionContext,
  input: Omit<SuggestionCreate, 'website'>,
): Promise<{ number: string }> {
  const now = ctx.clock();
  const calendar = await ctx.calendar.get();
  const id = uuidv7(now.getTime());
  const departmentCode = input.departmentCode ?? null;
  const serviceItemCode = input.serviceItemCode ?? null;
  return ctx.db.transaction(async (tx) => {
    await checkCodes(tx, departmentCode, serviceItemCode);
    const [made] = await tx.query<{ number: string }>(
      `INSERT INTO suggestions (id, number, kind, body, department_code, service_item_code, contact_sealed, state,
                                created_at, state_entered_at, due_at, updated_at)
       VALUES ($1, $2::text || '-' || to_char(nextval('suggestion_number_seq'), 'FM999999990000'), $3, $4, $5, $6, $7,
               'pending', $8, $8, $9, $8)
       RETURNING number`,
      [
        id,
        `YJ${beijingDay(now).replaceAll('-', '')}`,
        input.kind,
        input.text,
        departmentCode,
        serviceItemCode,
        input.contact ? ctx.sealer.seal(input.contact, id) : null,
        now,
        dueOf(calendar, 'pending', now),
      ],
    );
    await tx.query(
      `INSERT INTO suggestion_events (id, suggestion_id, action, from_state, to_state, actor_id, actor_name, note, at)
       VALUES ($1, $2, 'created', NULL, 'pending', NULL, 'public', NULL, $3)`,
      [uuidv7(now.getTime()), id, now],
    );
    return { number: made!.number };
  });
}

/** What a handler may see: referred to one of its departments (the centre has not yet looked at a pending one). */
function scopeCondition(scope: DepartmentScope, params: unknown[]): string {
  const inScope = scope.departmentIn('s.department_code', params);
  return inScope === 'TRUE' ? 'TRUE' : `(s.state <> 'pending' AND ${inScope})`;
}

export async function listSuggestions(
  ctx: SuggestionContext,
  query: SuggestionQuery,
  scope: DepartmentScope,
): Promise<SuggestionPage> {
  const params: unknown[] = [];
  const where = [scopeCondition(scope, params)];
  if (query.state) where.push(`s.state = $${params.push(query.state)}`);
  if (query.kind) where.push(`s.kind = $${params.push(query.kind)}`);
  if (query.cursor) {
    const [at, id] = decodeCreatedCursor(query.cursor);
    where.push(`(s.created_at, s.id) < ($${params.push(at)}::timestamptz, $${params.push(id)}::uuid)`);
  }
  const rows = await ctx.db.query<Row>(
    `SELECT ${COLUMNS} FROM suggestions s WHERE ${where.join(' AND ')}
      ORDER BY s.created_at DESC, s.id DESC LIMIT $${params.push(query.limit + 1)}`,
    params,
  );
  const now = ctx.clock();
  const items = rows.slice(0, query.limit).map((r) => itemOf(r, now));
  const last = rows.length > query.limit ? items.at(-1) : undefined;
  return { items, nextCursor: last ? encodeCreatedCursor(last.createdAt, last.id) : null };
}

async function rowOf(q: Queryable, id: string, scope: DepartmentScope, lock = false): Promise<Row> {
  const params: unknown[] = [id];
  const [row] = await q.query<Row>(
    `SELECT ${COLUMNS}, s.contact_sealed AS "contactSealed" FROM suggestions s
      WHERE s.id = $1 AND ${scopeCondition(scope, params)} ${lock ? 'FOR UPDATE' : ''}`,
    params,
  );
  // Another department's item is answered as one that does not exist.
  if (!row) throw new HttpError(404, 'not_found', 'no such item');
  return row;
}

export async function suggestionDetail(
  ctx: SuggestionContext,
  id: string,
  scope: DepartmentScope,
): Promise<SuggestionDetail> {
  const row = await rowOf(ctx.db, id, scope);
  const events = await ctx.db.query<Omit<SuggestionEvent, 'at'> & { at: Date }>(
    `SELECT action, from_state AS "fromState", to_state AS "toState", actor_name AS "actorName", note, at
       FROM suggestion_events WHERE suggestion_id = $1 ORDER BY at, id`,
    [id],
  );
  return { ...itemOf(row, ctx.clock()), events: events.map((e) => ({ ...e, at: e.at.toISOString() })) };
}

/**
 * Takes one step on an item: the action must be allowed in its state (SUGGESTION_ACTIONS), and a handler may only
 * answer. `toCase` makes the 投诉 the 差评 of channel `suggestion_box` that opens its case (docs/suggestions.md).
 */
export async function actOnSuggestion(
  ctx: SuggestionContext,
  request: FastifyRequest,
  id: string,
  step: SuggestionActionRequest,
  scope: DepartmentScope,
): Promise<SuggestionDetail> {
  const actor = request.actor;
  if (actor?.role === 'handler' && step.action !== 'answer') {
    throw new HttpError(403, 'forbidden', 'a department answers the items referred to it; the centre takes the rest');
  }
  const rule = SUGGESTION_ACTIONS[step.action];
  const check = (row: Row) => {
    if (!(rule.from as readonly string[]).includes(row.state)) {
      throw new HttpError(409, 'invalid_transition', `${rule.label} is not possible in state ${row.state}`);
    }
  };
  let caseId: string | null = null;
  if (step.action === 'toCase') {
    const row = await rowOf(ctx.db, id, scope);
    check(row);
    if (row.kind !== 'complaint') throw new HttpError(409, 'not_a_complaint', 'only a 投诉 can become a 差评 case');
    caseId = await caseOfComplaint(ctx, request, row, step.departmentCode ?? row.departmentCode);
  }
  const now = ctx.clock();
  const calendar = await ctx.calendar.get();
  await ctx.db.transaction(async (tx) => {
    const row = await rowOf(tx, id, scope, true);
    check(row);
    const departmentCode = step.action === 'refer' ? step.departmentCode : row.departmentCode;
    if (step.action === 'refer') await checkCodes(tx, departmentCode, null);
    await tx.query(
      `UPDATE suggestions SET state = $2, department_code = $3, answer = coalesce($4, answer),
              case_id = coalesce($5, case_id), state_entered_at = $6, due_at = $7, updated_at = $6
        WHERE id = $1`,
      [
        id,
        rule.to,
        departmentCode,
        step.action === 'answer' ? step.answer : null,
        caseId,
        now,
        dueOf(calendar, rule.to, now),
      ],
    );
    const note = step.action === 'answer' ? step.answer : step.action === 'toCase' ? null : (step.note ?? null);
    await tx.query(
      `INSERT INTO suggestion_events (id, suggestion_id, action, from_state, to_state, actor_id, actor_name, note, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        uuidv7(now.getTime()),
        id,
        step.action,
        row.state,
        rule.to,
        actor?.id ?? null,
        actor?.name ?? 'admin',
        note,
        now,
      ],
    );
    await auditWithin(tx, request, 'suggestion.transitioned', id, {
      number: row.number,
      action: step.action,
      from: row.state,
      to: rule.to,
      ...(step.action === 'refer' ? { departmentCode } : {}),
      ...(caseId ? { caseId } : {}),
    });
  });
  return suggestionDetail(ctx, id, scope);
}

/**
 * The 投诉 as a 差评 (不满意, the complaint's own words as its comment, its contact as the callback number): one
 * rating of channel `suggestion_box` for the item (its number is the service), which opens its case as a rating
 * from any channel does. Staff choose nothing of it but the department. Idempotent: done again (a retry after a
 * failure) it answers the same case.
 */
async function caseOfComplaint(
  ctx: SuggestionContext,
  request: FastifyRequest,
  row: Row,
  departmentCode: string | null,
): Promise<string> {
  const contact = row.contactSealed ? ctx.sealer.open<string>(row.contactSealed, row.id) : null;
  const phone = contact !== null && /^\+?[0-9-]{5,20}$/.test(contact) ? contact : null;
  const result = await rateFromChannel(
    ctx.channels,
    { channel: 'suggestion_box', actor: request.actor!, ip: request.ip },
    {
      id: row.id,
      projectNo: row.number,
      serviceNumber: 1,
      kioskRecordId: null,
      assessNumber: 1,
      serviceItemCode: row.serviceItemCode,
      departmentCode,
      windowCode: null,
      staffNo: null,
      satisfaction: 2,
      reasonTags: [],
      comment: row.body,
      rater: phone ? { phone } : null,
      ratedAt: row.createdAt.toISOString(),
    },
  );
  if (result.status !== 'accepted' || !result.caseId) {
    throw new HttpError(409, 'invalid_transition', 'this item has been rated already and cannot become a case');
  }
  return result.caseId;
}
