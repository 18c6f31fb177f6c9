/**
 * The 评价记录 list: the evaluations, filtered and keyset-paginated by (invited_at, id) either way, a handler's to
 * its departments. Rater identity is never part of it, nor the 办件编号 and ticket number (they name the citizen). Every filter is a plain equality on a column that either leads
 * an index in (invited_at, id) order or is one of those indexes' last columns (migrations/central/0070), so that any
 * combination is one index walk that stops after a page. Runs in Node.
 */
import { HttpError } from '../../common/http.js';
import type { EvaluationPage, EvaluationQuery } from '../../shared/evaluations-api.js';
import { isUuid } from '../../shared/ids.js';
import { DepartmentScope } from '../accounts/department-scope.js';
import type { Queryable } from '../db/database.js';

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

/** The list's columns (EvaluationListItem). */
const COLUMNS = `id::text AS id, device_id AS "deviceId", channel, mode, outcome, satisfaction, source,
  invited_at AS "invitedAt", ended_at AS "endedAt", clock_offset_ms AS "clockOffsetMs", staff_no AS "staffNo",
  window_code AS "windowCode", department_code AS "departmentCode", service_item_code AS "serviceItemCode",
  unknown_item_code AS "unknownItemCode", staff_unknown AS "staffUnknown", local_key_map AS "localKeyMap",
  EXISTS (SELECT 1 FROM cases c WHERE c.evaluation_id = e.id AND c.state = 'invalid') AS invalid`;

export async function listEvaluations(
  db: Queryable,
  q: EvaluationQuery,
  scope: DepartmentScope = DepartmentScope.ALL,
): Promise<EvaluationPage> {
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  // Newest first walks the same indexes backwards.
  const [next, direction] = q.order === 'desc' ? ['<', 'DESC'] : ['>', 'ASC'];
  // A level is only ever rated (the table's CHECK): with another outcome nothing matches, and with `rated` the
  // outcome says nothing more. Either way the index walk is left with one filter less.
  if (q.satisfaction && q.outcome && q.outcome !== 'rated') return { items: [], nextCursor: null };
  const outcome = q.satisfaction ? undefined : q.outcome;
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (q.from) add('invited_at >= ?', q.from);
  if (q.to) add('invited_at < ?', q.to);
  if (q.departmentCode) add('department_code = ?', q.departmentCode);
  if (q.windowCode) add('window_code = ?', q.windowCode);
  if (q.staffNo) add('staff_no = ?', q.staffNo);
  if (q.serviceItemCode) add('service_item_code = ?', q.serviceItemCode);
  if (q.deviceId) add('device_id = ?', q.deviceId);
  if (q.satisfaction) add('satisfaction = ?', q.satisfaction);
  if (q.channel) add('channel = ?', q.channel);
  if (outcome) add('outcome = ?', outcome);
  if (q.staffUnknown) add('staff_unknown = ?', q.staffUnknown === 'true');
  if (q.unknownItemCode) {
    add('unknown_item_code = ?', q.unknownItemCode);
    where.push('service_item_code IS NULL'); // the partial index of migration 0120
  }
  if (after) {
    params.push(...after);
    where.push(`(invited_at, id) ${next} ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  const limit = `$${params.push(q.limit + 1)}`;
  const page = (departmentOf?: string) => {
    const all = departmentOf ? [`department_code = ${departmentOf}`, ...where] : where;
    // Ordered by the table's columns, not the answer's `id` (text): the indexes' order.
    return `SELECT ${COLUMNS} FROM evaluations e ${all.length > 0 ? `WHERE ${all.join(' AND ')}` : ''}
             ORDER BY e.invited_at ${direction}, e.id ${direction} LIMIT ${limit}`;
  };
  // A handler's page: one walk of the department's index per department of its scope, each stopping after a page,
  // merged. The departments' union in one walk of the time's index would pass every other department's rows.
  const sql =
    scope.accountId === null
      ? page()
      : `SELECT x.* FROM departments d CROSS JOIN LATERAL (${page('d.code')}) x
          WHERE ${scope.departmentIn('d.code', params)} ORDER BY x."invitedAt" ${direction}, x.id::uuid ${direction} LIMIT ${limit}`;
  const rows = await db.query<{ invitedAt: Date; id: string }>(sql, params);
  const items = rows.slice(0, q.limit);
  const last = items.at(-1);
  return {
    // As JSON: the dates become ISO strings, as EvaluationListItem declares them.
    items: items as unknown as EvaluationPage['items'],
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.invitedAt, last.id) : null,
  };
}
