/**
 * The alerts' admin routes (issue 16): the signed-in account's own notifications (the console's badge and list),
 * and the settings and delivery log for an admin (alerts.manage, changes audited as alerts.updated). Runs in Node.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError, pathParams } from '../../common/http.js';
import {
  AlertSettingsPut,
  DeliveryQuery,
  type AlertDelivery,
  type AlertSettingsSaved,
} from '../../shared/alerts-api.js';
import type { Notification } from '../../shared/cases-api.js';
import { UuidSchema } from '../../shared/ids.js';
import { auditWithin } from '../audit/audit.routes.js';
import type { CentralDb } from '../db/database.js';
import { ADMIN_SECURITY } from '../openapi-docs.js';
import type { Alerts } from './alerts.js';
import { alertSettings, putAlertSettings } from './settings.js';

const NotificationQuery = z.strictObject({
  unread: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
/** These take no body: an empty one (or none) only. */
const NoBody = z.strictObject({});
const IdParam = pathParams(z.strictObject({ id: UuidSchema }), 'no such notification');

const NOTIFICATION = `SELECT id, kind, case_id AS "caseId", case_number AS "caseNumber", text,
                             created_at AS "createdAt", read_at AS "readAt" FROM notifications`;

/** The account a notification belongs to: a person signed in; a program's key or the admin token has none. */
const accountOf = (request: FastifyRequest): string | null =>
  request.actor?.kind === 'account' ? request.actor.id : null;

export function registerAlertRoutes(scope: FastifyInstance, context: { db: CentralDb; alerts: Alerts }): void {
  const { db } = context;
  const r = scope.withTypeProvider<ZodTypeProvider>();
  const docs = { tags: ['alerts'], security: ADMIN_SECURITY };

  r.get(
    '/notifications',
    {
      schema: {
        ...docs,
        summary: 'The signed-in account’s notifications (通知), newest first, and how many are unread',
        querystring: NotificationQuery,
      },
    },
    async (request): Promise<{ items: Notification[]; unread: number }> => {
      const account = accountOf(request);
      if (account === null) return { items: [], unread: 0 };
      const { unread, limit } = request.query;
      const [items, [count]] = await Promise.all([
        db.query<Notification>(
          `${NOTIFICATION} WHERE account_id = $1 AND ($2::boolean IS NOT TRUE OR read_at IS NULL)
            ORDER BY created_at DESC, id DESC LIMIT $3`,
          [account, unread ?? false, limit],
        ),
        db.query<{ n: number }>('SELECT count(*) AS n FROM notifications WHERE account_id = $1 AND read_at IS NULL', [
          account,
        ]),
      ]);
      return { items, unread: count!.n };
    },
  );
  r.post(
    '/notifications/:id/read',
    { schema: { ...docs, summary: 'Mark one of the account’s notifications read', params: IdParam, body: NoBody } },
    async (request): Promise<Notification> => {
      const [row] = await db.query<Notification>(
        `WITH u AS (UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND account_id = $2
                    RETURNING *)
         SELECT id, kind, case_id AS "caseId", case_number AS "caseNumber", text, created_at AS "createdAt",
                read_at AS "readAt" FROM u`,
        [request.params.id, accountOf(request)],
      );
      if (!row) throw new HttpError(404, 'not_found', 'no such notification');
      return row;
    },
  );
  r.post(
    '/notifications/read-all',
    { schema: { ...docs, summary: 'Mark all the account’s notifications read', body: NoBody } },
    async (request) => {
      const rows = await db.query(
        'UPDATE notifications SET read_at = now() WHERE account_id = $1 AND read_at IS NULL RETURNING id',
        [accountOf(request)],
      );
      return { read: rows.length };
    },
  );

  r.get(
    '/alerts/settings',
    { schema: { ...docs, summary: 'The alerts’ settings: webhooks (secrets masked), SMS gateway, retries, duty' } },
    async () => alertSettings(db),
  );
  r.put(
    '/alerts/settings',
    {
      schema: {
        ...docs,
        summary: 'Replace the alerts’ settings; a secret set by this change is answered this once',
        body: AlertSettingsPut,
      },
    },
    async (request): Promise<AlertSettingsSaved> =>
      db.transaction(async (tx) => {
        const before = await alertSettings(tx);
        const secrets = await putAlertSettings(tx, request.body, context.alerts.sealer);
        const after = await alertSettings(tx);
        // Masked secrets and mobiles only: the audit log holds neither.
        await auditWithin(tx, request, 'alerts.updated', 'alerts', {
          before,
          after,
          secretsSet: Object.keys(secrets),
        });
        return { ...after, secrets };
      }),
  );
  r.get(
    '/alerts/deliveries',
    {
      schema: {
        ...docs,
        summary: 'The delivery log of webhooks and SMS (投递记录), newest first',
        querystring: DeliveryQuery,
      },
    },
    async (request): Promise<{ items: AlertDelivery[] }> => {
      const q = request.query;
      const items = await db.query<AlertDelivery>(
        `SELECT id, alert_key AS "alertKey", kind, channel, target, attempt, status, http_status AS "httpStatus",
                error, duration_ms AS "durationMs", at FROM alert_deliveries
          WHERE ($1::text IS NULL OR channel = $1) AND ($2::text IS NULL OR status = $2)
            AND ($3::text IS NULL OR alert_key = $3)
          ORDER BY at DESC, id DESC LIMIT $4`,
        [q.channel ?? null, q.status ?? null, q.key ?? null, q.limit],
      );
      return { items };
    },
  );
}
