/**
 * The 意见箱's routes (issue 17, 第十一条; docs/suggestions.md). Public, no login: the page `/suggest` (a plain form)
 * and `POST /api/v1/suggestions` (JSON, for the centre's own web site or app), both limited per address, with a
 * honeypot field, and a body limit. For the console: the list, an item's page and its workflow's actions, scoped
 * as cases are (a handler sees only what was referred to its departments). Runs in Node.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError, pathParams } from '../../common/http.js';
import { UuidSchema } from '../../shared/ids.js';
import {
  HONEYPOT_FIELD,
  SuggestionActionRequest,
  SuggestionCreate,
  SuggestionQuery,
  SUGGESTION_KINDS,
} from '../../shared/suggestions.js';
import { DepartmentScope } from '../accounts/department-scope.js';
import { ADMIN_SECURITY } from '../openapi-docs.js';
import { EMPTY_FORM, suggestPage, suggestThanksPage, type SuggestForm } from '../public/suggest-page.js';
import {
  actOnSuggestion,
  createSuggestion,
  listSuggestions,
  suggestionDetail,
  type SuggestionContext,
} from './suggestion-repository.js';

/** A form or JSON body is at most this large: the longest text in UTF-8 and the rest, with room to spare. */
const BODY_LIMIT = 8 * 1024;

export interface PublicSuggestionContext extends SuggestionContext {
  /** Posts (form or JSON) a minute per address, and pages a minute per address. */
  limits: { postsPerMinute: number; pagesPerMinute: number };
}

const html = (reply: FastifyReply, status: number, body: string) =>
  reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

/** What the page says of the first problem of a form, in words a citizen can act on. */
function formError(issues: readonly { path: PropertyKey[] }[]): string {
  const field = String(issues[0]?.path[0] ?? '');
  if (field === 'kind') return '请选择类别';
  if (field === 'contact') return '联系方式请填写手机号或电子邮箱，或者不填';
  if (field === 'departmentCode') return '请重新选择涉及的部门';
  return '请填写内容，5 到 500 字';
}

export function registerPublicSuggestionRoutes(scope: FastifyInstance, ctx: PublicSuggestionContext): void {
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: BODY_LIMIT },
    (_request, body, done) => done(null, new URLSearchParams(body as string)),
  );
  const perIp = (max: number) => ({ rateLimit: { max, timeWindow: 60_000 } });
  const departments = () =>
    ctx.db.query<{ code: string; name: string }>('SELECT code, name FROM departments ORDER BY code');

  scope.get('/suggest', { config: perIp(ctx.limits.pagesPerMinute), schema: { hide: true } }, async (_request, reply) =>
    html(reply, 200, suggestPage(await departments())),
  );

  scope.post<{ Body: URLSearchParams }>(
    '/suggest',
    { config: perIp(ctx.limits.postsPerMinute), bodyLimit: BODY_LIMIT, schema: { hide: true } },
    async (request, reply) => {
      const form = request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
      const field = (name: string) => (form.get(name) ?? '').slice(0, 4000);
      const kept: SuggestForm = {
        kind: (SUGGESTION_KINDS as readonly string[]).includes(field('kind')) ? field('kind') : EMPTY_FORM.kind,
        text: field('text'),
        departmentCode: field('departmentCode'),
        contact: field('contact'),
      };
      // A robot fills every field: it is thanked, and nothing is kept.
      if (field(HONEYPOT_FIELD) !== '') return html(reply, 200, suggestThanksPage(null));
      const parsed = SuggestionCreate.safeParse({
        kind: field('kind'),
        text: kept.text,
        ...(kept.departmentCode ? { departmentCode: kept.departmentCode } : {}),
        ...(kept.contact.trim() ? { contact: kept.contact } : {}),
      });
      const again = async (error: string) => html(reply, 400, suggestPage(await departments(), kept, error));
      if (!parsed.success) return again(formError(parsed.error.issues));
      try {
        const { number } = await createSuggestion(ctx, parsed.data);
        return html(reply, 200, suggestThanksPage(number));
      } catch (error) {
        if (error instanceof HttpError && error.status < 500) return again('请重新选择涉及的部门');
        throw error;
      }
    },
  );

  const r = scope.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/api/v1/suggestions',
    {
      config: perIp(ctx.limits.postsPerMinute),
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ['suggestions'],
        summary: '意见箱: leave a 建议, 投诉, 咨询 or 表扬 (no login; its contact is sealed)',
        body: SuggestionCreate,
        response: { 201: z.object({ status: z.literal('received'), number: z.string().nullable() }) },
      },
    },
    async (request, reply) => {
      const { [HONEYPOT_FIELD]: honeypot, ...input } = request.body;
      if (honeypot) return reply.code(201).send({ status: 'received' as const, number: null });
      const { number } = await createSuggestion(ctx, input);
      return reply.code(201).send({ status: 'received' as const, number });
    },
  );
}

const IdParam = pathParams(z.strictObject({ id: UuidSchema }), 'no such item');

export function registerSuggestionAdminRoutes(admin: FastifyInstance, ctx: SuggestionContext): void {
  const r = admin.withTypeProvider<ZodTypeProvider>();
  const docs = { tags: ['suggestions'], security: ADMIN_SECURITY };
  r.get(
    '/suggestions',
    { schema: { ...docs, summary: '意见箱: the items, newest first', querystring: SuggestionQuery } },
    async (request) => listSuggestions(ctx, request.query, DepartmentScope.of(request.actor)),
  );
  r.get(
    '/suggestions/:id',
    { schema: { ...docs, summary: 'An item of the 意见箱 and its timeline (never its contact)', params: IdParam } },
    async (request) => suggestionDetail(ctx, request.params.id, DepartmentScope.of(request.actor)),
  );
  r.post(
    '/suggestions/:id/actions',
    {
      schema: {
        ...docs,
        summary: 'Move an item: 转办, 答复, 办结, or turn a 投诉 into a 差评 case',
        params: IdParam,
        body: SuggestionActionRequest,
      },
    },
    async (request) =>
      actOnSuggestion(ctx, request, request.params.id, request.body, DepartmentScope.of(request.actor)),
  );
}
