/**
 * A central API for one test file, on a real PostgreSQL database (a fresh one in the global setup's cluster), with a two-department hall seeded through the admin API and kiosks enrolled as real ones are. Requests
 * go through `app.inject`: the whole Fastify stack, no sockets.
 */
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import { Sealer } from '../../common/data-key.js';
import { DeviceIdentity } from '../../common/device-identity.js';
import { uuidv7 } from '../../common/ids.js';
import { tempDir } from '../../common/test-support/temp-dir.js';
import { openPostgres, type CentralDb } from '../db/database.js';
import { migrateCentral } from '../db/migrate.js';
import { buildCentralApi, type CentralApiOptions, type RateLimits } from '../server.js';
import { CentralSigningKey } from '../signing-key.js';
import { createTestDatabase } from './pg-cluster.js';

export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

export interface Kiosk {
  id: string;
  identity: DeviceIdentity;
}

export interface Harness {
  db: CentralDb;
  /** The centre's data folder (the data key, case attachments). */
  dataDir: string;
  app: FastifyInstance;
  signingKey: CentralSigningKey;
  /** A W01 kiosk (window mode, 市场监督管理局 SCJG). */
  kiosk: Kiosk;
  admin(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  /** A request signed by `who` (the W01 kiosk unless told otherwise). */
  device(method: 'GET' | 'POST', url: string, body?: unknown, who?: Kiosk): Promise<LightMyRequestResponse>;
  enrol(enrollment: { mode: 'window' | 'terminal'; windowCode?: string; name: string }): Promise<Kiosk>;
  count(tableAndWhere: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * The hall: departments SCJG (window W01, staff 1001, item SC-0001) and GA (window W02, staff 3001). Rate limits
 * are raised unless given: a test of something else must not meet them.
 */
export async function startHarness(
  rateLimits?: Partial<RateLimits>,
  options: Pick<CentralApiOptions, 'signInTickets' | 'clock'> = {},
): Promise<Harness> {
  const dir = tempDir('hcp-central-');
  const db = await openPostgres(await createTestDatabase(inject('pgUrl'), 'central_h'));
  await migrateCentral(db);
  const signingKey = CentralSigningKey.generate();
  const app = buildCentralApi({
    db,
    adminToken: ADMIN_TOKEN,
    sealer: Sealer.fromFile(join(dir.path, 'data.key')),
    signingKey,
    // Case attachments (attachments/) go beside the data key, removed with it.
    dataDir: dir.path,
    ...options,
    rateLimits: rateLimits ?? {
      enrollPerMinute: 10_000,
      devicePerMinute: 1_000_000,
      deviceFailuresPerMinute: 1_000_000,
    },
  });
  const admin: Harness['admin'] = (method, url, payload) =>
    app.inject({
      method,
      url: `/api/v1/admin${url}`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: payload as object,
    });
  for (const [url, body] of [
    ['/departments', { code: 'SCJG', name: '市场监督管理局' }],
    ['/departments', { code: 'GA', name: '公安局' }],
    ['/windows', { code: 'W01', name: '1号窗口', departmentCode: 'SCJG' }],
    ['/windows', { code: 'W02', name: '2号窗口', departmentCode: 'GA' }],
    ['/staff', { staffNo: '1001', name: '王丽', departmentCode: 'SCJG', pin: '246810' }],
    ['/staff', { staffNo: '3001', name: '李强', departmentCode: 'GA', pin: '135790' }],
    ['/service-items', { code: 'SC-0001', name: '个体工商户设立登记', departmentCode: 'SCJG' }],
  ] as const) {
    const res = await admin('POST', url, body);
    if (res.statusCode !== 201) throw new Error(`seeding ${url} answered ${res.statusCode}: ${res.body}`);
  }
  const enrol: Harness['enrol'] = async (enrollment) => {
    const created = await admin('POST', '/enrollments', enrollment);
    const { code } = created.json<{ code: string }>();
    const identity = DeviceIdentity.create(tempDir('hcp-kiosk-key-').path);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/devices/enroll',
      payload: { code, publicKey: identity.publicKey(), info: { version: '0.1.0' } },
    });
    if (res.statusCode !== 201) throw new Error(`enrolment answered ${res.statusCode}: ${res.body}`);
    return { id: res.json<{ deviceId: string }>().deviceId, identity };
  };
  const kiosk = await enrol({ mode: 'window', windowCode: 'W01', name: '1号窗口' });
  const device: Harness['device'] = (method, url, body, who = kiosk) => {
    const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    return app.inject({
      method,
      url,
      headers: {
        ...who.identity.sign(who.id, method, url, bytes),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      payload: body === undefined ? undefined : bytes,
    });
  };
  return {
    db,
    dataDir: dir.path,
    app,
    signingKey,
    kiosk,
    admin,
    device,
    enrol,
    count: async (what) => (await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${what}`))[0]!.n,
    close: async () => {
      await app.close();
      await db.close();
      dir.remove();
    },
  };
}

/** A rated evaluation of the W01 kiosk by staff 1001, as a kiosk sends it; `overrides` change any field. */
export function evaluation(overrides: Record<string, unknown> = {}): Record<string, unknown> & { id: string } {
  const t = new Date().toISOString();
  return {
    kind: 'evaluation',
    id: uuidv7(),
    channel: 'hall_window',
    mode: 'window',
    outcome: 'rated',
    satisfaction: 4,
    source: 'serial',
    invitedAt: t,
    expiresAt: t,
    endedAt: t,
    shiftId: null,
    staffNo: '1001',
    windowCode: 'W01',
    departmentCode: 'SCJG',
    serviceItemCode: 'SC-0001',
    caseNo: 'C-1',
    ticketNo: null,
    rater: null,
    ...overrides,
  };
}

export function strayPress(overrides: Record<string, unknown> = {}): Record<string, unknown> & { id: string } {
  return {
    kind: 'stray_press',
    id: uuidv7(),
    satisfaction: 1,
    key: 5,
    source: 'serial',
    shiftId: uuidv7(),
    staffNo: '1001',
    at: new Date().toISOString(),
    ...overrides,
  };
}

export const batch = (records: unknown[]) => ({ sentAt: new Date().toISOString(), clockOffsetMs: 0, records });

/** The statuses (and codes) of a records answer. */
export function outcomes(res: { json<T>(): T }): string[] {
  return res
    .json<{ results: { status: string; code?: string }[] }>()
    .results.map((r) => (r.code ? `${r.status}:${r.code}` : r.status));
}
