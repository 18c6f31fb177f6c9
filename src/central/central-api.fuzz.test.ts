/**
 * Integration (real PostgreSQL): the central API fuzzed (issue 13, item 10). Every route, read from Fastify's
 * route table (a new route is fuzzed without being listed here), gets malformed, oversize and hostile
 * requests: path parameters, query strings, bodies (valid ones mutated, broken JSON, wrong content types, bodies
 * past the limit), admin tokens and device signatures right and wrong. No answer may be a 500, the app must keep
 * answering, and a refused request (4xx) must leave every table as it was (a checksum of all of them) but the audit
 * log, which gains exactly one `access.refused` entry for a 401 or 403 of the admin API and none for any other
 * refusal; a records batch answered 200 adds exactly its accepted records. Seeded: a failure is the same on every
 * run.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sealer } from '../common/data-key.js';
import { DeviceIdentity } from '../common/device-identity.js';
import { uuidv7 } from '../common/ids.js';
import {
  bodyFor,
  listRoutes,
  fillParams,
  mutated,
  FuzzTally,
  paramValue,
  queryFor,
  type FuzzRequest,
  type Route,
} from '../common/test-support/api-fuzz.js';
import { tempDir } from '../common/test-support/temp-dir.js';
import { createApiKey } from './accounts/api-keys.js';
import type { Queryable } from './db/database.js';
import { ADMIN_BODY_LIMIT, buildCentralApi, DEVICE_BODY_LIMIT, ENROLL_BODY_LIMIT } from './server.js';
import { CentralSigningKey } from './signing-key.js';
import { ADMIN_TOKEN, batch, evaluation, startHarness, strayPress, type Harness } from './test-support/api-harness.js';

/** Requests sent here; the local API's fuzz test sends the rest of the 10,000. */
const RUNS = 6000;
const SEED = 20261301;

const now = () => new Date().toISOString();
const record = fc
  .constantFrom(
    () => evaluation(),
    () => evaluation({ outcome: 'cancelled', satisfaction: null, source: null }),
    () => evaluation({ localKeyMap: [1, 2, 3, 4, 5] }),
    () => strayPress(),
    () => ({
      kind: 'followup',
      id: uuidv7(),
      evaluationId: uuidv7(),
      reasonTags: ['attitude'],
      callbackPhone: '13800138000',
      comment: '慢',
      at: now(),
    }),
    () => ({
      kind: 'shift_event',
      id: uuidv7(),
      shiftId: uuidv7(),
      type: 'login',
      staffNo: '1001',
      windowCode: 'W01',
      reason: null,
      at: now(),
    }),
    () => ({ kind: 'key_test', id: uuidv7(), startedAt: now(), endedAt: now(), endedBy: 'technician', presses: 3 }),
  )
  .map((make) => make());

