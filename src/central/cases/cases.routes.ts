/**
 * The 差评工单 admin routes (issue 16, docs/cases.md): the list and its counts, a case's page, its actions, its
 * attachments, the audited reveal of the rater's phone, the handlers a case may be assigned to, and the deadlines
 * an admin sets. Every route reads the viewer's scope first: a handler of another department gets 404 for a case
 * (detail, actions, attachments, reveal) exactly as for one that does not exist, and never sees it in a list or a
 * count. The abilities are in route-abilities.ts. Runs in Node.
 */
import { createReadStream, existsSync } from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Sealer } from '../../common/data-key.js';
import { HttpError, pathParams } from '../../common/http.js';
import {
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_TYPES,
  CaseActionRequest,
  CaseDeadlinesPatch,
  CaseQuery,
  PhoneRevealRequest,
  type CaseAttachment,
} from '../../shared/cases-api.js';
import { isOpenState } from '../../shared/cases.js';
import { UuidSchema } from '../../shared/ids.js';
import { DepartmentScope } from '../accounts/department-scope.js';
import { auditWithin } from '../audit/audit.routes.js';
import type { CalendarCache } from '../calendar/calendar.js';
import type { CentralDb } from '../db/database.js';
import { ADMIN_SECURITY } from '../openapi-docs.js';
import { applyCaseAction } from './case-actions.js';
import { caseActorOf, caseCounts, caseDetail, caseRow, listCases, notFound } from './case-repository.js';
import { attachmentName, attachmentPath, sniffAttachmentType, storeAttachment } from './attachments.js';
import { loadDeadlines, type DeadlinesCache } from './deadlines.js';
import { revealPhone } from './phone-reveal.js';

export interface CaseRoutesContext {
  db: CentralDb;
  sealer: Sealer;
  calendar: CalendarCache;
  deadlines: DeadlinesCache;
  /** The centre's data folder (attachments/ under it); null: no attachment routes. */
  dataDir: string | null;
  /** Now, for deadlines and overdue (server.ts CentralApiOptions.clock). */
  clock: () => Date;
}

