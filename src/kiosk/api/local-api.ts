/**
 * The kiosk's local HTTP API, for the hall's business and queue systems (Fastify). Loopback by default; any other
 * address needs a bearer token. Every error is JSON `{ error, message }` with a 4xx for anything the caller did.
 * No route takes a rating: ratings come only from the rater's own input. Runs in Node.
 */
import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { KioskError, type KioskErrorCode } from '../../shared/kiosk-errors.js';
import {
  InvitationRequest,
  LOCAL_API_PREFIX,
  LoginRequest,
  PauseRequest,
  type ApiErrorBody,
} from '../../shared/local-api.js';
import type { KioskService } from '../kiosk-service.js';
import { silentLogger, type Logger } from '../logger.js';
import { UUID_PATTERN } from '../ids.js';

export interface LocalApiOptions {
  service: KioskService;
  /** Address to bind; loopback unless a token is given. */
  host?: string;
  /** Required for any non-loopback `host`; then every request needs `Authorization: Bearer <token>`. */
  token?: string;
  logger?: Logger;
}

/** Largest request body accepted; every valid request is far smaller. */
export const BODY_LIMIT = 16 * 1024;

const STATUS: Record<KioskErrorCode, number> = {
  invalid_request: 400,
  unknown_reason_tag: 400,
  not_found: 404,
  bad_credentials: 401,
  locked: 423,
  not_provisioned: 409,
  not_window_mode: 409,
  shift_open: 409,
  no_shift: 409,
  paused: 409,
  not_paused: 409,
  invitation_open: 409,
  invitation_closed: 409,
  followup_not_allowed: 409,
  unknown_service_item: 400,
  storage_full: 507,
};

export class LocalApiConfigError extends Error {
  override readonly name = 'LocalApiConfigError';
  readonly code = 'api_token_required';
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Parses a body against a strict schema; a mismatch is a 400 `invalid_request` naming the first problem. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join('.') : 'body';
  throw new KioskError('invalid_request', `${where}: ${issue.message}`);
}

export function buildLocalApi(options: LocalApiOptions): FastifyInstance {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && !options.token) {
    throw new LocalApiConfigError(`binding ${host} exposes the API beyond this PC: give --api-token`);
  }
  const { service } = options;
  // Requests are not logged one by one (status is polled); warnings and errors are.
  const logger: FastifyBaseLogger = (options.logger ?? silentLogger).child({ module: 'local-api' }, { level: 'warn' });
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
  });

  // JSON only: a text/plain body is refused as 415 rather than parsed as a string.
  app.removeContentTypeParser('text/plain');

  if (options.token) {
    const expected = Buffer.from(`Bearer ${options.token}`);
    app.addHook('onRequest', async (request, reply) => {
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return reply.code(401).send(errorBody('unauthorized', 'a valid Authorization: Bearer token is required'));
      }
    });
  }

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof KioskError) {
      return reply.code(STATUS[error.code]).send(errorBody(error.code, error.message, error.details));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send(errorBody(frameworkCode(status, error.code), error.message));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(errorBody('internal', 'the kiosk service failed; see its log'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('not_found', `no route ${request.method} ${request.url}`)),
  );

  const p = LOCAL_API_PREFIX;
  app.get(`${p}/status`, async () => service.status());
  app.get(`${p}/diagnostics/evaluator`, async () => {
    const diagnostics = service.evaluatorDiagnostics();
    if (!diagnostics) throw new KioskError('not_found', 'this kiosk has no serial evaluator configured');
    return { status: service.status().evaluator, ...diagnostics };
  });
  app.post(`${p}/shift/login`, async (request) => service.shifts.login(parseBody(LoginRequest, request.body)));
  app.post(`${p}/shift/pause`, async (request) => service.shifts.pause(parseBody(PauseRequest, request.body).reason));
  app.post(`${p}/shift/resume`, async (request) => {
    parseBody(EMPTY, request.body);
    return service.shifts.resume();
  });
  app.post(`${p}/shift/logout`, async (request) => {
    parseBody(EMPTY, request.body);
    return service.shifts.logout();
  });
  app.post(`${p}/invitations`, async (request, reply) => {
    const view = service.invitations.open(parseBody(InvitationRequest, request.body));
    return reply.code(201).send({ id: view.id, expiresAt: view.expiresAt });
  });
  app.get<{ Params: { id: string } }>(`${p}/invitations/:id`, async (request) =>
    service.invitations.get(invitationId(request.params.id)),
  );
  app.delete<{ Params: { id: string } }>(`${p}/invitations/:id`, async (request, reply) => {
    service.invitations.cancel(invitationId(request.params.id));
    return reply.code(204).send();
  });
  return app;
}

/** Builds the API and listens; resolves with the bound address. */
export async function startLocalApi(
  options: LocalApiOptions & { port: number },
): Promise<{ app: FastifyInstance; url: string }> {
  const app = buildLocalApi(options);
  const url = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port });
  return { app, url };
}

const EMPTY = z.strictObject({});

function invitationId(id: string): string {
  if (!UUID_PATTERN.test(id)) throw new KioskError('not_found', `no invitation ${id}`);
  return id;
}

function errorBody(code: string, message: string, details?: Record<string, unknown>): ApiErrorBody {
  return { error: code, message, ...details };
}

function frameworkCode(status: number, code: string | undefined): string {
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'invalid_json';
  if (status === 400) return 'invalid_request';
  return `http_${status}`;
}