const named = (prefix: string) => fc.nat({ max: 999 }).map((n) => `${prefix}${n}`);
const BODY_TEMPLATES: Record<string, fc.Arbitrary<unknown>> = {
  'POST /api/v1/channels/ratings': fc.record(
    {
      id: named('fuzz-'),
      projectNo: named('P'),
      serviceNumber: fc.integer({ min: -1, max: 100 }),
      assessNumber: fc.constantFrom(1, 2, 3),
      serviceItemCode: fc.constantFrom('SC-0001', 'NOPE', null),
      satisfaction: fc.integer({ min: 0, max: 6 }),
      reasonTags: fc.constantFrom([], ['attitude'], ['nope']),
      comment: fc.option(fc.string({ maxLength: 600 })),
      rater: fc.constantFrom(null, { phone: '13912345678' }, { name: 'x'.repeat(100) }),
      ratedAt: fc.constantFrom(now(), '2099-01-01T00:00:00Z', 'soon'),
    },
    { requiredKeys: ['id', 'projectNo', 'satisfaction', 'ratedAt'] },
  ),
  'POST /api/v1/channels/services': fc.record({
    projectNo: named('P'),
    channel: fc.constantFrom('hall_window', 'web', 'qr_code', 'nope'),
    departmentCode: fc.constantFrom('SCJG', 'NOPE', null),
    endedAt: fc.constantFrom(now(), '2099-01-01T00:00:00Z'),
  }),
  'POST /api/v1/suggestions': fc.record(
    {
      kind: fc.constantFrom('suggestion', 'complaint', 'inquiry', 'praise', 'rant'),
      text: fc.string({ maxLength: 600 }),
      departmentCode: fc.constantFrom('SCJG', 'NOPE', '" or 1=1 --'),
      contact: fc.constantFrom('13912345678', 'a@b.cn', '<script>', ''),
      website: fc.constantFrom('', 'http://spam.example'),
    },
    { requiredKeys: ['kind', 'text'] },
  ),
  'POST /api/v1/admin/suggestions/:id/actions': fc.record({
    action: fc.constantFrom('refer', 'answer', 'close', 'toCase', 'delete'),
    departmentCode: fc.constantFrom('SCJG', 'NOPE'),
    answer: fc.string({ maxLength: 20 }),
  }),
  'POST /api/v1/admin/departments': fc.record({ code: named('D'), name: fc.constant('部门') }),
  'PATCH /api/v1/admin/departments/:key': fc.record({ name: fc.constant('部门') }),
  'POST /api/v1/admin/windows': fc.record({
    code: named('W'),
    name: fc.constant('窗口'),
    departmentCode: fc.constantFrom('SCJG', 'GA', 'NOPE'),
  }),
  'PATCH /api/v1/admin/windows/:key': fc.record({ name: fc.constant('窗口') }),
  'POST /api/v1/admin/service-items': fc.record({
    code: named('S'),
    name: fc.constant('事项'),
    departmentCode: fc.constantFrom('SCJG', 'GA'),
  }),
  'PATCH /api/v1/admin/service-items/:key': fc.record({ name: fc.constant('事项') }),
  'POST /api/v1/admin/reason-tags': fc.record({
    code: named('R'),
    label: fc.constant('态度'),
    position: fc.nat({ max: 1000 }),
  }),
  'PATCH /api/v1/admin/reason-tags/:key': fc.record({ label: fc.constant('态度'), position: fc.nat({ max: 1000 }) }),
  'POST /api/v1/admin/staff': fc.record({
    staffNo: named('P'),
    name: fc.constant('张三'),
    departmentCode: fc.constant('SCJG'),
    pin: fc.constant('123456'),
  }),
  'PATCH /api/v1/admin/staff/:key': fc.record({ name: fc.constant('张三'), active: fc.boolean() }),
  'PATCH /api/v1/admin/settings': fc.record(
    {
      ratingWindowSeconds: fc.integer({ min: 5, max: 120 }),
      keyMap: fc.constant([5, 4, 3, 2, 1]),
      updateFeedUrl: fc.constant('https://updates.example/hcp'),
    },
    { requiredKeys: [] },
  ),
  'POST /api/v1/admin/enrollments': fc.oneof(
    fc.record({
      mode: fc.constant('window'),
      windowCode: fc.constantFrom('W01', 'W02', 'W99'),
      name: fc.constant('k'),
    }),
    fc.record({ mode: fc.constant('terminal'), name: fc.constant('t') }),
  ),
  'POST /api/v1/devices/enroll': fc.record({
    code: fc.constantFrom('ABCD-EFGH', 'K7QP-3MZD'),
    publicKey: fc.constant(DeviceIdentity.create(tempDir().path).publicKey()),
    info: fc.record({ version: fc.constant('0.1.0') }),
  }),
  'POST /api/v1/device/records': fc.array(record, { minLength: 1, maxLength: 4 }).map(batch),
  'POST /api/v1/device/heartbeat': fc.record({
    version: fc.constant('0.1.0'),
    queueDepth: fc.nat(),
    oldestPendingAt: fc.constantFrom(null, now()),
    evaluator: fc.constant({ state: 'connected', kind: 'serial' }),
    keyMap: fc.constant({ map: [5, 4, 3, 2, 1], source: 'local' }),
    lastReconciledAt: fc.constantFrom(null, now()),
  }),
};
const QUERY_TEMPLATES: Record<string, fc.Arbitrary<Record<string, string>>> = {
  'GET /api/v1/admin/evaluations': fc.record(
    {
      from: fc.constantFrom('2026-01-01', now()),
      to: fc.constant('2027-01-01'),
      staffNo: fc.constant('1001'),
      outcome: fc.constantFrom('rated', 'cancelled'),
      limit: fc.constant('5'),
      satisfaction: fc.constant('1'),
      staffUnknown: fc.constant('true'),
      serviceItemCode: fc.constant('SC-0001'),
      channel: fc.constantFrom('hall_window', 'sms'),
    },
    { requiredKeys: [] },
  ),
  'GET /api/v1/admin/stats': fc.record(
    { groupBy: fc.constantFrom('department', 'window', 'staff', 'serviceItem'), from: fc.constant('2026-01-01') },
    { requiredKeys: [] },
  ),
  'GET /api/v1/device/tally': fc.record({ day: fc.constantFrom(new Date().toISOString().slice(0, 10), '2026-02-28') }),
};
const LIMITS: [RegExp, number][] = [
  [/^\/api\/v1\/device\/records$/, DEVICE_BODY_LIMIT],
  [/^\/api\/v1\/devices\/enroll$/, ENROLL_BODY_LIMIT],
  [/./, ADMIN_BODY_LIMIT],
];

