/**
 * `/r/<token>`: the QR rating page (issue 17, 第十条(四); docs/channels.md), no login. The token is signed by the
 * kiosk's own key (src/common/qr-token.ts), so it is checked with the key the centre enrolled, whether or not the
 * kiosk's record of the service has arrived: forged, expired and revoked-device tokens get a page that says why.
 * The rating is the kiosk service's one rating (its record id is the service), by channel `qr_code`: a second one,
 * by any channel, is refused, and the page says 已评价. Rate-limited per address and per token. Runs in Node.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../../common/http.js';
import { qrSignatureHolds, readQrToken, type QrRefusal, type QrToken } from '../../common/qr-token.js';
import { RaterIdentity } from '../../shared/local-api.js';
import { MAX_COMMENT_LENGTH } from '../../shared/channels-api.js';
import { isSatisfaction, type Satisfaction } from '../../shared/satisfaction.js';
import type { Queryable } from '../db/database.js';
import type { KnownDevices } from '../devices.js';
import { detailsPage, levelsPage, messagePage, type QrService } from '../public/qr-page.js';
import { rateFromChannel, type ChannelContext } from './ratings.js';

export interface QrContext extends ChannelContext {
  devices: KnownDevices;
  /** Form posts a minute per address, pages a minute per address, posts an hour per token. */
  limits: { postsPerMinute: number; pagesPerMinute: number; postsPerToken: number };
}

const FORM_BODY_LIMIT = 8 * 1024;
const QR_ACTOR = { kind: 'anonymous' as const, id: null, name: 'qr', role: null };

/** The token of the path, checked: its service, or why it is refused. */
async function checkToken(ctx: QrContext, text: string, now: number): Promise<QrToken | QrRefusal> {
  const read = readQrToken(text);
  if (!read) return 'malformed';
  const known = await ctx.devices.find(read.token.deviceId, now);
  if (!known) return 'unknown_device';
  // The signature before anything the token says is believed (its expiry included).
  if (!qrSignatureHolds(read, known.key)) return 'forged';
  if (known.device.revokedAt) return 'revoked_device';
  if (read.token.expiresAt.getTime() < now) return 'expired';
  return read.token;
}

/** Whether the kiosk's service already has its rating: at the counter, or by any channel. */
async function isRated(q: Queryable, recordId: string): Promise<boolean> {
  const [row] = await q.query(
    `SELECT 1 FROM evaluations WHERE id = $1 AND outcome = 'rated'
     UNION ALL
     SELECT 1 FROM services s JOIN evaluations e ON e.service_id = s.id AND e.assess_number = 1
      WHERE s.kiosk_record_id = $1
     LIMIT 1`,
    [recordId],
  );
  return row !== undefined;
}

/** The names the page shows, and the token's codes the catalogue still knows (unknown ones are dropped, not refused). */
async function serviceOf(ctx: QrContext, t: QrToken) {
  const catalogue = await ctx.catalogues.get();
  const [names] = await ctx.db.query<{
    item: string | null;
    itemDepartment: string | null;
    window: string | null;
    department: string | null;
  }>(
    `SELECT (SELECT name FROM service_items WHERE code = $1) AS item,
            (SELECT department_code FROM service_items WHERE code = $1) AS "itemDepartment",
            (SELECT name FROM windows WHERE code = $2) AS window,
            (SELECT name FROM departments WHERE code = $3) AS department`,
    [t.serviceItemCode, t.windowCode, t.departmentCode],
  );
  const page: QrService = {
    serviceItemName: names?.item ?? null,
    windowName: names?.window ?? null,
    departmentName: names?.department ?? null,
  };
  const codes = {
    serviceItemCode: names?.item ? t.serviceItemCode : null,
    windowCode: t.windowCode !== null && catalogue.windows.has(t.windowCode) ? t.windowCode : null,
    departmentCode: t.departmentCode !== null && catalogue.departments.has(t.departmentCode) ? t.departmentCode : null,
    // Who served: the rating counts for them, as at the counter.
    staffNo: t.staffNo !== null && catalogue.staff.has(t.staffNo) ? t.staffNo : null,
  };
  return { page, codes };
}

const tagsOf = (q: Queryable, level: Satisfaction) =>
  q.query<{ code: string; label: string }>(
    'SELECT code, label FROM reason_tags WHERE $1::smallint = ANY(levels) ORDER BY position, code',
    [level],
  );

