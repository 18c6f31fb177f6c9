/**
 * The alerts' two outside channels (issue 16): a webhook (a JSON POST, signed with HMAC-SHA256 over the timestamp
 * and the exact body, carrying the alert's key as its `Idempotency-Key`) and SMS through an `SmsSender` (here an
 * HTTP gateway adapter, the hall's 政务短信 platform, with a template and parameters an admin configures). Each call
 * either resolves (delivered) or throws a `DeliveryError` (the job queue retries it). Runs in Node.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  IDEMPOTENCY_KEY_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  type SmsField,
} from '../../shared/alerts-api.js';

/** How long one delivery may take before it counts as failed. */
export const DELIVERY_TIMEOUT_MS = 10_000;

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly httpStatus: number | null = null,
  ) {
    super(message);
  }
}

/** `sha256=<hex>` of HMAC-SHA256(secret, `<timestamp>.<body>`). */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver checks (constant time): the signature of `timestamp` and the exact `body` bytes. */
export function verifyWebhookSignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** What a webhook receives: the alert as written, with no personal data. */
export interface WebhookBody {
  key: string;
  kind: string;
  caseId: string | null;
  createdAt: string;
  payload: Record<string, unknown>;
}

/** POSTs `body` to `url`; resolves with the HTTP status of a 2xx answer, throws otherwise. */
export async function postWebhook(
  webhook: { url: string; secret: string },
  body: WebhookBody,
  now = new Date(),
): Promise<number> {
  const text = JSON.stringify(body);
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return post(webhook.url, text, {
    [IDEMPOTENCY_KEY_HEADER]: body.key,
    [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
    [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(webhook.secret, timestamp, text),
  });
}

async function post(url: string, text: string, headers: Record<string, string>): Promise<number> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body: text,
      redirect: 'error',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new DeliveryError(`${(error as Error).name}: ${cause ?? (error as Error).message}`);
  }
  // The answer's body is not kept: it is the receiver's, and may hold anything.
  await res.body?.cancel().catch(() => undefined);
  if (res.status < 200 || res.status > 299) throw new DeliveryError(`answered HTTP ${res.status}`, res.status);
  return res.status;
}

/** One SMS: to a staff member's mobile, a template and its parameters, and the key the gateway may dedupe on. */
export interface SmsMessage {
  mobile: string;
  templateId: string;
  params: Record<string, string>;
  key: string;
}

/** Sends one SMS, or throws a `DeliveryError`. */
export interface SmsSender {
  send(message: SmsMessage): Promise<number | null>;
}

/**
 * An HTTP SMS gateway: POST `{ phoneNumbers, templateCode, templateParam, outId }` as JSON (the shape the common
 * 政务短信 and cloud SMS platforms take), `outId` being the idempotency key, also sent as `Idempotency-Key`.
 */
export class HttpSmsGateway implements SmsSender {
  constructor(private readonly url: string) {}

  send(message: SmsMessage): Promise<number> {
    return post(
      this.url,
      JSON.stringify({
        phoneNumbers: message.mobile,
        templateCode: message.templateId,
        templateParam: message.params,
        outId: message.key,
      }),
      { [IDEMPOTENCY_KEY_HEADER]: message.key },
    );
  }
}

/** The template's parameters, filled from the alert's payload (codes and numbers only). */
export function smsParams(
  mapping: Record<string, SmsField>,
  kind: string,
  payload: Record<string, unknown>,
): Record<string, string> {
  const value = (field: SmsField): string => {
    if (field === 'kind') return kind;
    if (field === 'dueDay') return typeof payload.dueDay === 'string' ? payload.dueDay : dueDay(payload.dueAt);
    const v = payload[field];
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  };
  return Object.fromEntries(Object.entries(mapping).map(([name, field]) => [name, value(field)]));
}

/** The deadline's day (Beijing) of a `dueAt` (the end of that day), or ''. */
function dueDay(dueAt: unknown): string {
  if (typeof dueAt !== 'string') return '';
  const t = Date.parse(dueAt);
  return Number.isNaN(t) ? '' : new Date(t + 8 * 3600_000 - 1).toISOString().slice(0, 10);
}
