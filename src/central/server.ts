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
import secureJson from 'secure-json-parse';
import { z } from 'zod';
import type { Sealer } from '../common/data-key.js';
import { HttpError, installJsonErrors, parseBody } from '../common/http.js';
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
import { DaySchema, isUuid } from '../shared/ids.js';
import { RecordBatch } from '../shared/wire-records.js';
import { registerApiKeyRoutes } from './accounts/api-keys.js';
import { adminAuthentication, authRoutes, registerAccountRoutes } from './accounts/auth.js';
import { DepartmentScope } from './accounts/department-scope.js';
import { bumpConfigVersion, CATALOG, createEntry, getEntry, listEntries, patchEntry } from './catalog.js';
import type { CentralDb } from './db/database.js';
import { configEtag, configSnapshot, type DeviceRow } from './device-config.js';
import {
  AuthFailures,
  authenticateDevice,
  checkDeviceHeaders,
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
import { ingestBatch } from './ingest.js';
import { registerConsole } from './console/serve-console.js';
import { postgresInputError } from './pg-errors.js';
import { EvaluationQuery, evaluationStats, listEvaluations, StatsQuery } from './reports.js';
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
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  enrollPerMinute: 10,
  devicePerMinute: 3000,
  deviceFailuresPerMinute: 120,
  loginPerMinute: 20,
};

