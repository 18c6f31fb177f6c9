/**
 * The audit log's place in the admin API (issue 15): `GET /api/v1/admin/audit` (filters actor, action, target,
 * period; keyset-paged), the entry each admin mutation writes in its own transaction (`auditWithin`,
 * `catalogAudit`), and the entry each refusal writes outside any (`auditRefusals`: 401 and 403 from the admin
 * scope). Entries hold codes and configuration, never personal data: no PIN or its hash, no enrolment code, no
 * rater identity or phone. Runs in Node.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AuditAction } from '../../shared/audit.js';
import type { Queryable } from '../db/database.js';
import type { CatalogChange } from '../catalog.js';
import { ADMIN_SECURITY } from '../openapi-docs.js';
import { registerAuditExport } from './audit-export.js';
import { ANONYMOUS_ACTOR, appendAudit, AuditQuery, listAudit } from './audit-log.js';

/** Appends, in `tx`, the entry of a successful change made by `request`'s actor. */
export function auditWithin(
  tx: Queryable,
  request: FastifyRequest,
  action: AuditAction,
  target: string | null,
  summary: Record<string, unknown> | null,
): Promise<void> {
  return appendAudit(tx, {
    actor: request.actor ?? ANONYMOUS_ACTOR,
    action,
    target,
    summary,
    ip: request.ip,
    result: 'ok',
  });
}

/** The `within` of createEntry/patchEntry: one entry, with the fields that changed, before and after. */
export function catalogAudit(request: FastifyRequest) {
  return (tx: Queryable, change: CatalogChange): Promise<void> => {
    const after: Record<string, unknown> = {};
    const before: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(change.after)) {
      if (field === 'updatedAt') continue;
      const old = change.before?.[field];
      if (change.before && JSON.stringify(old) === JSON.stringify(value)) continue;
      after[field] = value;
      if (change.before) before[field] = old ?? null;
    }
    return auditWithin(
      tx,
      request,
      change.before ? 'catalog.updated' : 'catalog.created',
      `${change.entity.path}:${change.key}`,
      {
        ...(change.before ? { before } : {}),
        after,
        ...(change.pinSet ? { pinSet: true } : {}),
      },
    );
  };
}

/**
 * Every 401 and 403 the admin scope answers, written before the answer leaves (so a client that has its answer
 * finds the entry), outside any transaction: a refused request changed nothing to roll back with. The target is
 * the route's pattern, never its query string.
 */
export function auditRefusals(scope: FastifyInstance, db: Queryable): void {
  scope.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode !== 401 && reply.statusCode !== 403) return payload;
    const route = request.routeOptions.url ?? '';
    try {
      await appendAudit(db, {
        actor: request.actor ?? ANONYMOUS_ACTOR,
        action: 'access.refused',
        target: `route:${request.method} ${route}`,
        summary: { status: reply.statusCode },
        ip: request.ip,
        result: 'refused',
      });
    } catch (error) {
      request.log.error({ err: error }, 'could not write a refusal to the audit log');
    }
    return payload;
  });
}

/** `GET /audit` in the admin scope: ability `audit.read` (admin, auditor; src/shared/abilities.ts). */
export function registerAuditRoutes(scope: FastifyInstance, db: Queryable): void {
  const list = {
    tags: ['audit'],
    summary: 'The audit log (审计日志), newest first: filters actor, action, target, period; paged by `before`',
    security: ADMIN_SECURITY,
    querystring: AuditQuery,
  };
  scope
    .withTypeProvider<ZodTypeProvider>()
    .get('/audit', { schema: list }, async (request) => listAudit(db, request.query));
  registerAuditExport(scope, db);
}