const html = (reply: FastifyReply, status: number, body: string) =>
  reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

export function registerQrRoutes(scope: FastifyInstance, ctx: QrContext): void {
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_request, body, done) => done(null, new URLSearchParams(body as string)),
  );
  // Posts of one token, per hour: a phone retrying is fine, a script hammering one code is not.
  const posts = new Map<string, { count: number; until: number }>();
  const tokenAllows = (token: string, now: number) => {
    const seen = posts.get(token);
    if (!seen || seen.until < now) {
      if (posts.size > 10_000) posts.clear();
      posts.set(token, { count: 1, until: now + 3600_000 });
      return true;
    }
    seen.count += 1;
    return seen.count <= ctx.limits.postsPerToken;
  };
  const self = (request: FastifyRequest<{ Params: { token: string } }>) => `/r/${request.params.token}`;
  const perIp = (max: number) => ({
    rateLimit: { max, timeWindow: 60_000, keyGenerator: (r: FastifyRequest) => r.ip },
  });
  const refused = (reply: FastifyReply, why: QrRefusal) =>
    html(reply, why === 'malformed' ? 400 : 403, messagePage(why));

  scope.get<{ Params: { token: string }; Querystring: { level?: string } }>(
    '/r/:token',
    { config: perIp(ctx.limits.pagesPerMinute), schema: { hide: true } },
    async (request, reply) => {
      const token = await checkToken(ctx, request.params.token, Date.now());
      if (typeof token === 'string') return refused(reply, token);
      if (await isRated(ctx.db, token.recordId)) return html(reply, 200, messagePage('rated'));
      const { page } = await serviceOf(ctx, token);
      const level = Number(request.query.level);
      if (!isSatisfaction(level)) return html(reply, 200, levelsPage(page, self(request)));
      return html(reply, 200, detailsPage(page, self(request), level, await tagsOf(ctx.db, level)));
    },
  );

  scope.post<{ Params: { token: string }; Body: URLSearchParams }>(
    '/r/:token',
    { config: perIp(ctx.limits.postsPerMinute), bodyLimit: FORM_BODY_LIMIT, schema: { hide: true } },
    async (request, reply) => {
      const now = Date.now();
      const token = await checkToken(ctx, request.params.token, now);
      if (typeof token === 'string') return refused(reply, token);
      if (!tokenAllows(request.params.token, now)) return html(reply, 429, messagePage('rate_limited'));
      if (await isRated(ctx.db, token.recordId)) return html(reply, 200, messagePage('rated'));
      const form = request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
      const level = Number(form.get('level'));
      if (!isSatisfaction(level)) return html(reply, 400, messagePage('malformed'));
      const { page, codes } = await serviceOf(ctx, token);
      const offered = await tagsOf(ctx.db, level);
      const kept = {
        tags: form.getAll('tag').filter((t) => offered.some((o) => o.code === t)),
        comment: (form.get('comment') ?? '').trim().slice(0, MAX_COMMENT_LENGTH * 2),
        phone: (form.get('phone') ?? '').trim().slice(0, 40),
      };
      const again = (error: string) => html(reply, 400, detailsPage(page, self(request), level, offered, error, kept));
      if (kept.comment.length > MAX_COMMENT_LENGTH) return again(`意见最多 ${MAX_COMMENT_LENGTH} 字`);
      if (level <= 2 && kept.tags.length === 0 && kept.comment === '') return again('请选择一个原因，或写下您的意见');
      const rater = kept.phone === '' ? null : RaterIdentity.safeParse({ phone: kept.phone });
      if (rater && !rater.success) return again('电话号码的格式不对');
      try {
        const result = await rateFromChannel(
          ctx,
          { channel: 'qr_code', actor: QR_ACTOR, ip: request.ip },
          {
            id: token.recordId,
            kioskRecordId: token.recordId,
            projectNo: null,
            serviceNumber: 1,
            assessNumber: 1,
            ...codes,
            satisfaction: level,
            reasonTags: kept.tags,
            comment: kept.comment === '' ? null : kept.comment,
            rater: rater ? rater.data : null,
            ratedAt: new Date(now).toISOString(),
          },
        );
        return html(reply, 200, messagePage(result.status === 'duplicate' ? 'rated' : 'thanks'));
      } catch (error) {
        if (error instanceof HttpError && error.status < 500) return again('提交没有成功，请检查后再试');
        throw error;
      }
    },
  );
}
