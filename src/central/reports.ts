/**
 * What the centre's staff read: the evaluations (filtered, cursor-paginated) and counts per level grouped by
 * department, window, staff member or service item (第十七–十九条 reports build on these). Rater identity is never
 * part of either. Runs in Node.
 */
import { z } from 'zod';
import { HttpError } from '../common/http.js';
import { EVALUATION_GROUPS } from '../shared/central-api.js';
import type { Queryable } from './db/database.js';

const day = z.iso.datetime({ offset: true }).or(z.iso.date());

export const EvaluationQuery = z.strictObject({
  from: day.optional(),
  to: day.optional(),
  departmentCode: z.string().max(64).optional(),
  windowCode: z.string().max(64).optional(),
  staffNo: z.string().max(64).optional(),
  deviceId: z.uuid().optional(),
  satisfaction: z.coerce.number().int().min(1).max(5).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const StatsQuery = z.strictObject({
  from: day.optional(),
  to: day.optional(),
  groupBy: z.enum(EVALUATION_GROUPS).default('department'),
});

const GROUP_COLUMN: Record<(typeof EVALUATION_GROUPS)[number], string> = {
  department: 'department_code',
  window: 'window_code',
  staff: 'staff_no',
  serviceItem: 'service_item_code',
};

/** Cursor: the (invitedAt, id) of the last row of the page, opaque to the caller. */
const encodeCursor = (invitedAt: Date, id: string) =>
  Buffer.from(`${invitedAt.toISOString()}|${id}`).toString('base64url');
function decodeCursor(cursor: string): [string, string] {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw new HttpError(400, 'invalid_request', 'cursor: not a cursor this API gave out');
  }
  return [at, id];
}

export async function listEvaluations(db: Queryable, q: z.infer<typeof EvaluationQuery>) {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (q.from) add('invited_at >= ?', q.from);
  if (q.to) add('invited_at < ?', q.to);
  if (q.departmentCode) add('department_code = ?', q.departmentCode);
  if (q.windowCode) add('window_code = ?', q.windowCode);
  if (q.staffNo) add('staff_no = ?', q.staffNo);
  if (q.deviceId) add('device_id = ?', q.deviceId);
  if (q.satisfaction) add('satisfaction = ?', q.satisfaction);
  if (q.cursor) {
    const [at, id] = decodeCursor(q.cursor);
    params.push(at, id);
    where.push(`(invited_at, id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  params.push(q.limit + 1);
  const rows = await db.query<{ invitedAt: Date; id: string }>(
    `SELECT id::text AS id, device_id AS "deviceId", channel, mode, outcome, satisfaction, source,
            invited_at AS "invitedAt", ended_at AS "endedAt", clock_offset_ms AS "clockOffsetMs", staff_no AS "staffNo",
            window_code AS "windowCode", department_code AS "departmentCode", service_item_code AS "serviceItemCode",
            case_no AS "caseNo", ticket_no AS "ticketNo"
       FROM evaluations ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY invited_at, id LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { items: page, nextCursor: rows.length > q.limit && last ? encodeCursor(last.invitedAt, last.id) : null };
}

export async function evaluationStats(db: Queryable, q: z.infer<typeof StatsQuery>) {
  const where = ["outcome <> 'cancelled'"];
  const params: unknown[] = [];
  if (q.from) where.push(`invited_at >= $${params.push(q.from)}`);
  if (q.to) where.push(`invited_at < $${params.push(q.to)}`);
  const rows = await db.query<Record<string, number | string | null>>(
    `SELECT ${GROUP_COLUMN[q.groupBy]} AS key,
            count(*) FILTER (WHERE satisfaction = 5) AS s5, count(*) FILTER (WHERE satisfaction = 4) AS s4,
            count(*) FILTER (WHERE satisfaction = 3) AS s3, count(*) FILTER (WHERE satisfaction = 2) AS s2,
            count(*) FILTER (WHERE satisfaction = 1) AS s1, count(*) FILTER (WHERE outcome = 'rated') AS rated,
            count(*) FILTER (WHERE outcome = 'unrated') AS unrated
       FROM evaluations WHERE ${where.join(' AND ')} GROUP BY 1 ORDER BY 1`,
    params,
  );
  return {
    groupBy: q.groupBy,
    groups: rows.map((r) => {
      const bad = Number(r.s1) + Number(r.s2);
      const rated = Number(r.rated);
      return {
        key: r.key,
        counts: { 5: Number(r.s5), 4: Number(r.s4), 3: Number(r.s3), 2: Number(r.s2), 1: Number(r.s1) },
        rated,
        unrated: Number(r.unrated),
        bad,
        badRate: rated > 0 ? bad / rated : null,
      };
    }),
  };
}
