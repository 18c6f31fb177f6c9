/**
 * The central system's HTTP API (Fastify): the admin API for the centre's staff (bearer token) and the device API
 * for kiosks (Ed25519-signed requests). See docs/central-api.md. Runs in Node.
 *
 * The unauthenticated surface is kept small and checked before anything large is read: every route has its own
 * body limit (ENROLL_BODY_LIMIT, HEARTBEAT_BODY_LIMIT, ADMIN_BODY_LIMIT, DEVICE_BODY_LIMIT for a device's records);
 * a device request's headers are checked (well formed, timestamp in range) and its device looked up (known, not
 * revoked; unknown ids are remembered a moment too) before its body is read, and its signature over the exact bytes
 * after. Enrolment is rate-limited per IP, device routes per device and IP, and failed device requests per IP
 * (RateLimits), so that made-up device ids buy no database work. Security headers come from @fastify/helmet. Every id is a UuidSchema, every day a DaySchema (src/shared/ids.ts), and a
 * database refusal that input could still cause is a 4xx (pg-errors.ts), never a 500.
 */
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import secureJson from 'secure-json-parse';
import { z } from 'zod';
import type { Sealer } from '../common/data-key.js';
import { HttpError, installJsonErrors, pathParams } from '../common/http.js';
import { silentLogger, type Logger } from '../common/logger.js';
import {
  EnrollmentCreate,
  EnrollRequest,
  HeartbeatRequest,
  SettingsPatch,
  type EnrollResponse,
  type SigningKeyResponse,
} from '../shared/central-api.js';
import { CONFIG_SIGNATURE_HEADER, CONFIG_VERSION_HEADER, DEVICE_HEADER } from '../shared/device-auth.js';
import { codeSchema } from '../shared/device-config.js';
import { DaySchema, UuidSchema } from '../shared/ids.js';
import { EvaluationQuery, StatsQuery } from '../shared/evaluations-api.js';
import { DeviceQuery } from '../shared/fleet-api.js';
import { RecordBatch } from '../shared/wire-records.js';
import { registerApiKeyRoutes } from './accounts/api-keys.js';
import { adminAuthentication, authRoutes, registerAccountRoutes } from './accounts/auth.js';
import { DepartmentScope } from './accounts/department-scope.js';
import type { SignInTickets } from './accounts/sign-in-tickets.js';
import { bumpConfigVersion, CATALOG, createEntry, getEntry, listEntries, patchEntry } from './catalog.js';
import type { CentralDb, Queryable } from './db/database.js';
import { configEtag, configSnapshot, type DeviceRow } from './device-config.js';
import {
  AuthFailures,
  authenticateDevice,
  checkDeviceHeaders,
  ConfigVersions,
  createEnrollment,
  enroll,
  heartbeat,
  KnownDevices,
  knownDevice,
  listDevices,
  revokeDevice,
  tally,
} from './devices.js';
import { auditRefusals, auditWithin, catalogAudit, registerAuditRoutes } from './audit/audit.routes.js';
import { registerImportRoutes } from './imports/imports.routes.js';
import { createAlerts, registerAlertRoutes } from './alerts/alerts.js';
import { CalendarCache } from './calendar/calendar.js';
import { registerCalendarRoutes } from './calendar/calendar.routes.js';
import { registerCaseRoutes } from './cases/cases.routes.js';
import { registerChannelRoutes } from './channels/channels.routes.js';
import { registerQrRoutes } from './channels/qr.routes.js';
import { DefaultDueCache } from './channels/defaults.js';
import { registerPublicSuggestionRoutes, registerSuggestionAdminRoutes } from './suggestions/suggestions.routes.js';
import { MAX_QR_TOKEN_LENGTH } from '../common/qr-token.js';
import { DeadlinesCache } from './cases/deadlines.js';
import { FleetStatus } from './fleet-status.js';
import { ingestBatch } from './ingest.js';
import { registerConsole } from './console/serve-console.js';
import { registerUnknownItemRoutes } from './unknown-items/unknown-items.routes.js';
import { ADMIN_SECURITY, DEVICE_SECURITY } from './openapi-docs.js';
import { registerOpenApi } from './openapi.js';
import { postgresInputError } from './pg-errors.js';
import { registerOverviewRoute } from './reports/overview.js';
import { listEvaluations } from './reports/evaluations.js';
import { evaluationStats } from './reports/stats.js';
import { CatalogueCache } from './scope.js';
import type { CentralSigningKey } from './signing-key.js';

