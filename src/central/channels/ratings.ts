/**
 * Ratings and services from the rating channels' API (issue 17, docs/channels.md): the online platform, the mobile
 * app, the hotline keypad and SMS replies. A rating lands in the same tables as a kiosk's (evaluations and
 * followups; no device, and not in the kiosks' ledger `records`), so every figure counts it alike, and a 差评 opens
 * its case in the statement that writes it (cases/new-cases.ts), as at ingest.
 *
 * One service, one rating (一事一评): the service is its (projectNo, serviceNumber); the unique index
 * evaluations_one_per_service holds at most one first rating and one 追评 per service, whichever channel sends it.
 * Every decision below is also made by a constraint: when two requests race, the loser's transaction fails on the
 * index, and is run once more, when it sees the winner and answers as if it had come second. Runs in Node.
 */
import type { Sealer } from '../../common/data-key.js';
import { HttpError } from '../../common/http.js';
import { uuidv7 } from '../../common/ids.js';
import type { AuditActor } from '../../shared/audit.js';
import {
  type ChannelRatingParsed,
  type ChannelRatingResult,
  type ChannelServiceParsed,
  type ChannelServiceResult,
  type IntegrationChannel,
} from '../../shared/channels-api.js';
import { appendAudit } from '../audit/audit-log.js';
import { stateDeadline } from '../cases/deadlines.js';
import { caseStatementTail, type CaseIngest, type NewCases } from '../cases/new-cases.js';
import type { CentralDb, Queryable } from '../db/database.js';
import { defaultDueAt } from './defaults.js';
import { windowDepartmentAt, type CatalogueCache } from '../scope.js';

export interface ChannelContext {
  db: CentralDb;
  sealer: Sealer;
  catalogues: CatalogueCache;
  cases: CaseIngest;
}

export interface Caller {
  /** The channel of the caller's API key, or the QR code's (its page, no key). */
  channel: IntegrationChannel | 'qr_code' | 'suggestion_box';
  actor: AuditActor;
  ip: string | null;
}

/** How far ahead of the centre's clock a time sent may be (a channel's clock drifts too). */
const CLOCK_SLACK_MS = 5 * 60_000;

const isUniqueViolation = (error: unknown) => (error as { code?: unknown }).code === '23505';

/** Runs `work` in a transaction; when a unique index refused it (a race lost), once more, to see the winner. */
async function decidedByConstraints<T>(db: CentralDb, work: (tx: Queryable) => Promise<T>): Promise<T> {
  try {
    return await db.transaction(work);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return db.transaction(work);
  }
}

/**
 * Refuses what the catalogue does not know, in words a channel's developer can act on; answers the department the
 * service counts for: the one named, else the service item's, else the window's (as a kiosk's rating counts for
 * its window's).
 */
async function checkCodes(
  q: Queryable,
  ctx: ChannelContext,
  codes: { departmentCode: string | null; serviceItemCode: string | null; windowCode: string | null },
  tags?: { reasonTags: readonly string[]; satisfaction: number },
): Promise<string | null> {
  const catalogue = await ctx.catalogues.get();
  if (codes.departmentCode !== null && !catalogue.departments.has(codes.departmentCode)) {
    throw new HttpError(400, 'unknown_department', `no department ${codes.departmentCode}`);
  }
  if (codes.windowCode !== null && !catalogue.windows.has(codes.windowCode)) {
    throw new HttpError(400, 'unknown_window', `no window ${codes.windowCode}`);
  }
  let itemDepartment: string | null = null;
  if (codes.serviceItemCode !== null) {
    const [item] = await q.query<{ departmentCode: string | null }>(
      'SELECT department_code AS "departmentCode" FROM service_items WHERE code = $1',
      [codes.serviceItemCode],
    );
    if (!item) throw new HttpError(400, 'unknown_service_item', `no service item ${codes.serviceItemCode}`);
    itemDepartment = item.departmentCode;
  }
  if (tags && tags.reasonTags.length > 0) {
    const offered = await q.query<{ code: string }>(
      'SELECT code FROM reason_tags WHERE code = ANY($1) AND $2::smallint = ANY(levels)',
      [tags.reasonTags, tags.satisfaction],
    );
    const known = new Set(offered.map((t) => t.code));
    const unknown = tags.reasonTags.filter((t) => !known.has(t));
    if (unknown.length > 0) {
      throw new HttpError(
        400,
        'unknown_reason_tag',
        `reason tags not offered for level ${tags.satisfaction}: ${unknown.join(', ')}`,
      );
    }
  }
  return (
    codes.departmentCode ??
    itemDepartment ??
    (codes.windowCode === null ? null : catalogue.windows.get(codes.windowCode)) ??
    null
  );
}

function notAhead(at: string, what: string, now: Date): Date {
  const time = new Date(at);
  if (time.getTime() > now.getTime() + CLOCK_SLACK_MS) {
    throw new HttpError(400, `${what}_in_future`, `${what === 'rated' ? 'ratedAt' : 'endedAt'} is in the future`);
  }
  return time;
}

