/**
 * Integration (real SQLite database of a provisioned kiosk): the local API fuzzed (issue 13, item 10). Every route,
 * read from Fastify's route table (a new route is fuzzed without being listed here), gets malformed,
 * oversize and hostile requests: path parameters, query strings, bodies (valid ones mutated, broken JSON, wrong
 * content types, bodies past the limit), and the right PIN now and then so that shifts and invitations open and
 * the routes behind them run too. No answer may be a 500, the API must keep answering, and a refused request (4xx)
 * must leave every SQLite table as it was — save the failed-PIN counter, which a refused login exists to move.
 * The same again with the browser host (pairing, the UI socket's route, the built screens), from own and foreign
 * origins.
 * Seeded: a failure is the same on every run.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../common/ids.js';
import {
  bodyFor,
  listRoutes,
  fillParams,
  FuzzTally,
  paramValue,
  queryFor,
  type FuzzRequest,
} from '../../common/test-support/api-fuzz.js';
import { silentLogger } from '../../common/logger.js';
import { PAIR_PATH } from '../../shared/screen-pairing.js';
import { transact } from '../context.js';
import { ScreenInput } from '../input/screen-input.js';
import type { KioskService } from '../kiosk-service.js';
import { ScreenPairings } from '../screen-pairing.js';
import { PIN_1001, provisioned, tempDir, windowConfig } from '../test-support/fixtures.js';
import { BODY_LIMIT, buildLocalApi } from './local-api.js';

/** Requests sent here (the local API alone, then with the browser host); the central API's fuzz sends 6,000. */
const REST_RUNS = 2500;
const HOST_RUNS = 1500;
const SEED = 20261302;
/** Tables a refused request may change: a wrong PIN is counted (five lock the staff number), by design. */
const COUNTED_REFUSALS = new Set(['pin_lockouts']);