/** Requests per minute: enrolment per client IP, device routes per device (and IP), failed device requests per IP. */
export interface RateLimits {
  /** A hall enrols a handful of kiosks at a time; a guesser of enrolment codes gets this many tries a minute. */
  enrollPerMinute: number;
  /**
   * A kiosk delivering a backlog sends full batches (MAX_RECORDS_PER_BATCH) a few at a time, as fast as the centre
   * takes them, and a heartbeat between: the default is far above what one kiosk needs and bounds what one key can
   * cost.
   */
  devicePerMinute: number;
  /**
   * Device requests refused 401 (unknown or revoked device, bad signature, malformed headers) from one IP, before
   * that IP's device requests are refused 429 for the rest of the minute. A kiosk that authenticates never counts;
   * a revoked or misconfigured one retries with backoff, so the default leaves room for many behind one address.
   */
  deviceFailuresPerMinute: number;
  /** Login attempts (and changes of password) per client IP, and per account name (beside the lockout: 5 → 15 min). */
  loginPerMinute: number;
  /**
   * The QR rating page from one address (issue 17): pages, and form posts. A hall's guest Wi-Fi puts many phones
   * behind one address, so these are generous; a token also takes at most a few posts an hour (qr.routes.ts).
   */
  qrPagesPerMinute: number;
  qrPostsPerMinute: number;
  /** The 意见箱 from one address (issue 17): its page, and what is left (form or API). */
  suggestPagesPerMinute: number;
  suggestPostsPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  enrollPerMinute: 10,
  devicePerMinute: 3000,
  deviceFailuresPerMinute: 120,
  loginPerMinute: 20,
  qrPagesPerMinute: 120,
  qrPostsPerMinute: 20,
  suggestPagesPerMinute: 60,
  suggestPostsPerMinute: 5,
};

export interface CentralApiOptions {
  db: CentralDb;
  adminToken: string;
  /** Tickets this process issues (the demo's signed-in console link); none are redeemable without. */
  signInTickets?: SignInTickets;
  /** Seals personal data (rater identity, callback numbers) before it is stored. */
  sealer: Sealer;
  /** Signs every configuration answer (enrolment, GET /api/v1/device/config). */
  signingKey: CentralSigningKey;
  logger?: Logger;
  /** TLS, with Fastify's own `https` options (`key`, `cert`, …); plain HTTP without. */
  https?: { key: Buffer | string; cert: Buffer | string };
  /** Behind a reverse proxy: whose X-Forwarded-For to believe (Fastify's `trustProxy`), for the rate limits' IPs. */
  trustProxy?: FastifyServerOptions['trustProxy'];
  rateLimits?: Partial<RateLimits>;
  /**
   * A small pool for device lookups, heartbeats and the fleet status they write (fleet-status.ts), apart from the
   * one record batches use: `db` when absent.
   */
  statusDb?: Queryable;
  /** The centre's data folder: case attachments are stored under it (attachments/); without it there are no attachment routes. */
  dataDir?: string;
  /**
   * The centre's clock for the cases (their creation, deadlines, overdue): the wall clock unless a test says
   * otherwise. Sessions, signatures and rate limits keep the wall clock.
   */
  clock?: () => Date;
}

/** A full batch (MAX_RECORDS_PER_BATCH) of records of ~1 KiB each, with room to spare. */
export const DEVICE_BODY_LIMIT = 4 * 1024 * 1024;
export const ADMIN_BODY_LIMIT = 64 * 1024;
/** An enrolment request is a code, a public key and a few short strings. */
export const ENROLL_BODY_LIMIT = 4 * 1024;
/** A heartbeat: a few counters and the evaluator's status. */
export const HEARTBEAT_BODY_LIMIT = 16 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
    /** The id a device request claims, from its headers (checked for form only). */
    deviceId?: string;
    device?: DeviceRow;
  }
}