/** A service is known by its 办件 and step, or, rated by a kiosk's QR code, by the kiosk's record of it. */
type ServiceKey = { projectNo: string; serviceNumber: number; kioskRecordId: null } | QrServiceKey;
type QrServiceKey = { projectNo: null; serviceNumber: 1; kioskRecordId: string };

/** What a rating says, from a channel's API (ChannelRating) or from the QR page. */
export type RatingInput = Omit<ChannelRatingParsed, 'projectNo' | 'serviceNumber'> & ServiceKey;

interface ServiceFields {
  projectNo: string | null;
  serviceNumber: number;
  kioskRecordId: string | null;
  channel: string;
  departmentCode: string | null;
  serviceItemCode: string | null;
  windowCode: string | null;
  staffNo: string | null;
  endedAt: Date;
  registeredBy: string;
}

/** Writes the service unless it is known (by its projectNo and serviceNumber): answers its id, and whether it is new. */
async function upsertService(q: Queryable, s: ServiceFields): Promise<{ id: string; made: boolean }> {
  const [made] = await q.query<{ id: string }>(
    `INSERT INTO services (id, project_no, service_number, kiosk_record_id, channel, department_code, service_item_code,
                           window_code, staff_no, ended_at, registered_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT DO NOTHING RETURNING id::text AS id`,
    [
      uuidv7(),
      s.projectNo,
      s.serviceNumber,
      s.kioskRecordId,
      s.channel,
      s.departmentCode,
      s.serviceItemCode,
      s.windowCode,
      s.staffNo,
      s.endedAt,
      s.registeredBy,
    ],
  );
  if (made) return { id: made.id, made: true };
  const [known] = await q.query<{ id: string }>(
    s.kioskRecordId === null
      ? 'SELECT id::text AS id FROM services WHERE project_no = $1 AND service_number = $2'
      : 'SELECT id::text AS id FROM services WHERE kiosk_record_id = $1',
    s.kioskRecordId === null ? [s.projectNo, s.serviceNumber] : [s.kioskRecordId],
  );
  return { id: known!.id, made: false };
}

