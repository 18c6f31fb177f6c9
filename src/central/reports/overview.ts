/**
 * 总览 (`GET /api/v1/admin/overview`, ability `stats.read`): today's and this month's ratings by level, 差评, 满意率
 * and 差评率 (src/shared/figures.ts), the kiosks by status and the oldest record still waiting on one of them, all
 * within the caller's DepartmentScope (a handler: its departments' evaluations, and the kiosks of their windows).
 * Days start at midnight in CENTRE_TIME_ZONE, whatever the database's own time zone. Runs in Node.
 */
import type { FastifyInstance } from 'fastify';
import { badRate, satisfactionRate } from '../../shared/figures.js';
import { DEVICE_OFFLINE_AFTER_MS } from '../../shared/fleet-api.js';
import { CENTRE_TIME_ZONE, type Overview, type PeriodFigures } from '../../shared/overview-api.js';
import { DepartmentScope } from '../accounts/department-scope.js';
import type { Queryable } from '../db/database.js';
import { ADMIN_SECURITY } from '../openapi-docs.js';

const PERIODS = { d: 'today', m: 'month' } as const;
const LEVELS = [5, 4, 3, 2, 1] as const;

/** The overview as `scope` may see it, now. */
export async function readOverview(db: Queryable, scope: DepartmentScope = DepartmentScope.ALL): Promise<Overview> {
  const params: unknown[] = [CENTRE_TIME_ZONE];
  const evaluationScope = scope.departmentIn('e.department_code', params);
  // Per period p (d: since today's midnight, m: since the first of the month), counts per level and per outcome.
  const columns = Object.keys(PERIODS).flatMap((p) => {
    const since = `e.invited_at >= b.${p}`;
    // A rating found 无效评价 (its case's state, issue 16) is counted as that alone.
    const valid = "c.state IS DISTINCT FROM 'invalid'";
    return [
      ...LEVELS.map((l) => `count(*) FILTER (WHERE ${since} AND e.satisfaction = ${l} AND ${valid}) AS ${p}${l}`),
      `count(*) FILTER (WHERE ${since} AND e.outcome = 'rated' AND ${valid}) AS ${p}_rated`,
      ...['unrated', 'cancelled'].map((o) => `count(*) FILTER (WHERE ${since} AND e.outcome = '${o}') AS ${p}_${o}`),
      `count(*) FILTER (WHERE ${since} AND c.state = 'invalid') AS ${p}_invalid`,
    ];
  });
  const [counts] = await db.query<Record<string, string>>(
    `WITH b AS (
       SELECT date_trunc('day', now() AT TIME ZONE $1) AT TIME ZONE $1 AS d,
              date_trunc('month', now() AT TIME ZONE $1) AT TIME ZONE $1 AS m)
     SELECT ${columns.join(', ')}
       FROM b LEFT JOIN evaluations e ON e.invited_at >= b.m AND ${evaluationScope}
              LEFT JOIN cases c ON c.evaluation_id = e.id`,
    params,
  );
  const deviceParams: unknown[] = [DEVICE_OFFLINE_AFTER_MS];
  const deviceScope = scope.departmentIn('w.department_code', deviceParams);
  const [fleet] = await db.query<{ online: string; offline: string; revoked: string; oldest: Date | null }>(
    `SELECT count(*) FILTER (WHERE d.revoked_at IS NULL
                               AND d.last_heartbeat_at > now() - $1::integer * interval '1 millisecond') AS online,
            count(*) FILTER (WHERE d.revoked_at IS NULL
                               AND (d.last_heartbeat_at IS NULL
                                    OR d.last_heartbeat_at <= now() - $1::integer * interval '1 millisecond'))
              AS offline,
            count(*) FILTER (WHERE d.revoked_at IS NOT NULL) AS revoked,
            min(d.oldest_pending_at) FILTER (WHERE d.revoked_at IS NULL) AS oldest
       FROM devices d LEFT JOIN windows w ON w.code = d.window_code
      WHERE ${deviceScope}`,
    deviceParams,
  );
  const n = (v: unknown) => Number(v ?? 0);
  const period = (p: keyof typeof PERIODS): PeriodFigures => {
    const byLevel = {
      5: n(counts?.[`${p}5`]),
      4: n(counts?.[`${p}4`]),
      3: n(counts?.[`${p}3`]),
      2: n(counts?.[`${p}2`]),
      1: n(counts?.[`${p}1`]),
    };
    const rated = n(counts?.[`${p}_rated`]);
    const bad = byLevel[1] + byLevel[2];
    return {
      byLevel,
      rated,
      unrated: n(counts?.[`${p}_unrated`]),
      cancelled: n(counts?.[`${p}_cancelled`]),
      bad,
      satisfactionRate: satisfactionRate(byLevel[5] + byLevel[4] + byLevel[3], rated),
      badRate: badRate(bad, rated),
      invalid: n(counts?.[`${p}_invalid`]),
    };
  };
  return {
    asOf: new Date().toISOString(),
    today: period('d'),
    month: period('m'),
    devices: { online: n(fleet?.online), offline: n(fleet?.offline), revoked: n(fleet?.revoked) },
    oldestPendingAt: fleet?.oldest ? fleet.oldest.toISOString() : null,
  };
}

/** `GET /overview` in the admin scope (its hook authorizes `stats.read`: src/central/policies/policies.ts). */
export function registerOverviewRoute(admin: FastifyInstance, db: Queryable): void {
  const docs = {
    tags: ['evaluations'],
    summary: 'The overview (总览): today’s and this month’s ratings, 满意率, 差评, kiosks by status',
    security: ADMIN_SECURITY,
  };
  admin.get('/overview', { schema: docs }, async (request) => readOverview(db, DepartmentScope.of(request.actor)));
}
