/**
 * API keys (issue 15): for programs that read or manage the centre without a person's session. A key has a name and
 * a scope (a role other than `handler`), is shown once at creation (`hcpk_` + 43 characters), and is kept as its
 * SHA-256 only; its last use is recorded (to the minute). Runs in Node.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError, pathParams } from '../../common/http.js';
import { uuidv7 } from '../../common/ids.js';
import type { AuditActor } from '../../shared/audit.js';
import { UuidSchema } from '../../shared/ids.js';
import { auditWithin } from '../audit/audit.routes.js';
import type { CentralDb, Queryable } from '../db/database.js';
import { ADMIN_SECURITY } from '../openapi-docs.js';
import { API_KEY_SCOPES, ApiKeyCreate, type ApiKeyScope } from '../../shared/accounts-api.js';

export { API_KEY_SCOPES, ApiKeyCreate, type ApiKeyScope };
export const API_KEY_PREFIX = 'hcpk_';

export interface ApiKey {
  id: string;
  name: string;
  scope: ApiKeyScope;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const hashKey = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

const SELECT = `SELECT id, name, scope, created_by AS "createdBy", created_at AS "createdAt",
                       last_used_at AS "lastUsedAt", revoked_at AS "revokedAt" FROM api_keys`;

export async function listApiKeys(q: Queryable): Promise<ApiKey[]> {
  return q.query<ApiKey>(`${SELECT} ORDER BY created_at, id`);
}

/** A new key: its row, and the key itself (shown once). `createdBy` names who made it (an account, or `cli`). */
export async function createApiKey(
  db: CentralDb,
  input: ApiKeyCreate,
  createdBy: string,
  onCreated?: (tx: Queryable, key: ApiKey) => Promise<void>,
): Promise<{ apiKey: ApiKey; key: string }> {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const apiKey = await db.transaction(async (tx) => {
    const [taken] = await tx.query('SELECT 1 FROM api_keys WHERE lower(name) = lower($1) AND revoked_at IS NULL', [
      input.name,
    ]);
    if (taken) throw new HttpError(409, 'conflict', 'an API key of that name exists');
    const id = uuidv7();
    await tx.query('INSERT INTO api_keys (id, name, scope, key_hash, created_by) VALUES ($1, $2, $3, $4, $5)', [
      id,
      input.name,
      input.scope,
      hashKey(key),
      createdBy,
    ]);
    const [row] = await tx.query<ApiKey>(`${SELECT} WHERE id = $1`, [id]);
    await onCreated?.(tx, row!);
    return row!;
  });
  return { apiKey, key };
}

export async function revokeApiKey(
  db: CentralDb,
  id: string,
  onRevoked?: (tx: Queryable, key: ApiKey) => Promise<void>,
): Promise<ApiKey> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<ApiKey>(
      `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
       RETURNING id, name, scope, created_by AS "createdBy", created_at AS "createdAt",
                 last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`,
      [id],
    );
    if (!row) throw new HttpError(404, 'not_found', 'no such API key');
    await onRevoked?.(tx, row);
    return row;
  });
}

/** The actor of a live key, or null (unknown, revoked, not a key). Records its use, once a minute at most. */
export async function apiKeyActor(q: Queryable, key: string): Promise<AuditActor | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 100) return null;
  const [row] = await q.query<{ id: string; name: string; scope: ApiKeyScope; stale: boolean }>(
    `SELECT id, name, scope, (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') AS stale
       FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
    [hashKey(key)],
  );
  if (!row) return null;
  if (row.stale) await q.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [row.id]);
  return { kind: 'api_key', id: row.id, name: row.name, role: row.scope };
}

/** /api/v1/admin/api-keys: registered inside the admin scope (its hook authorizes `api_keys.manage`). */
export function registerApiKeyRoutes(scope: FastifyInstance, db: CentralDb): void {
  const admin = scope.withTypeProvider<ZodTypeProvider>();
  const docs = { tags: ['api-keys'], security: ADMIN_SECURITY };
  const IdParam = pathParams(z.strictObject({ id: UuidSchema }), 'no such API key');
  admin.get(
    '/api-keys',
    { schema: { ...docs, summary: 'The API keys (API 密钥), never the keys themselves' } },
    async () => listApiKeys(db),
  );
  const create = {
    ...docs,
    summary: 'Create an API key for a program, scoped to a role: the key is answered once',
    body: ApiKeyCreate,
  };
  admin.post('/api-keys', { schema: create }, async (request, reply) => {
    const input = request.body;
    const actor = request.actor!;
    const created = await createApiKey(db, input, `${actor.kind}:${actor.name ?? actor.id ?? '?'}`, (tx, key) =>
      auditWithin(tx, request, 'api_key.created', `api_key:${key.id}`, { name: key.name, scope: key.scope }),
    );
    return reply.code(201).send(created);
  });
  const revoke = { ...docs, summary: 'Revoke an API key (吊销): refused from now on', params: IdParam };
  admin.post('/api-keys/:id/revoke', { schema: revoke }, async (request) =>
    revokeApiKey(db, request.params.id, (tx, key) =>
      auditWithin(tx, request, 'api_key.revoked', `api_key:${key.id}`, { name: key.name, scope: key.scope }),
    ),
  );
}