const CaseIdParam = pathParams(z.strictObject({ id: UuidSchema }), 'no such case');
const AttachmentParam = pathParams(
  z.strictObject({ id: UuidSchema, sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  'no such attachment',
);
const AttachmentQuery = z.strictObject({ name: z.string().max(255).optional() });
const HandlersQuery = z.strictObject({ departmentCode: z.string().trim().min(1).max(32) });

export function registerCaseRoutes(admin: FastifyInstance, context: CaseRoutesContext): void {
  void admin.register(async (scope) => {
    // Attachments come as raw bytes; this parser is this plugin's only (the rest of the admin API stays JSON).
    scope.addContentTypeParser(
      'application/octet-stream',
      { parseAs: 'buffer', bodyLimit: ATTACHMENT_MAX_BYTES },
      (_request, body, done) => done(null, body),
    );
    caseRoutes(scope, context);
  });
}

function caseRoutes(
  admin: FastifyInstance,
  { db, sealer, calendar, deadlines, dataDir, clock }: CaseRoutesContext,
): void {
  const r = admin.withTypeProvider<ZodTypeProvider>();
  const docs = { tags: ['cases'], security: ADMIN_SECURITY };
  const actorOf = (request: FastifyRequest) => caseActorOf(db, request.actor);
  const detail = async (request: FastifyRequest, id: string) =>
    caseDetail(db, sealer, await calendar.get(), id, await actorOf(request), clock());

  r.get(
    '/cases',
    { schema: { ...docs, summary: '差评工单: the cases, newest first', querystring: CaseQuery } },
    async (request) => listCases(db, await calendar.get(), request.query, DepartmentScope.of(request.actor), clock()),
  );
  r.get(
    '/cases/counts',
    { schema: { ...docs, summary: 'Cases per state, open, overdue, due soon' } },
    async (request) => caseCounts(db, await calendar.get(), DepartmentScope.of(request.actor), clock()),
  );
  r.get(
    '/cases/handlers',
    { schema: { ...docs, summary: 'The active handlers of a department (for assigning)', querystring: HandlersQuery } },
    async (request) => {
      const params: unknown[] = [request.query.departmentCode];
      const items = await db.query<{ id: string; displayName: string }>(
        `SELECT a.id::text AS id, a.display_name AS "displayName"
           FROM accounts a JOIN account_departments d ON d.account_id = a.id
          WHERE d.department_code = $1 AND a.role = 'handler' AND a.disabled_at IS NULL
            AND ${DepartmentScope.of(request.actor).departmentIn('d.department_code', params)}
          ORDER BY a.display_name, a.id`,
        params,
      );
      return { items };
    },
  );
  r.get(
    '/cases/:id',
    { schema: { ...docs, summary: 'A case: its rating, timeline, deadline and actions', params: CaseIdParam } },
    async (request) => detail(request, request.params.id),
  );
  r.post(
    '/cases/:id/actions',
    {
      schema: {
        ...docs,
        summary: 'Move a case: one action of the transition table, with its input',
        params: CaseIdParam,
        body: CaseActionRequest,
      },
    },
    async (request) => {
      const actor = await actorOf(request);
      const [cal, table] = await Promise.all([calendar.get(), deadlines.get()]);
      await db.transaction((tx) =>
        applyCaseAction(tx, request, actor, request.params.id, request.body.action, request.body.input, {
          calendar: cal,
          deadlines: table,
          now: clock(),
        }),
      );
      return detail(request, request.params.id);
    },
  );
  r.post(
    '/cases/:id/reveal-phone',
    {
      schema: {
        ...docs,
        summary: "Reveal the rater's callback phone, with a purpose (audited)",
        params: CaseIdParam,
        body: PhoneRevealRequest,
      },
    },
    async (request) => {
      const actor = await actorOf(request);
      return db.transaction((tx) =>
        revealPhone(tx, sealer, request, actor, request.params.id, request.body.purpose, clock()),
      );
    },
  );

  // A centre built without a data folder (some tests) takes no attachments: the routes are not there (404).
  if (dataDir !== null) attachmentRoutes(admin, db, dataDir);

  const deadlineDocs = { tags: ['cases'], security: ADMIN_SECURITY };
  r.get(
    '/case-deadlines',
    { schema: { ...deadlineDocs, summary: 'Working days per state (defaults merged)' } },
    async () => loadDeadlines(db),
  );
  r.patch(
    '/case-deadlines',
    {
      schema: {
        ...deadlineDocs,
        summary: 'Change the working days of some states (new deadlines only)',
        body: CaseDeadlinesPatch,
      },
    },
    async (request) => {
      const patch = request.body as Record<string, number>;
      const after = await db.transaction(async (tx) => {
        const before = await loadDeadlines(tx);
        for (const [state, workingDays] of Object.entries(patch)) {
          await tx.query(
            `INSERT INTO case_deadlines (state, working_days) VALUES ($1, $2)
             ON CONFLICT (state) DO UPDATE SET working_days = excluded.working_days`,
            [state, workingDays],
          );
        }
        const changed = Object.fromEntries(
          Object.keys(patch).map((state) => [state, before[state as keyof typeof before] ?? null]),
        );
        await auditWithin(tx, request, 'case.deadlines_updated', 'case-deadlines', { before: changed, after: patch });
        return loadDeadlines(tx);
      });
      deadlines.invalidate();
      return after;
    },
  );
}

/** Upload and download of a case's attachments, stored under `dataDir` (attachments.ts). */
function attachmentRoutes(admin: FastifyInstance, db: CentralDb, dataDir: string): void {
  const r = admin.withTypeProvider<ZodTypeProvider>();
  const docs = { tags: ['cases'], security: ADMIN_SECURITY };
  const actorOf = (request: FastifyRequest) => caseActorOf(db, request.actor);
  r.post(
    '/cases/:id/attachments',
    {
      bodyLimit: ATTACHMENT_MAX_BYTES,
      schema: {
        ...docs,
        summary: `Upload an attachment (raw bytes, application/octet-stream, at most 20 MiB): ${ATTACHMENT_TYPES.join(', ')}`,
        params: CaseIdParam,
        querystring: AttachmentQuery,
        consumes: ['application/octet-stream'],
        body: z.unknown().meta({ type: 'string', format: 'binary', description: 'the file itself' }),
      },
    },
    async (request, reply) => {
      const actor = await actorOf(request);
      const row = await caseRow(db, request.params.id, actor);
      if (!row) throw notFound();
      if (!isOpenState(row.state)) throw new HttpError(409, 'wrong_state', 'a closed case takes no more attachments');
      const body = request.body;
      if (!Buffer.isBuffer(body)) {
        throw new HttpError(415, 'unsupported_media_type', 'send the file itself, as application/octet-stream');
      }
      if (body.length === 0) throw new HttpError(400, 'invalid_request', 'the file is empty');
      const type = sniffAttachmentType(body);
      if (!type) {
        throw new HttpError(
          415,
          'unsupported_attachment_type',
          'the file is none of the accepted types (JPEG, PNG, PDF, MP3, M4A, WAV), judged by its content',
        );
      }
      const sha256 = storeAttachment(dataDir, body);
      const who = request.actor;
      const name = attachmentName(request.query.name, type);
      const attachment = await db.transaction(async (tx) => {
        const [stored] = await tx.query<{ name: string; uploadedAt: Date; uploadedBy: string }>(
          `INSERT INTO case_attachments (case_id, sha256, name, type, bytes, uploaded_by, uploaded_by_name)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (case_id, sha256) DO UPDATE SET sha256 = excluded.sha256
           RETURNING name, uploaded_at AS "uploadedAt", uploaded_by_name AS "uploadedBy"`,
          [row.id, sha256, name, type, body.length, who?.kind === 'account' ? who.id : null, who?.name ?? 'unknown'],
        );
        await auditWithin(tx, request, 'case.attachment_uploaded', `case:${row.id}`, {
          number: row.number,
          sha256,
          type,
          bytes: body.length,
        });
        return stored!;
      });
      const answer: CaseAttachment = {
        sha256,
        name: attachment.name,
        type,
        bytes: body.length,
        uploadedAt: attachment.uploadedAt.toISOString(),
        uploadedBy: attachment.uploadedBy,
      };
      return reply.code(201).send(answer);
    },
  );
  r.get(
    '/cases/:id/attachments/:sha256',
    { schema: { ...docs, summary: 'Download an attachment of a case (audited)', params: AttachmentParam } },
    async (request, reply) => {
      const actor = await actorOf(request);
      const row = await caseRow(db, request.params.id, actor);
      if (!row) throw notFound();
      const [attachment] = await db.query<{ name: string; type: string; bytes: number }>(
        'SELECT name, type, bytes FROM case_attachments WHERE case_id = $1 AND sha256 = $2',
        [row.id, request.params.sha256],
      );
      const path = attachmentPath(dataDir, request.params.sha256);
      if (!attachment || !existsSync(path)) throw new HttpError(404, 'not_found', 'no such attachment');
      await db.transaction((tx) =>
        auditWithin(tx, request, 'case.attachment_downloaded', `case:${row.id}`, {
          number: row.number,
          sha256: request.params.sha256,
        }),
      );
      return reply
        .type(attachment.type)
        .header('content-length', attachment.bytes)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(attachment.name)}`)
        .send(createReadStream(path));
    },
  );
}
