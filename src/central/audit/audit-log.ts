/**
 * The audit log (issue 15): an append-only table, `audit_log` (migrations/central/0040-audit-log.sql), whose rows
 * are chained by SHA-256 so that an edit or a gap is found by `verifyAuditLog`. `appendAudit` is called with the
 * caller's transaction, so that the entry commits or rolls back with the change it records; the chain itself (the
 * next sequence number, the previous hash, the hash) is computed by the database under a lock, so it never forks
 * whoever inserts. Runs in Node.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AUDIT_ACTIONS, type AuditActor, type AuditEntry, type AuditRecord } from '../../shared/audit.js';
import type { Queryable } from '../db/database.js';

export type { AuditAction, AuditActor, AuditEntry, AuditRecord } from '../../shared/audit.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is making the request, once authenticated (set by the admin API's authentication hook). */
    actor?: AuditActor;
  }
}

/** The actor of a request made with the deprecated static admin token (one-release migration path). */
export const LEGACY_ADMIN_ACTOR: AuditActor = {
  kind: 'api_key',
  id: null,
  name: 'legacy-admin-token',
  role: 'admin',
};

/** The actor of a request nobody has authenticated. */
export const ANONYMOUS_ACTOR: AuditActor = { kind: 'anonymous', id: null, name: null, role: null };

/** The first row's prev_hash (audit_log_genesis() in the migration). */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/**
 * Keys a summary may never carry, at any depth (compared without case, `_` or `-`): personal data (第五条) and
 * secrets. A summary naming one is a programming error: the append throws, and the change rolls back with it.
 */
export const FORBIDDEN_SUMMARY_KEYS = [
  'pin',
  'pinHash',
  'password',
  'passwordHash',
  'newPassword',
  'rater',
  'raterIdentity',
  'identity',
  'callbackPhone',
  'phone',
  'token',
  'secret',
  'apiKey',
  'sessionId',
] as const;

const normalKey = (key: string) => key.toLowerCase().replace(/[_-]/g, '');
const FORBIDDEN = new Set(FORBIDDEN_SUMMARY_KEYS.map(normalKey));

function forbiddenKeyIn(value: unknown, path: string): string | null {
  if (value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    const here = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
    if (!Array.isArray(value) && FORBIDDEN.has(normalKey(key))) return here;
    const found = forbiddenKeyIn(inner, here);
    if (found) return found;
  }
  return null;
}

