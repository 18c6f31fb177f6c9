/**
 * The alerts' settings (issue 16): the webhooks, the SMS gateway with its template and parameters, the retry
 * policy, and who is on duty with which mobile. A webhook's secret is answered once, when set, and masked after; a
 * staff mobile is masked in every answer. Runs in Node.
 */
import { randomBytes } from 'node:crypto';
import type { Sealer } from '../../common/data-key.js';
import { HttpError } from '../../common/http.js';
import { uuidv7 } from '../../common/ids.js';
import type { AlertSettings, AlertSettingsPut, SmsField } from '../../shared/alerts-api.js';
import { maskPhone, NOTIFICATION_KINDS, type NotificationKind } from '../../shared/cases-api.js';
import type { Queryable } from '../db/database.js';

/** What the deliveries need: the enabled webhooks with their secrets, the SMS gateway, the retry policy. */
export interface DeliverySettings extends Pick<AlertSettings, 'sms' | 'retry'> {
  webhooks: { id: string; name: string; kinds: NotificationKind[] }[];
}

interface SettingsRow {
  smsEnabled: boolean;
  smsGatewayUrl: string | null;
  smsTemplateId: string | null;
  smsParams: Record<string, SmsField>;
  smsKinds: NotificationKind[];
  retryLimit: number;
  retryDelaySeconds: number;
}

async function settingsRow(q: Queryable): Promise<SettingsRow> {
  const [row] = await q.query<SettingsRow>(
    `SELECT sms_enabled AS "smsEnabled", sms_gateway_url AS "smsGatewayUrl", sms_template_id AS "smsTemplateId",
            sms_params AS "smsParams", sms_kinds AS "smsKinds", retry_limit AS "retryLimit",
            retry_delay_seconds AS "retryDelaySeconds"
       FROM alert_settings WHERE id = 1`,
  );
  return row!;
}

export async function deliverySettings(q: Queryable): Promise<DeliverySettings> {
  const [row, webhooks] = await Promise.all([
    settingsRow(q),
    q.query<DeliverySettings['webhooks'][number]>(
      'SELECT id, name, kinds FROM alert_webhooks WHERE enabled ORDER BY created_at, id',
    ),
  ]);
  return {
    webhooks,
    sms: {
      enabled: row.smsEnabled && row.smsGatewayUrl !== null && row.smsTemplateId !== null,
      gatewayUrl: row.smsGatewayUrl,
      templateId: row.smsTemplateId,
      params: row.smsParams,
      kinds: row.smsKinds,
    },
    retry: { limit: row.retryLimit, delaySeconds: row.retryDelaySeconds },
  };
}

const maskSecret = (hint: string) => `${'•'.repeat(8)}${hint}`;
/** The sealing contexts: a sealed value moved to another row does not open. */
export const secretContext = (webhookId: string) => `alert_webhooks:${webhookId}`;
export const mobileContext = (accountId: string) => `alert_contacts:${accountId}`;

export async function alertSettings(q: Queryable): Promise<AlertSettings> {
  const [row, webhooks, contacts] = await Promise.all([
    settingsRow(q),
    q.query<{ id: string; name: string; url: string; hint: string; kinds: NotificationKind[]; enabled: boolean }>(
      'SELECT id, name, url, secret_hint AS hint, kinds, enabled FROM alert_webhooks ORDER BY created_at, id',
    ),
    q.query<{ accountId: string; displayName: string; role: string; mobileMasked: string | null; onDuty: boolean }>(
      `SELECT c.account_id AS "accountId", a.display_name AS "displayName", a.role, c.mobile_masked AS "mobileMasked",
              c.on_duty AS "onDuty"
         FROM alert_contacts c JOIN accounts a ON a.id = c.account_id ORDER BY a.display_name, a.id`,
    ),
  ]);
  return {
    webhooks: webhooks.map(({ hint, ...w }) => ({ ...w, secretMasked: maskSecret(hint) })),
    sms: {
      enabled: row.smsEnabled,
      gatewayUrl: row.smsGatewayUrl,
      templateId: row.smsTemplateId,
      params: row.smsParams,
      kinds: row.smsKinds,
    },
    retry: { limit: row.retryLimit, delaySeconds: row.retryDelaySeconds },
    contacts,
  };
}