// A key no code can be (too long, a NUL, a slash) names nothing.
const KeyParam = pathParams(z.strictObject({ key: codeSchema }), 'no such entry');
const DeviceIdParam = pathParams(z.strictObject({ id: UuidSchema }), 'no such device');
const TallyQuery = z.strictObject({ day: DaySchema });
/** The catalogue's entities as a summary names them, with their Chinese names. */
const CATALOGUE_NAMES: Record<string, string> = {
  departments: 'departments (部门)',
  windows: 'windows (窗口)',
  'service-items': 'service items (服务事项)',
  'reason-tags': 'reason tags (评价原因)',
  staff: 'staff (工作人员)',
};

export function buildCentralApi(options: CentralApiOptions): FastifyInstance {
  const { db, sealer, signingKey } = options;
  const limits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  // Device lookups and heartbeats on a pool of their own: never queued behind record batches for a connection.
  const statusDb = options.statusDb ?? db;
  const devices = new KnownDevices(statusDb);
  const failures = new AuthFailures(limits.deviceFailuresPerMinute);
  const catalogues = new CatalogueCache(db);
  const logger: FastifyBaseLogger = (options.logger ?? silentLogger).child(
    { module: 'central-api' },
    { level: 'warn' },
  );
  const fleetStatus = new FleetStatus(statusDb, (error) => logger.error({ err: error }, 'writing fleet status failed'));
  fleetStatus.start();
  const configVersions = new ConfigVersions(statusDb);
  const app = Fastify({
    loggerInstance: logger,
    // The default for every route; the device routes that need more say so, before their body is read.
    bodyLimit: ADMIN_BODY_LIMIT,
    // A QR rating token is one path segment (`/r/<token>`, src/common/qr-token.ts); every other one is far shorter.
    maxParamLength: MAX_QR_TOKEN_LENGTH,
    return503OnClosing: true,
    ...(options.https ? { https: options.https } : {}),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
  }) as unknown as FastifyInstance;
  installJsonErrors(app, { service: 'central system', translate: postgresInputError });
  // The working-day calendar and the alerts (src/central/calendar/, src/central/alerts/): the alerts' job queue
  // starts with the server and stops before the database closes.
  const calendar = new CalendarCache(db);
  const deadlines = new DeadlinesCache(db);
  const clock = options.clock ?? (() => new Date());
  // What opens a 差评's case wherever a rating arrives: ingest, the channels' API, the QR page.
  const caseIngest = { calendar, deadlines, clock, defaultDue: new DefaultDueCache(db, calendar) };
  const channels = { db, sealer, catalogues, cases: caseIngest };
  const suggestions = { db, sealer, channels, calendar, clock };
  const alerts = createAlerts({ db, logger, calendar, sealer, clock });
  app.addHook('onReady', () => alerts.start());
  app.addHook('onReady', async () => {
    await devices.preload(Date.now());
  });
  app.addHook('onClose', () => alerts.stop());
  void app.register(helmet);
  registerOpenApi(app);
  void app.register(cookie);
  const auth = {
    db,
    adminToken: options.adminToken,
    secureCookie: Boolean(options.https) || (options.trustProxy !== undefined && options.trustProxy !== false),
    loginPerMinute: limits.loginPerMinute,
    ...(options.signInTickets ? { signInTickets: options.signInTickets } : {}),
  };
  void app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new HttpError(429, 'rate_limited', `too many requests: at most ${context.max} per ${context.after}`),
  });

  // Device signatures cover the exact bytes sent, so JSON bodies are kept raw as well as parsed.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request: FastifyRequest, body: Buffer, done) => {
    request.rawBody = body;
    if (body.length === 0) return done(null, undefined);
    try {
      done(null, secureJson.parse(body.toString('utf8')) as unknown);
    } catch (error) {
      done(new HttpError(400, 'invalid_json', `the body is not valid JSON: ${(error as Error).message}`), undefined);
    }
  });

  /** A configuration answer: serialized once, so that the bytes signed are the bytes sent. */
  const sendSigned = (reply: FastifyReply, deviceId: string, version: number, status: number, payload: unknown) => {
    const body = JSON.stringify(payload);
    return reply
      .code(status)
      .header(CONFIG_VERSION_HEADER, String(version))
      .header(CONFIG_SIGNATURE_HEADER, signingKey.signConfig(deviceId, version, body))
      .type('application/json; charset=utf-8')
      .send(body);
  };

  // ---- admin API -------------------------------------------------------------------------------------------------
  void app.register(
    async (admin) => {
      admin.addHook('onRequest', adminAuthentication(auth));
      registerAccountRoutes(admin, db);
      registerApiKeyRoutes(admin, db);
      auditRefusals(admin, db);
      registerAuditRoutes(admin, db);
      registerOverviewRoute(admin, db);
      registerImportRoutes(admin, db, () => catalogues.invalidate());
      registerCalendarRoutes(admin, { db, calendar });
      registerAlertRoutes(admin, { db, alerts });
      registerCaseRoutes(admin, { db, sealer, calendar, deadlines, dataDir: options.dataDir ?? null, clock });
      registerSuggestionAdminRoutes(admin, suggestions);
      registerUnknownItemRoutes(admin, { db, onMapped: () => catalogues.invalidate() });
      const r = admin.withTypeProvider<ZodTypeProvider>();
      for (const entity of CATALOG) {
        const what = CATALOGUE_NAMES[entity.path] ?? entity.path;
        const docs = { tags: ['catalogue'], security: ADMIN_SECURITY };
        r.get(`/${entity.path}`, { schema: { ...docs, summary: `List the ${what}` } }, async (request) =>
          listEntries(db, entity, DepartmentScope.of(request.actor)),
        );
        r.get(
          `/${entity.path}/:key`,
          { schema: { ...docs, summary: `One of the ${what}`, params: KeyParam } },
          async (request) => getEntry(db, entity, request.params.key, DepartmentScope.of(request.actor)),
        );
        r.post(
          `/${entity.path}`,
          { schema: { ...docs, summary: `Add one of the ${what}`, body: entity.create } },
          async (request, reply) => {
            const row = await createEntry(db, entity, request.body, catalogAudit(request));
            catalogues.invalidate();
            return reply.code(201).send(row);
          },
        );
        r.patch(
          `/${entity.path}/:key`,
          { schema: { ...docs, summary: `Change one of the ${what}`, params: KeyParam, body: entity.patch } },
          async (request) => {
            const row = await patchEntry(db, entity, request.params.key, request.body, catalogAudit(request));
            catalogues.invalidate();
            return row;
          },
        );
      }
      const settingsDocs = { tags: ['settings'], security: ADMIN_SECURITY };
      r.get('/settings', { schema: { ...settingsDocs, summary: 'The hall settings (设置), by key' } }, async () =>
        Object.fromEntries(
          (await db.query<{ key: string; value: unknown }>('SELECT key, value FROM settings')).map((s) => [
            s.key,
            s.value,
          ]),
        ),
      );
      const settingsPatch = {
        ...settingsDocs,
        summary: 'Change some hall settings (sent to every kiosk with its next configuration)',
        body: SettingsPatch,
      };
      r.patch('/settings', { schema: settingsPatch }, async (request) => {
        const patch = request.body;
        await db.transaction(async (tx) => {
          const before = await tx.query<{ key: string; value: unknown }>(
            'SELECT key, value FROM settings WHERE key = ANY($1) FOR UPDATE',
            [Object.keys(patch)],
          );
          for (const [key, value] of Object.entries(patch)) {
            await tx.query(
              'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
              [key, JSON.stringify(value)],
            );
          }
          await bumpConfigVersion(tx);
          await auditWithin(tx, request, 'settings.updated', 'settings', {
            before: Object.fromEntries(
              Object.keys(patch).map((k) => [k, before.find((b) => b.key === k)?.value ?? null]),
            ),
            after: patch,
          });
        });
        if (patch.defaultDays !== undefined) caseIngest.defaultDue.invalidate();
        return patch;
      });
      const devicesDocs = { tags: ['devices'], security: ADMIN_SECURITY };
      const enrollment = {
        ...devicesDocs,
        summary: 'A one-time enrolment code (注册码) for a kiosk',
        body: EnrollmentCreate,
      };
      r.post('/enrollments', { schema: enrollment }, async (request, reply) => {
        const body = request.body;
        // The code itself is shown once to whoever asked, and never written to the audit log.
        const created = await db.transaction(async (tx) => {
          const enrollment = await createEnrollment(tx, body);
          await auditWithin(tx, request, 'enrollment.created', body.windowCode ? `windows:${body.windowCode}` : null, {
            mode: body.mode,
            name: body.name,
            expiresAt: enrollment.expiresAt,
          });
          return enrollment;
        });
        return reply.code(201).send(created);
      });
      const fleet = {
        ...devicesDocs,
        summary: 'The fleet of kiosks (设备): status from the heartbeat, filters, keyset-paged, counts per status',
        querystring: DeviceQuery,
      };
      r.get('/devices', { schema: fleet }, async (request) => {
        const query = request.query;
        // What heartbeats brought and is not written yet is shown too.
        await fleetStatus.flush();
        return listDevices(db, query, DepartmentScope.of(request.actor));
      });
      const revoke = {
        ...devicesDocs,
        summary: 'Revoke a kiosk (吊销): its requests are refused from now on',
        params: DeviceIdParam,
        response: { 200: z.object({ revoked: z.literal(true) }) },
      };
      r.post('/devices/:id/revoke', { schema: revoke }, async (request) => {
        const id = request.params.id;
        await db.transaction(async (tx) => {
          await revokeDevice(tx, id);
          await auditWithin(tx, request, 'device.revoked', `devices:${id}`, null);
        });
        devices.forget(id);
        return { revoked: true as const };
      });
      const evaluationsDocs = { tags: ['evaluations'], security: ADMIN_SECURITY };
      const evaluationList = {
        ...evaluationsDocs,
        summary: 'Evaluation records (评价记录), filtered, keyset-paged; never the rater’s identity',
        querystring: EvaluationQuery,
      };
      r.get('/evaluations', { schema: evaluationList }, async (request) =>
        listEvaluations(db, request.query, DepartmentScope.of(request.actor)),
      );
      const stats = {
        ...evaluationsDocs,
        summary: 'Statistics (统计) per department, window, staff or item',
        querystring: StatsQuery,
      };
      r.get('/stats', { schema: stats }, async (request) =>
        evaluationStats(db, request.query, DepartmentScope.of(request.actor)),
      );
      const signingKeyDocs = {
        ...devicesDocs,
        summary: 'The centre’s configuration-signing key and its fingerprint, to compare with a kiosk’s',
        response: { 200: z.object({ publicKey: z.string(), fingerprint: z.string() }) },
      };
      r.get('/signing-key', { schema: signingKeyDocs }, async (): Promise<SigningKeyResponse> => ({
        publicKey: signingKey.publicKey,
        fingerprint: signingKey.fingerprint(),
      }));
    },
    { prefix: '/api/v1/admin' },
  );

  // ---- the rating channels (src/central/channels/) --------------------------------------------------------------
  void app.register(async (scope) => registerChannelRoutes(scope, channels), { prefix: '/api/v1/channels' });

  // ---- the QR rating page, no login (src/central/channels/qr.routes.ts) ------------------------------------------
  void app.register(async (scope) =>
    registerQrRoutes(scope, {
      ...channels,
      devices,
      limits: { postsPerMinute: limits.qrPostsPerMinute, pagesPerMinute: limits.qrPagesPerMinute, postsPerToken: 10 },
    }),
  );

  // ---- the 意见箱, no login (src/central/suggestions/) ------------------------------------------------------------
  void app.register(async (scope) =>
    registerPublicSuggestionRoutes(scope, {
      ...suggestions,
      limits: { postsPerMinute: limits.suggestPostsPerMinute, pagesPerMinute: limits.suggestPagesPerMinute },
    }),
  );

  // ---- accounts' sessions ---------------------------------------------------------------------------------------
  void app.register(authRoutes(auth), { prefix: '/api/v1/auth' });

  // ---- the console (src/console, built into dist/console) --------------------------------------------------------
  registerConsole(app);

  // ---- unauthenticated -------------------------------------------------------------------------------------------
  void app.register(async (scope) => {
    const open = scope.withTypeProvider<ZodTypeProvider>();
    /** For technicians checking the connection: no data, no authentication. */
    const health = {
      tags: ['system'],
      summary: 'Health check, for a technician testing the connection: no data, no authentication',
      response: { 200: z.object({ ok: z.literal(true), service: z.literal('hcp-central') }) },
    };
    open.get('/api/v1/health', { schema: health }, async () => ({
      ok: true as const,
      service: 'hcp-central' as const,
    }));

    open.post(
      '/api/v1/devices/enroll',
      {
        schema: {
          tags: ['device API'],
          summary: 'Enrol a kiosk with a one-time code (注册): answers its id and its first signed configuration',
          body: EnrollRequest,
        },
        bodyLimit: ENROLL_BODY_LIMIT,
        config: { rateLimit: { max: limits.enrollPerMinute, timeWindow: 60_000 } },
      },
      async (request, reply) => {
        const enrolled = await enroll(db, request.body);
        // Its id may have been tried (and remembered as unknown) before: it is known from now on.
        devices.forget(enrolled.deviceId);
        const body: EnrollResponse = { ...enrolled, centralPublicKey: signingKey.publicKey };
        return sendSigned(reply, enrolled.deviceId, enrolled.configVersion, 201, body);
      },
    );
  });

  // ---- device API ------------------------------------------------------------------------------------------------
  void app.register(
    async (scope) => {
      const device = scope.withTypeProvider<ZodTypeProvider>();
      // Before anything else, and before the body is read: the headers must look like a signed request.
      device.addHook('onRequest', async (request) => {
        failures.check(request.ip);
        request.deviceId = checkDeviceHeaders(request.headers);
      });
      device.addHook('onResponse', async (request, reply) => {
        if (reply.statusCode === 401) failures.failed(request.ip);
      });
      // After the rate limit (a route hook), still before the body: the device must be known and not revoked.
      device.addHook('preParsing', async (request) => {
        await knownDevice(devices, request.deviceId!);
      });
      // The signature covers the exact bytes: checked once they are read, and before the body is validated (Fastify
      // validates between preValidation and preHandler), so that an unsigned body is never parsed against a schema.
      device.addHook('preValidation', async (request) => {
        request.device = await authenticateDevice(devices, {
          method: request.method,
          url: request.url,
          headers: request.headers,
          rawBody: request.rawBody ?? Buffer.alloc(0),
        });
      });
      // Per device, and per IP as well: nobody can use up a kiosk's allowance by naming its id from elsewhere.
      const rateLimit = {
        max: limits.devicePerMinute,
        timeWindow: 60_000,
        keyGenerator: (request: FastifyRequest) => `${String(request.headers[DEVICE_HEADER])}@${request.ip}`,
      };
      const docs = { tags: ['device API'], security: DEVICE_SECURITY };
      const config = {
        ...docs,
        summary: 'The device’s configuration (配置), signed by the centre; 304 when its ETag is unchanged',
      };
      device.get('/config', { schema: config, config: { rateLimit } }, async (request, reply) => {
        const { config, configVersion } = await configSnapshot(db, request.device!);
        const etag = configEtag(config);
        reply.header('etag', etag);
        if (request.headers['if-none-match'] === etag) return reply.code(304).send();
        return sendSigned(reply, request.device!.id, configVersion, 200, config);
      });
      const records = {
        ...docs,
        summary: 'Deliver a batch of records (评价记录): each accepted once, or rejected with its code',
        body: RecordBatch,
      };
      device.post(
        '/records',
        { schema: records, bodyLimit: DEVICE_BODY_LIMIT, config: { rateLimit } },
        async (request) => {
          const results = await ingestBatch(db, sealer, request.device!, request.body, catalogues, caseIngest);
          if (request.body.clockOffsetMs !== null)
            fleetStatus.clockOffset(request.device!.id, request.body.clockOffsetMs);
          return { results };
        },
      );
      const beat = {
        ...docs,
        summary: 'Heartbeat (心跳): queue depth, evaluator, key map in force',
        body: HeartbeatRequest,
      };
      device.post(
        '/heartbeat',
        { schema: beat, bodyLimit: HEARTBEAT_BODY_LIMIT, config: { rateLimit } },
        async (request) => heartbeat(configVersions, fleetStatus, request.device!, request.body as HeartbeatRequest),
      );
      const tallyDocs = {
        ...docs,
        summary: 'The day’s count and digest of records held (对账)',
        querystring: TallyQuery,
      };
      device.get('/tally', { schema: tallyDocs, config: { rateLimit } }, async (request) =>
        tally(db, request.device!, request.query.day),
      );
    },
    { prefix: '/api/v1/device' },
  );
  // The status received last is written before the database is closed.
  app.addHook('onClose', () => fleetStatus.close());
  // An admin change is committed before its answer is sent: the next heartbeat reads the configuration version anew.
  app.addHook('onSend', (request, _reply, payload, done) => {
    if (request.method !== 'GET' && request.url.startsWith('/api/v1/admin/')) configVersions.changed();
    done(null, payload);
  });
  return app;
}
