/**
 * Integration (real PostgreSQL, the real job queue, a real HTTP receiver on 127.0.0.1): the alerts of the outbox
 * reach the console's notifications of the right accounts, a webhook (signed, keyed, retried with backoff, logged)
 * and an SMS gateway (template and parameters filled); the settings answer a secret once and audit no secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../common/test-support/wait-for.js';
import type { AlertDelivery, AlertSettings, AlertSettingsSaved } from '../../shared/alerts-api.js';
import type { Notification } from '../../shared/cases-api.js';
import { ADMIN_TOKEN, batch, evaluation, outcomes, startHarness, type Harness } from '../test-support/api-harness.js';
import { accountWithSession, alertCreated, insertCase, type Session } from './test-support/cases-fixture.js';
import { WebhookReceiver } from './test-support/webhook-receiver.js';

describe('alerts delivery', () => {
  let h: Harness;
  const hook = new WebhookReceiver();
  const gateway = new WebhookReceiver();
  let handlerScjg: Session;
  let handlerScjg2: Session;
  let handlerGa: Session;
  let dutySupervisor: Session;
  let offDutySupervisor: Session;
  let webhookId: string;

  const put = (url: string, payload: unknown) =>
    h.app.inject({
      method: 'PUT',
      url: `/api/v1/admin${url}`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: payload as object,
    });
  const settings = (over: Record<string, unknown> = {}) => ({
    webhooks: [{ id: webhookId, name: '办件系统', url: hook.url, enabled: true }],
    sms: {
      enabled: true,
      gatewayUrl: `http://127.0.0.1:${gateway.port}/sms`,
      templateId: 'SMS_2026001',
      params: { no: 'number', dept: 'departmentCode', due: 'dueDay' },
      kinds: ['case_created', 'overdue'],
    },
    retry: { limit: 3, delaySeconds: 1 },
    contacts: [
      { accountId: handlerScjg.id, mobile: '13800001111', onDuty: false },
      { accountId: dutySupervisor.id, mobile: '13900002222', onDuty: true },
    ],
    ...over,
  });
  const deliveries = async (key: string) =>
    (await h.admin('GET', `/alerts/deliveries?key=${encodeURIComponent(key)}`)).json<{ items: AlertDelivery[] }>()
      .items;
  const notificationsOf = async (s: Session) =>
    (await s.request('GET', '/notifications')).json<{ items: Notification[]; unread: number }>();

  beforeAll(async () => {
    await hook.start();
    await gateway.start();
    gateway.secret = 'unused-by-the-gateway';
    h = await startHarness();
    handlerScjg = await accountWithSession(h, 'handler-scjg', 'handler', ['SCJG']);
    handlerScjg2 = await accountWithSession(h, 'handler-scjg-2', 'handler', ['SCJG']);
    handlerGa = await accountWithSession(h, 'handler-ga', 'handler', ['GA']);
    dutySupervisor = await accountWithSession(h, 'supervisor-duty', 'supervisor');
    offDutySupervisor = await accountWithSession(h, 'supervisor-off', 'supervisor');
    const saved = await put('/alerts/settings', {
      ...settings(),
      webhooks: [{ name: '办件系统', url: hook.url, enabled: true }],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const body = saved.json<AlertSettingsSaved>();
    webhookId = body.webhooks[0]!.id;
    hook.secret = body.secrets[webhookId]!;
  });
  afterAll(async () => {
    await h.close();
    await hook.stop();
    await gateway.stop();
  });

  it('tells a new case to its department’s handlers and the duty supervisor in the console, and to nobody else', async () => {
    const c = await insertCase(h);
    const key = await alertCreated(h, c);
    const told = await waitFor('the notifications to be written', async () => {
      const n = await h.db.query<{ username: string }>(
        `SELECT a.username FROM notifications n JOIN accounts a ON a.id = n.account_id WHERE n.alert_key = $1
          ORDER BY a.username`,
        [key],
      );
      return n.length > 0 && n.map((r) => r.username);
    });
    expect(told).toEqual(['handler-scjg', 'handler-scjg-2', 'supervisor-duty']);
    const mine = await notificationsOf(handlerScjg);
    const item = mine.items.find((n) => n.caseId === c.id)!;
    expect(item).toMatchObject({ kind: 'case_created', caseNumber: c.number, readAt: null });
    expect(item.text).toContain(c.number);
    expect(item.text).toContain('非常不满意');
    expect(mine.unread).toBeGreaterThanOrEqual(1);
    expect((await notificationsOf(handlerGa)).items.some((n) => n.caseId === c.id)).toBe(false);
    expect((await notificationsOf(offDutySupervisor)).items.some((n) => n.caseId === c.id)).toBe(false);
    // Read one, then all: the count follows, and another account cannot mark it.
    expect((await handlerGa.request('POST', `/notifications/${item.id}/read`)).statusCode).toBe(404);
    const read = await handlerScjg.request('POST', `/notifications/${item.id}/read`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json<Notification>().readAt).not.toBeNull();
    expect(
      (await handlerScjg.request('GET', '/notifications?unread=true'))
        .json<{ items: Notification[] }>()
        .items.some((n) => n.id === item.id),
    ).toBe(false);
    await handlerScjg.request('POST', '/notifications/read-all');
    expect((await notificationsOf(handlerScjg)).unread).toBe(0);
    expect((await notificationsOf(handlerScjg2)).unread).toBeGreaterThanOrEqual(1);
  });

  it('tells an assignment to the named handler only', async () => {
    const c = await insertCase(h, { handlerId: handlerScjg2.id });
    const key = `case_assigned:${c.id}:1`;
    await h.db.transaction((tx) =>
      import('./outbox.js').then(({ enqueueAlerts }) =>
        enqueueAlerts(tx, [
          {
            kind: 'case_assigned',
            caseId: c.id,
            key,
            payload: { caseId: c.id, number: c.number, state: 'assigned', departmentCode: 'SCJG' },
          },
        ]),
      ),
    );
    const told = await waitFor('the assignment to be told', async () => {
      const n = await h.db.query<{ account_id: string }>('SELECT account_id FROM notifications WHERE alert_key = $1', [
        key,
      ]);
      return n.length > 0 && n.map((r) => r.account_id);
    });
    expect(told).toEqual([handlerScjg2.id]);
  });

  it('tells a 差评 from a kiosk to the department in the console, and its reassignment to the named handler only', async () => {
    const ev = evaluation({ satisfaction: 2 });
    expect(outcomes(await h.device('POST', '/api/v1/device/records', batch([ev])))).toEqual(['accepted']);
    const [made] = await h.db.query<{ id: string; number: string }>(
      'SELECT id, number FROM cases WHERE evaluation_id = $1',
      [ev.id],
    );
    const told = await waitFor('the handlers to be told of the new case', async () => {
      const mine = (await notificationsOf(handlerScjg2)).items.find((n) => n.caseId === made!.id);
      return mine?.kind === 'case_created' && mine;
    });
    expect(told.text).toContain(made!.number);
    expect(told.text).toContain('不满意');
    const reassigned = await dutySupervisor.request('POST', `/cases/${made!.id}/actions`, {
      action: 'reassign',
      input: { departmentCode: 'SCJG', handlerId: handlerScjg.id, note: '指定经办人' },
    });
    expect(reassigned.statusCode, reassigned.body).toBe(200);
    const assigned = await waitFor('the assignment to be told', async () => {
      const rows = await h.db.query<{ account_id: string }>(
        "SELECT account_id FROM notifications WHERE case_id = $1 AND kind = 'case_assigned'",
        [made!.id],
      );
      return rows.length > 0 && rows.map((r) => r.account_id);
    });
    expect(assigned).toEqual([handlerScjg.id]);
  });

  it('tells a triage case to the duty supervisor only, and a warning to whoever acts next', async () => {
    const { enqueueAlerts } = await import('./outbox.js');
    const triage = await insertCase(h, { departmentCode: null });
    const inReview = await insertCase(h, { state: 'review', handlerId: handlerScjg.id });
    const rectifying = await insertCase(h, { state: 'rectifying', handlerId: handlerScjg.id });
    const keys = {
      triage: await alertCreated(h, triage, null),
      review: `deadline_warning:${inReview.id}:x`,
      rectifying: `deadline_warning:${rectifying.id}:x`,
    };
    await h.db.transaction((tx) =>
      enqueueAlerts(
        tx,
        [inReview, rectifying].map((c, i) => ({
          kind: 'deadline_warning' as const,
          caseId: c.id,
          key: i === 0 ? keys.review : keys.rectifying,
          payload: { caseId: c.id, number: c.number, state: i === 0 ? 'review' : 'rectifying', departmentCode: 'SCJG' },
        })),
      ),
    );
    const toldOf = async (key: string) =>
      (
        await h.db.query<{ username: string }>(
          `SELECT a.username FROM notifications n JOIN accounts a ON a.id = n.account_id WHERE n.alert_key = $1
            ORDER BY a.username`,
          [key],
        )
      ).map((r) => r.username);
    await waitFor('the three to be relayed', async () => {
      const [row] = await h.db.query<{ n: number }>(
        'SELECT count(*) AS n FROM alert_outbox WHERE key = ANY($1) AND dispatched_at IS NOT NULL',
        [Object.values(keys)],
      );
      return row!.n === 3;
    });
    expect(await toldOf(keys.triage)).toEqual(['supervisor-duty']);
    expect(await toldOf(keys.review)).toEqual(['supervisor-duty']);
    expect(await toldOf(keys.rectifying)).toEqual(['handler-scjg']);
  });

  it('posts each alert to the webhook once, signed over its exact body, keyed by the alert, with no personal data', async () => {
    const c = await insertCase(h);
    const key = await alertCreated(h, c);
    const got = await waitFor('the webhook to receive it', () => hook.requests.find((r) => r.key === key));
    expect(got.signatureOk).toBe(true);
    expect(got.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(got.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      key,
      kind: 'case_created',
      caseId: c.id,
      payload: { number: c.number, departmentCode: 'SCJG' },
    });
    expect(got.body).not.toMatch(/phone|rater|comment|1380000|1390000/);
    // A wrong secret does not verify.
    const { verifyWebhookSignature } = await import('./channels.js');
    expect(
      verifyWebhookSignature(
        'another-secret-0123456789',
        String(got.headers['x-hcp-timestamp']),
        got.body,
        String(got.headers['x-hcp-signature']),
      ),
    ).toBe(false);
    const log = await waitFor(
      'the delivery to be logged',
      async () => (await deliveries(key)).filter((d) => d.channel === 'webhook').length > 0 && deliveries(key),
    );
    expect(log.filter((d) => d.channel === 'webhook')).toMatchObject([
      { target: '办件系统', attempt: 1, status: 'delivered', httpStatus: 200 },
    ]);
    expect(hook.processed.get(key)).toBe(1);
  });

  it('retries a webhook answering 503 with backoff, logging every attempt, until it takes the alert', async () => {
    const c = await insertCase(h);
    hook.failuresFor.set(`case_created:${c.id}`, 2);
    const key = await alertCreated(h, c);
    await waitFor('the webhook to take it after two 503s', () => hook.processed.get(key) === 1, 30_000);
    const attempts = hook.requests.filter((r) => r.key === key);
    expect(attempts.map((r) => r.processed)).toEqual([false, false, true]);
    // The attempt that took it is logged once its answer is in: after the receiver counted it.
    const log = await waitFor('the third attempt to be logged', async () => {
      const webhook = (await deliveries(key)).filter((d) => d.channel === 'webhook');
      return webhook.length >= 3 && webhook.reverse();
    });
    expect(log.map((d) => [d.attempt, d.status, d.httpStatus])).toEqual([
      [1, 'failed', 503],
      [2, 'failed', 503],
      [3, 'delivered', 200],
    ]);
    // Backoff: the third attempt waited longer after the second than the second after the first.
    const at = log.map((d) => Date.parse(d.at));
    expect(at[2]! - at[1]!).toBeGreaterThan(at[1]! - at[0]! - 250);
  });

  it('delivers to a receiver that was down when the alert was written, once it is up again', async () => {
    const port = hook.port;
    await hook.stop();
    const c = await insertCase(h);
    const key = await alertCreated(h, c);
    await waitFor('a refused attempt to be logged', async () =>
      (await deliveries(key)).some((d) => d.channel === 'webhook' && d.status === 'failed'),
    );
    await hook.start(port);
    await waitFor('the receiver, up again, to take it', () => hook.processed.get(key) === 1, 30_000);
    const log = await waitFor('the delivery to be logged', async () => {
      const d = (await deliveries(key)).filter((x) => x.channel === 'webhook');
      return d[0]?.status === 'delivered' && d;
    });
    expect(log[0]).toMatchObject({ status: 'delivered' });
    expect(log.slice(1).every((d) => d.status === 'failed' && d.httpStatus === null && d.error)).toBe(true);
  });

  it('gives up after the retry limit, and says so in the log', async () => {
    const c = await insertCase(h);
    hook.failuresFor.set(`case_created:${c.id}`, 100);
    const key = await alertCreated(h, c);
    const log = await waitFor(
      'the last attempt to be logged',
      async () => {
        const d = (await deliveries(key)).filter((x) => x.channel === 'webhook');
        return d.some((x) => x.status === 'gave_up') && d;
      },
      40_000,
    );
    expect(log.map((d) => d.status)).toEqual(['gave_up', 'failed', 'failed', 'failed']);
    expect(log[0]!.attempt).toBe(4);
  });

  it('sends the SMS through the HTTP gateway with the template and its parameters, named by account in the log', async () => {
    const c = await insertCase(h);
    const key = await alertCreated(h, c);
    const sms = await waitFor('two SMS', () => {
      const got = gateway.requests.filter((r) => r.key.startsWith(`${key}:sms:`));
      return got.length === 2 && got;
    });
    const bodies = sms
      .map((r) => JSON.parse(r.body) as Record<string, unknown>)
      .sort((a, b) => String(a.phoneNumbers).localeCompare(String(b.phoneNumbers)));
    expect(bodies).toEqual([
      {
        phoneNumbers: '13800001111',
        templateCode: 'SMS_2026001',
        templateParam: { no: c.number, dept: 'SCJG', due: '2026-12-03' },
        outId: `${key}:sms:${handlerScjg.id}`,
      },
      {
        phoneNumbers: '13900002222',
        templateCode: 'SMS_2026001',
        templateParam: { no: c.number, dept: 'SCJG', due: '2026-12-03' },
        outId: `${key}:sms:${dutySupervisor.id}`,
      },
    ]);
    const log = await waitFor('the SMS to be logged', async () => {
      const d = (await deliveries(key)).filter((x) => x.channel === 'sms');
      return d.length === 2 && d;
    });
    expect(log.map((d) => d.target).sort()).toEqual(['handler-scjg', 'supervisor-duty']);
    expect(JSON.stringify(log)).not.toMatch(/1380000|1390000/);
  });

  it('answers a webhook secret once, masked afterwards, keeps it when none is given, and audits no secret', async () => {
    const shown = (await h.admin('GET', '/alerts/settings')).json<AlertSettings>();
    expect(shown.webhooks[0]!.secretMasked).toMatch(/^•+.{4}$/);
    expect(JSON.stringify(shown)).not.toContain(hook.secret);
    expect(shown.contacts.map((c) => c.mobileMasked).sort()).toEqual(['138****1111', '139****2222']);
    const again = await put('/alerts/settings', settings());
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json<AlertSettingsSaved>().secrets).toEqual({});
    // Kept sealed: neither the secret nor a mobile is in the tables' bytes.
    const [row] = await h.db.query<{ sealed: Buffer }>(
      'SELECT secret_sealed AS sealed FROM alert_webhooks WHERE id = $1',
      [webhookId],
    );
    expect(row!.sealed.includes(Buffer.from(hook.secret))).toBe(false);
    const tables = await h.db.query<{ t: string }>(
      `SELECT (SELECT string_agg(x::text, '|') FROM alert_webhooks x) || (SELECT string_agg(y::text, '|') FROM alert_contacts y) AS t`,
    );
    expect(tables[0]!.t).not.toContain(hook.secret);
    expect(tables[0]!.t).not.toMatch(/13800001111|13900002222/);
    // And yet it still signs: the next delivery verifies with it.
    const c = await insertCase(h);
    const key = await alertCreated(h, c);
    expect(
      (await waitFor('the delivery after the change', () => hook.requests.find((r) => r.key === key))).signatureOk,
    ).toBe(true);
    const audit = await h.db.query<{ summary: unknown }>(
      "SELECT summary FROM audit_log WHERE action = 'alerts.updated'",
    );
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(audit)).not.toContain(hook.secret);
    expect(JSON.stringify(audit)).not.toMatch(/13800001111|13900002222/);
  });

  it('refuses bad settings with a clear 400, and the settings to anyone but an admin', async () => {
    const bad = await put('/alerts/settings', settings({ retry: { limit: 3, delaySeconds: 0 } }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'invalid_request' });
    const noGateway = await put('/alerts/settings', {
      ...settings(),
      sms: { enabled: true, gatewayUrl: null, templateId: null, params: {}, kinds: ['overdue'] },
    });
    expect(noGateway.statusCode).toBe(400);
    expect(noGateway.json<{ message: string }>().message).toMatch(/gateway/);
    const badMobile = await put(
      '/alerts/settings',
      settings({ contacts: [{ accountId: handlerGa.id, mobile: '12345', onDuty: false }] }),
    );
    expect(badMobile.statusCode).toBe(400);
    expect((await dutySupervisor.request('GET', '/alerts/settings')).statusCode).toBe(403);
    expect((await handlerScjg.request('GET', '/alerts/deliveries')).statusCode).toBe(403);
    expect((await handlerScjg.request('PUT', '/alerts/settings', settings())).statusCode).toBe(403);
  });
});