const BODY_TEMPLATES: Record<string, fc.Arbitrary<unknown>> = {
  // Wrong PINs only for others: five would lock 1001 out, and the routes behind a shift would go unreached.
  'POST /api/v1/shift/login': fc.oneof(
    { weight: 3, arbitrary: fc.constant({ staffNo: '1001', pin: PIN_1001 }) },
    {
      weight: 1,
      arbitrary: fc.record({ staffNo: fc.constantFrom('1002', '9999'), pin: fc.constantFrom('000000', '1234') }),
    },
  ),
  'POST /api/v1/shift/pause': fc.record({ reason: fc.constantFrom('午休', '会议') }),
  'POST /api/v1/shift/resume': fc.constant({}),
  'POST /api/v1/shift/logout': fc.constant({}),
  'POST /api/v1/invitations': fc.record(
    {
      serviceItemCode: fc.constant('SC-0001'),
      caseNo: fc.constant('2026-0001'),
      ticketNo: fc.constant('A012'),
      rater: fc.record(
        { name: fc.constant('张三'), idNumber: fc.constant('110101199001011234') },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  ),
};

describe('local API fuzz', () => {
  let dir: ReturnType<typeof tempDir>;
  let service: KioskService;
  let db: BetterSqlite3.Database;

  beforeAll(async () => {
    dir = tempDir('hcp-kiosk-fuzz-');
    // The longest rating window: no invitation expires by itself between a request and its checksum.
    service = await provisioned(dir.path, windowConfig({ ratingWindowSeconds: 120 }));
    db = new BetterSqlite3(join(dir.path, 'kiosk.db'), { readonly: true });
  });
  afterAll(async () => {
    db.close();
    await service.close();
    dir.remove();
  });

  const tables = () =>
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
      (t) => t.name,
    );
  /** Each table's content, hashed. */
  const checksums = (): Map<string, string> =>
    new Map(
      tables().map((t) => [
        t,
        createHash('sha256')
          .update(
            JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).raw().all(), (_k, v: unknown) =>
              Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? String(v) : v,
            ),
          )
          .digest('hex'),
      ]),
    );

  /**
   * Sends `runs` fuzzed requests to every route of `api`. `headers` adds what a route needs beyond its body (the
   * browser host's Host and Origin); `between` runs now and then between requests, as a counter moves on.
   */
  async function fuzz(
    api: FastifyInstance,
    runs: number,
    seed: number,
    headers: fc.Arbitrary<Record<string, string>>,
    between: () => void,
  ): Promise<FuzzTally> {
    const routes = listRoutes(api);
    const tally = new FuzzTally();
    const opened: string[] = [uuidv7()];
    const arbitrary = fc.constantFrom(...routes).chain((route) =>
      fc.record({
        route: fc.constant(route),
        method: fc.oneof(
          { weight: 9, arbitrary: fc.constant(route.method) },
          { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') },
        ),
        params: fc.array(
          fc.oneof(
            { weight: 2, arbitrary: fc.nat().map((i) => opened[i % opened.length]!) },
            { weight: 3, arbitrary: paramValue([uuidv7()]) },
          ),
          { minLength: 1, maxLength: 1 },
        ),
        query: fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: queryFor(fc.constant({})) }),
        headers,
        body:
          route.method === 'GET' || route.method === 'DELETE'
            ? fc.oneof(
                { weight: 5, arbitrary: fc.constant({ bytes: undefined, contentType: undefined }) },
                { weight: 1, arbitrary: bodyFor(fc.jsonValue({ maxDepth: 2 }), BODY_LIMIT + 1) },
              )
            : bodyFor(BODY_TEMPLATES[`${route.method} ${route.url}`] ?? fc.jsonValue({ maxDepth: 2 }), BODY_LIMIT + 1),
      }),
    );
    let before = checksums();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(arbitrary, async (r) => {
        if (++n % 150 === 0) {
          between();
          before = checksums();
        }
        const url = fillParams(r.route.url, r.params) + (r.query ? `?${r.query}` : '');
        const request: FuzzRequest = {
          method: r.method,
          url,
          headers: { ...r.headers, ...(r.body.contentType ? { 'content-type': r.body.contentType } : {}) },
          ...(r.body.bytes ? { payload: r.body.bytes } : {}),
        };
        const res = await api.inject(request);
        tally.add(r.route, res.statusCode);
        expect(res.statusCode, `${request.method} ${url.slice(0, 200)} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
        if (res.statusCode === 201) opened.push(res.json<{ id: string }>().id);
        const after = checksums();
        if (res.statusCode >= 400) {
          const changed = [...after]
            .filter(([t, h]) => before.get(t) !== h && !COUNTED_REFUSALS.has(t))
            .map(([t]) => t);
          expect(changed, `${request.method} ${url.slice(0, 200)} answered ${res.statusCode} and wrote`).toEqual([]);
        }
        before = after;
      }),
      { numRuns: runs, seed, endOnFailure: true },
    );
    for (const route of routes) {
      expect(tally.perRoute.get(`${route.method} ${route.url}`) ?? 0, `${route.method} ${route.url}`).toBeGreaterThan(
        10,
      );
    }
    expect(tally.total).toBe(runs);
    return tally;
  }

  /** Now and then the counter moves on, as a day does: the open invitation is cancelled. */
  const cancelOpen = () => {
    const open = service.invitations.current();
    if (open) service.invitations.cancel(open.id);
  };

  it('answers thousands of malformed, oversize and hostile requests to every route with no 500 and no partial write', async () => {
    const api = buildLocalApi({ service });
    await api.ready();
    try {
      expect(listRoutes(api).length).toBeGreaterThanOrEqual(10);
      const tally = await fuzz(api, REST_RUNS, SEED, fc.constant({}), cancelOpen);
      // The shift and invitation routes were reached beyond their refusals.
      expect(tally.perStatus.get(201) ?? 0).toBeGreaterThan(0);
      expect((await api.inject({ method: 'GET', url: '/api/v1/status' })).statusCode).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('does the same with the browser host: pairing, the UI socket’s route and the screens', async () => {
    const screens = tempDir('hcp-kiosk-fuzz-screens-');
    writeFileSync(join(screens.path, 'index.html'), '<!doctype html><title>hcp</title>');
    writeFileSync(join(screens.path, 'app.js'), 'void 0;');
    const screen = new ScreenInput();
    await service.addInput(screen);
    const pairing = new ScreenPairings({
      db: service.context.db,
      log: silentLogger,
      write: (work) => transact(service.context, work),
    });
    const api = buildLocalApi({ service, ui: { service, screen, pairing, staticDir: screens.path } });
    // Listening, so that the host knows its own origin; the requests still go through inject.
    const url = await api.listen({ host: '127.0.0.1', port: 0 });
    const own = new URL(url).host;
    // Codes the technician issued, each for its role: mostly redeemed for that role, now and then for another.
    const codes: { code: string; role: 'citizen' | 'staff' }[] = [
      { code: pairing.issue('citizen', 'f').code, role: 'citizen' },
    ];
    BODY_TEMPLATES[`POST ${PAIR_PATH}`] = fc
      .tuple(fc.nat(), fc.constantFrom('own', 'own', 'own', 'citizen', 'staff', 'technician'))
      .map(([i, role]) => {
        const issued = codes[codes.length - 1 - (i % Math.min(codes.length, 3))]!;
        return { code: issued.code, role: role === 'own' ? issued.role : role };
      });
    const headers = fc.record<Record<string, string>>(
      {
        host: fc.constantFrom(own, own, own, 'evil.example', 'localhost:1'),
        origin: fc.constantFrom(`http://${own}`, `http://${own}`, `http://${own}`, 'https://evil.example', 'null'),
      },
      { requiredKeys: [] },
    );
    try {
      await fuzz(api, HOST_RUNS, SEED + 1, headers, () => {
        cancelOpen();
        const role = codes.length % 2 ? 'staff' : 'citizen';
        codes.push({ code: pairing.issue(role, 'f').code, role });
      });
      expect((await api.inject({ method: 'GET', url: '/api/v1/status' })).statusCode).toBe(200);
    } finally {
      await api.close();
      screens.remove();
    }
  });
});
