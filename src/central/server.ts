/**
 * The central system's HTTP API (Fastify): the admin API for the centre's staff (bearer token) and the device API
 * for kiosks (Ed25519-signed requests). See docs/central-api.md. Runs in Node.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import type { Sealer } from '../common/data-key.js';
import { HttpError, installJsonErrors, parseBody, requireBearer } from '../common/http.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { EnrollmentCreate, EnrollRequest, HeartbeatRequest, SettingsPatch } from '../shared/central-api.js';
import { RecordBatch } from '../shared/wire-records.js';
import { bumpConfigVersion, CATALOG, createEntry, getEntry, listEntries, patchEntry } from './catalog.js';
import type { CentralDb } from './db/database.js';
import { buildDeviceConfig, configEtag, type DeviceRow } from './device-config.js';
import {
  authenticateDevice,
  createEnrollment,
  enroll,
  heartbeat,
  KnownDevices,
  listDevices,
  revokeDevice,
  tally,
} from './devices.js';
import { ingestBatch } from './ingest.js';
import { EvaluationQuery, evaluationStats, listEvaluations, StatsQuery } from './reports.js';

export interface CentralApiOptions {
  db: CentralDb;
  adminToken: string;
  /** Seals personal data (rater identity, callback numbers) before it is stored. */
  sealer: Sealer;
  logger?: Logger;
}

/** 1,000 records of ~1 KiB each, with room to spare. */
export const DEVICE_BODY_LIMIT = 4 * 1024 * 1024;
const ADMIN_BODY_LIMIT = 64 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
    device?: DeviceRow;
  }
}

export function buildCentralApi(options: CentralApiOptions): FastifyInstance {
  const { db, sealer } = options;
  const devices = new KnownDevices(db);
  const logger: FastifyBaseLogger = (options.logger ?? silentLogger).child(
    { module: 'central-api' },
    { level: 'warn' },
  );
  const app = Fastify({ loggerInstance: logger, bodyLimit: DEVICE_BODY_LIMIT, return503OnClosing: true });
  installJsonErrors(app, { service: 'central system' });

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

  // ---- admin API -------------------------------------------------------------------------------------------------
  void app.register(
    async (admin) => {
      admin.addHook('onRequest', requireBearer(options.adminToken));
      admin.addHook('preValidation', async (request) => {
        if ((request.rawBody?.length ?? 0) > ADMIN_BODY_LIMIT) {
          throw new HttpError(413, 'payload_too_large', `admin bodies are at most ${ADMIN_BODY_LIMIT} bytes`);
        }
      });
      for (const entity of CATALOG) {
        admin.get(`/${entity.path}`, async () => listEntries(db, entity));
        admin.get<{ Params: { key: string } }>(`/${entity.path}/:key`, async (r) => getEntry(db, entity, r.params.key));
        admin.post(`/${entity.path}`, async (request, reply) =>
          reply.code(201).send(await createEntry(db, entity, parseBody(entity.create, request.body))),
        );
        admin.patch<{ Params: { key: string } }>(`/${entity.path}/:key`, async (request) =>
          patchEntry(db, entity, request.params.key, parseBody(entity.patch, request.body)),
        );
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
          for (const [key, value] of Object.entries(patch)) {
            await tx.query(
              'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
              [key, JSON.stringify(value)],
            );
          }
          await bumpConfigVersion(tx);
        });
        return patch;
      });
      admin.post('/enrollments', async (request, reply) =>
        reply.code(201).send(await createEnrollment(db, parseBody(EnrollmentCreate, request.body))),
      );
      admin.get('/devices', async () => listDevices(db));
      admin.post<{ Params: { id: string } }>('/devices/:id/revoke', async (request) => {
        if (!/^[0-9a-f-]{36}$/.test(request.params.id)) throw new HttpError(404, 'not_found', 'no such device');
        await revokeDevice(db, request.params.id);
        devices.forget(request.params.id);
        return { revoked: true };
      });
      admin.get('/evaluations', async (request) => listEvaluations(db, parseBody(EvaluationQuery, request.query)));
      admin.get('/stats', async (request) => evaluationStats(db, parseBody(StatsQuery, request.query)));
    },
    { prefix: '/api/v1/admin' },
  );

  /** For technicians checking the connection: no data, no authentication. */
  app.get('/api/v1/health', async () => ({ ok: true, service: 'hcp-central' }));

  // ---- device API ------------------------------------------------------------------------------------------------
  app.post('/api/v1/devices/enroll', async (request, reply) =>
    reply.code(201).send(await enroll(db, parseBody(EnrollRequest, request.body))),
  );

  void app.register(
    async (device) => {
      device.addHook('preHandler', async (request) => {
        request.device = await authenticateDevice(devices, {
          method: request.method,
          url: request.url,
          headers: request.headers,
          rawBody: request.rawBody ?? Buffer.alloc(0),
        });
      });
      device.get('/config', async (request, reply) => {
        const config = await buildDeviceConfig(db, request.device!);
        const etag = configEtag(config);
        reply.header('etag', etag);
        if (request.headers['if-none-match'] === etag) return reply.code(304).send();
        return config;
      });
      device.post('/records', async (request) => {
        const batch = parseBody(RecordBatch, request.body);
        return { results: await ingestBatch(db, sealer, request.device!.id, batch) };
      });
      device.post('/heartbeat', async (request) =>
        heartbeat(db, request.device!, parseBody(HeartbeatRequest, request.body)),
      );
      device.get<{ Querystring: { day?: string } }>('/tally', async (request) => {
        const day = request.query.day ?? '';
        if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day))) {
          throw new HttpError(400, 'invalid_request', 'day: YYYY-MM-DD');
        }
        return tally(db, request.device!, day);
      });
    },
    { prefix: '/api/v1/device' },
  );
  return app;
}