/** Takes one rating from a channel: accepted, a duplicate of the service's rating, or late after its default. */
export async function rateFromChannel(
  ctx: ChannelContext,
  caller: Caller,
  rating: RatingInput,
  now = new Date(),
): Promise<ChannelRatingResult> {
  const ratedAt = notAhead(rating.ratedAt, 'rated', now);
  return decidedByConstraints(ctx.db, async (tx) => {
    // The same rating sent again (a retry after a lost answer): answered as the first time, nothing written.
    const [again] = await tx.query<{ id: string; caseId: string | null }>(
      `SELECT e.id::text AS id, c.id::text AS "caseId" FROM evaluations e LEFT JOIN cases c ON c.evaluation_id = e.id
        WHERE e.channel = $1 AND e.client_ref = $2`,
      [caller.channel, rating.id],
    );
    if (again) return { status: 'accepted', id: again.id, caseId: again.caseId };
    const [lateAgain] = await tx.query<{ id: string }>(
      'SELECT id::text AS id FROM late_ratings WHERE channel = $1 AND client_ref = $2',
      [caller.channel, rating.id],
    );
    if (lateAgain) return { status: 'late', id: lateAgain.id };

    const departmentCode = await checkCodes(tx, ctx, rating, rating);
    // A service not registered before is made by its first rating.
    const service = await upsertService(tx, {
      ...rating,
      departmentCode,
      channel: caller.channel,
      endedAt: ratedAt,
      registeredBy: `rating:${caller.channel}`,
    });
    // Off the default's queue first: the default job takes its rows in the same order (the queue's row, then the
    // evaluation's index), so the two wait for each other and never deadlock; and once this returns, a default
    // of this service is either committed (seen below) or will not be made.
    if (rating.assessNumber === 1) await tx.query('DELETE FROM services_awaiting WHERE service_id = $1', [service.id]);
    const [first] = await tx.query<{ id: string; channel: string; satisfaction: number }>(
      `SELECT id::text AS id, channel, satisfaction FROM evaluations
        WHERE service_id = $1 AND assess_number = $2`,
      [service.id, rating.assessNumber],
    );
    if (first) {
      if (first.channel === 'system_default') {
        const id = uuidv7();
        await tx.query(
          `INSERT INTO late_ratings (id, service_id, channel, client_ref, satisfaction, reason_tags, comment, rated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [id, service.id, caller.channel, rating.id, rating.satisfaction, rating.reasonTags, rating.comment, ratedAt],
        );
        return { status: 'late', id };
      }
      await appendAudit(tx, {
        actor: caller.actor,
        action: 'rating.duplicate',
        target:
          rating.kioskRecordId === null
            ? `service:${rating.projectNo}/${rating.serviceNumber}`
            : `service:kiosk/${rating.kioskRecordId}`,
        summary: { channel: caller.channel, assessNumber: rating.assessNumber, firstId: first.id },
        ip: caller.ip,
        result: 'refused',
      });
      return { status: 'duplicate', id: first.id };
    }
    if (rating.assessNumber === 2) {
      const [bad] = await tx.query(
        'SELECT 1 FROM evaluations WHERE service_id = $1 AND assess_number = 1 AND satisfaction <= 2',
        [service.id],
      );
      if (!bad) {
        throw new HttpError(409, 'no_bad_first_rating', 'a 追评 (assessNumber 2) follows only a 差评 of the service');
      }
    }

    const id = uuidv7();
    const bad = rating.assessNumber === 1 && rating.satisfaction <= 2;
    const cases = bad ? await casesOf(ctx, id, rating, ratedAt) : null;
    const params: unknown[] = [
      id,
      caller.channel,
      rating.satisfaction,
      ratedAt,
      rating.staffNo,
      rating.windowCode,
      departmentCode,
      rating.serviceItemCode,
      rating.projectNo,
      rating.rater ? ctx.sealer.seal(rating.rater, id) : null,
      service.id,
      rating.assessNumber,
      rating.id,
    ];
    const tail = cases ? caseStatementTail(cases, params.length + 1) : null;
    const rows = await tx.query<{ id: string }>(
      `WITH ev AS (
         INSERT INTO evaluations (id, device_id, channel, mode, outcome, satisfaction, source, invited_at, expires_at,
                                  ended_at, staff_no, window_code, department_code, service_item_code, case_no,
                                  rater_sealed, service_id, assess_number, client_ref)
         VALUES ($1, NULL, $2, 'channel', 'rated', $3, NULL, $4, $4, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         RETURNING id, service_item_code, satisfaction, channel, window_code, staff_no)
       ${tail ? tail.sql : 'SELECT id::text AS id FROM ev'}`,
      [...params, ...(tail ? tail.params : [])],
    );
    if (rows.length !== 1) throw new Error('the channel rating was not written');
    const comment = rating.comment === '' ? null : rating.comment;
    if (rating.reasonTags.length > 0 || comment !== null) {
      const followup = uuidv7();
      await tx.query(
        `INSERT INTO followups (id, device_id, evaluation_id, reason_tags, callback_phone_sealed, comment, at)
         VALUES ($1, NULL, $2, $3, $4, $5, $6)`,
        [
          followup,
          id,
          rating.reasonTags,
          rating.rater?.phone ? ctx.sealer.seal(rating.rater.phone, followup) : null,
          comment,
          ratedAt,
        ],
      );
    }
    const [made] = bad
      ? await tx.query<{ id: string }>('SELECT id::text AS id FROM cases WHERE evaluation_id = $1', [id])
      : [];
    return { status: 'accepted', id, caseId: made?.id ?? null };
  });
}

/**
 * The case of a channel's 差评, routed as at ingest: to the service item's department, else to the department the
 * channel named, else to the window's at the time of the rating; with none, to 待分派.
 */
async function casesOf(ctx: ChannelContext, id: string, rating: RatingInput, ratedAt: Date): Promise<NewCases> {
  const [catalogue, calendar, deadlines] = await Promise.all([
    ctx.catalogues.get(),
    ctx.cases.calendar.get(),
    ctx.cases.deadlines.get(),
  ]);
  const createdAt = ctx.cases.clock();
  return {
    createdAt,
    evaluationIds: [id],
    caseIds: [uuidv7()],
    windowDepartments: [rating.departmentCode ?? windowDepartmentAt(catalogue, rating.windowCode, ratedAt.getTime())],
    triage: stateDeadline(calendar, deadlines, 'triage', { enteredAt: createdAt, createdAt }),
    assigned: stateDeadline(calendar, deadlines, 'assigned', { enteredAt: createdAt, createdAt }),
  };
}

/** Registers a service given that awaits its rating: its default falls due as defaultDueAt says. */
export async function registerService(
  ctx: ChannelContext,
  caller: Caller,
  service: ChannelServiceParsed,
  now = new Date(),
): Promise<ChannelServiceResult> {
  const endedAt = notAhead(service.endedAt, 'ended', now);
  const due = (await ctx.cases.defaultDue.get())(endedAt);
  return decidedByConstraints(ctx.db, async (tx) => {
    const departmentCode = await checkCodes(tx, ctx, service);
    const made = await upsertService(tx, {
      ...service,
      kioskRecordId: null,
      departmentCode,
      endedAt,
      registeredBy: `services:${caller.channel}`,
    });
    const { id } = made;
    if (!made.made) {
      // When it was queued (a rule changed since does not move it), else when it would have been: rated already.
      const [known] = await tx.query<{ dueAt: Date | null; endedAt: Date }>(
        `SELECT a.due_at AS "dueAt", s.ended_at AS "endedAt"
           FROM services s LEFT JOIN services_awaiting a ON a.service_id = s.id WHERE s.id = $1`,
        [id],
      );
      return { status: 'known', id, defaultDueAt: (known!.dueAt ?? defaultDueAt(known!.endedAt)).toISOString() };
    }
    await tx.query('INSERT INTO services_awaiting (service_id, due_at) VALUES ($1, $2)', [id, due]);
    return { status: 'registered', id, defaultDueAt: due.toISOString() };
  });
}
