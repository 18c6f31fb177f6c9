/**
 * The kiosk's local HTTP API, for the hall's business and queue systems (Fastify). Loopback by default; any other
 * address needs a bearer token. Every error is JSON `{ error, message }` with a 4xx for anything the caller did.
 * No route takes a rating: ratings come only from the rater's own input. Runs in Node.
 */
import { isLoopback } from '../../common/loopback.js';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ownHostnames, serveBrowserHost, type BrowserHostOptions } from './browser-host.js';
import { ownCallersOnly } from './own-callers.js';
import { KioskError, type KioskErrorCode } from '../../shared/kiosk-errors.js';
import { InvitationRequest, LOCAL_API_PREFIX, LoginRequest, PauseRequest } from '../../shared/local-api.js';
import type { KioskService } from '../kiosk-service.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import { UUID_PATTERN } from '../../common/ids.js';
import { HttpError, installJsonErrors, parseBody, requireBearer } from '../../common/http.js';

export interface LocalApiOptions {
  service: KioskService;
  /** Address to bind; loopback unless a token is given. */
  host?: string;
  /** Required for any non-loopback `host`; then every request needs `Authorization: Bearer <token>`. */
  token?: string;
  logger?: Logger;
  /**
   * The browser host (browser-host.ts): the built screens, and the UI contract over a WebSocket at /ui for
   * screens paired by the technician.
   */
  ui?: BrowserHostOptions;
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
  key_test_on: 409,
  invitation_closed: 409,
  no_qr_code: 409,
  followup_not_allowed: 409,
  storage_full: 507,
  central_key_mismatch: 409,
};

export class LocalApiConfigError extends Error {
  override readonly name = 'LocalApiConfigError';
  readonly code = 'api_token_required';
}

export { isLoopback };

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

  app.addHook(
    'onRequest',
    ownCallersOnly({
      hostnames: ownHostnames(host),
      port: () => {
        const address = app.server.address();
        return typeof address === 'object' && address ? address.port : 0;
      },
      tokenRequired: options.token !== undefined,
      log: (options.logger ?? silentLogger).child({ module: 'local-api' }),
    }),
  );
  if (options.token) app.addHook('onRequest', requireBearer(options.token));
  installJsonErrors(app, {
    service: 'kiosk service',
    translate: (error) =>
      error instanceof KioskError
        ? new HttpError(STATUS[error.code], error.code, error.message, error.details)
        : undefined,
  });

  if (options.ui) serveBrowserHost(app, host, options.ui, options.logger ?? silentLogger);

  const p = LOCAL_API_PREFIX;
  app.get(`${p}/status`, async () => service.status());
  app.get(`${p}/diagnostics/evaluator`, async () => {
    const diagnostics = service.evaluatorDiagnostics();
    if (!diagnostics) throw new KioskError('not_found', 'this kiosk has no serial evaluator configured');
    return { status: service.evaluatorStatus(), ...diagnostics };
  });
  // Sync, for the technician: reconcile now, see quarantined records and send them again.
  const agent = () => {
    const sync = service.syncAgent;
    if (!sync) throw new KioskError('not_found', 'this kiosk is not enrolled with a central system');
    return sync;
  };
  app.post(`${p}/sync/reconcile`, async () => {
    const sync = agent();
    try {
      // Whether each day matched, not its counts: a day's tally counts follow-ups, so two calls around a rating
      // would tell the counter that it was a 差评.
      const days = await sync.reconcile();
      return {
        days: days.map((d) => ({ day: d.day, matched: d.central === d.local, requeued: d.requeued > 0 })),
      };
    } catch (error) {
      throw new HttpError(503, 'central_unreachable', `reconciliation failed: ${(error as Error).message}`);
    }
  });
  app.get(`${p}/sync/quarantine`, async () => ({ records: service.quarantined() }));
  app.post(`${p}/sync/quarantine/retry`, async () => {
    agent(); // not enrolled: 404, as before
    return service.retryQuarantined();
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
  // The QR code of a service nobody rated at the counter, for the 办件 system's receipt (docs/local-api.md).
  app.get<{ Params: { id: string } }>(`${p}/invitations/:id/qr`, async (request) =>
    service.ratingQrOf(invitationId(request.params.id)),
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