/** Every table's content, as one hash: what a refused request must not change. */
async function checksum(db: Queryable, tables: string[]): Promise<string> {
  const parts = tables.map(
    (t) => `SELECT '${t}' AS t, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${t}" x`,
  );
  const [row] = await db.query<{ h: string }>(
    `SELECT string_agg(t || h, ',' ORDER BY t) AS h FROM (${parts.join(' UNION ALL ')}) s`,
  );
  return row!.h;
}

describe('central API fuzz', () => {
  let h: Harness;
  let tables: string[];
  let channelKey: string;

  beforeAll(async () => {
    h = await startHarness();
    channelKey = (await createApiKey(h.db, { name: 'fuzz channel', scope: 'channel:web' }, 'test')).key;
    tables = (
      await h.db.query<{ name: string }>(
        "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
      )
    )
      .map((t) => t.name)
      // Refusals are audited: the audit log is checked on its own, below. A key's last use is recorded when it
      // authenticates, whatever the answer (at most once a minute): the channels' key is refused nothing for it.
      .filter((name) => name !== 'audit_log' && name !== 'api_keys');
  });
  afterAll(() => h.close());

  it('answers thousands of malformed, oversize and hostile requests to every route with no 500 and no partial write', async () => {
    const dir = tempDir('hcp-fuzz-');
    const app = buildCentralApi({
      db: h.db,
      adminToken: ADMIN_TOKEN,
      sealer: Sealer.fromFile(join(dir.path, 'data.key')),
      signingKey: CentralSigningKey.generate(),
      // A data folder, so that the case attachments' routes are there to be fuzzed too.
      dataDir: dir.path,
      rateLimits: {
        enrollPerMinute: 1_000_000,
        devicePerMinute: 1_000_000,
        deviceFailuresPerMinute: 1_000_000,
        // The 意见箱's posts reach its validation, not only its limit.
        suggestPostsPerMinute: 1_000_000,
      },
    });
    await app.ready();
    const routes = listRoutes(app, ['/api/docs']);
    try {
      expect(routes.length).toBeGreaterThanOrEqual(30);
      const kiosk = h.kiosk;
      // Path parameters name this one, so that a fuzzed revoke does not silence the kiosk whose requests are fuzzed.
      const victim = await h.enrol({ mode: 'window', windowCode: 'W01', name: 'revoked by the fuzz' });
      const stranger = DeviceIdentity.create(dir.path);
      const deviceIds = [kiosk.id, uuidv7(), '------------------------------------'];
      const requestFor = (route: Route) => {
        const key = `${route.method} ${route.url}`;
        const body =
          route.method === 'GET' || route.method === 'DELETE'
            ? fc.constant({ bytes: undefined, contentType: undefined })
            : bodyFor(
                BODY_TEMPLATES[key] ?? fc.jsonValue({ maxDepth: 2 }),
                LIMITS.find(([re]) => re.test(route.url))![1] + 1,
              );
        const params = fc.array(paramValue([victim.id, 'SCJG', 'W01', '1001', 'attitude', uuidv7()]), {
          minLength: 1,
          maxLength: 2,
        });
        const query =
          route.method === 'GET'
            ? queryFor(QUERY_TEMPLATES[key] ?? fc.constant({}))
            : fc.constantFrom('', '', '', 'x=1');
        const auth = route.url.startsWith('/api/v1/admin')
          ? fc.constantFrom('token', 'token', 'token', 'token', 'none', 'wrong')
          : route.url.startsWith('/api/v1/channels/')
            ? fc.constantFrom('channel', 'channel', 'channel', 'token', 'none', 'wrong')
            : route.url.startsWith('/api/v1/device/')
              ? fc.constantFrom(
                  'signed',
                  'signed',
                  'signed',
                  'signed',
                  'stranger',
                  'unsigned',
                  'late',
                  'garbage',
                  'unknown',
                )
              : fc.constant('none');
        const method = fc.oneof(
          { weight: 9, arbitrary: fc.constant(route.method) },
          { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS') },
        );
        return fc.record({
          route: fc.constant(route),
          body,
          params,
          query,
          auth,
          method,
          deviceId: fc.constantFrom(...deviceIds),
        });
      };
      const arbitrary = fc.constantFrom(...routes).chain(requestFor);
      const tally = new FuzzTally();
      let before = await checksum(h.db, tables);
      let auditSeq = (await h.db.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM audit_log'))[0]?.seq ?? 0;

      await fc.assert(
        fc.asyncProperty(arbitrary, async (r) => {
          const url = fillParams(r.route.url, r.params) + (r.query ? `?${r.query}` : '');
          const bytes = r.body.bytes ?? Buffer.alloc(0);
          const headers: Record<string, string> = {};
          if (r.body.contentType) headers['content-type'] = r.body.contentType;
          if (r.auth === 'token') headers.authorization = `Bearer ${ADMIN_TOKEN}`;
          if (r.auth === 'wrong') headers.authorization = `Bearer ${ADMIN_TOKEN.slice(1)}x`;
          if (r.auth === 'channel') headers.authorization = `Bearer ${channelKey}`;
          if (r.auth === 'signed') Object.assign(headers, kiosk.identity.sign(kiosk.id, r.method, url, bytes));
          if (r.auth === 'stranger') Object.assign(headers, stranger.sign(kiosk.id, r.method, url, bytes));
          if (r.auth === 'unknown') Object.assign(headers, stranger.sign(r.deviceId, r.method, url, bytes));
          if (r.auth === 'late')
            Object.assign(headers, kiosk.identity.sign(kiosk.id, r.method, url, bytes, Date.now() - 10 * 60_000));
          if (r.auth === 'garbage')
            Object.assign(headers, { 'x-hcp-device': r.deviceId, 'x-hcp-timestamp': 'soon', 'x-hcp-signature': '!!' });
          const request: FuzzRequest = {
            method: r.method,
            url,
            headers,
            ...(r.body.bytes ? { payload: r.body.bytes } : {}),
          };
          const res = await app.inject(request);
          tally.add(r.route, res.statusCode);
          expect(res.statusCode, `${request.method} ${url.slice(0, 200)} → ${res.body.slice(0, 300)}`).toBeLessThan(
            500,
          );
          // What a device reports is written a moment after it is answered (fleet-status.ts): the fleet list
          // writes it before it reads, so that it is not taken for a later request's write.
          if (res.statusCode < 400 && url.startsWith('/api/v1/device/'))
            await app.inject({
              method: 'GET',
              url: '/api/v1/admin/devices?limit=1',
              headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
            });
          const after = await checksum(h.db, tables);
          const audited = await h.db.query<{ seq: number; action: string; result: string }>(
            'SELECT seq, action, result FROM audit_log WHERE seq > $1 ORDER BY seq',
            [auditSeq],
          );
          auditSeq = audited.at(-1)?.seq ?? auditSeq;
          if (res.statusCode >= 400) {
            expect(after, `${request.method} ${url.slice(0, 200)} answered ${res.statusCode} and wrote`).toBe(before);
            const refusal = url.startsWith('/api/v1/admin/') && [401, 403].includes(res.statusCode);
            expect(
              audited.map((e) => `${e.action} ${e.result}`),
              `${request.method} ${url.slice(0, 200)} answered ${res.statusCode}: its audit entries`,
            ).toEqual(refusal ? ['access.refused refused'] : []);
          }
          before = after;
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );

      // Every route was reached, and the service still works.
      for (const route of routes)
        expect(tally.perRoute.get(`${route.method} ${route.url}`) ?? 0, `${route.method} ${route.url}`).toBeGreaterThan(
          20,
        );
      expect((await app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200);
      const good = evaluation();
      const bytes = Buffer.from(JSON.stringify(batch([good])));
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/device/records',
        headers: {
          ...kiosk.identity.sign(kiosk.id, 'POST', '/api/v1/device/records', bytes),
          'content-type': 'application/json',
        },
        payload: bytes,
      });
      expect(res.json<{ results: { status: string }[] }>().results[0]!.status).toBe('accepted');
      expect(tally.total).toBe(RUNS);
    } finally {
      await app.close();
      dir.remove();
    }
  }, 300_000); // every request is followed by a checksum of every table

  it('adds exactly the accepted records of a fuzzed batch, and nothing of its rejected ones', async () => {
    const arbitrary = fc.array(mutated(record), { minLength: 1, maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(arbitrary, async (records) => {
        const before = await h.count('records');
        const res = await h.device('POST', '/api/v1/device/records', batch(records));
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode !== 200) {
          expect(await h.count('records')).toBe(before);
          return;
        }
        const accepted = res.json<{ results: { status: string }[] }>().results.filter((x) => x.status === 'accepted');
        expect(await h.count('records')).toBe(before + accepted.length);
      }),
      { numRuns: 300, seed: SEED, endOnFailure: true },
    );
  });
});