/** Appends one entry, in `q`'s transaction when `q` is one. */
export async function appendAudit(q: Queryable, entry: AuditEntry): Promise<void> {
  const forbidden = forbiddenKeyIn(entry.summary, 'summary');
  if (forbidden) throw new Error(`an audit entry may not hold ${forbidden}: personal data and secrets stay out`);
  await q.query(
    `INSERT INTO audit_log (actor_kind, actor_id, actor_name, actor_role, action, target, summary, ip, result)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
    [
      entry.actor.kind,
      entry.actor.id,
      entry.actor.name,
      entry.actor.role,
      entry.action,
      entry.target,
      entry.summary === null ? null : JSON.stringify(entry.summary),
      entry.ip,
      entry.result,
    ],
  );
}

// ---- reading ------------------------------------------------------------------------------------------------------

const instant = z.iso.datetime({ offset: true });

/** `GET /api/v1/admin/audit`: newest first, keyset-paged on `seq` (`before` = the last page's `nextBefore`). */
export const AuditQuery = z.strictObject({
  /** The actor's name (account login or API key name), exactly. */
  actor: z.string().min(1).max(200).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  /** The target exactly (`staff:S001`), or every target of a kind with a trailing `*` (`staff:*`). */
  target: z.string().min(1).max(300).optional(),
  /** The period, as ISO 8601 instants: from inclusive, to exclusive. */
  from: instant.optional(),
  to: instant.optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export interface AuditPage {
  entries: AuditRecord[];
  /** Pass as `before` for the next (older) page; null at the end. */
  nextBefore: number | null;
}

interface AuditRow {
  seq: number;
  at: Date;
  actor_kind: AuditActor['kind'];
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  action: AuditRecord['action'];
  target: string | null;
  summary: Record<string, unknown> | null;
  ip: string | null;
  result: AuditRecord['result'];
  prev_hash: string;
  hash: string;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listAudit(q: Queryable, query: AuditQuery): Promise<AuditPage> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (query.actor !== undefined) add((p) => `actor_name = ${p}`, query.actor);
  if (query.action !== undefined) add((p) => `action = ${p}`, query.action);
  if (query.target !== undefined) {
    if (query.target.endsWith('*')) add((p) => `target LIKE ${p}`, `${likeEscape(query.target.slice(0, -1))}%`);
    else add((p) => `target = ${p}`, query.target);
  }
  if (query.from !== undefined) add((p) => `at >= ${p}`, new Date(query.from));
  if (query.to !== undefined) add((p) => `at < ${p}`, new Date(query.to));
  if (query.before !== undefined) add((p) => `seq < ${p}`, query.before);
  params.push(query.limit + 1);
  const rows = await q.query<AuditRow>(
    `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY seq DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  return {
    entries: page.map(toRecord),
    nextBefore: rows.length > query.limit ? page.at(-1)!.seq : null,
  };
}

function toRecord(r: AuditRow): AuditRecord {
  return {
    seq: r.seq,
    at: r.at.toISOString(),
    actor: { kind: r.actor_kind, id: r.actor_id, name: r.actor_name, role: r.actor_role },
    action: r.action,
    target: r.target,
    summary: r.summary,
    ip: r.ip,
    result: r.result,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

// ---- verifying ----------------------------------------------------------------------------------------------------

export type AuditVerification =
  | { ok: true; rows: number; head: string }
  | {
      ok: false;
      /** Rows found intact before the first broken one. */
      rows: number;
      /** The first row that does not hold: its seq, and why. */
      broken: { seq: number; reason: 'gap' | 'prev_hash' | 'hash'; detail: string };
    };

interface ChainRow {
  seq: number;
  at_text: string;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  action: string;
  target: string | null;
  summary_text: string | null;
  ip: string | null;
  result: string;
  prev_hash: string;
  hash: string;
}

/**
 * The row's hash, computed here and not by the database, so that a redefined or shadowed audit_log_hash cannot make
 * an edited row pass: the text of `jsonb_build_array(seq, at, …, prev_hash)` as PostgreSQL prints it (elements
 * separated by ", ", strings escaped as JSON.stringify escapes them, the summary as jsonb prints it), then SHA-256.
 */
export function auditRowHash(r: ChainRow): string {
  const str = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));
  const canonical = `[${[
    String(r.seq),
    str(r.at_text),
    str(r.actor_kind),
    str(r.actor_id),
    str(r.actor_name),
    str(r.actor_role),
    str(r.action),
    str(r.target),
    r.summary_text ?? 'null',
    str(r.ip),
    str(r.result),
    str(r.prev_hash),
  ].join(', ')}]`;
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * Walks the chain in seq order, a page at a time: each row must follow the one before (seq + 1), name its hash as
 * prev_hash, and hash to what it carries (recomputed here, by auditRowHash, from the row as it is now).
 * Reports the first row that does not. Rows removed from the end leave no trace in the chain itself: compare `head`
 * with one noted elsewhere.
 */
export async function verifyAuditLog(q: Queryable, pageSize = 5000): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prevHash = AUDIT_GENESIS_HASH;
  let rows = 0;
  for (;;) {
    // The hash is recomputed here from the row's text, not by audit_log_hash: a function can be redefined.
    const page = await q.query<ChainRow>(
      `SELECT seq, pg_catalog.to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_text,
              actor_kind, actor_id, actor_name, actor_role, action, target, summary::text AS summary_text, ip,
              result, prev_hash, hash
       FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2`,
      [expectedSeq, pageSize],
    );
    for (const r of page) {
      if (r.seq !== expectedSeq) {
        return {
          ok: false,
          rows,
          broken: { seq: r.seq, reason: 'gap', detail: `rows ${expectedSeq}–${r.seq - 1} are missing` },
        };
      }
      if (r.prev_hash !== prevHash) {
        return {
          ok: false,
          rows,
          broken: { seq: r.seq, reason: 'prev_hash', detail: 'does not name the hash of the row before it' },
        };
      }
      if (auditRowHash(r) !== r.hash) {
        return {
          ok: false,
          rows,
          broken: { seq: r.seq, reason: 'hash', detail: 'its content does not match its hash: edited' },
        };
      }
      rows += 1;
      expectedSeq = r.seq + 1;
      prevHash = r.hash;
    }
    if (page.length < pageSize) return { ok: true, rows, head: prevHash };
  }
}
