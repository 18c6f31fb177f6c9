/**
 * What the centre's staff read: the evaluations (filtered, cursor-paginated) and counts per level grouped by
 * department, window, staff member or service item (第十七–十九条 reports build on these). Cancelled invitations and
 * stray presses are counted beside the ratings, never left out: a staff member who cancels when a bad rating is
 * coming, or whose counter presses keys outside any invitation, shows in the same report. Rater identity is never
 * part of either. Runs in Node.
 */
import { z } from 'zod';
import { HttpError } from '../common/http.js';
import { EVALUATION_GROUPS, EVALUATION_OUTCOMES } from '../shared/central-api.js';
import { badRate, cancelRate } from '../shared/figures.js';
import { DaySchema, isUuid, UuidSchema } from '../shared/ids.js';
import { DepartmentScope } from './accounts/department-scope.js';
import type { Queryable } from './db/database.js';

/** A moment PostgreSQL can hold and this API means: a real day, or an ISO date-time, between years 1970 and 9999. */
const day = z.iso
  .datetime({ offset: true })
  .refine((t) => {
    const ms = Date.parse(t);
    return Number.isFinite(ms) && ms >= 0 && ms < Date.UTC(10000, 0, 1);
  }, 'a date-time between 1970 and 9999')
  .or(DaySchema);

export const EvaluationQuery = z.strictObject({
  from: day.optional(),
  to: day.optional(),
  departmentCode: z.string().max(64).optional(),
  windowCode: z.string().max(64).optional(),
  staffNo: z.string().max(64).optional(),
  deviceId: UuidSchema.optional(),
  satisfaction: z.coerce.number().int().min(1).max(5).optional(),
  outcome: z.enum(EVALUATION_OUTCOMES).optional(),
  /** Only the evaluations whose staff number the centre did not know (`true`), or only the others. */
  staffUnknown: z.enum(['true', 'false']).optional(),
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
  if (!at || !id || Number.isNaN(Date.parse(at)) || !isUuid(id)) {
    throw new HttpError(400, 'invalid_request', 'cursor: not a cursor this API gave out');
  }
  return [at, id];
}

export async function listEvaluations(
  db: Queryable,
  q: z.infer<typeof EvaluationQuery>,
  scope: DepartmentScope = DepartmentScope.ALL,
) {
  const params: unknown[] = [];
  const where: string[] = scope.accountId === null ? [] : [scope.departmentIn('department_code', params)];
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
  if (q.outcome) add('outcome = ?', q.outcome);
  if (q.staffUnknown) add('staff_unknown = ?', q.staffUnknown === 'true');
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
            case_no AS "caseNo", ticket_no AS "ticketNo", staff_unknown AS "staffUnknown",
            local_key_map AS "localKeyMap"
       FROM evaluations ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY invited_at, id LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { items: page, nextCursor: rows.length > q.limit && last ? encodeCursor(last.invitedAt, last.id) : null };
}

/** The column of stray_presses per group; a stray press belongs to no service item. */
const STRAY_COLUMN: Record<(typeof EVALUATION_GROUPS)[number], string | null> = {
  department: 'department_code',
  window: 'window_code',
  staff: 'staff_no',
  serviceItem: null,
};

/**
 * Counts per group: per level, rated, unrated, cancelled (with `cancelRate`, src/shared/figures.ts), bad (with
 * `badRate`), and the group's stray presses (null when grouping by service item: a stray press has none). A group
 * with stray presses and no invitation is listed too.
 */
export async function evaluationStats(
  db: Queryable,
  q: z.infer<typeof StatsQuery>,
  scope: DepartmentScope = DepartmentScope.ALL,
) {
  const params: unknown[] = [];
  const range = (column: string, departmentOf: string) => {
    const where: string[] = scope.accountId === null ? [] : [scope.departmentIn(departmentOf, params)];
    if (q.from) where.push(`${column} >= $${params.push(q.from)}`);
    if (q.to) where.push(`${column} < $${params.push(q.to)}`);
    return where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  };
  const strayColumn = STRAY_COLUMN[q.groupBy];
  // Both sides aggregated, then summed by key: a UNION, not a join, so that the null key (no staff, no window) is
  // one group, as GROUP BY makes it, and not two.
  const evaluations = `SELECT ${GROUP_COLUMN[q.groupBy]} AS key,
            count(*) FILTER (WHERE satisfaction = 5) AS s5, count(*) FILTER (WHERE satisfaction = 4) AS s4,
            count(*) FILTER (WHERE satisfaction = 3) AS s3, count(*) FILTER (WHERE satisfaction = 2) AS s2,
            count(*) FILTER (WHERE satisfaction = 1) AS s1, count(*) FILTER (WHERE outcome = 'rated') AS rated,
            count(*) FILTER (WHERE outcome = 'unrated') AS unrated,
            count(*) FILTER (WHERE outcome = 'cancelled') AS cancelled, count(*) AS invitations, 0 AS stray
       FROM evaluations ${range('invited_at', 'department_code')} GROUP BY 1`;
  const stray = strayColumn
    ? `UNION ALL SELECT ${strayColumn}, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*) FROM stray_presses ${range('at', '(SELECT s.department_code FROM staff s WHERE s.staff_no = stray_presses.staff_no)')} GROUP BY 1`
    : '';
  const rows = await db.query<Record<string, number | string | null>>(
    `SELECT key, sum(s5) AS s5, sum(s4) AS s4, sum(s3) AS s3, sum(s2) AS s2, sum(s1) AS s1, sum(rated) AS rated,
            sum(unrated) AS unrated, sum(cancelled) AS cancelled, sum(invitations) AS invitations, sum(stray) AS stray
       FROM (${evaluations} ${stray}) g GROUP BY key ORDER BY key NULLS LAST`,
    params,
  );
  const n = (v: unknown) => Number(v ?? 0);
  return {
    groupBy: q.groupBy,
    groups: rows.map((r) => {
      const bad = n(r.s1) + n(r.s2);
      const rated = n(r.rated);
      const cancelled = n(r.cancelled);
      const invitations = n(r.invitations);
      return {
        key: r.key,
        counts: { 5: n(r.s5), 4: n(r.s4), 3: n(r.s3), 2: n(r.s2), 1: n(r.s1) },
        invitations,
        rated,
        unrated: n(r.unrated),
        cancelled,
        cancelRate: cancelRate(cancelled, invitations),
        bad,
        badRate: badRate(bad, rated),
        strayPresses: strayColumn ? n(r.stray) : null,
      };
    }),
  };
}