export interface CentralApiOptions {
  db: CentralDb;
  adminToken: string;
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

const KeyParam = z.strictObject({ key: codeSchema });
const TallyQuery = z.strictObject({ day: DaySchema });

export function buildCentralApi(options: CentralApiOptions): FastifyInstance {
  const { db, sealer, signingKey } = options;
  const limits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const devices = new KnownDevices(db);
  const failures = new AuthFailures(limits.deviceFailuresPerMinute);
  const catalogues = new CatalogueCache(db);
  const logger: FastifyBaseLogger = (options.logger ?? silentLogger).child(
    { module: 'central-api' },
    { level: 'warn' },
  );
  const app = Fastify({
    loggerInstance: logger,
    // The default for every route; the device routes that need more say so, before their body is read.
    bodyLimit: ADMIN_BODY_LIMIT,
    return503OnClosing: true,
    ...(options.https ? { https: options.https } : {}),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
  }) as unknown as FastifyInstance;
  installJsonErrors(app, { service: 'central system', translate: postgresInputError });
  void app.register(helmet);
  void app.register(cookie);
  const auth = {
    db,
    adminToken: options.adminToken,
    secureCookie: Boolean(options.https) || (options.trustProxy !== undefined && options.trustProxy !== false),
    loginPerMinute: limits.loginPerMinute,
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
      const keyOf = (request: FastifyRequest) => {
        const parsed = KeyParam.safeParse(request.params);
        // A key no code can be (too long, a NUL, a slash) names nothing.
        if (!parsed.success) throw new HttpError(404, 'not_found', 'no such entry');
        return parsed.data.key;
      };
      for (const entity of CATALOG) {
        admin.get(`/${entity.path}`, async (r) => listEntries(db, entity, DepartmentScope.of(r.actor)));
        admin.get(`/${entity.path}/:key`, async (r) => getEntry(db, entity, keyOf(r), DepartmentScope.of(r.actor)));
        admin.post(`/${entity.path}`, async (request, reply) => {
          const row = await createEntry(db, entity, parseBody(entity.create, request.body), catalogAudit(request));
          catalogues.invalidate();
          return reply.code(201).send(row);
        });
        admin.patch(`/${entity.path}/:key`, async (request) => {
          const body = parseBody(entity.patch, request.body);
          const row = await patchEntry(db, entity, keyOf(request), body, catalogAudit(request));
          catalogues.invalidate();
          return row;
        });
      }
      admin.get('/settings', async () =>
        Object.fromEntries(
          (await db.query<{ key: string; value: unknown }>('SELECT key, value FROM settings')).map((s) => [
            s.key,
            s.value,
          ]),
        ),
      );
      admin.patch('/settings', async (request) => {
        const patch = parseBody(SettingsPatch, request.body);
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
        return patch;
      });
      admin.post('/enrollments', async (request, reply) => {
        const body = parseBody(EnrollmentCreate, request.body);
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
      admin.get('/devices', async (r) => listDevices(db, DepartmentScope.of(r.actor)));
      admin.post<{ Params: { id: string } }>('/devices/:id/revoke', async (request) => {
        if (!isUuid(request.params.id)) throw new HttpError(404, 'not_found', 'no such device');
        const id = request.params.id;
        await db.transaction(async (tx) => {
          await revokeDevice(tx, id);
          await auditWithin(tx, request, 'device.revoked', `devices:${id}`, null);
        });
        devices.forget(request.params.id);
        return { revoked: true };
      });
      admin.get('/evaluations', async (request) =>
        listEvaluations(db, parseBody(EvaluationQuery, request.query), DepartmentScope.of(request.actor)),
      );
      admin.get('/stats', async (request) =>
        evaluationStats(db, parseBody(StatsQuery, request.query), DepartmentScope.of(request.actor)),
      );
      admin.get('/signing-key', async (): Promise<SigningKeyResponse> => ({
        publicKey: signingKey.publicKey,
        fingerprint: signingKey.fingerprint(),
      }));
    },
    { prefix: '/api/v1/admin' },
  );

  // ---- accounts' sessions ---------------------------------------------------------------------------------------
  void app.register(authRoutes(auth), { prefix: '/api/v1/auth' });

  // ---- the console (src/console, built into dist/console) --------------------------------------------------------
  registerConsole(app);

  // ---- unauthenticated -------------------------------------------------------------------------------------------
  void app.register(async (open) => {
    /** For technicians checking the connection: no data, no authentication. */
    open.get('/api/v1/health', async () => ({ ok: true, service: 'hcp-central' }));

    open.post(
      '/api/v1/devices/enroll',
      {
        bodyLimit: ENROLL_BODY_LIMIT,
        config: { rateLimit: { max: limits.enrollPerMinute, timeWindow: 60_000 } },
      },
      async (request, reply) => {
        const enrolled = await enroll(db, parseBody(EnrollRequest, request.body));
        // Its id may have been tried (and remembered as unknown) before: it is known from now on.
        devices.forget(enrolled.deviceId);
        const body: EnrollResponse = { ...enrolled, centralPublicKey: signingKey.publicKey };
        return sendSigned(reply, enrolled.deviceId, enrolled.configVersion, 201, body);
      },
    );
  });

  // ---- device API ------------------------------------------------------------------------------------------------
  void app.register(
    async (device) => {
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
      device.addHook('preHandler', async (request) => {
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
      device.get('/config', { config: { rateLimit } }, async (request, reply) => {
        const { config, configVersion } = await configSnapshot(db, request.device!);
        const etag = configEtag(config);
        reply.header('etag', etag);
        if (request.headers['if-none-match'] === etag) return reply.code(304).send();
        return sendSigned(reply, request.device!.id, configVersion, 200, config);
      });
      device.post('/records', { bodyLimit: DEVICE_BODY_LIMIT, config: { rateLimit } }, async (request) => {
        const batch = parseBody(RecordBatch, request.body);
        return { results: await ingestBatch(db, sealer, request.device!, batch, catalogues) };
      });
      device.post('/heartbeat', { bodyLimit: HEARTBEAT_BODY_LIMIT, config: { rateLimit } }, async (request) =>
        heartbeat(db, request.device!, parseBody(HeartbeatRequest, request.body)),
      );
      device.get('/tally', { config: { rateLimit } }, async (request) =>
        tally(db, request.device!, parseBody(TallyQuery, request.query).day),
      );
    },
    { prefix: '/api/v1/device' },
  );
  return app;
}
