/**
 * Fault test (a real `hcp central` process, real PostgreSQL, a slow webhook receiver on 127.0.0.1 that honours the
 * idempotency key): a burst of 差评 delivered through the signed device API, the centre SIGKILLed while their alerts
 * are being delivered (some requests in flight), restarted, and every record delivered again as a kiosk does after
 * a cut. Every case is notified exactly once by key, none is lost, and none is made twice.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DeviceIdentity } from '../../common/device-identity.js';
import { freePort } from '../../common/test-support/fault-proxy.js';
import { tempDir } from '../../common/test-support/temp-dir.js';
import { waitFor } from '../../common/test-support/wait-for.js';
import type { AlertSettingsSaved } from '../../shared/alerts-api.js';
import { openPostgres, type CentralDb } from '../db/database.js';
import { batch, evaluation } from '../test-support/api-harness.js';
import { seedHall, startCentralProcess, type CentralProcess } from '../test-support/central-process.js';
import { createTestDatabase } from '../test-support/pg-cluster.js';
import { WebhookReceiver } from './test-support/webhook-receiver.js';

const BURST = 200;
const BATCH = 10;

describe('alerts through a SIGKILL of the centre during a burst of 差评', () => {
  const dir = tempDir('hcp-alerts-crash-');
  const hook = new WebhookReceiver();
  let databaseUrl: string;
  let port: number;
  let central: CentralProcess;
  let db: CentralDb;
  let device: { id: string; identity: DeviceIdentity };

  const start = () => startCentralProcess({ dataDir: join(dir.path, 'central'), port, databaseUrl });

  /** Delivers one batch as a kiosk does, signed; answers whether the centre took it (any answer 200). */
  const deliver = async (records: unknown[]): Promise<boolean> => {
    const path = '/api/v1/device/records';
    const bytes = Buffer.from(JSON.stringify(batch(records)));
    try {
      const res = await fetch(`${central.url}${path}`, {
        method: 'POST',
        headers: { ...device.identity.sign(device.id, 'POST', path, bytes), 'content-type': 'application/json' },
        body: bytes,
      });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    await hook.start();
    databaseUrl = await createTestDatabase(inject('pgUrl'), 'alerts_crash');
    port = await freePort();
    central = await start();
    await seedHall(central.admin);
    const enrolment = await central.admin('POST', '/enrollments', {
      mode: 'window',
      windowCode: 'W01',
      name: '1号窗口',
    });
    const identity = DeviceIdentity.create(tempDir('hcp-kiosk-key-').path);
    const enrolled = await fetch(`${central.url}/api/v1/devices/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        code: (enrolment.body as { code: string }).code,
        publicKey: identity.publicKey(),
        info: { version: '0.1.0' },
      }),
    });
    device = { id: ((await enrolled.json()) as { deviceId: string }).deviceId, identity };
    const res = await fetch(`${central.url}/api/v1/admin/alerts/settings`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${central.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        webhooks: [{ name: '办件系统', url: hook.url, enabled: true }],
        sms: { enabled: false, gatewayUrl: null, templateId: null, params: {}, kinds: ['case_created'] },
        retry: { limit: 10, delaySeconds: 1 },
        contacts: [],
      }),
    });
    const saved = (await res.json()) as AlertSettingsSaved;
    hook.secret = Object.values(saved.secrets)[0]!;
    db = await openPostgres(databaseUrl, { max: 2 });
    // A handler of the department, told of each case in the console as well.
    const handler = await central.admin('POST', '/accounts', {
      username: 'handler-scjg',
      displayName: '窗口办理人',
      role: 'handler',
      departments: ['SCJG'],
    });
    expect(handler.status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await central?.kill();
    await db?.close();
    await hook.stop();
    dir.remove();
  });

  it('notifies every case exactly once by key after a restart, none lost, none made twice', async () => {
    // A slow receiver: the kill finds requests it has processed and not yet answered.
    hook.delayMs = 150;
    const records = Array.from({ length: BURST }, (_, i) => evaluation({ satisfaction: i % 2 === 0 ? 1 : 2 }));
    const batches = Array.from({ length: BURST / BATCH }, (_, i) => records.slice(i * BATCH, (i + 1) * BATCH));
    const unacknowledged: unknown[][] = [];
    // Half the burst is delivered, each batch once the receiver is getting the alerts of the one before (ingest and
    // deliveries interleaved), then the centre is killed with deliveries in flight, and the rest cannot be sent.
    const killAt = batches.length / 2;
    for (const [i, b] of batches.entries()) {
      if (i > 0 && i < killAt) {
        await waitFor(
          'the receiver to get the alerts of the batch before',
          () => hook.requests.length >= (i - 1) * BATCH + 1,
        );
      }
      if (i === killAt) await central.kill('SIGKILL');
      if (i >= killAt || !(await deliver(b))) unacknowledged.push(b);
    }
    const processedAtKill = hook.processed.size;
    expect(processedAtKill).toBeLessThan(BURST);
    const [madeAtKill] = await db.query<{ n: number }>('SELECT count(*) AS n FROM cases');

    central = await start();
    const restarted = Date.now();
    // The kiosk delivers again what the centre did not acknowledge, and (as after a reconciliation) all the rest.
    for (const b of [...unacknowledged, ...batches]) expect(await deliver(b)).toBe(true);
    const cases = await db.query<{ id: string; evaluationId: string }>(
      'SELECT id, evaluation_id AS "evaluationId" FROM cases',
    );
    expect(cases).toHaveLength(BURST);
    expect(new Set(cases.map((c) => c.evaluationId))).toEqual(new Set(records.map((r) => r.id)));

    const expected = new Set(cases.map((c) => `case_created:${c.id}`));
    await waitFor(
      () => `every case's alert at the receiver (${hook.processed.size} of ${BURST})`,
      () => [...expected].every((k) => hook.processed.has(k)),
      90_000,
    );
    const notifiedWithinMs = Date.now() - restarted;
    expect(new Set(hook.processed.keys())).toEqual(expected);
    expect([...hook.processed.values()].every((n) => n === 1)).toBe(true);
    expect(hook.requests.every((r) => r.signatureOk)).toBe(true);
    const repeats = hook.requests.filter((r) => !r.processed).length;
    const [outbox] = await db.query<{ n: number; pending: number }>(
      'SELECT count(*) AS n, count(*) FILTER (WHERE dispatched_at IS NULL) AS pending FROM alert_outbox',
    );
    expect(outbox).toEqual({ n: BURST, pending: 0 });
    const [told] = await db.query<{ n: number; keys: number }>(
      `SELECT count(*) AS n, count(DISTINCT alert_key) AS keys FROM notifications n
         JOIN accounts a ON a.id = n.account_id WHERE a.username = 'handler-scjg'`,
    );
    expect(told).toEqual({ n: BURST, keys: BURST });
    process.stdout.write(
      `alerts crash: ${BURST} 差评, killed before batch ${killAt + 1} of ${batches.length} with ${madeAtKill!.n} cases made and ${processedAtKill} alerts processed; ` +
        `after the restart all ${BURST} notified once by key in ${notifiedWithinMs} ms; ${repeats} repeated requests answered by key\n`,
    );
    expect(notifiedWithinMs).toBeLessThan(60_000);
  }, 240_000);
});