/** Replaces the settings with `input` in `tx`; answers the secrets it set (new webhooks, new secrets). */
export async function putAlertSettings(
  tx: Queryable,
  input: AlertSettingsPut,
  sealer: Sealer,
): Promise<Record<string, string>> {
  if (input.sms.enabled && (input.sms.gatewayUrl === null || input.sms.templateId === null)) {
    throw new HttpError(400, 'invalid_input', 'SMS needs a gateway URL and a template to be enabled');
  }
  const existing = new Set(
    (await tx.query<{ id: string }>('SELECT id FROM alert_webhooks FOR UPDATE')).map((w) => w.id),
  );
  const secrets: Record<string, string> = {};
  const kept: string[] = [];
  for (const w of input.webhooks) {
    if (w.id !== undefined && !existing.has(w.id)) throw new HttpError(400, 'invalid_input', `no webhook ${w.id}`);
    const id = w.id ?? uuidv7();
    // An existing webhook given no secret keeps its own; a new one given none gets a random one.
    const secret = w.secret ?? (w.id ? null : `whsec_${randomBytes(24).toString('base64url')}`);
    if (secret !== null) secrets[id] = secret;
    kept.push(id);
    await tx.query(
      `INSERT INTO alert_webhooks (id, name, url, secret_sealed, secret_hint, kinds, enabled)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, url = excluded.url, kinds = excluded.kinds,
         enabled = excluded.enabled,
         secret_sealed = CASE WHEN $8 THEN excluded.secret_sealed ELSE alert_webhooks.secret_sealed END,
         secret_hint = CASE WHEN $8 THEN excluded.secret_hint ELSE alert_webhooks.secret_hint END`,
      [
        id,
        w.name,
        w.url,
        secret === null ? Buffer.alloc(0) : sealer.seal(secret, secretContext(id)),
        secret === null ? '' : secret.slice(-4),
        w.kinds ?? [...NOTIFICATION_KINDS],
        w.enabled,
        secret !== null,
      ],
    );
  }
  await tx.query('DELETE FROM alert_webhooks WHERE NOT (id = ANY($1::uuid[]))', [kept]);
  await tx.query(
    `UPDATE alert_settings SET sms_enabled = $1, sms_gateway_url = $2, sms_template_id = $3, sms_params = $4,
            sms_kinds = $5, retry_limit = $6, retry_delay_seconds = $7, updated_at = now() WHERE id = 1`,
    [
      input.sms.enabled,
      input.sms.gatewayUrl,
      input.sms.templateId,
      JSON.stringify(input.sms.params),
      input.sms.kinds,
      input.retry.limit,
      input.retry.delaySeconds,
    ],
  );
  const ids = input.contacts.map((c) => c.accountId);
  if (new Set(ids).size !== ids.length) throw new HttpError(400, 'invalid_input', 'an account is listed twice');
  const known = await tx.query<{ id: string }>(
    'SELECT id FROM accounts WHERE id = ANY($1::uuid[]) AND role IN ($2, $3)',
    [ids, 'supervisor', 'handler'],
  );
  if (known.length !== ids.length) {
    throw new HttpError(400, 'invalid_input', 'contacts must be supervisors’ or handlers’ accounts');
  }
  await tx.query('DELETE FROM alert_contacts WHERE NOT (account_id = ANY($1::uuid[]))', [ids]);
  for (const c of input.contacts) {
    const mobile = c.mobile ?? null;
    await tx.query(
      `INSERT INTO alert_contacts (account_id, mobile_sealed, mobile_masked, on_duty) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id) DO UPDATE SET on_duty = excluded.on_duty,
         mobile_sealed = CASE WHEN $5 THEN alert_contacts.mobile_sealed ELSE excluded.mobile_sealed END,
         mobile_masked = CASE WHEN $5 THEN alert_contacts.mobile_masked ELSE excluded.mobile_masked END`,
      [
        c.accountId,
        mobile === null ? null : sealer.seal(mobile, mobileContext(c.accountId)),
        mobile === null ? null : maskPhone(mobile),
        c.onDuty,
        c.mobile === undefined,
      ],
    );
  }
  return secrets;
}
