/**
 * The statistics: counts per level grouped by department, window, staff member or service item (第十七–十九条
 * reports build on these). Cancelled invitations and stray presses are counted beside the ratings, never left out:
 * a staff member who cancels when a bad rating is coming, or whose counter presses keys outside any invitation,
 * shows in the same report. Rater identity is never part of it. Runs in Node.
 */
import type { EVALUATION_GROUPS } from '../../shared/central-api.js';
import type { StatsQuery, StatsResponse } from '../../shared/evaluations-api.js';
import { badRate, cancelRate } from '../../shared/figures.js';
import { DepartmentScope } from '../accounts/department-scope.js';
import type { Queryable } from '../db/database.js';

const GROUP_COLUMN: Record<(typeof EVALUATION_GROUPS)[number], string> = {
  department: 'department_code',
  window: 'window_code',
  staff: 'staff_no',
  serviceItem: 'service_item_code',
};

/** The column of stray_presses per group; a stray press belongs to no service item. */
const STRAY_COLUMN: Record<(typeof EVALUATION_GROUPS)[number], string | null> = {
  department: 'department_code',
  window: 'window_code',
  staff: 'staff_no',
  serviceItem: null,
};

/**
 * Counts per group (StatsRow). A group with stray presses and no invitation is listed too.
 */
export async function evaluationStats(
  db: Queryable,
  q: StatsQuery,
  scope: DepartmentScope = DepartmentScope.ALL,
): Promise<StatsResponse> {
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
  // A rating found 无效评价 (its case's state, issue 16) is counted as that alone: in no level, not rated, not bad.
  const valid = "c.state IS DISTINCT FROM 'invalid'";
  const evaluations = `SELECT e.${GROUP_COLUMN[q.groupBy]} AS key,
            count(*) FILTER (WHERE e.satisfaction = 5 AND ${valid}) AS s5,
            count(*) FILTER (WHERE e.satisfaction = 4 AND ${valid}) AS s4,
            count(*) FILTER (WHERE e.satisfaction = 3 AND ${valid}) AS s3,
            count(*) FILTER (WHERE e.satisfaction = 2 AND ${valid}) AS s2,
            count(*) FILTER (WHERE e.satisfaction = 1 AND ${valid}) AS s1,
            count(*) FILTER (WHERE e.outcome = 'rated' AND ${valid}) AS rated,
            count(*) FILTER (WHERE e.outcome = 'unrated') AS unrated,
            count(*) FILTER (WHERE e.outcome = 'cancelled') AS cancelled, count(*) AS invitations,
            count(*) FILTER (WHERE c.state = 'invalid') AS invalid,
            count(*) FILTER (WHERE e.channel = 'system_default') AS defaulted, 0 AS stray
       FROM evaluations e LEFT JOIN cases c ON c.evaluation_id = e.id
       ${range('e.invited_at', 'e.department_code')} GROUP BY 1`;
  const stray = strayColumn
    ? `UNION ALL SELECT ${strayColumn}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*) FROM stray_presses ${range('at', '(SELECT s.department_code FROM staff s WHERE s.staff_no = stray_presses.staff_no)')} GROUP BY 1`
    : '';
  const rows = await db.query<Record<string, number | string | null>>(
    `SELECT key, sum(s5) AS s5, sum(s4) AS s4, sum(s3) AS s3, sum(s2) AS s2, sum(s1) AS s1, sum(rated) AS rated,
            sum(unrated) AS unrated, sum(cancelled) AS cancelled, sum(invitations) AS invitations, sum(invalid) AS invalid,
            sum(defaulted) AS defaulted, sum(stray) AS stray
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
        key: r.key as string | null,
        counts: { 5: n(r.s5), 4: n(r.s4), 3: n(r.s3), 2: n(r.s2), 1: n(r.s1) },
        invitations,
        rated,
        unrated: n(r.unrated),
        cancelled,
        cancelRate: cancelRate(cancelled, invitations),
        bad,
        badRate: badRate(bad, rated),
        invalid: n(r.invalid),
        defaulted: n(r.defaulted),
        strayPresses: strayColumn ? n(r.stray) : null,
      };
    }),
  };
}
