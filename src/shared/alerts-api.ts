/**
 * The alerts' settings and delivery log (issue 16), as the admin API answers and takes them
 * (GET/PUT /api/v1/admin/alerts/settings, GET /api/v1/admin/alerts/deliveries). A webhook's secret is answered once,
 * when it is set; afterwards only masked. Runs everywhere (pure).
 */
import { z } from 'zod';
import { NOTIFICATION_KINDS, type NotificationKind } from './cases-api.js';

/** What an SMS template's parameters may be filled with: codes and numbers of the alert, never personal data. */
export const SMS_FIELDS = [
  'number',
  'kind',
  'state',
  'departmentCode',
  'satisfaction',
  'dueDay',
  'open',
  'overdue',
] as const;
export type SmsField = (typeof SMS_FIELDS)[number];

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(500)
  .describe('an http or https URL');
const kinds = z.array(z.enum(NOTIFICATION_KINDS)).min(1).max(NOTIFICATION_KINDS.length);

export const WebhookPut = z.strictObject({
  /** An existing webhook's id; none for a new one. */
  id: z.uuid().optional(),
  name: z.string().trim().min(1).max(50),
  url: httpUrl,
  /** The kinds it receives; all when absent. */
  kinds: kinds.optional(),
  enabled: z.boolean().default(true),
  /** A new secret (16–200 characters); absent: an existing webhook keeps its own, a new one gets a random one. */
  secret: z.string().min(16).max(200).optional(),
});
export type WebhookPut = z.infer<typeof WebhookPut>;

export const AlertSettingsPut = z.strictObject({
  webhooks: z.array(WebhookPut).max(10),
  sms: z.strictObject({
    enabled: z.boolean(),
    gatewayUrl: httpUrl.nullable(),
    /** The gateway's template (模板编号), e.g. SMS_2026001. */
    templateId: z.string().trim().min(1).max(100).nullable(),
    /** The gateway's parameter names, each filled with one field of the alert. */
    params: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,39}$/), z.enum(SMS_FIELDS)),
    kinds,
  }),
  retry: z.strictObject({
    limit: z.number().int().min(0).max(20),
    delaySeconds: z.number().int().min(1).max(3600),
  }),
  /** Staff on duty (值班) and their mobiles for SMS; `mobile` absent keeps the one held. */
  contacts: z
    .array(
      z.strictObject({
        accountId: z.uuid(),
        mobile: z
          .string()
          .regex(/^1\d{10}$/, 'an 11-digit mobile number')
          .nullable()
          .optional(),
        onDuty: z.boolean(),
      }),
    )
    .max(500),
});
export type AlertSettingsPut = z.infer<typeof AlertSettingsPut>;

export interface AlertSettings {
  webhooks: {
    id: string;
    name: string;
    url: string;
    kinds: NotificationKind[];
    enabled: boolean;
    secretMasked: string;
  }[];
  sms: {
    enabled: boolean;
    gatewayUrl: string | null;
    templateId: string | null;
    params: Record<string, SmsField>;
    kinds: NotificationKind[];
  };
  retry: { limit: number; delaySeconds: number };
  contacts: { accountId: string; displayName: string; role: string; mobileMasked: string | null; onDuty: boolean }[];
}

/** PUT's answer: the settings, and the secrets set by this change (shown this once). */
export interface AlertSettingsSaved extends AlertSettings {
  secrets: Record<string, string>;
}

export const DeliveryQuery = z.strictObject({
  channel: z.enum(['webhook', 'sms']).optional(),
  status: z.enum(['delivered', 'failed', 'gave_up']).optional(),
  key: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type DeliveryQuery = z.infer<typeof DeliveryQuery>;

export interface AlertDelivery {
  id: string;
  alertKey: string;
  kind: NotificationKind;
  channel: 'webhook' | 'sms';
  target: string;
  attempt: number;
  status: 'delivered' | 'failed' | 'gave_up';
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  at: string;
}

/** The headers of a webhook request: the body's signature, its time, and the alert's idempotency key. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-hcp-signature';
export const WEBHOOK_TIMESTAMP_HEADER = 'x-hcp-timestamp';
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
